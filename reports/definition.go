package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Report is the body of a definition of kind "report". The JSON Schema
// engine/schemas/report.schema.json documents every property.
type Report struct {
	Kind        string `json:"kind"`
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Source is the key of a form, or a built-in source ("mosaic.audit",
	// "mosaic.flow_tasks").
	Source string `json:"source"`
	// Params are named values the viewer sets; the filter reads them as
	// params.<key>.
	Params     []Param     `json:"params,omitempty"`
	Dimensions []Dimension `json:"dimensions,omitempty"`
	Measures   []Measure   `json:"measures"`
	// Filter is a condition in the records-list filter language over the
	// source's fields, the viewer (user.*) and the params.
	Filter string    `json:"filter,omitempty"`
	Sort   []SortKey `json:"sort,omitempty"`
	Limit  *Limit    `json:"limit,omitempty"`
	Totals *Totals   `json:"totals,omitempty"`
	Pivot  *Pivot    `json:"pivot,omitempty"`
	Chart  *Chart    `json:"chart,omitempty"`
	// Drill is the drill path: the dimensions a click descends through, in
	// order, after the report's own, before the records.
	Drill []Dimension `json:"drill,omitempty"`
}

// Param is a named value of a report that the viewer sets.
type Param struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
	// Type is text, integer, number, date, datetime or boolean.
	Type string `json:"type"`
	// Multiple makes the value a list, for filters such as
	// region in params.regions.
	Multiple bool `json:"multiple,omitempty"`
	// Default is the value when the viewer sets none; absent or null is no
	// value.
	Default json.RawMessage `json:"default,omitempty"`
}

// Dimension is what a report groups by: the values of a field, a date
// field's buckets, or a number field's bins.
type Dimension struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
	// Field is a path: a field (or system column) of the source, or of a
	// form reached through relation fields ("customer.region").
	Field string `json:"field"`
	// Bucket groups a date or date-time field by day, week (ISO), month,
	// quarter or year.
	Bucket string `json:"bucket,omitempty"`
	// Bin groups a number field into bins of this width.
	Bin *json.Number `json:"bin,omitempty"`
}

// Measure is what a report computes per group: an aggregate of a field
// (Agg and Field), or an expression over other measures (Expr).
type Measure struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
	// Agg is count, count_distinct, sum, avg, min or max.
	Agg string `json:"agg,omitempty"`
	// Field is the path aggregated; count needs none.
	Field string `json:"field,omitempty"`
	// Filter limits an aggregate to the rows matching a condition in the
	// records-list filter language (params included): won is a count with
	// filter stage == "won".
	Filter string `json:"filter,omitempty"`
	// Expr makes a derived measure: an expression over other measures'
	// keys, such as won / total. Division by zero gives no value.
	Expr string `json:"expr,omitempty"`
}

// SortKey orders the rows by a dimension or measure key.
type SortKey struct {
	Key  string `json:"key"`
	Desc bool   `json:"desc,omitempty"`
}

// Limit keeps the first Rows rows in the sort order (top-N); Others adds a
// row aggregating the rest.
type Limit struct {
	Rows   int  `json:"rows"`
	Others bool `json:"others,omitempty"`
}

// Totals asks for a grand total row and, with two dimensions or more,
// subtotals per value of the first.
type Totals struct {
	Grand     bool `json:"grand,omitempty"`
	Subtotals bool `json:"subtotals,omitempty"`
}

// Pivot lays a two-dimension report out as a table: one dimension down
// the rows, the other across the columns.
type Pivot struct {
	Rows    string `json:"rows"`
	Columns string `json:"columns"`
}

// Chart says how the result is drawn.
type Chart struct {
	// Type is table, bar, line, area, pie, funnel, kpi or pivot.
	Type string `json:"type"`
	// X is the dimension along the axis (or the slices, the stages).
	X string `json:"x,omitempty"`
	// Y are the measures drawn.
	Y []string `json:"y,omitempty"`
	// Series is a second dimension drawn as separate series.
	Series  string `json:"series,omitempty"`
	Stacked bool   `json:"stacked,omitempty"`
	// Compare (kpi only) compares with the period before.
	Compare *Compare `json:"compare,omitempty"`
}

// Compare names the two date parameters bounding the current period
// (From included, To excluded); the previous period is as long and ends
// where the current one starts.
type Compare struct {
	From string `json:"from"`
	To   string `json:"to"`
}

// Parse decodes a report definition, rejecting unknown properties; the
// JSON Schema check that runs before it gives the friendlier message.
func Parse(raw []byte) (*Report, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var r Report
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("decode report: %w", err)
	}
	return &r, nil
}
