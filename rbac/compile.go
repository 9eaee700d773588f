package rbac

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Forms finds the live compiled forms a role refers to.
type Forms interface {
	Form(key string) (*forms.Compiled, bool)
}

// Roles tells which roles exist, for includes.
type Roles interface {
	HasRole(key string) bool
}

// CompiledRole is a role checked against the forms it names.
type CompiledRole struct {
	*Role
	Version int
	levels  []map[string]forms.FieldLevel // per grant
}

// Compile checks a role: its key, the roles it includes, each grant's form,
// actions, scope, filter and fields. Mistakes come back in a
// *forms.ProblemList with JSON pointers.
func Compile(r *Role, version int, fs Forms, roles Roles) (*CompiledRole, error) {
	var ps []forms.Problem
	add := func(path, code, format string, args ...any) {
		ps = append(ps, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if msg := forms.CheckKey(r.Key, false); msg != "" {
		add("/key", forms.CodeInvalidKey, "%s", msg)
	}
	if r.Key == AdminRole {
		add("/key", forms.CodeReservedKey, "admin is the built-in role that may do everything; choose another key")
	}
	for i, inc := range r.Includes {
		switch {
		case inc == AdminRole:
			add(fmt.Sprintf("/includes/%d", i), forms.CodeInvalidSetting, "a role cannot include admin; give users the admin role itself")
		case inc == r.Key || !roles.HasRole(inc):
			add(fmt.Sprintf("/includes/%d", i), forms.CodeUnknownTarget, "there is no other role %q to include", inc)
		}
	}
	cr := &CompiledRole{Role: r, Version: version}
	for i, g := range r.Grants {
		levels, gps := compileGrant(g, fmt.Sprintf("/grants/%d", i), fs)
		ps = append(ps, gps...)
		cr.levels = append(cr.levels, levels)
	}
	if len(ps) > 0 {
		return nil, &forms.ProblemList{Subject: "role/" + r.Key, Problems: ps}
	}
	return cr, nil
}

func compileGrant(g Grant, path string, fs Forms) (map[string]forms.FieldLevel, []forms.Problem) {
	var ps []forms.Problem
	add := func(p, code, format string, args ...any) {
		ps = append(ps, forms.Problem{Path: path + p, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	var form *forms.Compiled
	if g.Form != "*" {
		f, ok := fs.Form(g.Form)
		if !ok {
			add("/form", forms.CodeUnknownTarget, "there is no published form %q", g.Form)
		}
		form = f
	}
	for j, a := range g.Actions {
		if a != "*" && !slices.Contains(Actions, a) {
			add(fmt.Sprintf("/actions/%d", j), forms.CodeInvalidSetting, "unknown action %q; use %s", a, strings.Join(Actions, ", "))
		}
	}
	switch g.Scope {
	case "", ScopeAll, ScopeOwn, ScopeDepartment, ScopeDepartmentTree:
		if g.Filter != "" {
			add("/filter", forms.CodeInvalidSetting, "a filter applies only with scope \"filter\"")
		}
	case ScopeFilter:
		if form == nil && g.Form != "*" {
			break
		}
		if g.Form == "*" {
			add("/scope", forms.CodeInvalidSetting, "a filter scope needs one form, not \"*\"")
			break
		}
		// note: the filter is translated again for each request, with the
		// caller's attributes; here it is checked with placeholders.
		if err := checkFilter(form, g.Filter); err != nil {
			add("/filter", forms.CodeInvalidExpr, "%v", err)
		}
	default:
		add("/scope", forms.CodeInvalidSetting, "unknown scope %q; use own, department, department_tree, all or filter", g.Scope)
	}
	levels := map[string]forms.FieldLevel{}
	for key, lvl := range g.Fields {
		p := "/fields/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(key)
		l, ok := parseLevel(lvl)
		if !ok {
			add(p, forms.CodeInvalidSetting, "%q is not a level; use hidden, read or write", lvl)
			continue
		}
		if form == nil && key != "*" {
			if g.Form == "*" {
				add(p, forms.CodeInvalidSetting, "field levels need one form, not \"*\"")
			}
			continue
		}
		if key != "*" && !hasFieldPath(form, key) {
			add(p, forms.CodeUnknownFieldRef, "%s has no field %q", g.Form, key)
			continue
		}
		levels[key] = l
	}
	return levels, ps
}

func parseLevel(s string) (forms.FieldLevel, bool) {
	switch s {
	case "hidden":
		return forms.Hidden, true
	case "read":
		return forms.ReadOnly, true
	case "write":
		return forms.Writable, true
	}
	return forms.Hidden, false
}

// hasFieldPath reports whether "key" or "subtable.column" names a field.
func hasFieldPath(c *forms.Compiled, path string) bool {
	key, col, child := strings.Cut(path, ".")
	f, ok := c.Field(key)
	if !ok {
		return false
	}
	if !child {
		return true
	}
	if f.Child == nil {
		return false
	}
	_, ok = f.Child.Field(col)
	return ok
}

// checkFilter translates a scope filter with placeholder attributes: each
// user.<name> is tried as text, as a number and as empty, since attributes
// are typed only when a user has them.
func checkFilter(form *forms.Compiled, src string) error {
	var first error
	for _, v := range []any{"", float64(0), nil} {
		_, err := form.Filter(src, forms.Actor{ID: 1, Attrs: placeholderAttrs(src, v)})
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// placeholderAttrs gives every user.<name> in src the value v.
func placeholderAttrs(src string, v any) map[string]any {
	attrs := map[string]any{}
	for _, part := range strings.Split(src, "user.")[1:] {
		end := strings.IndexFunc(part, func(r rune) bool { return !(r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9') })
		if end < 0 {
			end = len(part)
		}
		attrs[part[:end]] = v
	}
	return attrs
}
