package reports

import (
	"errors"
)

// Summary is what a viewer sees of a report in a list: enough to offer it
// and to ask for its parameters.
type Summary struct {
	Key         string      `json:"key"`
	Title       string      `json:"title"`
	Description string      `json:"description,omitempty"`
	Source      string      `json:"source"`
	Version     int         `json:"version"`
	Chart       *Chart      `json:"chart,omitempty"`
	Params      []ParamInfo `json:"params"`
	// Forbidden, when set, says what the report uses that the viewer may
	// not read: running it would be refused.
	Forbidden *Refusal `json:"forbidden,omitempty"`
}

// Description is what a viewer sees of one report: its summary, the
// columns a run gives, and the drill path.
type Description struct {
	Summary
	// Columns are the dimensions, then the measures, of a run at level 0.
	Columns []Column `json:"columns"`
	// Drill are the dimensions of the drill path, level 1 first. A
	// request's filters may name these and the report's dimensions.
	Drill  []Column `json:"drill"`
	Pivot  *Pivot   `json:"pivot,omitempty"`
	Totals *Totals  `json:"totals,omitempty"`
}

// ParamInfo is a parameter as a viewer sets it, with its default in its
// JSON form.
type ParamInfo struct {
	Key      string `json:"key"`
	Label    string `json:"label"`
	Type     string `json:"type"`
	Multiple bool   `json:"multiple"`
	Default  any    `json:"default"`
}

// Refusal is a ForbiddenError as data.
type Refusal struct {
	// Form is the form holding what may not be read.
	Form string `json:"form"`
	// Field is the field path; empty when the form may not be read at all.
	Field   string `json:"field,omitempty"`
	Message string `json:"message"`
}

// SourceReadable reports whether the viewer may read the report's source:
// a report they may not run for one field is still theirs to see (and to
// be told why).
func (s *Summary) SourceReadable() bool { return s.Forbidden == nil || s.Forbidden.Field != "" }

// Summarize is report c as viewer v sees it in a list. It fails only when
// v's access cannot be resolved; what v may not read is in Forbidden.
func Summarize(c *Compiled, v Viewer) (*Summary, error) {
	r := c.Report
	s := &Summary{Key: r.Key, Title: r.Title, Description: r.Description, Source: r.Source, Version: c.Version,
		Chart: r.Chart, Params: make([]ParamInfo, 0, len(c.params))}
	for _, p := range c.params {
		s.Params = append(s.Params, ParamInfo{Key: p.Key, Label: labelOr(p.Label, p.Key), Type: p.Type, Multiple: p.Multiple, Default: jsonValue(p.def)})
	}
	_, err := c.authorize(v, c.dims)
	var fe *ForbiddenError
	switch {
	case errors.As(err, &fe):
		s.Forbidden = &Refusal{Form: fe.Form, Field: fe.Field, Message: fe.Error()}
	case err != nil:
		return nil, err
	}
	return s, nil
}

// Describe is report c as viewer v sees it before running it.
func Describe(c *Compiled, v Viewer) (*Description, error) {
	s, err := Summarize(c, v)
	if err != nil {
		return nil, err
	}
	d := &Description{Summary: *s, Columns: c.columns(c.dims), Drill: []Column{}, Pivot: c.Report.Pivot, Totals: c.Report.Totals}
	for _, col := range c.columns(c.drill) {
		if col.Role == "dimension" {
			d.Drill = append(d.Drill, col)
		}
	}
	return d, nil
}
