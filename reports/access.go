package reports

import (
	"errors"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// AccessResolver gives a viewer's read access to forms: the report's
// source and every form its paths reach.
type AccessResolver interface {
	// ReadAccess is what the viewer may read of form's records (rows and
	// field levels). It fails with an error wrapping store.ErrForbidden
	// when they may not read the form at all.
	ReadAccess(form *forms.Compiled) (*forms.Access, error)
}

// Viewer is who runs a report: the actor that filters read as user.*, and
// what they may read.
type Viewer struct {
	Actor  forms.Actor
	Access AccessResolver
}

// FullAccess is an AccessResolver that lets the viewer read everything,
// for administrators and the engine's own use.
func FullAccess() AccessResolver { return fullAccess{} }

type fullAccess struct{}

func (fullAccess) ReadAccess(*forms.Compiled) (*forms.Access, error) { return forms.FullAccess(), nil }

// ForbiddenError says what a report uses that the viewer may not read. It
// wraps store.ErrForbidden, which the API answers with 403.
type ForbiddenError struct {
	// Form is the form holding what may not be read.
	Form string
	// Field is the field path as the report writes it ("customer.credit_limit");
	// empty when the viewer may not read Form at all.
	Field string
	// Use says where the report uses it: `measure "avg_limit"`, `dimension
	// "region"`, "the filter".
	Use string
}

// Error names the field and where the report uses it.
func (e *ForbiddenError) Error() string {
	if e.Field == "" {
		return fmt.Sprintf("this report reads %s records (%s), which you may not read", e.Form, e.Use)
	}
	return fmt.Sprintf("this report uses %s (%s), which you may not read", e.Field, e.Use)
}

// Unwrap makes errors.Is(err, store.ErrForbidden) hold.
func (e *ForbiddenError) Unwrap() error { return store.ErrForbidden }

// grants are the viewer's accesses for one run, by form key.
type grants struct {
	v   Viewer
	acc map[string]*forms.Access
}

// of returns the viewer's access to form, or a ForbiddenError for use.
func (g *grants) of(form *forms.Compiled, field, use string) (*forms.Access, error) {
	if a, ok := g.acc[form.Form.Key]; ok {
		return a, nil
	}
	a, err := g.v.Access.ReadAccess(form)
	if errors.Is(err, store.ErrForbidden) {
		return nil, &ForbiddenError{Form: form.Form.Key, Field: field, Use: use}
	}
	if err != nil {
		return nil, err
	}
	g.acc[form.Form.Key] = a
	return a, nil
}

// check makes sure the viewer may read every form p passes through and the
// field it ends on.
func (g *grants) check(p *cpath, use string) error {
	for _, h := range p.hops {
		a, err := g.of(h.form, p.text, use)
		if err != nil {
			return err
		}
		if !a.CanRead(h.field.Key) {
			return &ForbiddenError{Form: h.form.Form.Key, Field: p.text, Use: use}
		}
		if _, err := g.of(h.target, p.text, use); err != nil {
			return err
		}
	}
	a, err := g.of(p.form, p.text, use)
	if err != nil {
		return err
	}
	if _, system := systemFields[p.field.Key]; !system && !a.CanRead(p.field.Key) {
		return &ForbiddenError{Form: p.form.Form.Key, Field: p.text, Use: use}
	}
	return nil
}

// authorize checks what a run uses: the source, the measures, the
// dimensions dims, and the fields the filter names.
func (c *Compiled) authorize(v Viewer, dims []*cdim) (*grants, error) {
	if v.Access == nil {
		v.Access = fullAccess{}
	}
	g := &grants{v: v, acc: map[string]*forms.Access{}}
	src, err := g.of(c.source, "", "its source")
	if err != nil {
		return nil, err
	}
	for _, m := range c.measures {
		if m.path != nil {
			if err := g.check(m.path, fmt.Sprintf("measure %q", m.Key)); err != nil {
				return nil, err
			}
		}
		for _, f := range m.filterFields {
			if _, system := systemFields[f]; !system && !src.CanRead(f) {
				return nil, &ForbiddenError{Form: c.source.Form.Key, Field: f, Use: fmt.Sprintf("the filter of measure %q", m.Key)}
			}
		}
	}
	for _, d := range dims {
		if err := g.check(d.path, fmt.Sprintf("dimension %q", d.Key)); err != nil {
			return nil, err
		}
	}
	for _, f := range c.filterFields {
		if _, system := systemFields[f]; !system && !src.CanRead(f) {
			return nil, &ForbiddenError{Form: c.source.Form.Key, Field: f, Use: "the filter"}
		}
	}
	return g, nil
}
