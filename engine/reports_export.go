package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mosaic-lowcode/mosaic/reports"
)

// ExportReport runs the live report key for p (their rows, refused for a
// field they may not read) and writes the result to w as CSV or XLSX.
func (e *Engine) ExportReport(ctx context.Context, p *Principal, key string, req reports.Request, format string, w io.Writer) error {
	res, err := e.RunReport(ctx, p, key, req)
	if err != nil {
		return err
	}
	return ExportResult(res, format, w)
}

// ExportResult writes a report result to w as CSV or XLSX, row by row: a
// header of the column labels, the rows in the report's order (a select
// dimension shown by its label), then the row of the others and the
// totals, when the result has them. Numbers are numeric cells in XLSX,
// with their decimals; text that a spreadsheet would run as a formula is
// defused as in ExportRecords.
func ExportResult(res *reports.Result, format string, w io.Writer) error {
	out, err := newTableWriter(format, w)
	if err != nil {
		return err
	}
	header := make([]any, len(res.Columns))
	for i, c := range res.Columns {
		header[i] = c.Label
	}
	if err := out.row(header); err != nil {
		return err
	}
	for _, r := range res.Rows {
		if err := out.row(resultCells(res.Columns, r, "")); err != nil {
			return err
		}
	}
	hasDims := len(res.Columns) > 0 && res.Columns[0].Role == "dimension"
	for _, extra := range []struct {
		row   *reports.Row
		label string
	}{{res.Others, "Others"}, {res.Totals, "Total"}} {
		if extra.row == nil || !hasDims {
			continue
		}
		if err := out.row(resultCells(res.Columns, *extra.row, extra.label)); err != nil {
			return err
		}
	}
	return out.close()
}

// resultCells are the cells of one result row; label, when set, names the
// row in the first column (the others, the totals).
func resultCells(cols []reports.Column, r reports.Row, label string) []any {
	cells := make([]any, len(cols))
	for i, c := range cols {
		v := r.Values[c.Key]
		if l, ok := r.Labels[c.Key]; ok && l != "" {
			v = l
		}
		cells[i] = resultCell(c, v)
	}
	if label != "" && len(cells) > 0 {
		cells[0] = label
	}
	return cells
}

// resultCell is one value of a result as a cell.
func resultCell(c reports.Column, v any) any {
	scale := -1
	if c.Scale != nil {
		scale = *c.Scale
	}
	switch x := v.(type) {
	case int64:
		return numberCell{Text: fmt.Sprint(x), Scale: 0}
	case json.Number:
		if scale < 0 && !strings.Contains(x.String(), ".") {
			scale = 0
		}
		return numberCell{Text: x.String(), Scale: scale}
	case float64:
		return numberCell{Text: strconv.FormatFloat(x, 'f', -1, 64), Scale: -1}
	}
	return v
}
