package reports

import (
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Request is one run of a report. Its JSON form is what the API takes:
// {"params": {…}, "filters": [{"key": "region", "values": ["east"]}], "level": 1}.
type Request struct {
	// Params are the parameter values by key: JSON values (strings,
	// json.Number or float64, bools, lists, nil) or Go values of the
	// parameter's type. Missing ones take their default.
	Params map[string]any `json:"params,omitempty"`
	// Where narrows the rows to values of dimensions (of the report or its
	// drill path): the cells clicked on the way down, or a dashboard's
	// linked and shared filters. Its problems are at /filters/<i>.
	Where []DimFilter `json:"filters,omitempty"`
	// Level is the depth in the drill path: 0 groups by the report's
	// dimensions, n by its n-th drill dimension.
	Level int `json:"level"`
	// MaxRows bounds the rows of the result (0: store.DefaultReportRows);
	// a run that would give more fails rather than cut rows silently.
	MaxRows int `json:"-"`
}

// DimFilter narrows a run to the rows whose dimension Key has one of
// Values (as results show them; nil is no value) or, when From or To is
// set, lies in the range From (included) to To (excluded), in the
// dimension field's terms: dates for a date field, numbers for a number.
type DimFilter struct {
	Key    string `json:"key"`
	Values []any  `json:"values,omitempty"`
	From   any    `json:"from,omitempty"`
	To     any    `json:"to,omitempty"`
}

// runState is one run being planned.
type runState struct {
	c      *Compiled
	req    Request
	params map[string]any
	dims   []*cdim // grouped by
	g      *grants
	v      Viewer
}

// levelDims are the dimensions a level groups by.
func (c *Compiled) levelDims(level int) ([]*cdim, error) {
	switch {
	case level == 0:
		return c.dims, nil
	case level > 0 && level <= len(c.drill):
		return []*cdim{c.drill[level-1]}, nil
	}
	return nil, invalidRequest("/level", fmt.Sprintf("the report's drill path has %d level(s) below the report; level %d does not exist", len(c.drill), level))
}

// dimByKey finds a dimension of the report or of its drill path.
func (c *Compiled) dimByKey(key string) (*cdim, bool) {
	for _, d := range c.dims {
		if d.Key == key {
			return d, true
		}
	}
	for _, d := range c.drill {
		if d.Key == key {
			return d, true
		}
	}
	return nil, false
}

// prepare resolves a request: parameters, dimensions, and what the viewer
// may read.
func (c *Compiled) prepare(req Request, v Viewer) (*runState, error) {
	params, err := c.resolveParams(req.Params)
	if err != nil {
		return nil, err
	}
	dims, err := c.levelDims(req.Level)
	if err != nil {
		return nil, err
	}
	used := slices.Clone(dims)
	for i, w := range req.Where {
		d, ok := c.dimByKey(w.Key)
		if !ok {
			return nil, invalidRequest(fmt.Sprintf("/filters/%d/key", i), fmt.Sprintf("%q is not a dimension of the report or its drill path", w.Key))
		}
		used = append(used, d)
	}
	g, err := c.authorize(v, used)
	if err != nil {
		return nil, err
	}
	return &runState{c: c, req: req, params: params, dims: dims, g: g, v: v}, nil
}

// query plans the statement of a run.
func (rs *runState) query() (store.ReportQuery, error) {
	c := rs.c
	f, err := rs.filter(rs.params)
	if err != nil {
		return store.ReportQuery{}, err
	}
	where, err := rs.where(f)
	if err != nil {
		return store.ReportQuery{}, err
	}
	aggs, err := rs.aggs()
	if err != nil {
		return store.ReportQuery{}, err
	}
	q := store.ReportQuery{Source: rs.source(), Where: where, Aggs: aggs, MaxRows: rs.req.MaxRows}
	for _, d := range rs.dims {
		q.Dims = append(q.Dims, storeDim(d))
	}
	q.Sets = rs.sets()
	for _, s := range c.sort {
		switch {
		case s.m == nil && rs.req.Level == 0:
			q.Order = append(q.Order, store.ReportOrder{Index: s.dim, Desc: s.desc})
		case s.m != nil && !s.m.isDerived():
			i := s.m.agg
			if s.m.rank >= 0 {
				i = s.m.rank
			}
			q.Order = append(q.Order, store.ReportOrder{Agg: true, Index: i, Desc: s.desc})
		}
	}
	if l := c.Report.Limit; l != nil && rs.req.Level == 0 {
		q.Limit, q.Others = l.Rows, l.Others
	}
	return q, nil
}

func storeDim(d *cdim) store.ReportDim {
	return store.ReportDim{Column: d.path.column, Type: columnType(d.path), Bucket: d.Bucket, Bin: d.bin}
}

// where is the condition on the source rows: the viewer's row scope, the
// report's filter f (nil for none), and the request's dimension filters.
func (rs *runState) where(f store.Cond) (store.Cond, error) {
	var conds []store.Cond
	src := rs.g.acc[rs.c.source.Form.Key]
	if src != nil && src.Rows != nil {
		conds = append(conds, src.Rows)
	}
	if f != nil {
		conds = append(conds, f)
	}
	for i, w := range rs.req.Where {
		d, _ := rs.c.dimByKey(w.Key)
		cond, err := d.filterCond(w, fmt.Sprintf("/filters/%d", i))
		if err != nil {
			return nil, err
		}
		conds = append(conds, cond)
	}
	if len(conds) == 0 {
		return nil, nil
	}
	return store.And(conds...), nil
}

// aggs are the statement's aggregates, those of measures with a filter
// limited to the rows it selects.
func (rs *runState) aggs() ([]store.ReportAgg, error) {
	aggs := slices.Clone(rs.c.aggs)
	for _, m := range rs.c.measures {
		if m.Filter == "" {
			continue
		}
		cond, err := rs.filterOf(m.Filter, rs.params)
		if err != nil {
			return nil, err
		}
		for _, i := range m.filtered {
			aggs[i].When = orTrue(cond)
		}
	}
	return aggs, nil
}

// filter is the report's filter with params.
func (rs *runState) filter(params map[string]any) (store.Cond, error) {
	return rs.filterOf(rs.c.Report.Filter, params)
}

// filterOf is a filter of the report with params.
func (rs *runState) filterOf(src string, params map[string]any) (store.Cond, error) {
	f, err := rs.c.source.FilterParams(src, rs.v.Actor, rs.g.acc[rs.c.source.Form.Key], params)
	if err != nil {
		// note: the filter compiled at publish with values of every
		// parameter's type, so what fails here is a value: a nil where an
		// ordering needs one, a value out of range.
		return nil, &forms.ProblemList{Subject: "params", Problems: []forms.Problem{{Path: "/params",
			Code: forms.CodeInvalidValue, Message: "the parameters do not suit the report's filter: " + err.Error()}}}
	}
	return f, nil
}

// sets are the grouping sets of the run: the detail rows, then the
// subtotals, pivot totals and grand total the report asks for.
func (rs *runState) sets() []uint64 {
	n := len(rs.dims)
	full := uint64(1)<<n - 1
	sets := []uint64{full}
	add := func(s uint64) {
		if !slices.Contains(sets, s) {
			sets = append(sets, s)
		}
	}
	t := rs.c.Report.Totals
	if t == nil || rs.compare() {
		return sets
	}
	if rs.req.Level == 0 {
		if t.Subtotals && n >= 2 {
			add(1)
		}
		if p := rs.c.Report.Pivot; p != nil && (t.Grand || t.Subtotals) {
			ri, _ := rs.c.dimension(p.Rows)
			ci, _ := rs.c.dimension(p.Columns)
			add(1 << ri)
			add(1 << ci)
		}
	}
	if t.Grand {
		add(0)
	}
	return sets
}

// compare reports whether the run compares with the previous period.
func (rs *runState) compare() bool {
	ch := rs.c.Report.Chart
	return ch != nil && ch.Compare != nil && rs.req.Level == 0
}

// source is the statement's source: the table (or built-in view) with the
// joins the run's paths need, each limited to the related rows the viewer
// may read.
func (rs *runState) source() store.ReportSource {
	c := rs.c
	if c.builtin != "" {
		return store.ReportSource{Builtin: c.builtin}
	}
	need := map[int]bool{}
	cols := map[int]map[store.Ident]bool{}
	mark := func(p *cpath) {
		if p == nil || !p.related() {
			return
		}
		for _, h := range p.hops {
			need[h.join] = true
		}
		if cols[p.join] == nil {
			cols[p.join] = map[store.Ident]bool{}
		}
		cols[p.join][p.column] = true
	}
	for _, m := range c.measures {
		mark(m.path)
	}
	for _, d := range rs.dims {
		mark(d.path)
	}
	for _, w := range rs.req.Where {
		d, _ := c.dimByKey(w.Key)
		mark(d.path)
	}
	src := store.ReportSource{Table: c.source.Table}
	index := map[int]int{-1: -1}
	for i, j := range c.joins {
		if !need[i] {
			continue
		}
		sj := store.ReportJoin{Table: j.form.Table, From: index[j.from], Column: j.column}
		if a := rs.g.acc[j.form.Form.Key]; a != nil {
			sj.Rows = a.Rows
		}
		for _, col := range j.cols {
			if cols[i][col.As] {
				sj.Select = append(sj.Select, col)
			}
		}
		index[i] = len(src.Joins)
		src.Joins = append(src.Joins, sj)
	}
	return src
}

// invalidRequest is a one-problem error about the request.
func invalidRequest(path, msg string) error {
	return &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: path, Code: forms.CodeInvalidValue, Message: msg}}}
}
