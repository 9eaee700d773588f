package documents

import (
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Forms finds the compiled forms a template prints.
type Forms interface {
	Form(key string) (*forms.Compiled, bool)
}

// Compiled is a checked template with every path resolved.
type Compiled struct {
	*Template
	Version  int
	Form     *forms.Compiled
	sections []csection
}

type csection struct {
	*Section
	fields  []cpath
	table   *forms.CField
	columns []cpath
}

// cpath is a resolved path: a field, and when it goes through a relation,
// the linked form and its field.
type cpath struct {
	path  string
	label string
	field *forms.CField
	via   *forms.Compiled // the related form, for "customer.name"
	leaf  *forms.CField   // the field of the related form
}

// Compile checks t against the forms it prints; problems carry JSON
// pointers into the template.
func Compile(t *Template, version int, set Forms) (*Compiled, error) {
	var ps []forms.Problem
	add := func(path, code, format string, args ...any) {
		ps = append(ps, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	if msg := forms.CheckKey(t.Key, false); msg != "" {
		add("/key", forms.CodeInvalidKey, "%s", msg)
	}
	c := &Compiled{Template: t, Version: version}
	form, ok := set.Form(t.Form)
	if !ok {
		add("/form", forms.CodeUnknownTarget, "there is no published form %q", t.Form)
		return nil, &forms.ProblemList{Subject: "document/" + t.Key, Problems: ps}
	}
	c.Form = form
	if t.Attach != "" {
		f, ok := form.Field(t.Attach)
		if !ok || f.Type != "attachment" || !f.AcceptsType("application/pdf") {
			add("/attach", forms.CodeInvalidSetting, "%q is not an attachment field of %s that accepts PDF", t.Attach, t.Form)
		}
	}
	for i := range t.Sections {
		s := &t.Sections[i]
		base := fmt.Sprintf("/sections/%d", i)
		cs := csection{Section: s}
		given := 0
		for _, has := range []bool{len(s.Fields) > 0, s.Table != "", s.Text != ""} {
			if has {
				given++
			}
		}
		if given != 1 {
			add(base, forms.CodeInvalidSetting, "a section has fields, a table with columns, or a text: exactly one")
		}
		for j, p := range s.Fields {
			if cp, msg := resolve(form, p, set, s.Labels); msg != "" {
				add(fmt.Sprintf("%s/fields/%d", base, j), forms.CodeUnknownFieldRef, "%s", msg)
			} else {
				cs.fields = append(cs.fields, cp)
			}
		}
		if s.Table != "" {
			f, ok := form.Field(s.Table)
			if !ok || f.Child == nil {
				add(base+"/table", forms.CodeUnknownFieldRef, "%s has no sub-table %q", t.Form, s.Table)
			} else {
				cs.table = f
				if len(s.Columns) == 0 {
					add(base+"/columns", forms.CodeInvalidSetting, "a table needs columns")
				}
				for j, p := range s.Columns {
					if cp, msg := resolve(f.Child, p, set, s.Labels); msg != "" {
						add(fmt.Sprintf("%s/columns/%d", base, j), forms.CodeUnknownFieldRef, "%s", msg)
					} else {
						cs.columns = append(cs.columns, cp)
					}
				}
			}
		}
		c.sections = append(c.sections, cs)
	}
	if len(ps) > 0 {
		return nil, &forms.ProblemList{Subject: "document/" + t.Key, Problems: ps}
	}
	return c, nil
}

func resolve(form *forms.Compiled, path string, set Forms, labels map[string]string) (cpath, string) {
	head, rest, through := strings.Cut(path, ".")
	f, ok := form.Field(head)
	if !ok || f.Child != nil {
		return cpath{}, fmt.Sprintf("%q is not a field (or is a sub-table; print it as a table)", head)
	}
	cp := cpath{path: path, label: f.Label, field: f}
	if through {
		if f.Type != "relation" || f.Multiple {
			return cpath{}, fmt.Sprintf("%q is not a single relation; only relations can be followed", head)
		}
		target, ok := set.Form(f.Target)
		if !ok {
			return cpath{}, fmt.Sprintf("the form %q that %q links to is not published", f.Target, head)
		}
		leaf, ok := target.Field(rest)
		if !ok || leaf.Child != nil {
			return cpath{}, fmt.Sprintf("%s has no field %q", f.Target, rest)
		}
		cp.via, cp.leaf, cp.label = target, leaf, leaf.Label
	}
	if l, ok := labels[path]; ok {
		cp.label = l
	}
	return cp, ""
}

// Links lists, by the relation field followed, the forms whose records the
// document prints fields of: the engine reads those records. Sub-table
// columns are keyed "table.column".
func (c *Compiled) Links() map[string]*forms.Compiled {
	out := map[string]*forms.Compiled{}
	for _, s := range c.sections {
		for _, p := range s.fields {
			if p.via != nil {
				out[p.field.Key] = p.via
			}
		}
		for _, p := range s.columns {
			if p.via != nil {
				out[s.table.Key+"."+p.field.Key] = p.via
			}
		}
	}
	return out
}

// Reads reports whether the document prints records of form, itself or
// through a relation.
func (c *Compiled) Reads(form string) bool {
	if c.Template.Form == form {
		return true
	}
	for _, target := range c.Links() {
		if target.Form.Key == form {
			return true
		}
	}
	return false
}
