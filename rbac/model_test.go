package rbac_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

type formMap map[string]*forms.Compiled

func (m formMap) Form(k string) (*forms.Compiled, bool) { c, ok := m[k]; return c, ok }
func (m formMap) HasForm(k string) bool                 { _, ok := m[k]; return ok }

type roleSet map[string]bool

func (r roleSet) HasRole(k string) bool { return r[k] }

const dealForm = `{"kind":"form","key":"deal","title":"Deal","fields":[
 {"key":"title","type":"text","label":"Title"},
 {"key":"region","type":"text","label":"Region"},
 {"key":"margin","type":"money","label":"Margin"},
 {"key":"lines","type":"sub_table","label":"Lines","fields":[{"key":"qty","type":"integer","label":"Qty"},{"key":"cost","type":"money","label":"Cost"}]}]}`

func compileForm(t *testing.T) *forms.Compiled {
	t.Helper()
	f, err := forms.Parse([]byte(dealForm))
	if err != nil {
		t.Fatal(err)
	}
	c, err := forms.Compile(f, 1, formMap{}, forms.DefaultTypes())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func compileRole(t *testing.T, fm formMap, roles roleSet, src string) *rbac.CompiledRole {
	t.Helper()
	r, err := rbac.ParseRole([]byte(src))
	if err != nil {
		t.Fatal(err)
	}
	cr, err := rbac.Compile(r, 1, fm, roles)
	if err != nil {
		t.Fatalf("compile %s: %v", r.Key, err)
	}
	return cr
}

// fixture: users 1 (rep, dept 10), 2 (rep, dept 11 under 10), 3 (director of
// dept 10), 4 (east viewer), 5 (nothing).
func buildModel(t *testing.T) (*rbac.Model, *forms.Compiled) {
	t.Helper()
	deal := compileForm(t)
	fm := formMap{"deal": deal}
	roles := roleSet{"rep": true, "director": true, "viewer": true}
	rep := compileRole(t, fm, roles, `{"kind":"role","key":"rep","title":"Rep","grants":[
		{"form":"deal","actions":["create","read","update"],"scope":"own","fields":{"margin":"hidden","lines.cost":"hidden","region":"read"}}]}`)
	director := compileRole(t, fm, roles, `{"kind":"role","key":"director","title":"Director","includes":["rep"],"grants":[
		{"form":"deal","actions":["read","delete"],"scope":"department_tree","fields":{"margin":"read","lines.cost":"read"}}]}`)
	viewer := compileRole(t, fm, roles, `{"kind":"role","key":"viewer","title":"Viewer","grants":[
		{"form":"deal","actions":["read"],"scope":"filter","filter":"region == user.region"}]}`)
	parent := int64(10)
	data := &store.AccessData{
		Users: []store.User{{ID: 1, Active: true, Attributes: "{}"}, {ID: 2, Active: true, Attributes: "{}"},
			{ID: 3, Active: true, Attributes: "{}"}, {ID: 4, Active: true, Attributes: `{"region":"east"}`}, {ID: 5, Active: true, Attributes: "{}"}},
		Roles:       []store.UserRole{{UserID: 1, Role: "rep"}, {UserID: 2, Role: "rep"}, {UserID: 3, Role: "director"}, {UserID: 4, Role: "viewer"}},
		Departments: []store.Department{{ID: 10, Name: "Sales"}, {ID: 11, Name: "Sales East", ParentID: &parent}},
		Members:     []store.UserDepartment{{UserID: 1, DepartmentID: 10}, {UserID: 2, DepartmentID: 11}, {UserID: 3, DepartmentID: 10}},
	}
	m, err := rbac.Build(1, []*rbac.CompiledRole{rep, director, viewer}, data)
	if err != nil {
		t.Fatal(err)
	}
	return m, deal
}

func subject(m *rbac.Model, id int64, attrs map[string]any) rbac.Subject {
	return rbac.Subject{Actor: forms.Actor{ID: id, Attrs: attrs}, Roles: m.RolesOf(id)}
}

func TestAccessMatrix(t *testing.T) {
	t.Parallel()
	m, deal := buildModel(t)
	cases := []struct {
		user   int64
		attrs  map[string]any
		action string
		allow  bool
		fields string // path=level for margin, region, lines.cost, title
	}{
		{1, nil, "read", true, "margin=hidden region=read lines.cost=hidden title=write"},
		{1, nil, "delete", false, ""},
		{1, nil, "export", false, ""},
		{3, nil, "read", true, "margin=read region=read lines.cost=read title=write"},
		{3, nil, "delete", true, "margin=read region=read lines.cost=read title=write"},
		{4, map[string]any{"region": "east"}, "read", true, "margin=read region=read lines.cost=read title=read"},
		{4, map[string]any{"region": "east"}, "update", false, ""},
		{5, nil, "read", false, ""},
	}
	for _, tc := range cases {
		acc, err := m.Access(subject(m, tc.user, tc.attrs), deal, tc.action)
		if !tc.allow {
			if !errors.Is(err, store.ErrForbidden) {
				t.Errorf("user %d %s: %v, want forbidden", tc.user, tc.action, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("user %d %s: %v", tc.user, tc.action, err)
		}
		var got []string
		for _, p := range []string{"margin", "region", "lines.cost", "title"} {
			got = append(got, p+"="+acc.Level(p).String())
		}
		if strings.Join(got, " ") != tc.fields {
			t.Errorf("user %d %s fields: %s, want %s", tc.user, tc.action, strings.Join(got, " "), tc.fields)
		}
	}
}

func TestRowScopes(t *testing.T) {
	t.Parallel()
	m, deal := buildModel(t)
	db := storeForRender(t)
	scope := func(user int64, attrs map[string]any, action string) string {
		acc, err := m.Access(subject(m, user, attrs), deal, action)
		if err != nil {
			t.Fatal(err)
		}
		if acc.Rows == nil {
			return "all"
		}
		sql, vars := db.RenderCond(acc.Rows)
		return sql + " " + fmtVars(vars)
	}
	if got := scope(1, nil, "read"); got != `"owner" = ? 1` {
		t.Errorf("own scope: %s", got)
	}
	// The director's own-scope grant (through rep) and department tree grant
	// combine: users 3, 1 (dept 10) and 2 (dept 11, under 10).
	if got := scope(3, nil, "read"); got != `("owner" = ? OR "owner" IN (?, ?, ?)) 3 3 1 2` {
		t.Errorf("department tree scope: %s", got)
	}
	if got := scope(4, map[string]any{"region": "east"}, "read"); got != `"region" = ? east` {
		t.Errorf("filter scope: %s", got)
	}
}

func TestAdminRoleMayDoEverything(t *testing.T) {
	t.Parallel()
	m, deal := buildModel(t)
	acc, err := m.Access(rbac.Subject{Actor: forms.Actor{ID: 9}, Roles: []string{rbac.AdminRole}}, deal, "delete")
	if err != nil || acc.Rows != nil || !acc.CanWrite("margin") {
		t.Errorf("admin: %v %+v", err, acc)
	}
	if !m.IsAdmin([]string{"admin"}) || m.IsAdmin([]string{"director"}) {
		t.Errorf("IsAdmin")
	}
}

func TestCompileReportsMistakes(t *testing.T) {
	t.Parallel()
	fm := formMap{"deal": compileForm(t)}
	cases := map[string]string{
		`{"kind":"role","key":"x","title":"X","grants":[{"form":"nope","actions":["read"]}]}`:                                 "/grants/0/form",
		`{"kind":"role","key":"x","title":"X","grants":[{"form":"deal","actions":["fly"]}]}`:                                  "/grants/0/actions/0",
		`{"kind":"role","key":"x","title":"X","grants":[{"form":"deal","actions":["read"],"scope":"galaxy"}]}`:                "/grants/0/scope",
		`{"kind":"role","key":"x","title":"X","grants":[{"form":"deal","actions":["read"],"scope":"filter","filter":"x >"}]}`: "/grants/0/filter",
		`{"kind":"role","key":"x","title":"X","grants":[{"form":"deal","actions":["read"],"fields":{"nope":"read"}}]}`:        "/grants/0/fields/nope",
		`{"kind":"role","key":"x","title":"X","grants":[{"form":"deal","actions":["read"],"fields":{"margin":"maybe"}}]}`:     "/grants/0/fields/margin",
		`{"kind":"role","key":"x","title":"X","includes":["admin"],"grants":[]}`:                                              "/includes/0",
		`{"kind":"role","key":"admin","title":"X","grants":[]}`:                                                               "/key",
	}
	for src, path := range cases {
		r, err := rbac.ParseRole([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, err = rbac.Compile(r, 1, fm, roleSet{})
		pl, ok := forms.AsProblems(err)
		if !ok || pl.Problems[0].Path != path {
			t.Errorf("%s: %v, want a problem at %s", src, err, path)
		}
	}
}
