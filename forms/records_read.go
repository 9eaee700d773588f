package forms

import (
	"context"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// maxPerPage bounds one list page.
const maxPerPage = 500

// ListQuery asks for one page of records.
type ListQuery struct {
	Filter  string
	Sort    string
	Page    int // from 1
	PerPage int
	// Fields limits the fields loaded and returned (nil: all).
	Fields []string
	// SkipTotal leaves Total at -1 instead of counting (Count none).
	SkipTotal bool
	// Count says how the total is found; empty is CountExact.
	Count CountMode
	Actor Actor
	// Access limits the rows listed and the fields that may be filtered,
	// sorted and selected; nil is full access.
	Access *Access
}

// ListResult is one page of records.
type ListResult struct {
	Items []Record
	Total int64
	// Count says what Total is: exact, an estimate, or none (Total -1).
	Count CountMode
}

// CountMode is how a list finds its total.
type CountMode string

const (
	CountExact    CountMode = "exact"
	CountEstimate CountMode = "estimate"
	CountNone     CountMode = "none"
)

// estimateExactBelow is where an estimate gives way to an exact count:
// counting fewer rows costs less than a page, and the estimate of a small or
// freshly filled table is often far off.
const estimateExactBelow = 10_000

// List returns one page of records matching q.
func (s *RecordStore) List(ctx context.Context, c *Compiled, q ListQuery) (ListResult, error) {
	ctx = c.tag(ctx)
	where, err := c.FilterAs(q.Filter, q.Actor, q.Access)
	if err != nil {
		return ListResult{}, err
	}
	if q.Access != nil && q.Access.Rows != nil {
		if where == nil {
			where = q.Access.Rows
		} else {
			where = store.And(where, q.Access.Rows)
		}
	}
	order, err := c.SortAs(q.Sort, q.Access)
	if err != nil {
		return ListResult{}, err
	}
	if q.PerPage <= 0 {
		q.PerPage = 20
	}
	if q.PerPage > maxPerPage {
		q.PerPage = maxPerPage
	}
	if q.Page <= 0 {
		q.Page = 1
	}
	only, cols, err := c.selection(q.Fields, q.Access)
	if err != nil {
		return ListResult{}, err
	}
	rows, err := s.db.Select(ctx, store.Query{Table: c.Table, Columns: cols, Where: where, OrderBy: order,
		Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage})
	if err != nil {
		return ListResult{}, err
	}
	items, err := s.decodeAll(ctx, c, rows, only)
	if err != nil {
		return ListResult{}, err
	}
	res := ListResult{Items: items, Total: -1, Count: CountNone}
	switch {
	case q.SkipTotal || q.Count == CountNone:
	case q.Count == CountEstimate:
		exact := false
		if res.Total, exact, err = s.db.EstimateCount(ctx, c.Table, where, estimateExactBelow); err != nil {
			return ListResult{}, err
		}
		res.Count = CountEstimate
		if exact {
			res.Count = CountExact
		}
	default:
		if res.Total, err = s.db.Count(ctx, c.Table, where); err != nil {
			return ListResult{}, err
		}
		res.Count = CountExact
	}
	return res, nil
}

// selection resolves a field list into the set to return and the columns to
// load.
func (c *Compiled) selection(fields []string, acc *Access) (map[string]bool, []store.Ident, error) {
	if len(fields) == 0 {
		return nil, nil, nil
	}
	only := map[string]bool{"id": true}
	cols := []store.Ident{"id"}
	for _, k := range fields {
		if only[k] {
			continue
		}
		only[k] = true
		if isSystemColumn(k) {
			cols = append(cols, store.MustIdent(k))
			continue
		}
		f, ok := c.byKey[k]
		if !ok || !acc.CanRead(k) {
			return nil, nil, &ProblemList{Subject: "fields", Problems: []Problem{
				problem("/fields", CodeUnknownField, "there is no field %q in form %s", k, c.Form.Key)}}
		}
		if f.Column != "" {
			cols = append(cols, f.Column)
		}
	}
	return only, cols, nil
}

// decodeAll turns rows into records and loads the line items of all of them
// with one query per sub-table.
func (s *RecordStore) decodeAll(ctx context.Context, c *Compiled, rows []store.Row, only map[string]bool) ([]Record, error) {
	recs := make([]Record, len(rows))
	ids := make([]any, len(rows))
	byID := make(map[int64]Record, len(rows))
	for i, row := range rows {
		rec, err := c.decode(row)
		if err != nil {
			return nil, err
		}
		recs[i], ids[i] = rec, rec.ID()
		byID[rec.ID()] = rec
	}
	if len(recs) == 0 {
		return recs, nil
	}
	for _, f := range c.fields {
		if f.Child == nil || (only != nil && !only[f.Key]) {
			continue
		}
		childRows, err := s.db.Select(ctx, store.Query{Table: f.Child.Table, Where: store.In("parent_id", ids, false),
			OrderBy: []store.Order{{Column: "parent_id"}, {Column: "position"}}})
		if err != nil {
			return nil, err
		}
		for _, cr := range childRows {
			row, err := f.Child.decode(cr)
			if err != nil {
				return nil, err
			}
			parentID, _ := fromDBInt(cr["parent_id"])
			if p := byID[parentID.(int64)]; p != nil {
				list, _ := p[f.Key].([]Record)
				p[f.Key] = append(list, row)
			}
		}
	}
	return recs, nil
}

// decode turns one table row into a record.
func (c *Compiled) decode(row store.Row) (Record, error) {
	rec := make(Record, len(row))
	for k, v := range row {
		switch k {
		case "id", "created_by", "updated_by", "owner", "row_version", "form_version":
			n, err := fromDBInt(v)
			if err != nil {
				return nil, err
			}
			if n != nil {
				rec[k] = n
			}
		case "created_at", "updated_at":
			t, err := timeFromDB(v)
			if err != nil {
				return nil, err
			}
			if t != nil {
				rec[k] = t.(time.Time)
			}
		case "flow_status":
			rec[k], _ = fromDBString(v)
		}
	}
	for _, f := range c.fields {
		if f.Column == "" {
			continue
		}
		raw, ok := row[string(f.Column)]
		if !ok || raw == nil {
			continue
		}
		v, err := f.Kind.FromDB(f.Field, raw)
		if err != nil {
			return nil, fmt.Errorf("read %s.%s: %w", c.Form.Key, f.Key, err)
		}
		if v != nil {
			rec[f.Key] = v
		}
	}
	return rec, nil
}

// GetMany reads the records with the given ids that are within acc's rows
// (others are left out), without their line items; expand uses it to follow
// relations in one query.
func (s *RecordStore) GetMany(ctx context.Context, c *Compiled, ids []int64, acc *Access) (map[int64]Record, error) {
	ctx = c.tag(ctx)
	out := map[int64]Record{}
	if len(ids) == 0 {
		return out, nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	where := store.In("id", vals, false)
	if acc != nil && acc.Rows != nil {
		where = store.And(where, acc.Rows)
	}
	rows, err := s.db.Select(ctx, store.Query{Table: c.Table, Where: where})
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		rec, err := c.decode(row)
		if err != nil {
			return nil, err
		}
		out[rec.ID()] = rec
	}
	return out, nil
}
