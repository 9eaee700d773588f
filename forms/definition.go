// Package forms holds form definitions: field types, compilation of their
// expressions, validation of records, formulas, auto-numbers, the migration
// planner that keeps each form's table in step with its definition, and the
// record store on top of the store package. It knows nothing of HTTP.
package forms

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
)

// Form is the body of a definition of kind "form".
type Form struct {
	Kind        string          `json:"kind"`
	Key         string          `json:"key"`
	Title       string          `json:"title"`
	Description string          `json:"description,omitempty"`
	Fields      []Field         `json:"fields"`
	Rules       []Rule          `json:"rules,omitempty"`
	Layout      json.RawMessage `json:"layout,omitempty"`
	// Indexes are composite indexes over the form's table, for the list
	// pages and reports the form serves most.
	Indexes []Index `json:"indexes,omitempty"`
	// Conversions create records of this form from records of another.
	Conversions []Conversion `json:"conversions,omitempty"`
}

// Field is one field of a form (or a column of a sub-table). Which settings
// apply depends on Type; the JSON Schema for forms says which.
type Field struct {
	Key      string `json:"key"`
	Type     string `json:"type"`
	Label    string `json:"label"`
	Help     string `json:"help,omitempty"`
	Required bool   `json:"required,omitempty"`
	ReadOnly bool   `json:"read_only,omitempty"`
	Unique   bool   `json:"unique,omitempty"`
	Index    bool   `json:"index,omitempty"`
	// Default is an expression evaluated when a record is created without a
	// value for the field.
	Default string `json:"default,omitempty"`
	// VisibleIf is an expression; when it is false the field is hidden in the
	// form and its value is neither required nor kept.
	VisibleIf string `json:"visible_if,omitempty"`

	Min       *json.Number `json:"min,omitempty"`
	Max       *json.Number `json:"max,omitempty"`
	MinLength *int         `json:"min_length,omitempty"`
	MaxLength *int         `json:"max_length,omitempty"`
	Pattern   string       `json:"pattern,omitempty"`

	// Options of select and multi_select.
	Options []Option `json:"options,omitempty"`
	// Target form of a relation; Multiple allows several related records.
	Target   string `json:"target,omitempty"`
	Multiple bool   `json:"multiple,omitempty"`
	// Fields are the columns of a sub_table.
	Fields []Field `json:"fields,omitempty"`
	// Formula is the expression of a formula field, Result its value type
	// (integer, decimal, money, percent, text, boolean, date; decimal when empty).
	Formula string `json:"formula,omitempty"`
	Result  string `json:"result,omitempty"`
	// Scale is the number of decimal places of decimal, money and percent
	// fields (2 when absent, 4 for percent, which is a fraction: 0.15 is
	// 15 %); Currency is an ISO 4217 code for money.
	Scale    *int   `json:"scale,omitempty"`
	Currency string `json:"currency,omitempty"`
	// Format of an auto_number, e.g. "SO-{yyyy}{mm}-{seq:5}".
	Format string `json:"format,omitempty"`
	// Attachment limits: bytes per file, accepted MIME types ("image/*"
	// allowed) and number of files.
	MaxSize  int64    `json:"max_size,omitempty"`
	Accept   []string `json:"accept,omitempty"`
	MaxFiles int      `json:"max_files,omitempty"`
	// Fill takes the field's value from a linked record (see Fill).
	Fill *Fill `json:"fill,omitempty"`

	// pattern is Pattern compiled once, at compile time.
	pattern *regexp.Regexp
}

// Index is a form-level index over one or more columns of the form's table,
// in order: the list pages a form serves most (filter on some fields, sort on
// another) stay fast as the table grows when an index starts with the
// filtered fields and ends with the sorted one.
//
// Example:
//
//	{"fields": ["region", "amount"]} // region == "east" sorted by -amount
type Index struct {
	Fields []string `json:"fields"`
	Unique bool     `json:"unique,omitempty"`
}

// Option is one choice of a select field.
type Option struct {
	Value string `json:"value"`
	Label string `json:"label"`
}

// Rule is a form-level validation rule: Expr must hold, otherwise Message is
// reported on Field (or on the record as a whole when Field is empty).
type Rule struct {
	Key     string `json:"key"`
	Expr    string `json:"expr"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// Parse decodes a form definition. It rejects unknown properties; the JSON
// Schema check that runs before it gives the friendlier message.
func Parse(raw []byte) (*Form, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	dec.UseNumber()
	var f Form
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode form: %w", err)
	}
	return &f, nil
}

// scale returns the field's number of decimal places.
func (f *Field) scale() int {
	if f.Scale == nil {
		if f.Type == "percent" {
			return 4
		}
		return 2
	}
	return *f.Scale
}

// Decimals is the number of decimal places of an exact number (decimal,
// money, percent, or a formula giving one): its values are stored as whole
// multiples of 10^-Decimals, the minor units.
func (f *Field) Decimals() int { return f.scale() }

// ValueType is the type of the values f holds: its type, or for a formula
// the type of its result (decimal when unset).
func (f *Field) ValueType() string {
	if f.Type != "formula" {
		return f.Type
	}
	if _, ok := formulaResults[f.Result]; ok {
		return f.Result
	}
	return "decimal"
}
