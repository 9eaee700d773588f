package forms

import (
	"context"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
)

// fillUnit is one record or sub-table row whose fields are filled: its
// values, the values it had before the write (nil for a new one), what
// the writer sent for it and its JSON pointer.
type fillUnit struct {
	c     *Compiled
	rec   Record
	start Record
	input map[string]any
	path  string
}

// hasFills reports whether c or one of its sub-tables fills a field.
func (c *Compiled) hasFills() bool {
	if len(c.fills) > 0 {
		return true
	}
	for _, f := range c.fields {
		if f.Child != nil && len(f.Child.fills) > 0 {
			return true
		}
	}
	return false
}

// filler returns the filler of a write of c, or nil when c fills nothing.
func (s *RecordStore) filler(ctx context.Context, c *Compiled, w Write) filler {
	if !c.hasFills() {
		return nil
	}
	return func(rec Record, starts map[string][]Record) ([]Problem, error) {
		return s.fill(ctx, c.fillUnits(rec, w.Prev, w.Input, starts))
	}
}

// fillUnits lists the record and the rows of each sub-table the writer
// sent. Rows of a sub-table left out of an update are not rewritten, so
// they are not filled either.
func (c *Compiled) fillUnits(rec, prev Record, input map[string]any, starts map[string][]Record) []fillUnit {
	var out []fillUnit
	if len(c.fills) > 0 {
		out = append(out, fillUnit{c: c, rec: rec, start: prev, input: input})
	}
	for _, f := range c.fields {
		if f.Child == nil || len(f.Child.fills) == 0 {
			continue
		}
		from, sent := starts[f.Key]
		if !sent {
			continue
		}
		rows, _ := rec[f.Key].([]Record)
		items, _ := input[f.Key].([]any)
		for i, row := range rows {
			u := fillUnit{c: f.Child, rec: row, path: fmt.Sprintf("/%s/%d", f.Key, i)}
			if i < len(items) {
				u.input, _ = items[i].(map[string]any)
			}
			if i < len(from) {
				u.start = from[i]
			}
			out = append(out, u)
		}
	}
	return out
}

// needs returns the id of the record to fill f of u from, if f is to be
// filled: the writer did not give a value of their own, and either the
// field is empty or (unless the fill is FillWhenEmpty) its relation now
// names another record than before the write.
func (u *fillUnit) needs(f *CField) (int64, bool) {
	id, ok := u.rec[f.Fill.From].(int64)
	if !ok {
		return 0, false
	}
	v := u.rec[f.Key]
	empty := v == nil || isEmptyList(v)
	if _, sent := u.input[f.Key]; sent && !empty {
		return 0, false
	}
	if empty {
		return id, true
	}
	var before any
	if u.start != nil {
		before = u.start[f.Fill.From]
	}
	return id, f.Fill.refills() && before != any(id)
}

// fillNeed is one field of one unit to fill from record id of target.
type fillNeed struct {
	u      *fillUnit
	f, src *CField
	target *Compiled
	id     int64
}

// fill fills the fields of units in rounds (a fill that follows a filled
// relation comes a round later), reading each target form once per round
// for every unit at once, as the system: the writer's permissions do not
// limit what is read, only what they will be shown. A relation to a record
// that does not exist is reported on the relation.
func (s *RecordStore) fill(ctx context.Context, units []fillUnit) ([]Problem, error) {
	var ps []Problem
	for round := 0; ; round++ {
		needs, later := s.fillNeeds(units, round)
		if len(needs) > 0 {
			rps, err := s.fillRound(ctx, needs)
			if err != nil {
				return nil, err
			}
			ps = append(ps, rps...)
		}
		if !later {
			return ps, nil
		}
	}
}

