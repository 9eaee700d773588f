package forms

import (
	"fmt"
	"slices"
)

// Fill modes.
const (
	// FillOnChange fills an empty field, and fills it again whenever the
	// relation it follows points to another record. It is the default.
	FillOnChange = "change"
	// FillWhenEmpty fills only an empty field; a value once there stays.
	FillWhenEmpty = "empty"
)

// Fill makes a field take its value from the record its form (or its
// sub-table row) links to through the single relation field From: the
// value of that record's field Field. The engine fills it on every create
// and update, as the system: the writer need not be able to read the
// source, and a writer who may not write the field still gets it filled.
// A value the writer sends for the field is kept (a writer who may not
// write it cannot send one).
//
// Example: {"fill": {"from": "product", "field": "unit_cost"}} on a line's
// unit cost copies the product's cost when a line is added or its product
// changes.
type Fill struct {
	From  string `json:"from"`
	Field string `json:"field"`
	// Mode is FillOnChange (the default when empty) or FillWhenEmpty.
	Mode string `json:"mode,omitempty"`
}

// refills reports whether a changed relation fills the field again.
func (f *Fill) refills() bool { return f.Mode != FillWhenEmpty }

// noFillTypes are the field types that cannot be filled: values the engine
// computes, and files, which belong to the field they were uploaded for.
var noFillTypes = map[string]bool{"formula": true, "auto_number": true, "sub_table": true, "attachment": true}

// compileFills checks the fills of c's fields that need no other form:
// each follows a single relation of the same level, is not on a computed
// field, and no chain of fills comes back to where it started. It orders
// c.fills so a fill comes after the fill of the relation it follows.
func (c *Compiled) compileFills(base string) []Problem {
	var ps []Problem
	for i, f := range c.fields {
		if f.Fill == nil {
			continue
		}
		path := fmt.Sprintf("%s/%d/fill", base, c.indexOf(f, i))
		if noFillTypes[f.Field.Type] {
			ps = append(ps, problem(path, CodeInvalidSetting, "a %s field cannot be filled from another record", f.Field.Type))
			continue
		}
		if f.Fill.Mode != "" && f.Fill.Mode != FillOnChange && f.Fill.Mode != FillWhenEmpty {
			ps = append(ps, problem(path+"/mode", CodeInvalidSetting, "mode must be %q or %q", FillOnChange, FillWhenEmpty))
		}
		from, ok := c.byKey[f.Fill.From]
		if !ok || from.Field.Type != "relation" || from.Multiple {
			ps = append(ps, problem(path+"/from", CodeInvalidSetting,
				"from must name a single relation field of the same %s; %q is not one", c.level(), f.Fill.From))
			continue
		}
		if f.Fill.Field == "" {
			ps = append(ps, problem(path+"/field", CodeUnknownFieldRef, "field must name a field of %s", from.Target))
			continue
		}
		f.fillFrom = from
	}
	if len(ps) == 0 {
		ps = append(ps, c.orderFills(base)...)
	}
	return ps
}

// level names where c's fields live, for messages.
func (c *Compiled) level() string {
	if c.parent != nil {
		return "sub-table row"
	}
	return "form"
}

// orderFills sorts the filled fields so each comes after the fill of the
// relation it follows (a line's customer filled from its order, then the
// line's region from that customer), numbers their rounds and reports a
// chain that loops.
func (c *Compiled) orderFills(base string) []Problem {
	state := map[*CField]int{} // 1 visiting, 2 done
	var visit func(f *CField) bool
	visit = func(f *CField) bool {
		switch state[f] {
		case 1:
			return false
		case 2:
			return true
		}
		state[f] = 1
		f.fillRound = 0
		if dep := f.fillFrom; dep.fillFrom != nil {
			if !visit(dep) {
				return false
			}
			f.fillRound = dep.fillRound + 1
		}
		state[f] = 2
		c.fills = append(c.fills, f)
		return true
	}
	for i, f := range c.fields {
		if f.fillFrom != nil && !visit(f) {
			c.fills = nil
			return []Problem{problem(fmt.Sprintf("%s/%d/fill/from", base, c.indexOf(f, i)), CodeFillCycle,
				"the fill of %q depends on itself through %q", f.Key, f.Fill.From)}
		}
	}
	return nil
}

