package reports

import (
	"encoding/json"
	"math"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Result is a report run, ready to show and to encode as JSON.
//
// Values are in their JSON form: text and buckets as strings ("2026-03",
// "2026-W14"), dates as "2026-03-31", ids and counts as int64, exact
// numbers (sums, averages, money) as json.Number with their decimals
// ("1234.50"; an average has four decimals more than its field), derived
// measures as float64, and nil for no value.
type Result struct {
	Report string `json:"report"`
	Title  string `json:"title"`
	// Level is the drill level the rows are grouped at (0: the report's
	// dimensions).
	Level   int      `json:"level"`
	Columns []Column `json:"columns"`
	// Rows are the detail rows, in the report's sort order.
	Rows []Row `json:"rows"`
	// Subtotals are per value of the first dimension, in the order the
	// rows show them.
	Subtotals []Row `json:"subtotals,omitempty"`
	// Others folds the rows past a limit.
	Others *Row `json:"others,omitempty"`
	Totals *Row `json:"totals,omitempty"`
	// Previous is the previous period of a kpi that compares, and Change
	// the relative change of each measure ((current - previous) /
	// previous; nil when previous is zero or empty).
	Previous *Row           `json:"previous,omitempty"`
	Change   map[string]any `json:"change,omitempty"`
	Pivot    *PivotTable    `json:"pivot,omitempty"`
	Chart    *Chart         `json:"chart,omitempty"`
	// Params are the parameter values in force.
	Params map[string]any `json:"params"`
}

// Column describes one column of a result: a dimension or a measure.
type Column struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	// Role is "dimension" or "measure".
	Role string `json:"role"`
	// Type is the type of the values: a field type (text, select,
	// integer, money, percent, decimal, date, datetime, boolean, user,
	// relation…), "bucket" for a date bucket, or "number" for a derived
	// measure.
	Type string `json:"type"`
	// Field is the path of the field behind the column.
	Field  string `json:"field,omitempty"`
	Bucket string `json:"bucket,omitempty"`
	Agg    string `json:"agg,omitempty"`
	// Scale is the decimals of exact numbers.
	Scale    *int   `json:"scale,omitempty"`
	Currency string `json:"currency,omitempty"`
	// Target is the form a relation dimension's ids belong to.
	Target string `json:"target,omitempty"`
}

// Row is one row of a result.
type Row struct {
	// Values by column key.
	Values map[string]any `json:"values"`
	// Labels of select dimensions' values, by column key.
	Labels map[string]string `json:"labels,omitempty"`
}

// PivotTable is a two-dimension result laid out as a table.
type PivotTable struct {
	// Rows and Columns are the dimension keys down and across.
	Rows    string `json:"rows"`
	Columns string `json:"columns"`
	// RowValues are in the order of the report's rows; ColumnValues in
	// ascending order (time order for buckets).
	RowValues    []PivotHeader `json:"row_values"`
	ColumnValues []PivotHeader `json:"column_values"`
	// Cells[i][j] are the measures of RowValues[i] and ColumnValues[j];
	// nil where no record has both.
	Cells [][]map[string]any `json:"cells"`
	// RowTotals[i], ColumnTotals[j] and Total, with totals asked for.
	RowTotals    []map[string]any `json:"row_totals,omitempty"`
	ColumnTotals []map[string]any `json:"column_totals,omitempty"`
	Total        map[string]any   `json:"total,omitempty"`
}

// PivotHeader is one value along a pivot's rows or columns.
type PivotHeader struct {
	Value any    `json:"value"`
	Label string `json:"label,omitempty"`
}

// columns describes the result's columns: dims, then every measure.
func (c *Compiled) columns(dims []*cdim) []Column {
	var out []Column
	for _, d := range dims {
		col := Column{Key: d.Key, Label: labelOr(d.Label, d.path.field.Label), Role: "dimension",
			Type: d.path.field.ValueType(), Field: d.Field, Bucket: d.Bucket}
		switch {
		case d.Bucket != "":
			col.Type = "bucket"
		case d.path.field.ValueType() == "relation":
			col.Target = d.path.field.Target
		}
		fieldScale(&col, d.path)
		out = append(out, col)
	}
	for _, m := range c.measures {
		col := Column{Key: m.Key, Label: labelOr(m.Label, m.Key), Role: "measure", Field: m.Field, Agg: m.Agg}
		switch {
		case m.isDerived():
			col.Type = "number"
		case m.Agg == AggCount || m.Agg == AggCountDistinct:
			col.Type = "integer"
		default:
			col.Type = m.path.field.ValueType()
			fieldScale(&col, m.path)
			if m.Agg == AggAvg {
				col.Type = "decimal"
				s := avgDigits
				if col.Scale != nil {
					s += *col.Scale
				}
				col.Scale = &s
			}
		}
		out = append(out, col)
	}
	return out
}

func fieldScale(col *Column, p *cpath) {
	if p.vt == vtDecimal {
		s := p.field.Decimals()
		col.Scale = &s
		col.Currency = p.field.Currency
	}
}

func labelOr(label, fallback string) string {
	if label != "" {
		return label
	}
	return fallback
}

// paramsJSON is the parameters in their JSON form.
func paramsJSON(params map[string]any) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		out[k] = jsonValue(v)
	}
	return out
}

func jsonValue(v any) any {
	switch x := v.(type) {
	case decimal.Decimal:
		return json.Number(x.String())
	case time.Time:
		if x.Equal(time.Date(x.Year(), x.Month(), x.Day(), 0, 0, 0, 0, time.UTC)) {
			return x.Format(forms.DateLayout)
		}
		return x.Format(time.RFC3339Nano)
	case []any:
		out := make([]any, len(x))
		for i, it := range x {
			out[i] = jsonValue(it)
		}
		return out
	}
	return v
}

// compareValues orders result values: empty last, numbers by value, text
// by its bytes, false before true.
func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	if x, ok := number(a); ok {
		if y, ok := number(b); ok {
			switch {
			case x < y:
				return -1
			case x > y:
				return 1
			}
			return 0
		}
	}
	if x, ok := a.(bool); ok {
		if y, ok := b.(bool); ok {
			switch {
			case x == y:
				return 0
			case !x:
				return -1
			}
			return 1
		}
	}
	sa, _ := a.(string)
	sb, _ := b.(string)
	return strings.Compare(sa, sb)
}

// finite is f, or nil when it is not a number (division by zero).
func finite(f float64) any {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}
