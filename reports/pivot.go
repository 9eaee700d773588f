package reports

import "slices"

// pivot lays the detail rows out by the pivot's two dimensions, with the
// totals the statement computed.
func (rs *runState) pivot(rows []Row, bySet map[uint64][]Row) *PivotTable {
	p := rs.c.Report.Pivot
	ri, _ := rs.c.dimension(p.Rows)
	ci, _ := rs.c.dimension(p.Columns)
	t := &PivotTable{Rows: p.Rows, Columns: p.Columns, RowValues: []PivotHeader{}, ColumnValues: []PivotHeader{}}
	rowAt := headers(rows, p.Rows, &t.RowValues)
	colRows := slices.Clone(rows)
	slices.SortStableFunc(colRows, func(a, b Row) int { return compareValues(a.Values[p.Columns], b.Values[p.Columns]) })
	colAt := headers(colRows, p.Columns, &t.ColumnValues)
	t.Cells = make([][]map[string]any, len(t.RowValues))
	for i := range t.Cells {
		t.Cells[i] = make([]map[string]any, len(t.ColumnValues))
	}
	for _, r := range rows {
		i, j := rowAt(r.Values[p.Rows]), colAt(r.Values[p.Columns])
		t.Cells[i][j] = rs.measures(r)
	}
	if totals, ok := bySet[1<<ri]; ok {
		t.RowTotals = make([]map[string]any, len(t.RowValues))
		for _, r := range totals {
			if i := rowAt(r.Values[p.Rows]); i >= 0 {
				t.RowTotals[i] = rs.measures(r)
			}
		}
	}
	if totals, ok := bySet[1<<ci]; ok {
		t.ColumnTotals = make([]map[string]any, len(t.ColumnValues))
		for _, r := range totals {
			if j := colAt(r.Values[p.Columns]); j >= 0 {
				t.ColumnTotals[j] = rs.measures(r)
			}
		}
	}
	if g := bySet[0]; len(g) > 0 {
		t.Total = rs.measures(g[0])
	}
	return t
}

// headers collects the distinct values of key in rows, in order, into
// out, and returns the position of a value (-1 when absent).
func headers(rows []Row, key string, out *[]PivotHeader) func(any) int {
	for _, r := range rows {
		v := r.Values[key]
		if slices.IndexFunc(*out, func(h PivotHeader) bool { return compareValues(h.Value, v) == 0 }) < 0 {
			*out = append(*out, PivotHeader{Value: v, Label: r.Labels[key]})
		}
	}
	list := *out
	return func(v any) int {
		return slices.IndexFunc(list, func(h PivotHeader) bool { return compareValues(h.Value, v) == 0 })
	}
}

// measures are a row's measure values.
func (rs *runState) measures(r Row) map[string]any {
	out := make(map[string]any, len(rs.c.measures))
	for _, m := range rs.c.measures {
		out[m.Key] = r.Values[m.Key]
	}
	return out
}
