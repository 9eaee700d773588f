package rbac

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/casbin/casbin/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Subject is who asks: a user and the roles in force for this request (all
// of the user's roles, or an API key's subset).
type Subject struct {
	Actor forms.Actor
	Roles []string
}

// Model is an immutable, in-memory picture of who may do what, built from
// the published role definitions and the users' roles and departments. The
// engine rebuilds it when any of those change; answering a question never
// touches the database.
type Model struct {
	Version   int64
	roles     map[string]*CompiledRole
	users     map[int64]*userInfo
	children  map[int64][]int64 // department → sub-departments
	members   map[int64][]int64 // department → users
	heads     map[int64]int64   // department → its head (flows' department_head)
	enforcer  *casbin.SyncedEnforcer
	levels    sync.Map // levelsKey → map[string]forms.FieldLevel
	verdicts  sync.Map // "role|object|action" → bool
	enforceMu sync.Mutex
}

type userInfo struct {
	roles   []string
	depts   []int64
	active  bool
	attrs   map[string]any
	manager int64 // 0: none (flows' manager assignees)
}

// Build makes a model from compiled roles and the stored memberships.
func Build(version int64, roles []*CompiledRole, data *store.AccessData) (*Model, error) {
	m := &Model{Version: version, roles: map[string]*CompiledRole{}, users: map[int64]*userInfo{},
		children: map[int64][]int64{}, members: map[int64][]int64{}, heads: map[int64]int64{}}
	rules := [][]string{{"p", roleSubject(AdminRole), "*", "*"}}
	for _, r := range roles {
		m.roles[r.Key] = r
		for _, inc := range r.Includes {
			rules = append(rules, []string{"g", roleSubject(r.Key), roleSubject(inc)})
		}
		for _, g := range r.Grants {
			// note: "form:*" matches every form (keyMatch) but not the
			// administration, which only the admin role's "*" reaches.
			obj := formObject(g.Form)
			for _, a := range g.Actions {
				rules = append(rules, []string{"p", roleSubject(r.Key), obj, a})
			}
		}
	}
	for _, u := range data.Users {
		info := &userInfo{active: u.Active, attrs: map[string]any{}}
		if u.ManagerID != nil {
			info.manager = *u.ManagerID
		}
		_ = json.Unmarshal([]byte(u.Attributes), &info.attrs)
		m.users[u.ID] = info
	}
	for _, ur := range data.Roles {
		if u := m.users[ur.UserID]; u != nil {
			u.roles = append(u.roles, ur.Role)
		}
	}
	for _, d := range data.Departments {
		if d.ParentID != nil {
			m.children[*d.ParentID] = append(m.children[*d.ParentID], d.ID)
		}
		if d.HeadID != nil {
			m.heads[d.ID] = *d.HeadID
		}
	}
	for _, ud := range data.Members {
		if u := m.users[ud.UserID]; u != nil {
			u.depts = append(u.depts, ud.DepartmentID)
		}
		m.members[ud.DepartmentID] = append(m.members[ud.DepartmentID], ud.UserID)
	}
	e, err := newEnforcer(rules)
	if err != nil {
		return nil, err
	}
	m.enforcer = e
	return m, nil
}

// RolesOf lists a user's roles.
func (m *Model) RolesOf(userID int64) []string {
	if u := m.users[userID]; u != nil {
		return slices.Clone(u.roles)
	}
	return nil
}

// HasRole reports whether key is a role a user can be given.
func (m *Model) HasRole(key string) bool {
	_, ok := m.roles[key]
	return ok || key == AdminRole
}

// Role returns a compiled role definition.
func (m *Model) Role(key string) (*CompiledRole, bool) {
	r, ok := m.roles[key]
	return r, ok
}

// Can reports whether any of roles may do action on form ("" for the
// administration).
func (m *Model) Can(roles []string, form, action string) bool {
	obj := SystemObject
	if form != "" {
		obj = formObject(form)
	}
	for _, r := range roles {
		if m.enforce(r, obj, action) {
			return true
		}
	}
	return false
}

// enforce asks casbin once per role, object and action; the model is
// immutable, so the answer is kept.
func (m *Model) enforce(role, obj, action string) bool {
	key := role + "|" + obj + "|" + action
	if v, ok := m.verdicts.Load(key); ok {
		return v.(bool)
	}
	// note: casbin's enforcer is not safe for concurrent use, and an error
	// must not be remembered as a refusal: it would deny a role for the
	// model's whole life.
	m.enforceMu.Lock()
	ok, err := m.enforcer.Enforce(roleSubject(role), obj, action)
	m.enforceMu.Unlock()
	if err != nil {
		return false
	}
	m.verdicts.Store(key, ok)
	return ok
}

// IsAdmin reports whether roles include the admin role (directly or through
// includes).
func (m *Model) IsAdmin(roles []string) bool { return m.Can(roles, "", "admin") }

// ruled is one grant with the role it came from.
type ruled struct {
	role  string
	grant *Grant
	index int
}

// grants lists the grants of roles (and the roles they include) that cover
// form and, when action is not "", action.
func (m *Model) grants(roles []string, form, action string) []ruled {
	var out []ruled
	seen := map[string]bool{}
	var walk func(key string)
	walk = func(key string) {
		if seen[key] {
			return
		}
		seen[key] = true
		r := m.roles[key]
		if r == nil {
			return
		}
		for _, inc := range r.Includes {
			walk(inc)
		}
		for i := range r.Grants {
			g := &r.Grants[i]
			if g.Form != "*" && g.Form != form {
				continue
			}
			if action != "" && !slices.Contains(g.Actions, action) && !slices.Contains(g.Actions, "*") {
				continue
			}
			out = append(out, ruled{role: key, grant: g, index: i})
		}
	}
	for _, r := range roles {
		walk(r)
	}
	return out
}

// Access is what s may do with form's records for action: the rows and the
// field levels. It fails with store.ErrForbidden when no role grants the
// action.
func (m *Model) Access(s Subject, form *forms.Compiled, action string) (*forms.Access, error) {
	if m.IsAdmin(s.Roles) {
		return forms.FullAccess(), nil
	}
	if !m.Can(s.Roles, form.Form.Key, action) {
		return nil, fmt.Errorf("%w: you may not %s %s records", store.ErrForbidden, action, form.Form.Key)
	}
	rows, err := m.rows(s, form, m.grants(s.Roles, form.Form.Key, action))
	if err != nil {
		return nil, err
	}
	return forms.NewAccess(rows, m.fieldLevels(s.Roles, form), forms.Hidden), nil
}

// rows is the union of the row scopes of grants; nil when one of them covers
// every row.
func (m *Model) rows(s Subject, form *forms.Compiled, grants []ruled) (store.Cond, error) {
	var conds []store.Cond
	for _, g := range grants {
		c, err := m.scope(s, form, g.grant)
		if err != nil {
			return nil, fmt.Errorf("role %s, grant %d: %w", g.role, g.index, err)
		}
		if c == nil {
			return nil, nil
		}
		conds = append(conds, c)
	}
	if len(conds) == 1 {
		return conds[0], nil
	}
	return store.Or(conds...), nil
}

// scope turns one grant's scope into a condition on the form's rows.
func (m *Model) scope(s Subject, form *forms.Compiled, g *Grant) (store.Cond, error) {
	switch g.Scope {
	case ScopeOwn:
		return store.Compare("owner", store.OpEq, s.Actor.ID), nil
	case ScopeDepartment, ScopeDepartmentTree:
		return store.In("owner", m.colleagues(s.Actor.ID, g.Scope == ScopeDepartmentTree), false), nil
	case ScopeFilter:
		return form.Filter(g.Filter, s.Actor)
	}
	return nil, nil
}

// colleagues lists the users in the departments of userID (and, with tree,
// their sub-departments), userID included.
func (m *Model) colleagues(userID int64, tree bool) []any {
	seen := map[int64]bool{userID: true}
	out := []any{userID}
	var visit func(dept int64, depth int)
	visit = func(dept int64, depth int) {
		if depth > 64 {
			return
		}
		for _, u := range m.members[dept] {
			if !seen[u] {
				seen[u] = true
				out = append(out, u)
			}
		}
		if tree {
			for _, c := range m.children[dept] {
				visit(c, depth+1)
			}
		}
	}
	if u := m.users[userID]; u != nil {
		for _, d := range u.depts {
			visit(d, 0)
		}
	}
	return out
}

// fieldLevels is, for every field path of form, the most any grant of roles
// on the form allows. It is cached per role set and form version.
func (m *Model) fieldLevels(roles []string, form *forms.Compiled) map[string]forms.FieldLevel {
	sorted := slices.Clone(roles)
	sort.Strings(sorted)
	key := strings.Join(sorted, ",") + "|" + form.Form.Key + "|" + strconv.Itoa(form.Version)
	if v, ok := m.levels.Load(key); ok {
		return v.(map[string]forms.FieldLevel)
	}
	levels := map[string]forms.FieldLevel{}
	grants := m.grants(roles, form.Form.Key, "")
	for _, path := range fieldPaths(form) {
		best := forms.Hidden
		for _, g := range grants {
			best = max(best, m.grantLevel(g, path))
		}
		levels[path] = best
	}
	m.levels.Store(key, levels)
	return levels
}

// grantLevel is what one grant allows on the field at path.
func (m *Model) grantLevel(g ruled, path string) forms.FieldLevel {
	if lv := m.roles[g.role].levels[g.index]; lv != nil {
		if l, ok := lv[path]; ok {
			return l
		}
		if key, _, child := strings.Cut(path, "."); child {
			if l, ok := lv[key]; ok {
				return l
			}
		}
		if l, ok := lv["*"]; ok {
			return l
		}
	}
	for _, a := range g.grant.Actions {
		if a == ActCreate || a == ActUpdate || a == "*" {
			return forms.Writable
		}
	}
	return forms.ReadOnly
}

// fieldPaths lists "key" for every field and "key.column" for every
// sub-table column.
func fieldPaths(c *forms.Compiled) []string {
	var out []string
	for _, f := range c.Fields() {
		out = append(out, f.Key)
		if f.Child != nil {
			for _, col := range f.Child.Fields() {
				out = append(out, f.Key+"."+col.Key)
			}
		}
	}
	return out
}
