package reports

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

// maxDrillIDs bounds the related records a drill-down into a related
// form's value lists by id; the records list takes at most 500 values in
// one in-list and 4000 bytes of filter.
const maxDrillIDs = 300

// maxDrillFilter is the records list's bound on a filter's length.
const maxDrillFilter = 4000

// Click is a clicked cell, bar or slice.
type Click struct {
	// Values are the dimension keys (of the level clicked at) and their
	// values as the result shows them. A subtotal names only the first
	// dimension; the totals none.
	Values map[string]any `json:"values"`
	// Measure, when set, is the measure clicked: with a filter of its own
	// (won: stage == "won"), the records are those it counts.
	Measure string `json:"measure,omitempty"`
}

// DrillResult is where a click leads: the records behind the cell, and the
// next level of the drill path when there is one.
type DrillResult struct {
	// Records is the records-list request of the source form that lists
	// exactly the records the cell aggregates.
	Records RecordsRequest `json:"records"`
	// Next runs the next level of the drill path: the same parameters, the
	// cell's values added to Where, one level deeper. Nil at the end of the
	// path.
	Next *Request `json:"next,omitempty"`
	// NextDimension is the dimension the next level groups by.
	NextDimension string `json:"next_dimension,omitempty"`
}

// RecordsRequest is a request for the records list of a form.
type RecordsRequest struct {
	// Form is the source: a form key, or a built-in source.
	Form string `json:"form"`
	// Filter is in the records-list filter language; empty for every
	// record the viewer may read.
	Filter string `json:"filter"`
}

// Drill returns where a click leads, for viewer v: the records-list
// request behind it and the next level of the drill path.
//
// The filter is the report's filter with the parameters written in as
// values, the clicked measure's filter, the request's dimension filters
// and the clicked values: a select
// or number as field == value, a date bucket as a range (order_date >=
// "2026-03-01" && order_date < "2026-04-01"), a bin as a range, no value as
// == nil. A value of a related form (customer.region) becomes the relation
// field's ids: customer in [ids of the customers the viewer may read whose
// region is that value]; for no value, customer not in [ids of those with
// one]. At most 300 ids are listed; beyond that the drill-down fails and
// the report should drill by a field of the source form instead.
//
// Example:
//
//	click := reports.Click{Values: map[string]any{"region": "east", "month": "2026-03"}}
//	d, err := reports.Drill(ctx, db, c, req, click, viewer)
//	list, err := recordStore.List(ctx, form, forms.ListQuery{Filter: d.Records.Filter, Access: acc, Actor: actor})
func Drill(ctx context.Context, db Querier, c *Compiled, req Request, click Click, v Viewer) (*DrillResult, error) {
	rs, err := c.prepare(req, v)
	if err != nil {
		return nil, err
	}
	cell := click.Values
	var cellDims []*cdim
	for _, key := range sortedKeys(cell) {
		i := slices.IndexFunc(rs.dims, func(d *cdim) bool { return d.Key == key })
		if i < 0 {
			return nil, invalidRequest("/click/values/"+pointerEscape(key), fmt.Sprintf("%q is not a dimension of level %d of the report", key, req.Level))
		}
		cellDims = append(cellDims, rs.dims[i])
	}
	if _, err := c.authorize(v, cellDims); err != nil {
		return nil, err
	}
	parts, err := rs.drillParts(ctx, db)
	if err != nil {
		return nil, err
	}
	if click.Measure != "" {
		m, ok := c.measure(click.Measure)
		if !ok {
			return nil, invalidRequest("/click/measure", fmt.Sprintf("%q is not a measure of the report", click.Measure))
		}
		f, err := c.bindFilter(m.Filter, rs.params)
		if err != nil {
			return nil, err
		}
		if f != "" {
			parts = append(parts, f)
		}
	}
	for _, d := range cellDims {
		sp, err := d.span(cell[d.Key])
		if err != nil {
			return nil, invalidRequest("/click/values/"+pointerEscape(d.Key), err.Error())
		}
		part, err := rs.spanFilter(ctx, db, d, sp)
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
	}
	filter := joinFilter(parts)
	if len(filter) > maxDrillFilter {
		return nil, fmt.Errorf("%w: the records behind this cell need a filter longer than the records list takes (%d bytes); drill by a field of the source form", store.ErrInvalid, maxDrillFilter)
	}
	out := &DrillResult{Records: RecordsRequest{Form: c.Report.Source, Filter: filter}}
	if req.Level < len(c.drill) {
		next := req
		next.Where = slices.Clone(req.Where)
		for _, d := range cellDims {
			next.Where = append(next.Where, DimFilter{Key: d.Key, Values: []any{cell[d.Key]}})
		}
		next.Level++
		out.Next, out.NextDimension = &next, c.drill[req.Level].Key
	}
	return out, nil
}