// CheckFills checks the fills of c and of its sub-tables against the forms
// they read, as resolve finds them: the field named must exist on the
// target form and hold values the filled field can take. Run it once the
// target forms are compiled (after a batch is checked, and for the forms
// that fill from a form being published); problems carry pointers into
// c's definition (/fields/8/fields/4/fill/field).
func (c *Compiled) CheckFills(resolve Resolver) []Problem {
	var ps []Problem
	for i, f := range c.fields {
		if f.Child != nil {
			ps = append(ps, f.Child.checkFillTargets(fmt.Sprintf("/fields/%d/fields", c.indexOf(f, i)), resolve)...)
		}
	}
	return append(c.checkFillTargets("/fields", resolve), ps...)
}

func (c *Compiled) checkFillTargets(base string, resolve Resolver) []Problem {
	var ps []Problem
	for i, f := range c.fields {
		if f.fillFrom == nil {
			continue
		}
		path := fmt.Sprintf("%s/%d/fill/field", base, c.indexOf(f, i))
		target, ok := c.fillTarget(f, resolve)
		if !ok {
			ps = append(ps, problem(path, CodeUnknownTarget, "there is no published form %q to fill %s from", f.fillFrom.Target, f.Key))
			continue
		}
		src, ok := target.byKey[f.Fill.Field]
		if !ok || src.Column == "" {
			ps = append(ps, problem(path, CodeUnknownFieldRef, "form %s has no field %q to fill %s from", target.Form.Key, f.Fill.Field, f.Key))
			continue
		}
		if msg := fillCompatible(f, src); msg != "" {
			ps = append(ps, problem(path, CodeInvalidSetting, "%s", msg))
		}
	}
	return ps
}

// fillTarget is the form f's relation links to; a form linking to itself
// is its own target, whether or not resolve knows it yet.
func (c *Compiled) fillTarget(f *CField, resolve Resolver) (*Compiled, bool) {
	root := c
	if c.parent != nil {
		root = c.parent
	}
	if f.fillFrom.Target == root.Form.Key {
		return root, true
	}
	return resolve.Form(f.fillFrom.Target)
}

// fillSources lists, by filled field type, the value types it can be
// filled from; a type not listed takes only its own type.
var fillSources = map[string][]string{
	"decimal":   {"integer", "decimal", "money"},
	"money":     {"integer", "decimal", "money"},
	"percent":   {"decimal", "percent"},
	"text":      {"text", "long_text", "email", "phone", "url", "select", "auto_number"},
	"long_text": {"text", "long_text", "email", "phone", "url", "select", "auto_number"},
	"datetime":  {"date", "datetime"},
}

// fillCompatible says why dst cannot be filled from src, or "" when it
// can: the value types must fit, choices must be choices of dst, and links
// must go to the same form in the same number.
func fillCompatible(dst, src *CField) string {
	from, to := src.ValueType(), dst.Field.Type
	allowed, ok := fillSources[to]
	if !ok {
		allowed = []string{to}
	}
	if !slices.Contains(allowed, from) {
		return fmt.Sprintf("%s is a %s field and cannot be filled from %s, a %s field", dst.Key, to, src.Key, from)
	}
	switch to {
	case "select", "multi_select":
		for _, o := range src.Options {
			if !hasOption(dst.Field, o.Value) {
				return fmt.Sprintf("%s has no option %q, which %s may hold", dst.Key, o.Value, src.Key)
			}
		}
	case "relation":
		if src.Target != dst.Target || src.Multiple != dst.Multiple {
			return fmt.Sprintf("%s links to %s and %s does not link the same way", dst.Key, dst.Target, src.Key)
		}
	}
	return ""
}
