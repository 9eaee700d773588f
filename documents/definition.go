// Package documents holds document templates — definitions of kind
// "document" that lay out a record of a form, with its sub-table rows and
// the records its relations link to, as a printable page — and renders them
// to PDF with the embedded CJK font, so Chinese prints correctly anywhere.
//
// It knows forms but not HTTP or the database: the engine reads the record
// and its related records with the caller's permissions and hands them over.
package documents

import (
	"encoding/json"
	"fmt"
)

// Template is a document definition.
type Template struct {
	Kind        string `json:"kind"`
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	// Form is the form whose records the document prints.
	Form string `json:"form"`
	// Heading is printed at the top of the page.
	Heading string `json:"heading"`
	// Attach is an attachment field of Form that accepts PDF: a generated
	// document is added to it.
	Attach string `json:"attach,omitempty"`
	// Sections are printed in order.
	Sections []Section `json:"sections"`
	// Footer is printed at the end, such as payment terms or a signature line.
	Footer string `json:"footer,omitempty"`
}

// Section is one block of a document: label/value pairs of fields (Fields),
// a table of a sub-table's rows (Table with Columns), or a paragraph
// (Text). Paths name a field of the form ("amount"), a field of the record
// a relation links to ("customer.name"), or in Columns a column of the
// sub-table ("qty", "product.name").
type Section struct {
	Title   string   `json:"title,omitempty"`
	Fields  []string `json:"fields,omitempty"`
	Table   string   `json:"table,omitempty"`
	Columns []string `json:"columns,omitempty"`
	Text    string   `json:"text,omitempty"`
	// Labels replace the fields' own labels, by path, for this document.
	Labels map[string]string `json:"labels,omitempty"`
}

// Parse decodes a document definition.
func Parse(raw []byte) (*Template, error) {
	var t Template
	if err := json.Unmarshal(raw, &t); err != nil {
		return nil, fmt.Errorf("not a document definition: %w", err)
	}
	return &t, nil
}
