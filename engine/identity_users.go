package engine

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// ListUsers returns one page of users matching f and how many match in all.
func (e *Engine) ListUsers(ctx context.Context, f store.UserFilter) ([]UserView, int64, error) {
	us, total, err := e.db.ListUsers(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	views, err := e.userViews(ctx, us)
	return views, total, err
}

// ViewUser returns one user with roles, departments and attributes.
func (e *Engine) ViewUser(ctx context.Context, id int64) (*UserView, error) {
	u, err := e.db.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: there is no user %d", store.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	views, err := e.userViews(ctx, []store.User{*u})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

func (e *Engine) userViews(ctx context.Context, us []store.User) ([]UserView, error) {
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	roles, err := e.db.RolesOfUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	depts, err := e.db.DepartmentsOfUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	views := make([]UserView, len(us))
	for i, u := range us {
		views[i] = UserView{User: u, Roles: orEmpty(roles[u.ID]), DepartmentIDs: orEmpty(depts[u.ID]),
			Attributes: exactAttributes(u.Attributes)}
	}
	return views, nil
}

// exactAttributes decodes stored attributes keeping numbers as written.
func exactAttributes(text string) map[string]any {
	var a Attributes
	if err := a.UnmarshalJSON([]byte(text)); err != nil || a == nil {
		return map[string]any{}
	}
	return a
}

func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}

// AddUser creates a user with roles, departments, manager and attributes in
// one transaction.
func (e *Engine) AddUser(ctx context.Context, in NewUser, by Principal) (*UserView, error) {
	u, err := newUserRow(in.Email, in.Name, in.Password)
	var ps problems
	if pl, ok := forms.AsProblems(err); ok {
		ps = append(ps, pl.Problems...)
	} else if err != nil {
		return nil, err
	}
	roles := checkRoles(e.access.Model(), &ps, in.Roles)
	checkAttributes(&ps, in.Attributes)
	err = e.accessChange(ctx, func(ctx context.Context) error {
		depts, err := e.checkDepartments(ctx, &ps, in.DepartmentIDs)
		if err != nil {
			return err
		}
		if err := e.checkManager(ctx, &ps, 0, in.ManagerID); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		attrs := encodeAttributes(in.Attributes)
		u.ManagerID, u.Attributes = in.ManagerID, attrs
		if err := e.db.CreateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: a user with e-mail %s already exists", store.ErrConflict, u.Email)
			}
			return err
		}
		if err := e.db.SetUserRoles(ctx, u.ID, roles); err != nil {
			return err
		}
		if err := e.db.SetUserDepartments(ctx, u.ID, depts); err != nil {
			return err
		}
		ch := changes{}
		ch.note("email", nil, u.Email)
		ch.note("name", nil, u.Name)
		ch.note("active", nil, true)
		ch.note("roles", nil, roles)
		ch.note("department_ids", nil, depts)
		ch.note("manager_id", nil, u.ManagerID)
		ch.note("attributes", nil, json.RawMessage(attrs))
		return e.audit(ctx, by, "user.create", "user", u.Email, u.ID, ch, "created user "+u.Email)
	})
	if err != nil {
		return nil, err
	}
	return e.ViewUser(ctx, u.ID)
}

// encodeAttributes is the stored text of attributes ({} for none).
func encodeAttributes(a Attributes) string {
	if len(a) == 0 {
		return "{}"
	}
	b, _ := json.Marshal(a)
	return string(b)
}

// UpdateUser applies p to user id. Nobody may change their own roles or
// deactivate themselves, and no change may leave the system without an
// active admin (both store.ErrConflict). Deactivating a user or resetting
// their password revokes their sessions (all but the one making the
// request, when they reset their own password).
func (e *Engine) UpdateUser(ctx context.Context, id int64, p UserPatch, by Principal) (*UserView, error) {
	// NB! Read the access model before the transaction: rebuilding it needs
	// a connection, and on SQLite the transaction holds the only one.
	model := e.access.Model()
	var ps problems
	checkPatchNulls(&ps, p)
	var roles []string
	if p.Roles.Set {
		roles = checkRoles(model, &ps, p.Roles.Value)
	}
	if p.Name.Set {
		p.Name.Value = strings.TrimSpace(p.Name.Value)
		checkName(&ps, "/name", p.Name.Value, true)
	}
	if p.Password.Set {
		checkPassword(&ps, p.Password.Value)
	}
	if p.Attributes.Set {
		checkAttributes(&ps, p.Attributes.Value)
	}
	var hash []byte
	if p.Password.Set && len(ps) == 0 {
		var err error
		if hash, err = bcrypt.GenerateFromPassword([]byte(p.Password.Value), bcrypt.DefaultCost); err != nil {
			return nil, err
		}
	}
	err := e.accessChange(ctx, func(ctx context.Context) error {
		before, err := e.ViewUser(ctx, id)
		if err != nil {
			return err
		}
		var depts []int64
		if p.DepartmentIDs.Set {
			if depts, err = e.checkDepartments(ctx, &ps, p.DepartmentIDs.Value); err != nil {
				return err
			}
		}
		if p.ManagerID.Set && !p.ManagerID.Null {
			if err := e.checkManager(ctx, &ps, id, &p.ManagerID.Value); err != nil {
				return err
			}
		}
		if err := ps.err(); err != nil {
			return err
		}
		if err := checkSelfChange(before, p, roles, by); err != nil {
			return err
		}
		ch, err := e.applyUserPatch(ctx, before, p, roles, depts, hash, by)
		if err != nil || len(ch) == 0 {
			return err
		}
		if ch["roles"] != nil || ch["active"] != nil {
			if err := e.checkAnAdminRemains(ctx, model); err != nil {
				return err
			}
		}
		return e.audit(ctx, by, "user.update", "user", before.Email, id, ch,
			"updated user "+before.Email+": "+strings.Join(ch.fields(), ", "))
	})
	if err != nil {
		return nil, err
	}
	return e.ViewUser(ctx, id)
}

