package reports

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Querier runs report statements; *store.DB is one.
type Querier interface {
	RunReport(ctx context.Context, q store.ReportQuery) ([]store.ReportRow, error)
	ReportIDs(ctx context.Context, src store.ReportSource, where store.Cond, limit int) ([]int64, error)
}

// Run runs report c for viewer v with one statement: the rows the viewer
// may read, filtered and grouped in the database; derived measures,
// labels and the pivot are added to the grouped rows. A report using a
// field v may not read fails with a *ForbiddenError; bad parameters or
// dimension values with a *forms.ProblemList whose paths are /params/<key>
// and /filters/<i> (the JSON names of the request).
//
// Example:
//
//	res, err := reports.Run(ctx, db, c, reports.Request{Params: map[string]any{"from": "2026-01-01"}}, viewer)
//	for _, r := range res.Rows { fmt.Println(r.Values["region"], r.Values["revenue"]) }
func Run(ctx context.Context, db Querier, c *Compiled, req Request, v Viewer) (*Result, error) {
	rs, err := c.prepare(req, v)
	if err != nil {
		return nil, err
	}
	if rs.compare() {
		return rs.runCompare(ctx, db)
	}
	q, err := rs.query()
	if err != nil {
		return nil, err
	}
	rows, err := db.RunReport(ctx, q)
	if err != nil {
		return nil, err
	}
	return rs.shape(rows, q)
}

// Plan returns the statement a run would execute, without running it: for
// golden files, explain plans and benchmarks.
func Plan(c *Compiled, req Request, v Viewer) (store.ReportQuery, error) {
	rs, err := c.prepare(req, v)
	if err != nil {
		return store.ReportQuery{}, err
	}
	if rs.compare() {
		return rs.compareQuery()
	}
	return rs.query()
}

// shape turns the statement's rows into a result.
func (rs *runState) shape(rows []store.ReportRow, q store.ReportQuery) (*Result, error) {
	c := rs.c
	res := rs.result()
	maxRows := q.MaxRows
	if maxRows <= 0 {
		maxRows = store.DefaultReportRows
	}
	if len(rows) > maxRows {
		return nil, fmt.Errorf("%w: the report has more than %d rows; narrow it with a filter or keep the top rows with a limit",
			store.ErrInvalid, maxRows)
	}
	sets := q.Sets
	if len(sets) == 0 {
		sets = []uint64{uint64(1)<<len(rs.dims) - 1}
	}
	bySet := map[uint64][]Row{}
	for _, r := range rows {
		row, err := rs.row(r)
		if err != nil {
			return nil, err
		}
		if r.Set < 0 {
			res.Others = &row
			continue
		}
		bySet[sets[r.Set]] = append(bySet[sets[r.Set]], row)
	}
	if detail := bySet[sets[0]]; detail != nil {
		res.Rows = detail
	}
	rs.sortDerived(res.Rows)
	if len(sets) > 1 && slices.Contains(sets[1:], 0) && len(bySet[0]) > 0 {
		res.Totals = &bySet[0][0]
	}
	if t := c.Report.Totals; t != nil && t.Subtotals && len(rs.dims) >= 2 && rs.req.Level == 0 {
		res.Subtotals = inOrderOf(bySet[1], res.Rows, rs.dims[0].Key)
	}
	if p := c.Report.Pivot; p != nil && rs.req.Level == 0 {
		res.Pivot = rs.pivot(res.Rows, bySet)
	}
	return res, nil
}

func (rs *runState) result() *Result {
	c := rs.c
	return &Result{Report: c.Report.Key, Title: c.Report.Title, Level: rs.req.Level, Columns: c.columns(rs.dims),
		Rows: []Row{}, Chart: c.Report.Chart, Params: paramsJSON(rs.params)}
}

// row turns one statement row into a result row.
func (rs *runState) row(r store.ReportRow) (Row, error) {
	row := Row{Values: make(map[string]any, len(rs.dims)+len(rs.c.measures))}
	for i, d := range rs.dims {
		v, label, err := d.dimValue(r.Dims[i])
		if err != nil {
			return row, err
		}
		row.Values[d.Key] = v
		if label != "" {
			if row.Labels == nil {
				row.Labels = map[string]string{}
			}
			row.Labels[d.Key] = label
		}
	}
	for _, m := range rs.c.measures {
		if m.isDerived() {
			continue
		}
		v, err := rs.c.measureValue(m, r.Aggs)
		if err != nil {
			return row, err
		}
		row.Values[m.Key] = v
	}
	rs.c.derive(row.Values)
	return row, nil
}

