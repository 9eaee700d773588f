package main

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/reports"
)

// engineFigures are the figures of an engine result.
func engineFigures(res *reports.Result) *figures {
	f := &figures{}
	row := func(values map[string]any) figRow { return figRowOf(values, res) }
	for _, r := range res.Rows {
		f.rows = append(f.rows, row(r.Values))
	}
	for _, r := range res.Subtotals {
		f.subtotals = append(f.subtotals, subtotalRow(r, res))
	}
	if res.Totals != nil {
		f.totals = measuresOnly(row(res.Totals.Values), res)
	}
	if res.Others != nil {
		f.others = row(res.Others.Values)
	}
	if res.Previous != nil {
		f.previous = row(res.Previous.Values)
	}
	if res.Change != nil {
		f.change = figRow(res.Change)
	}
	if p := res.Pivot; p != nil {
		for i, h := range p.RowValues {
			if i < len(p.RowTotals) {
				f.rowTotals = append(f.rowTotals, withHeader(row(p.RowTotals[i]), p.Rows, h.Value))
			}
		}
		for j, h := range p.ColumnValues {
			if j < len(p.ColumnTotals) {
				f.colTotals = append(f.colTotals, withHeader(row(p.ColumnTotals[j]), p.Columns, h.Value))
			}
		}
	}
	return f
}

// figRowOf copies values, reading averages (exact text rounded to a few
// decimals) as the floats the hand-written side computes.
func figRowOf(values map[string]any, res *reports.Result) figRow {
	out := make(figRow, len(values))
	for k, v := range values {
		out[k] = v
	}
	for _, c := range res.Columns {
		if n, ok := out[c.Key].(json.Number); ok && c.Agg == reports.AggAvg {
			out[c.Key], _ = n.Float64()
		}
	}
	return out
}

// subtotalRow keeps a subtotal's first dimension and its measures.
func subtotalRow(r reports.Row, res *reports.Result) figRow {
	out := measuresOnly(figRowOf(r.Values, res), res)
	for _, c := range res.Columns {
		if c.Role == "dimension" {
			out[c.Key] = r.Values[c.Key]
			break
		}
	}
	return out
}

// measuresOnly keeps the measures of values, for totals whose dimensions
// are empty.
func measuresOnly(values map[string]any, res *reports.Result) figRow {
	out := figRow{}
	for _, c := range res.Columns {
		if c.Role == "measure" {
			out[c.Key] = values[c.Key]
		}
	}
	return out
}

func withHeader(m map[string]any, key string, v any) figRow {
	out := figRow{key: v}
	for k, x := range m {
		out[k] = x
	}
	return out
}

// diffFigures lists how the hand-written figures b differ from the
// engine's a, keeping to the keys the hand-written side gives for totals.
func diffFigures(a, b *figures) []string {
	var out []string
	out = append(out, diffRows("rows", a.rows, b.rows)...)
	out = append(out, diffRows("subtotals", a.subtotals, b.subtotals)...)
	out = append(out, diffRows("pivot row totals", a.rowTotals, b.rowTotals)...)
	out = append(out, diffRows("pivot column totals", a.colTotals, b.colTotals)...)
	for _, x := range []struct {
		name string
		a, b figRow
	}{{"totals", a.totals, b.totals}, {"others", a.others, b.others}, {"previous period", a.previous, b.previous},
		{"change", a.change, b.change}} {
		out = append(out, diffRow(x.name, x.a, x.b)...)
	}
	return out
}

func diffRows(name string, a, b []figRow) []string {
	if len(a) != len(b) {
		return []string{fmt.Sprintf("%s: the engine has %d, the hand-written query %d", name, len(a), len(b))}
	}
	var out []string
	for i := range a {
		out = append(out, diffRow(fmt.Sprintf("%s[%d]", name, i), a[i], b[i])...)
		if len(out) > 5 {
			return append(out, "…")
		}
	}
	return out
}

func diffRow(name string, a, b figRow) []string {
	if (a == nil) != (b == nil) {
		return []string{fmt.Sprintf("%s: the engine has %v, the hand-written query %v", name, a, b)}
	}
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	for k := range b {
		keys[k] = true
	}
	var out []string
	for _, k := range slices.Sorted(mapKeys(keys)) {
		if !sameFigure(a[k], b[k]) {
			out = append(out, fmt.Sprintf("%s.%s: engine %v (%T), hand-written %v (%T)", name, k, a[k], a[k], b[k], b[k]))
		}
	}
	return out
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// sameFigure compares two values: exact numbers exactly, and where one
// side is a float (an average, a derived figure) to 1e-9 of their size or
// within the engine's rounding of averages to 4 decimals.
func sameFigure(a, b any) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	x, xExact, xok := figureNumber(a)
	y, yExact, yok := figureNumber(b)
	if xok && yok {
		if xExact && yExact {
			return x.Equal(y)
		}
		fx, fy := x.InexactFloat64(), y.InexactFloat64()
		d := math.Abs(fx - fy)
		return d <= 1e-9*math.Max(math.Abs(fx), math.Abs(fy)) || d <= 0.51e-4
	}
	return fmt.Sprint(a) == fmt.Sprint(b)
}

// figureNumber reads a number: exact for counts, ids and sums.
func figureNumber(v any) (decimal.Decimal, bool, bool) {
	switch x := v.(type) {
	case int64:
		return decimal.NewFromInt(x), true, true
	case decimal.Decimal:
		return x, true, true
	case json.Number:
		d, err := decimal.NewFromString(string(x))
		return d, true, err == nil
	case float64:
		return decimal.NewFromFloat(x), false, true
	}
	return decimal.Decimal{}, false, false
}
