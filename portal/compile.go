package portal

import (
	"fmt"
	"regexp"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Lookup finds the published (or batch-compiled) forms and flows a portal
// refers to.
type Lookup interface {
	Form(key string) (*forms.Compiled, bool)
	// FlowForm returns the form a flow is bound to.
	FlowForm(key string) (string, bool)
}

// Compiled is a portal definition whose every reference resolved.
type Compiled struct {
	*Definition
	Version int
}

// TrackedForm returns the tracked entry for a form.
func (c *Compiled) TrackedForm(form string) (*Tracked, bool) {
	for i := range c.Tracked {
		if c.Tracked[i].Form == form {
			return &c.Tracked[i], true
		}
	}
	return nil, false
}

var colour = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// outcomes a flow may end with (flows' end node outcomes).
var outcomes = map[string]bool{"approved": true, "rejected": true, "cancelled": true}

type checker struct {
	set      Lookup
	problems []forms.Problem
}

func (k *checker) add(path, code, format string, args ...any) {
	k.problems = append(k.problems, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// form resolves a form key at path.
func (k *checker) form(path, key string) *forms.Compiled {
	c, ok := k.set.Form(key)
	if !ok {
		k.add(path, forms.CodeUnknownTarget, "there is no published form %q", key)
		return nil
	}
	return c
}

// field resolves a field of c at path, of one of the given types (any type
// when none are given).
func (k *checker) field(path string, c *forms.Compiled, key string, types ...string) *forms.CField {
	if c == nil {
		return nil
	}
	f, ok := c.Field(key)
	if !ok {
		k.add(path, forms.CodeUnknownFieldRef, "form %s has no field %q", c.Form.Key, key)
		return nil
	}
	if len(types) == 0 {
		return f
	}
	want := f.Type
	if f.Type == "formula" {
		want = f.Result
		if want == "" {
			want = "decimal"
		}
	}
	for _, t := range types {
		if want == t {
			return f
		}
	}
	k.add(path, forms.CodeInvalidSetting, "field %s.%s is a %s field; use a field of type %v", c.Form.Key, key, want, types)
	return nil
}

// link checks that c's field key is a single relation to target.
func (k *checker) link(path string, c *forms.Compiled, key, target string) {
	f := k.field(path, c, key, "relation")
	if f != nil && (f.Target != target || f.Multiple) {
		k.add(path, forms.CodeInvalidSetting, "field %s.%s must be a single relation to %s", c.Form.Key, key, target)
	}
}

// Compile checks d against the forms and flows in set; every mistake is a
// problem with its JSON pointer.
func Compile(d *Definition, version int, set Lookup) (*Compiled, error) {
	k := &checker{set: set}
	for _, c := range []struct{ path, v string }{{"/branding/primary", d.Branding.Primary}, {"/branding/accent", d.Branding.Accent}} {
		if c.v != "" && !colour.MatchString(c.v) {
			k.add(c.path, forms.CodeInvalidSetting, "a colour is written #rrggbb, e.g. #1f6feb")
		}
	}
	cust := k.form("/customer/form", d.Customer.Form)
	k.field("/customer/name_field", cust, d.Customer.NameField)
	if d.Customer.EmailField != "" {
		k.field("/customer/email_field", cust, d.Customer.EmailField, "email")
	}
	seen := map[string]bool{}
	for i, t := range d.Tracked {
		base := fmt.Sprintf("/tracked/%d", i)
		if seen[t.Form] {
			k.add(base+"/form", forms.CodeDuplicateKey, "form %s is tracked twice", t.Form)
		}
		seen[t.Form] = true
		k.tracked(base, &t, d.Customer.Form)
	}
	if s := d.Service; s != nil {
		k.service(s, d)
	}
	if s := d.ESign; s != nil {
		c := k.form("/esign/form", s.Form)
		k.link("/esign/customer_field", c, s.CustomerField, d.Customer.Form)
		k.field("/esign/document_field", c, s.DocumentField, "attachment")
		if f := k.field("/esign/status_field", c, s.StatusField, "select", "text"); f != nil && f.Type == "select" && !hasOption(f, s.SignedValue) {
			k.add("/esign/signed_value", forms.CodeNotAnOption, "%q is not an option of %s.%s", s.SignedValue, s.Form, s.StatusField)
		}
		if s.DateField != "" {
			k.field("/esign/date_field", c, s.DateField, "date", "datetime")
		}
		if s.TitleField != "" {
			k.field("/esign/title_field", c, s.TitleField)
		}
	}
	if len(k.problems) > 0 {
		return nil, &forms.ProblemList{Subject: "portal/" + d.Key, Problems: k.problems}
	}
	return &Compiled{Definition: d, Version: version}, nil
}

func (k *checker) tracked(base string, t *Tracked, customerForm string) {
	c := k.form(base+"/form", t.Form)
	if c == nil {
		return
	}
	k.link(base+"/customer_field", c, t.CustomerField, customerForm)
	k.field(base+"/number_field", c, t.NumberField)
	for j, f := range t.Fields {
		k.field(fmt.Sprintf("%s/fields/%d", base, j), c, f)
	}
	keys := map[string]bool{}
	for j, s := range t.Stages {
		path := fmt.Sprintf("%s/stages/%d", base, j)
		if keys[s.Key] {
			k.add(path+"/key", forms.CodeDuplicateKey, "stage %q appears twice", s.Key)
		}
		keys[s.Key] = true
		k.when(path+"/when", c, s.When)
	}
	for j, d := range t.Documents {
		path := fmt.Sprintf("%s/documents/%d", base, j)
		target := c
		if d.Form != t.Form || d.Link != "" {
			target = k.form(path+"/form", d.Form)
			k.link(path+"/link", target, d.Link, t.Form)
		}
		k.field(path+"/field", target, d.Field, "attachment")
	}
}

func (k *checker) when(path string, tracked *forms.Compiled, w When) {
	switch w.Type {
	case WhenCreated:
		return
	case WhenFlow:
		form, ok := k.set.FlowForm(w.Flow)
		if !ok {
			k.add(path+"/flow", forms.CodeUnknownTarget, "there is no published flow %q", w.Flow)
		} else if form != tracked.Form.Key {
			k.add(path+"/flow", forms.CodeInvalidSetting, "flow %s runs on %s, not on %s", w.Flow, form, tracked.Form.Key)
		}
		if !outcomes[w.Outcome] {
			k.add(path+"/outcome", forms.CodeInvalidSetting, "unknown outcome %q; use approved, rejected or cancelled", w.Outcome)
		}
		return
	case WhenRelated, WhenSigned, WhenSum:
	default:
		k.add(path+"/type", forms.CodeInvalidSetting, "unknown stage type %q; use created, flow, related, signed or sum", w.Type)
		return
	}
	rel := k.form(path+"/form", w.Form)
	if rel == nil {
		return
	}
	k.link(path+"/link", rel, w.Link, tracked.Form.Key)
	if w.Where != nil {
		k.field(path+"/where/field", rel, w.Where.Field)
	}
	if w.DateField != "" {
		k.field(path+"/date_field", rel, w.DateField, "date", "datetime")
	}
	if w.Type == WhenSum {
		k.field(path+"/field", rel, w.Field, "money", "decimal", "integer")
		k.field(path+"/reaches", tracked, w.Reaches, "money", "decimal", "integer")
	}
}

func (k *checker) service(s *Service, d *Definition) {
	c := k.form("/service/form", s.Form)
	if c == nil {
		return
	}
	k.link("/service/customer_field", c, s.CustomerField, d.Customer.Form)
	if s.OrderField != "" && len(d.Tracked) > 0 {
		k.link("/service/order_field", c, s.OrderField, d.Tracked[0].Form)
	}
	for j, f := range s.Fields {
		if f == s.CustomerField {
			k.add(fmt.Sprintf("/service/fields/%d", j), forms.CodeInvalidSetting, "the customer field is filled by the portal, not by the customer")
			continue
		}
		k.field(fmt.Sprintf("/service/fields/%d", j), c, f)
	}
	for f := range s.Set {
		k.field("/service/set/"+f, c, f)
	}
	k.field("/service/title_field", c, s.TitleField)
	k.field("/service/status_field", c, s.StatusField)
}

func hasOption(f *forms.CField, v string) bool {
	for _, o := range f.Options {
		if o.Value == v {
			return true
		}
	}
	return false
}
