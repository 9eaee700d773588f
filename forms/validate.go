package forms

import (
	"errors"
	"fmt"
	"sort"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
)

// Write describes one write of a record for validation.
type Write struct {
	// Input is the decoded request body (JSON decoded with UseNumber).
	Input map[string]any
	// Prev is the stored record on update, nil on create.
	Prev Record
	// Actor is who writes.
	Actor Actor
	// Trusted writes (flow actions, imports of computed data) may set
	// read-only fields.
	Trusted bool
	// Access limits the rows the write may touch and the fields it may set;
	// nil is full access (the engine's own writes).
	Access *Access
	// Stored, on an update, is the record as the caller read it in the
	// transaction the update joins; the update starts from it instead of
	// reading it again. It is not used when Access limits rows. Should the
	// record have been written since, the update reads it again and applies
	// the input to what it finds, as it does without Stored.
	Stored Record
}

// Validate turns w.Input into the full record to store: it checks every
// input value, applies defaults on create, computes formulas, drops hidden
// fields, enforces required fields, limits and form rules. Problems carry
// JSON pointers such as /amount or /items/0/qty, and all are reported at once
// in a *ProblemList. It reads no other record, so fields filled from a
// linked record (Fill) are left as the input has them; the record store
// fills them on every write.
func (c *Compiled) Validate(w Write) (Record, error) { return c.validate(w, nil) }

// filler fills fields from the records a record links to (see Fill), once
// the input is read and before anything is computed from it. starts holds,
// by sub-table key, each row's stored values before the write (nil for a
// new row), for the sub-tables the writer sent.
type filler func(rec Record, starts map[string][]Record) ([]Problem, error)

func (c *Compiled) validate(w Write, fill filler) (Record, error) {
	var ps []Problem
	rec := Record{}
	if w.Prev != nil {
		rec = w.Prev.clone()
	}
	starts := map[string][]Record{}
	ps = append(ps, c.applyInput(rec, w.Input, "", w.Trusted, w.Access, starts)...)
	if fill != nil {
		fps, err := fill(rec, starts)
		if err != nil {
			return nil, err
		}
		ps = append(ps, fps...)
	}
	inputProblems := len(ps)
	// note: keep going after bad input so one response names every bad field;
	// a field whose input was rejected is not reported again as missing.
	reported := map[string]bool{}
	for _, p := range ps {
		reported[p.Path] = true
	}
	for _, p := range c.finish(rec, w.Prev, w.Actor, "", w.Prev == nil) {
		if !reported[p.Path] {
			ps = append(ps, p)
		}
	}
	if len(ps) == 0 && inputProblems == 0 {
		ps = append(ps, c.checkRules(rec, w.Prev, w.Actor)...)
	}
	if len(ps) > 0 {
		return nil, &ProblemList{Subject: "record", Problems: ps}
	}
	return rec, nil
}

// applyInput prepares every input value into rec. starts, when not nil,
// receives the stored rows each sent sub-table row started from.
func (c *Compiled) applyInput(rec Record, input map[string]any, base string, trusted bool, acc *Access, starts map[string][]Record) []Problem {
	var ps []Problem
	keys := make([]string, 0, len(input))
	for k := range input {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := base + "/" + pointerEscape(k)
		f, ok := c.byKey[k]
		if !ok {
			if isSystemColumn(k) || (c.parent != nil && k == "id") {
				if c.parent != nil && k == "id" {
					continue // note: row ids sent back by clients are ignored; rows are replaced.
				}
				ps = append(ps, problem(path, CodeReadOnly, "%s is set by the engine; leave it out", k))
				continue
			}
			ps = append(ps, problem(path, CodeUnknownField, "there is no field %q in this form", k))
			continue
		}
		if !acc.CanRead(c.fieldPath(k)) {
			// note: named by the key the writer sent, not by its label, so a
			// hidden field's label does not leak.
			ps = append(ps, problem(path, CodeForbiddenField, "you may not change %s", k))
			continue
		}
		if !acc.CanWrite(c.fieldPath(k)) {
			ps = append(ps, problem(path, CodeForbiddenField, "you may not change %s", labelOf(f)))
			continue
		}
		if f.Computed() || (f.ReadOnly && !trusted) {
			ps = append(ps, problem(path, CodeReadOnly, "%s is read-only", labelOf(f)))
			continue
		}
		raw := input[k]
		if raw == nil {
			delete(rec, k)
			continue
		}
		if f.Child != nil {
			prevRows, _ := rec[k].([]Record)
			rows, from, p := f.Child.prepareRows(f, raw, prevRows, path, trusted, acc)
			ps = append(ps, p...)
			rec[k] = rows
			if starts != nil && rows != nil {
				starts[k] = from
			}
			continue
		}
		v, err := f.Kind.Prepare(f.Field, raw)
		if err != nil {
			ps = append(ps, problem(path, valueCode(err), "%s %s", labelOf(f), valueMessage(err)))
			continue
		}
		if v == nil {
			delete(rec, k)
		} else {
			rec[k] = v
		}
	}
	return ps
}

