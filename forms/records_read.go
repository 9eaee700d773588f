package forms

import (
	"context"
	"fmt"
	"slices"

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
	items, err := s.readAll(ctx, c, store.Query{Table: c.Table, Columns: cols, Where: where, OrderBy: order,
		Limit: q.PerPage, Offset: (q.Page - 1) * q.PerPage}, only)
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

// readAll reads the records q selects from c's table with the line items
// of all of them, one query per sub-table, decoding each row straight from
// the scan (no map per row in between).
func (s *RecordStore) readAll(ctx context.Context, c *Compiled, q store.Query, only map[string]bool) ([]Record, error) {
	var recs []Record
	var dec *rowDecoder
	err := s.db.SelectEach(ctx, q, func(cols []string, vals []any) error {
		if dec == nil {
			dec = c.decoder(cols)
		}
		rec, err := dec.decode(vals)
		recs = append(recs, rec)
		return err
	})
	if err != nil {
		return nil, err
	}
	return recs, s.loadChildren(ctx, c, recs, only)
}

// loadChildren loads the line items of recs (those in only, when not nil),
// one query per sub-table.
func (s *RecordStore) loadChildren(ctx context.Context, c *Compiled, recs []Record, only map[string]bool) error {
	if len(recs) == 0 {
		return nil
	}
	ids := make([]any, len(recs))
	byID := make(map[int64]Record, len(recs))
	for i, rec := range recs {
		ids[i] = rec.ID()
		byID[rec.ID()] = rec
	}
	for _, f := range c.fields {
		if f.Child == nil || (only != nil && !only[f.Key]) {
			continue
		}
		var dec *rowDecoder
		parent := -1
		err := s.db.SelectEach(ctx, store.Query{Table: f.Child.Table, Where: store.In("parent_id", ids, false),
			OrderBy: []store.Order{{Column: "parent_id"}, {Column: "position"}}}, func(cols []string, vals []any) error {
			if dec == nil {
				dec, parent = f.Child.decoder(cols), slices.Index(cols, "parent_id")
			}
			row, err := dec.decode(vals)
			if err != nil || parent < 0 {
				return err
			}
			parentID, _ := fromDBInt(vals[parent])
			if id, ok := parentID.(int64); ok {
				if p := byID[id]; p != nil {
					list, _ := p[f.Key].([]Record)
					p[f.Key] = append(list, row)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// rowDecoder turns the rows of one query on c's table into records: what
// each column holds is looked up once, not once per row.
type rowDecoder struct {
	c      *Compiled
	cols   []string
	fields []*CField // by column; nil for system and unknown columns
	kept   []bool    // by column: whether the record holds it (when not NULL)
	lists  int       // sub-table fields, whose lines are added later
}

func (c *Compiled) decoder(cols []string) *rowDecoder {
	d := &rowDecoder{c: c, cols: cols, fields: make([]*CField, len(cols)), kept: make([]bool, len(cols))}
	for _, f := range c.fields {
		if f.Child != nil {
			d.lists++
		}
		if f.Column == "" {
			continue
		}
		if i := slices.Index(cols, string(f.Column)); i >= 0 {
			d.fields[i], d.kept[i] = f, true
		}
	}
	for i, col := range cols {
		d.kept[i] = d.kept[i] || slices.Contains(SystemColumns, col)
	}
	return d
}

// decode turns one row's values, in the order of d.cols, into a record.
func (d *rowDecoder) decode(vals []any) (Record, error) {
	// note: the map is made for exactly what it will hold: a map's size
	// doubles past each bound, and a list page makes one per row and line.
	n := d.lists
	for i, v := range vals {
		if v != nil && d.kept[i] {
			n++
		}
	}
	rec := make(Record, n)
	for i, v := range vals {
		if f := d.fields[i]; f != nil {
			if v == nil {
				continue
			}
			x, err := f.Kind.FromDB(f.Field, v)
			if err != nil {
				return nil, fmt.Errorf("read %s.%s: %w", d.c.Form.Key, f.Key, err)
			}
			if x != nil {
				rec[f.Key] = x
			}
			continue
		}
		if err := decodeSystem(rec, d.cols[i], v); err != nil {
			return nil, err
		}
	}
	return rec, nil
}

// decodeSystem sets system column k of rec from its stored value v; other
// columns are left out.
func decodeSystem(rec Record, k string, v any) error {
	switch k {
	case "id", "created_by", "updated_by", "owner", "row_version", "form_version":
		n, err := fromDBInt(v)
		if err != nil {
			return err
		}
		if n != nil {
			rec[k] = n
		}
	case "created_at", "updated_at":
		t, err := timeFromDB(v)
		if err != nil {
			return err
		}
		if t != nil {
			rec[k] = t
		}
	case "flow_status":
		rec[k], _ = fromDBString(v)
	}
	return nil
}

// decode turns one table row into a record.
func (c *Compiled) decode(row store.Row) (Record, error) {
	rec := make(Record, len(row))
	for k, v := range row {
		if err := decodeSystem(rec, k, v); err != nil {
			return nil, err
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
