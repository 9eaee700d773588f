package rbac

import (
	_ "embed"
	"fmt"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
)

//go:embed model.conf
var modelConf string

// policyAdapter feeds casbin the rules compiled from role definitions and
// memberships. The rules live in the database as those definitions and rows,
// edited through Mosaic's API (and audited there), so the adapter only loads.
type policyAdapter struct {
	rules [][]string // each: ptype, values…
}

var _ persist.Adapter = (*policyAdapter)(nil)

func (a *policyAdapter) LoadPolicy(m model.Model) error {
	for _, r := range a.rules {
		if err := persist.LoadPolicyArray(r, m); err != nil {
			return err
		}
	}
	return nil
}

var errReadOnly = fmt.Errorf("policies are edited as role definitions and memberships, not through casbin")

func (a *policyAdapter) SavePolicy(model.Model) error                { return errReadOnly }
func (a *policyAdapter) AddPolicy(string, string, []string) error    { return errReadOnly }
func (a *policyAdapter) RemovePolicy(string, string, []string) error { return errReadOnly }
func (a *policyAdapter) RemoveFilteredPolicy(string, string, int, ...string) error {
	return errReadOnly
}

// newEnforcer builds a synced casbin enforcer over rules.
func newEnforcer(rules [][]string) (*casbin.SyncedEnforcer, error) {
	m, err := model.NewModelFromString(modelConf)
	if err != nil {
		return nil, fmt.Errorf("access model: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, &policyAdapter{rules: rules})
	if err != nil {
		return nil, fmt.Errorf("access policies: %w", err)
	}
	return e, nil
}

func roleSubject(role string) string { return "role:" + role }
func formObject(form string) string  { return "form:" + form }

// SystemObject is the casbin object of the administration (users, roles,
// keys); only the admin role may act on it.
const SystemObject = "system"