// drillParts are the filter's parts for the report's filter and the
// request's dimension filters.
func (rs *runState) drillParts(ctx context.Context, db Querier) ([]string, error) {
	var parts []string
	f, err := rs.c.bindFilter(rs.c.Report.Filter, rs.params)
	if err != nil {
		return nil, err
	}
	if f != "" {
		parts = append(parts, f)
	}
	for i, w := range rs.req.Where {
		d, _ := rs.c.dimByKey(w.Key)
		part, err := rs.whereFilter(ctx, db, d, w, fmt.Sprintf("/filters/%d", i))
		if err != nil {
			return nil, err
		}
		parts = append(parts, part)
	}
	return parts, nil
}

// whereFilter writes one dimension filter in the list filter language.
func (rs *runState) whereFilter(ctx context.Context, db Querier, d *cdim, w DimFilter, ptr string) (string, error) {
	if w.From != nil || w.To != nil {
		if d.path.related() {
			return "", invalidRequest(ptr, fmt.Sprintf("a range on %s, a field of another form, cannot be drilled into", d.Field))
		}
		f := d.path.field
		var parts []string
		for _, side := range []struct {
			v  any
			op string
		}{{w.From, ">="}, {w.To, "<"}} {
			if side.v == nil {
				continue
			}
			v, err := f.Kind.Prepare(f.Field, side.v)
			if err != nil || v == nil {
				return "", invalidRequest(ptr, fmt.Sprintf("%v is not a value of %s", side.v, d.Field))
			}
			parts = append(parts, d.path.text+" "+side.op+" "+literal(v))
		}
		return strings.Join(parts, " && "), nil
	}
	var alts []string
	for i, v := range w.Values {
		sp, err := d.span(v)
		if err != nil {
			return "", invalidRequest(fmt.Sprintf("%s/values/%d", ptr, i), err.Error())
		}
		part, err := rs.spanFilter(ctx, db, d, sp)
		if err != nil {
			return "", err
		}
		alts = append(alts, "("+part+")")
	}
	if len(alts) == 0 {
		return "id == nil", nil // note: ids are never empty: no record.
	}
	return strings.Join(alts, " || "), nil
}

// spanFilter writes "the dimension's field is in sp" in the list filter
// language.
func (rs *runState) spanFilter(ctx context.Context, db Querier, d *cdim, sp span) (string, error) {
	if d.path.related() {
		return rs.relatedFilter(ctx, db, d, sp)
	}
	key := d.path.text
	switch {
	case sp.empty:
		return key + " == nil", nil
	case sp.eq != nil:
		return key + " == " + literal(sp.eq), nil
	}
	return key + " >= " + literal(sp.lo) + " && " + key + " < " + literal(sp.hi), nil
}

// relatedFilter writes a related form's value as the ids of the records of
// the first form on the path that lead to it.
func (rs *runState) relatedFilter(ctx context.Context, db Querier, d *cdim, sp span) (string, error) {
	first := d.path.hops[0]
	src, col := rs.pathSource(d.path)
	// note: the value is matched on the related records the viewer may
	// read; for no value, the complement of those that have one.
	match := *d
	match.path = &cpath{text: d.path.text, field: d.path.field, column: col, vt: d.path.vt}
	var where store.Cond
	var err error
	if sp.empty {
		where, err = match.spanCond(span{empty: true})
		where = store.Not(where)
	} else {
		where, err = match.spanCond(sp)
	}
	if err != nil {
		return "", err
	}
	if a := rs.g.acc[first.target.Form.Key]; a != nil && a.Rows != nil {
		where = store.And(where, a.Rows)
	}
	ids, err := db.ReportIDs(ctx, src, where, maxDrillIDs+1)
	if err != nil {
		return "", err
	}
	if len(ids) > maxDrillIDs {
		return "", fmt.Errorf("%w: more than %d %s records have this %s; drill by a field of %s instead",
			store.ErrInvalid, maxDrillIDs, first.target.Form.Key, d.Field, rs.c.Report.Source)
	}
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = fmt.Sprint(id)
	}
	op := " in "
	if sp.empty {
		op = " not in "
	}
	return first.field.Key + op + "[" + strings.Join(list, ", ") + "]", nil
}

// pathSource is the source of the first related form on p, joined along
// the rest of p, and the column p's field has in it.
func (rs *runState) pathSource(p *cpath) (store.ReportSource, store.Ident) {
	first := p.hops[0]
	src := store.ReportSource{Table: first.target.Table}
	if len(p.hops) == 1 {
		return src, p.field.Column
	}
	const value = store.Ident("x__value")
	for i, h := range p.hops[1:] {
		j := store.ReportJoin{Table: h.target.Table, From: i - 1, Column: h.field.Column}
		if a := rs.g.acc[h.target.Form.Key]; a != nil {
			j.Rows = a.Rows
		}
		if i == len(p.hops)-2 {
			j.Select = []store.ReportColumn{{Column: p.field.Column, As: value}}
		}
		src.Joins = append(src.Joins, j)
	}
	return src, value
}

// joinFilter joins filter parts with &&, each in parentheses.
func joinFilter(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	out := make([]string, len(parts))
	for i, p := range parts {
		out[i] = "(" + p + ")"
	}
	return strings.Join(out, " && ")
}
