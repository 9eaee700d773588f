package reports

import (
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// Problem codes of report and dashboard definitions. They are stable: the
// studio translates them and tests match them instead of messages.
// Problems that are not specific to reports use the forms codes
// (forms.CodeInvalidKey, forms.CodeDuplicateKey, forms.CodeInvalidExpr,
// forms.CodeInvalidSetting).
const (
	// CodeUnknownSource means the source is neither a published form nor a
	// built-in source.
	CodeUnknownSource = "report_unknown_source"
	// CodeUnknownField means a path names no field (or system column) of
	// the form it reaches.
	CodeUnknownField = "report_unknown_field"
	// CodeNotARelation means a path goes on after a field that is not a
	// single relation (a.b where a is not a relation, or holds several).
	CodeNotARelation = "report_not_a_relation"
	// CodePathTooLong means a path follows more relations than allowed, or
	// its name is too long to be a column name.
	CodePathTooLong = "report_path_too_long"
	// CodeUnsupportedField means the field cannot be grouped or aggregated
	// (multiple choices, several records, attachments, sub-tables).
	CodeUnsupportedField = "report_unsupported_field"
	// CodeNotNumeric means sum or avg names a field that is not a number.
	CodeNotNumeric = "report_not_numeric"
	// CodeUnsupportedAggregate means min or max names a field they do not
	// order (only numbers, dates and date-times), an unknown aggregate, or
	// a measure with both or neither of agg and expr.
	CodeUnsupportedAggregate = "report_unsupported_aggregate"
	// CodeBadBucket means a date bucket on a field that is not a date or
	// date-time, or an unknown bucket.
	CodeBadBucket = "report_bad_bucket"
	// CodeBadBin means a bin on a field that is not a number, or a width
	// that is not positive or finer than the field's decimals.
	CodeBadBin = "report_bad_bin"
	// CodeUnknownMeasure means a derived measure names no measure.
	CodeUnknownMeasure = "report_unknown_measure"
	// CodeMeasureCycle means derived measures depend on each other in a
	// cycle.
	CodeMeasureCycle = "report_measure_cycle"
	// CodeUnknownKey means a sort key, a chart or pivot entry names no
	// dimension or measure of the report.
	CodeUnknownKey = "report_unknown_key"
	// CodeInvalidParam means a parameter's type or default is wrong.
	CodeInvalidParam = "report_invalid_param"
	// CodeInvalidFilter means the filter cannot be used (unknown field,
	// wrong comparison…); the problem gives the column in the filter.
	CodeInvalidFilter = "report_invalid_filter"
	// CodeInvalidLimit means a limit that cannot apply: no sort, no
	// dimension, or a sort by a derived measure.
	CodeInvalidLimit = "report_invalid_limit"
	// CodeInvalidPivot means a pivot that does not name the report's two
	// dimensions.
	CodeInvalidPivot = "report_invalid_pivot"
	// CodeInvalidChart means a chart that does not fit the report (a pie
	// without a dimension, a kpi comparison without date parameters…).
	CodeInvalidChart = "report_invalid_chart"

	// CodeUnknownReport means a widget names no published report.
	CodeUnknownReport = "dashboard_unknown_report"
	// CodeOutsideGrid means a widget does not fit the dashboard's columns.
	CodeOutsideGrid = "dashboard_outside_grid"
	// CodeOverlap means two widgets share a cell.
	CodeOverlap = "dashboard_overlapping_widgets"
	// CodeInvalidBinding means a widget binds a filter it does not have,
	// to a parameter or dimension its report does not have, or to one of
	// the wrong type.
	CodeInvalidBinding = "dashboard_invalid_binding"
)

// problems collects the problems of one definition.
type problems struct {
	list []forms.Problem
}

func (p *problems) add(path, code, format string, args ...any) {
	p.list = append(p.list, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
}

// err is the collected problems as a *forms.ProblemList, or nil.
func (p *problems) err(subject string) error {
	if len(p.list) == 0 {
		return nil
	}
	return &forms.ProblemList{Subject: subject, Problems: p.list}
}