// derive computes the derived measures of one row, each after those it
// reads. A derived measure is empty when a measure it reads is, and when
// it divides by zero.
func (c *Compiled) derive(values map[string]any) {
	env := make(map[string]any, len(c.measures))
	for _, m := range c.measures {
		f, _ := number(values[m.Key])
		env[m.Key] = f
	}
	for _, m := range c.derived {
		values[m.Key] = nil
		ready := true
		for _, d := range m.deps {
			if _, ok := number(values[d]); !ok {
				ready = false
			}
		}
		if !ready {
			continue
		}
		out, err := expr.Run(m.prog, env)
		if f, ok := out.(float64); ok && err == nil {
			values[m.Key] = finite(f)
			if v, ok := values[m.Key].(float64); ok {
				env[m.Key] = v
			}
		}
	}
}

// sortDerived orders rows by the sort keys when one of them is a derived
// measure, which the database cannot order by.
func (rs *runState) sortDerived(rows []Row) {
	derived := false
	for _, s := range rs.c.sort {
		derived = derived || (s.m != nil && s.m.isDerived())
	}
	if !derived {
		return
	}
	slices.SortStableFunc(rows, func(a, b Row) int {
		for _, s := range rs.c.sort {
			if s.m == nil && rs.req.Level != 0 {
				continue
			}
			n := compareValues(a.Values[s.key], b.Values[s.key])
			if n != 0 && s.desc && a.Values[s.key] != nil && b.Values[s.key] != nil {
				n = -n
			}
			if n != 0 {
				return n
			}
		}
		return 0
	})
}

// inOrderOf orders subtotal rows as their key's values first appear in
// rows.
func inOrderOf(subs, rows []Row, key string) []Row {
	rank := func(r Row) int {
		for i, x := range rows {
			if compareValues(x.Values[key], r.Values[key]) == 0 {
				return i
			}
		}
		return len(rows)
	}
	slices.SortStableFunc(subs, func(a, b Row) int { return rank(a) - rank(b) })
	return subs
}

// compareQuery plans a kpi's comparison: one flag dimension telling the
// current period (1) from the previous one (0), over the rows either
// period's filter selects.
func (rs *runState) compareQuery() (store.ReportQuery, error) {
	cmp := rs.c.Report.Chart.Compare
	from, fok := rs.params[cmp.From].(time.Time)
	to, tok := rs.params[cmp.To].(time.Time)
	if !fok || !tok || !from.Before(to) {
		return store.ReportQuery{}, invalidRequest("/params/"+cmp.To,
			fmt.Sprintf("the comparison with the previous period needs params %s and %s, %s before %s", cmp.From, cmp.To, cmp.From, cmp.To))
	}
	prev := make(map[string]any, len(rs.params))
	for k, v := range rs.params {
		prev[k] = v
	}
	prev[cmp.From], prev[cmp.To] = from.Add(-to.Sub(from)), from
	cur, err := rs.filter(rs.params)
	if err != nil {
		return store.ReportQuery{}, err
	}
	before, err := rs.filter(prev)
	if err != nil {
		return store.ReportQuery{}, err
	}
	where, err := rs.where(store.Or(orTrue(cur), orTrue(before)))
	if err != nil {
		return store.ReportQuery{}, err
	}
	aggs, err := rs.aggs()
	if err != nil {
		return store.ReportQuery{}, err
	}
	return store.ReportQuery{Source: rs.source(), Where: where, Aggs: aggs, MaxRows: rs.req.MaxRows,
		Dims: []store.ReportDim{{When: orTrue(cur)}}}, nil
}

func orTrue(c store.Cond) store.Cond {
	if c == nil {
		return store.Bool(true)
	}
	return c
}

// runCompare runs a kpi with its comparison to the previous period.
func (rs *runState) runCompare(ctx context.Context, db Querier) (*Result, error) {
	q, err := rs.compareQuery()
	if err != nil {
		return nil, err
	}
	rows, err := db.RunReport(ctx, q)
	if err != nil {
		return nil, err
	}
	empty := store.ReportRow{Aggs: make([]any, len(q.Aggs))}
	cur, prev := empty, empty
	for _, r := range rows {
		if n, _ := toDecimal(r.Dims[0]); n.IntPart() == 1 {
			cur = r
		} else {
			prev = r
		}
	}
	res := rs.result()
	now, err := rs.row(cur)
	if err != nil {
		return nil, err
	}
	before, err := rs.row(prev)
	if err != nil {
		return nil, err
	}
	res.Rows, res.Previous, res.Change = []Row{now}, &before, map[string]any{}
	for _, m := range rs.c.measures {
		a, aok := number(now.Values[m.Key])
		b, bok := number(before.Values[m.Key])
		res.Change[m.Key] = nil
		if aok && bok && b != 0 {
			res.Change[m.Key] = finite((a - b) / b)
		}
	}
	return res, nil
}
