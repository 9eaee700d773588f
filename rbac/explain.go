package rbac

import (
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// FormPermissions is what a subject may do with one form: the actions and
// each field's level. The studio renders forms from it.
type FormPermissions struct {
	Form    string            `json:"form"`
	Actions []string          `json:"actions"`
	Fields  map[string]string `json:"fields"`
}

// Permissions answers "what may s do with form".
func (m *Model) Permissions(s Subject, form *forms.Compiled) FormPermissions {
	out := FormPermissions{Form: form.Form.Key, Actions: []string{}, Fields: map[string]string{}}
	admin := m.IsAdmin(s.Roles)
	for _, a := range Actions {
		if admin || m.Can(s.Roles, form.Form.Key, a) {
			out.Actions = append(out.Actions, a)
		}
	}
	levels := m.fieldLevels(s.Roles, form)
	for _, p := range fieldPaths(form) {
		l := levels[p]
		if admin {
			l = forms.Writable
		}
		// note: a field the engine computes, or the form marks read-only,
		// is at most readable whatever the roles say.
		if f := fieldAt(form, p); f != nil && (f.Computed() || f.ReadOnly) {
			l = min(l, forms.ReadOnly)
		}
		out.Fields[p] = l.String()
	}
	return out
}

// fieldAt finds the field at "key" or "subtable.column".
func fieldAt(c *forms.Compiled, path string) *forms.CField {
	key, col, child := strings.Cut(path, ".")
	f, ok := c.Field(key)
	if !ok {
		return nil
	}
	if !child {
		return f
	}
	if f.Child == nil {
		return nil
	}
	cf, _ := f.Child.Field(col)
	return cf
}

// Reason is one rule that took part in a decision.
type Reason struct {
	Role   string `json:"role"`
	Grant  int    `json:"grant"`
	Scope  string `json:"scope,omitempty"`
	Filter string `json:"filter,omitempty"`
	Level  string `json:"level,omitempty"`
	Note   string `json:"note"`
}

// Explanation says why a subject may or may not do an action on a form, and
// what it may do with one field.
type Explanation struct {
	Roles      []string `json:"roles"`
	Form       string   `json:"form"`
	Action     string   `json:"action"`
	Allowed    bool     `json:"allowed"`
	Field      string   `json:"field,omitempty"`
	FieldLevel string   `json:"field_level,omitempty"`
	Reasons    []Reason `json:"reasons"`
	Summary    string   `json:"summary"`
}

// Explain lists the roles and grants that decide whether s may do action on
// form, and, when field is not "", the level each grant gives that field.
// Whether one particular record is within the rows is for the caller to add
// (it needs the database).
func (m *Model) Explain(s Subject, form *forms.Compiled, action, field string) Explanation {
	ex := Explanation{Roles: s.Roles, Form: form.Form.Key, Action: action, Field: field, Reasons: []Reason{}}
	if m.IsAdmin(s.Roles) {
		ex.Allowed = true
		ex.FieldLevel = forms.Writable.String()
		ex.Reasons = append(ex.Reasons, Reason{Role: AdminRole, Grant: -1, Note: "the admin role may do everything"})
		ex.Summary = "allowed: the admin role may do everything"
		if field == "" {
			ex.FieldLevel = ""
		}
		return ex
	}
	grants := m.grants(s.Roles, form.Form.Key, "")
	best := forms.Hidden
	for _, g := range grants {
		r := Reason{Role: g.role, Grant: g.index, Scope: scopeName(g.grant), Filter: g.grant.Filter}
		covers := containsAction(g.grant.Actions, action)
		if covers {
			ex.Allowed = true
			r.Note = fmt.Sprintf("grants %s on %s, rows: %s", action, g.grant.Form, describeScope(g.grant))
		} else {
			r.Note = fmt.Sprintf("grants %s on %s, not %s", strings.Join(g.grant.Actions, ", "), g.grant.Form, action)
		}
		if field != "" {
			l := m.grantLevel(g, field)
			r.Level = l.String()
			best = max(best, l)
		}
		ex.Reasons = append(ex.Reasons, r)
	}
	if field != "" {
		ex.FieldLevel = best.String()
	}
	switch {
	case len(grants) == 0:
		ex.Summary = fmt.Sprintf("denied: none of the roles %v has a grant on %s", s.Roles, form.Form.Key)
	case !ex.Allowed:
		ex.Summary = fmt.Sprintf("denied: the roles' grants on %s do not include %s", form.Form.Key, action)
	default:
		ex.Summary = fmt.Sprintf("allowed: %s on %s through the grants listed; rows are the union of their scopes", action, form.Form.Key)
	}
	if field != "" {
		ex.Summary += fmt.Sprintf("; field %s is %s (the most any grant gives)", field, ex.FieldLevel)
	}
	return ex
}

func containsAction(actions []string, a string) bool {
	for _, x := range actions {
		if x == a || x == "*" {
			return true
		}
	}
	return false
}

func scopeName(g *Grant) string {
	if g.Scope == "" {
		return ScopeAll
	}
	return g.Scope
}

func describeScope(g *Grant) string {
	switch g.Scope {
	case ScopeOwn:
		return "records the user owns"
	case ScopeDepartment:
		return "records owned by people in the user's departments"
	case ScopeDepartmentTree:
		return "records owned by people in the user's departments and their sub-departments"
	case ScopeFilter:
		return "records where " + g.Filter
	}
	return "all records"
}