// checkPatchNulls refuses null for the properties that cannot be empty.
func checkPatchNulls(ps *problems, p UserPatch) {
	for _, f := range []struct {
		path string
		null bool
	}{{"/name", p.Name.Null}, {"/active", p.Active.Null}, {"/roles", p.Roles.Null},
		{"/department_ids", p.DepartmentIDs.Null}, {"/attributes", p.Attributes.Null}, {"/password", p.Password.Null}} {
		if f.null {
			ps.add(f.path, forms.CodeInvalidType, "cannot be null; leave it out to keep the current value")
		}
	}
}

// checkSelfChange refuses a change of one's own roles or one's own
// deactivation: nobody locks themselves out, and nobody grants themselves
// more.
func checkSelfChange(before *UserView, p UserPatch, roles []string, by Principal) error {
	if before.ID != by.User.ID {
		return nil
	}
	if p.Roles.Set && !slices.Equal(roles, before.Roles) {
		return fmt.Errorf("%w: you cannot change your own roles; ask another admin", store.ErrConflict)
	}
	if p.Active.Set && !p.Active.Value && before.Active {
		return fmt.Errorf("%w: you cannot deactivate yourself; ask another admin", store.ErrConflict)
	}
	return nil
}

// applyUserPatch writes p and returns what changed.
func (e *Engine) applyUserPatch(ctx context.Context, before *UserView, p UserPatch, roles []string,
	depts []int64, hash []byte, by Principal) (changes, error) {
	ch := changes{}
	cols := map[string]any{}
	if p.Name.Set {
		ch.note("name", before.Name, p.Name.Value)
		cols["name"] = p.Name.Value
	}
	if p.Active.Set {
		ch.note("active", before.Active, p.Active.Value)
		cols["active"] = p.Active.Value
	}
	if p.ManagerID.Set {
		var m *int64
		if !p.ManagerID.Null {
			m = &p.ManagerID.Value
		}
		ch.note("manager_id", before.ManagerID, m)
		cols["manager_id"] = m
	}
	if p.Attributes.Set {
		attrs := encodeAttributes(p.Attributes.Value)
		ch.note("attributes", json.RawMessage(before.User.Attributes), json.RawMessage(attrs))
		cols["attributes"] = attrs
	}
	if hash != nil {
		ch["password"] = map[string]any{"changed": true}
		cols["password_hash"], cols["failed_logins"], cols["locked_until"] = string(hash), 0, nil
	}
	if len(cols) > 0 {
		if err := e.db.UpdateUser(ctx, before.ID, cols); err != nil {
			return nil, err
		}
	}
	if p.Roles.Set {
		ch.note("roles", before.Roles, roles)
		if err := e.db.SetUserRoles(ctx, before.ID, roles); err != nil {
			return nil, err
		}
	}
	if p.DepartmentIDs.Set {
		ch.note("department_ids", before.DepartmentIDs, depts)
		if err := e.db.SetUserDepartments(ctx, before.ID, depts); err != nil {
			return nil, err
		}
	}
	return ch, e.revokeAfterChange(ctx, before, p, hash, by, ch)
}

// revokeAfterChange signs a deactivated user out everywhere, and a user
// whose password was reset everywhere but in the request doing it.
func (e *Engine) revokeAfterChange(ctx context.Context, before *UserView, p UserPatch, hash []byte, by Principal, ch changes) error {
	keep := ""
	switch {
	case p.Active.Set && !p.Active.Value:
	case hash != nil:
		if by.User.ID == before.ID {
			keep = by.TokenHash
		}
	default:
		return nil
	}
	n, err := e.db.RevokeUserSessions(ctx, before.ID, keep, time.Now().UTC())
	if n > 0 {
		ch["sessions_revoked"] = n
	}
	return err
}

// adminRoles are the roles that make a user an admin: admin itself and any
// role that includes it.
func (e *Engine) adminRoles(ctx context.Context, m *rbac.Model) ([]string, error) {
	held, err := e.db.DistinctRoles(ctx)
	if err != nil {
		return nil, err
	}
	out := []string{RoleAdmin}
	for _, r := range held {
		if r != RoleAdmin && m.IsAdmin([]string{r}) {
			out = append(out, r)
		}
	}
	return out, nil
}

// checkAnAdminRemains refuses a change that leaves no active admin.
func (e *Engine) checkAnAdminRemains(ctx context.Context, m *rbac.Model) error {
	roles, err := e.adminRoles(ctx, m)
	if err != nil {
		return err
	}
	n, err := e.db.CountActiveWithRoles(ctx, roles)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: this would leave no active admin; make someone else an admin first", store.ErrConflict)
	}
	return nil
}
