package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Dashboard is the body of a definition of kind "dashboard": report
// widgets on a grid, with shared filters. The JSON Schema
// engine/schemas/dashboard.schema.json documents every property.
type Dashboard struct {
	Kind        string `json:"kind"`
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Columns is the grid's width in cells (12 when absent).
	Columns int `json:"columns,omitempty"`
	// Filters are shared: each applies to the widgets that bind it.
	Filters []DashboardFilter `json:"filters,omitempty"`
	Widgets []Widget          `json:"widgets"`
	// Linked turns on linked filtering: selecting a bar or a row of one
	// widget filters the other widgets that group by, or can be filtered
	// by, the same field.
	Linked bool `json:"linked,omitempty"`
}

// DashboardFilter is a filter shared by a dashboard's widgets.
type DashboardFilter struct {
	Key   string `json:"key"`
	Label string `json:"label,omitempty"`
	// Type is date_range (a from and a to date), or a parameter type:
	// text, integer, number, date, datetime, boolean.
	Type     string `json:"type"`
	Multiple bool   `json:"multiple,omitempty"`
	// Default is the filter's value when the viewer sets none: for a
	// date_range an object {"from": …, "to": …}.
	Default json.RawMessage `json:"default,omitempty"`
}

// Widget is one report on the dashboard's grid.
type Widget struct {
	Key    string `json:"key"`
	Report string `json:"report"`
	Title  string `json:"title,omitempty"`
	// X and Y place the widget's top-left cell (from 0); W and H are its
	// width and height in cells.
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
	// Params fix some of the report's parameters for this widget.
	Params map[string]json.RawMessage `json:"params,omitempty"`
	// Bind maps shared filters (by key) to what they set in this widget.
	Bind map[string]Binding `json:"bind,omitempty"`
}

// Binding says what a shared filter sets in one widget: a parameter of its
// report (for a date_range, Param gets the start and To the end), or a
// dimension of its report that the filter narrows to its value (or, for a
// date_range, to the range).
type Binding struct {
	Param     string `json:"param,omitempty"`
	To        string `json:"to,omitempty"`
	Dimension string `json:"dimension,omitempty"`
}

// ParseDashboard decodes a dashboard definition, rejecting unknown
// properties.
func ParseDashboard(raw []byte) (*Dashboard, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var d Dashboard
	if err := dec.Decode(&d); err != nil {
		return nil, fmt.Errorf("decode dashboard: %w", err)
	}
	return &d, nil
}