// prepareRows prepares the rows of a sub-table. A row that carries the id of
// a stored row starts from that row, so columns the writer did not send (or
// may not see) keep their values. starts lists, by row, the stored row it
// started from (nil for a new row).
func (c *Compiled) prepareRows(f *CField, raw any, prevRows []Record, path string, trusted bool, acc *Access) (rows, starts []Record, ps []Problem) {
	v, err := f.Kind.Prepare(f.Field, raw)
	if err != nil {
		return nil, nil, []Problem{problem(path, valueCode(err), "%s %s", labelOf(f), valueMessage(err))}
	}
	items := v.([]any)
	rows = make([]Record, 0, len(items))
	starts = make([]Record, 0, len(items))
	byID := make(map[int64]Record, len(prevRows))
	for _, r := range prevRows {
		byID[r.ID()] = r
	}
	for i, it := range items {
		row := Record{}
		var start Record
		if id, err := toInt64(it.(map[string]any)["id"]); err == nil {
			if prev, ok := byID[id]; ok {
				row, start = prev.clone(), prev
				delete(row, "id")
				delete(byID, id)
			}
		}
		ps = append(ps, c.applyInput(row, it.(map[string]any), fmt.Sprintf("%s/%d", path, i), trusted, acc, nil)...)
		rows = append(rows, row)
		starts = append(starts, start)
	}
	return rows, starts, ps
}

// valueCode is the problem code of a Prepare error.
func valueCode(err error) string {
	var ev errValue
	if errors.As(err, &ev) && ev.code != "" {
		return ev.code
	}
	return CodeInvalidType
}

func valueMessage(err error) string {
	var ev errValue
	if errors.As(err, &ev) {
		return ev.msg
	}
	return "has an invalid value"
}

func labelOf(f *CField) string {
	if f.Label != "" {
		return f.Label
	}
	return f.Key
}

func isSystemColumn(k string) bool {
	for _, s := range SystemColumns {
		if s == k {
			return true
		}
	}
	return false
}

// finish applies defaults (on create), formulas, visibility, required and
// limits, for a record or a sub-table row.
func (c *Compiled) finish(rec, prev Record, actor Actor, base string, creating bool) []Problem {
	var ps []Problem
	// Sub-table rows first: their formulas feed the parent's.
	for _, f := range c.fields {
		if f.Child == nil {
			continue
		}
		rows, _ := rec[f.Key].([]Record)
		for i, row := range rows {
			ps = append(ps, f.Child.finish(row, nil, actor, fmt.Sprintf("%s/%s/%d", base, f.Key, i), true)...)
		}
	}
	// note: one environment per record, kept in step as values are computed.
	env := c.env(rec, prev, actor)
	if creating {
		for _, f := range c.fields {
			if f.defaultProg != nil && rec[f.Key] == nil {
				if p := c.setFromExpr(rec, env, f, f.defaultProg, base, "default"); p != nil {
					ps = append(ps, *p)
				}
			}
		}
	}
	for _, f := range c.formulas {
		if p := c.setFromExpr(rec, env, f, f.formulaProg, base, "formula"); p != nil {
			ps = append(ps, *p)
		}
	}
	for _, f := range c.fields {
		path := base + "/" + f.Key
		if f.visibleProg != nil {
			visible, err := expr.Run(f.visibleProg, env)
			if err == nil && visible == false {
				delete(rec, f.Key)
				env[f.Key] = c.exprValue(f, nil)
				continue
			}
		}
		v := rec[f.Key]
		if v == nil || isEmptyList(v) {
			if f.Required && !f.Computed() {
				ps = append(ps, problem(path, CodeRequired, "%s is required", labelOf(f)))
			}
			continue
		}
		if ck, ok := f.Kind.(Constrained); ok {
			if code, msg := ck.Check(f.Field, v); code != "" {
				ps = append(ps, problem(path, code, "%s %s", labelOf(f), msg))
			}
		}
	}
	return ps
}

func isEmptyList(v any) bool {
	switch l := v.(type) {
	case []Record:
		return len(l) == 0
	case []string:
		return len(l) == 0
	case []int64:
		return len(l) == 0
	case []Attachment:
		return len(l) == 0
	}
	return false
}

// setFromExpr runs prog and stores its value as f's value.
func (c *Compiled) setFromExpr(rec Record, env map[string]any, f *CField, prog *vm.Program, base, what string) *Problem {
	path := base + "/" + f.Key
	defer func() { env[f.Key] = c.exprValue(f, rec[f.Key]) }()
	out, err := expr.Run(prog, env)
	if err != nil {
		p := problem(path, CodeInvalidValue, "%s could not be computed (%s): %v", labelOf(f), what, err)
		return &p
	}
	if out == nil {
		delete(rec, f.Key)
		return nil
	}
	v, err := f.Kind.Prepare(f.Field, out)
	if err != nil {
		p := problem(path, CodeInvalidValue, "%s: the %s gives a value that %s", labelOf(f), what, valueMessage(err))
		return &p
	}
	if v == nil {
		delete(rec, f.Key)
	} else {
		rec[f.Key] = v
	}
	return nil
}

func (c *Compiled) checkRules(rec, prev Record, actor Actor) []Problem {
	var ps []Problem
	if len(c.rules) == 0 {
		return nil
	}
	env := c.env(rec, prev, actor)
	for _, r := range c.rules {
		ok, err := expr.Run(r.prog, env)
		if err == nil && ok == true {
			continue
		}
		path := ""
		if r.Field != "" {
			path = "/" + r.Field
		}
		msg := r.Message
		if err != nil {
			msg = fmt.Sprintf("%s (the rule could not be checked: %v)", r.Message, err)
		}
		ps = append(ps, Problem{Path: path, Code: CodeRule, Message: msg})
	}
	return ps
}

// fieldPath is the access path of a field of c: its key, or
// "subtable.column" on sub-table rows.
func (c *Compiled) fieldPath(key string) string {
	if c.parent != nil {
		return c.subKey + "." + key
	}
	return key
}