// fillNeeds lists the fields of round to fill; later reports whether a
// later round has fills.
func (s *RecordStore) fillNeeds(units []fillUnit, round int) (needs []fillNeed, later bool) {
	for i := range units {
		u := &units[i]
		for _, f := range u.c.fills {
			if f.fillRound != round {
				later = later || f.fillRound > round
				continue
			}
			id, ok := u.needs(f)
			if !ok {
				continue
			}
			target, ok := u.c.fillTarget(f, s.forms)
			if !ok {
				continue
			}
			// note: publishing checks the source still fits; a form
			// changed under a stored definition fills nothing rather than
			// a value of the wrong kind.
			src, ok := target.byKey[f.Fill.Field]
			if !ok || src.Column == "" || fillCompatible(f, src) != "" {
				continue
			}
			needs = append(needs, fillNeed{u: u, f: f, src: src, target: target, id: id})
		}
	}
	return needs, later
}

// fillRound reads the records needs name, one query per target form, and
// sets the fields.
func (s *RecordStore) fillRound(ctx context.Context, needs []fillNeed) ([]Problem, error) {
	byForm := map[*Compiled][]int{}
	var order []*Compiled
	for i, n := range needs {
		if _, seen := byForm[n.target]; !seen {
			order = append(order, n.target)
		}
		byForm[n.target] = append(byForm[n.target], i)
	}
	var ps []Problem
	reported := map[string]bool{}
	for _, target := range order {
		idx := byForm[target]
		found, err := s.fillSources(ctx, target, needs, idx)
		if err != nil {
			return nil, err
		}
		for _, i := range idx {
			n := needs[i]
			src, ok := found[n.id]
			if !ok {
				path := n.u.path + "/" + n.f.Fill.From
				if !reported[path] {
					reported[path] = true
					ps = append(ps, problem(path, CodeNotFound, "%s: no %s record with id %d", labelOf(n.f.fillFrom), target.Form.Key, n.id))
				}
				continue
			}
			if p := n.set(src[n.src.Key]); p != nil {
				ps = append(ps, *p)
			}
		}
	}
	return ps, nil
}

// fillSources reads, from target's table, the columns the needs at idx
// take their values from, for the records they name.
func (s *RecordStore) fillSources(ctx context.Context, target *Compiled, needs []fillNeed, idx []int) (map[int64]Record, error) {
	cols := []store.Ident{"id"}
	seenCol := map[store.Ident]bool{}
	seenID := map[int64]bool{}
	var ids []any
	for _, i := range idx {
		n := needs[i]
		if !seenCol[n.src.Column] {
			seenCol[n.src.Column] = true
			cols = append(cols, n.src.Column)
		}
		if !seenID[n.id] {
			seenID[n.id] = true
			ids = append(ids, n.id)
		}
	}
	rows, err := s.db.Select(target.tag(ctx), store.Query{Table: target.Table, Columns: cols, Where: store.In("id", ids, false)})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]Record, len(rows))
	for _, row := range rows {
		rec, err := target.decode(row)
		if err != nil {
			return nil, err
		}
		out[rec.ID()] = rec
	}
	return out, nil
}

// set stores the source value v as n's field value; an empty source
// empties the field. The problem a value that does not fit gives names the
// field by its key and never shows the value, which the writer may not be
// allowed to read.
func (n fillNeed) set(v any) *Problem {
	if v == nil {
		delete(n.u.rec, n.f.Key)
		return nil
	}
	out, err := n.f.Kind.Prepare(n.f.Field, fillInput(n.f, v))
	if err != nil {
		p := problem(n.u.path+"/"+n.f.Key, valueCode(err), "%s could not be filled from %s: the value there %s",
			n.f.Key, n.f.Fill.From, valueMessage(err))
		return &p
	}
	if out == nil {
		delete(n.u.rec, n.f.Key)
	} else {
		n.u.rec[n.f.Key] = out
	}
	return nil
}

// fillInput turns a canonical value of the source into an input the
// filled field's Prepare takes: lists as []any, and exact numbers rounded
// to the filled field's decimal places.
func fillInput(f *CField, v any) any {
	switch x := v.(type) {
	case decimal.Decimal:
		return x.Round(int32(f.scale()))
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out
	case []int64:
		out := make([]any, len(x))
		for i, id := range x {
			out[i] = id
		}
		return out
	}
	return v
}
