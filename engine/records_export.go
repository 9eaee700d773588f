package engine

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// MaxExportRows bounds one export; larger sets should be filtered.
const MaxExportRows = 100_000

// exportPage is how many records an export reads per query.
const exportPage = 500

// ExportRecords writes the records of c matching q (its filter, sort and
// fields, within q.Access) to w as CSV or XLSX, one row per record and one
// column per field the caller may read; sub-tables are left out. The first
// row holds the field labels.
func (e *Engine) ExportRecords(ctx context.Context, c *forms.Compiled, q forms.ListQuery, format string, w io.Writer) error {
	cols := exportColumns(c, q)
	header := make([]any, 0, len(cols)+1)
	header = append(header, "id")
	for _, f := range cols {
		header = append(header, f.Label)
	}
	out, err := newTableWriter(format, w)
	if err != nil {
		return err
	}
	if err := out.row(header); err != nil {
		return err
	}
	q.PerPage, q.SkipTotal = exportPage, true
	written := 0
	for q.Page = 1; written < MaxExportRows; q.Page++ {
		res, err := e.records.List(ctx, c, q)
		if err != nil {
			return err
		}
		for _, rec := range res.Items {
			line := []any{fmt.Sprint(rec.ID())}
			view := c.JSONAs(rec, q.Access, nil)
			for _, f := range cols {
				line = append(line, cellText(view[f.Key]))
			}
			if err := out.row(line); err != nil {
				return err
			}
			written++
		}
		if len(res.Items) < exportPage {
			break
		}
	}
	return out.close()
}

// exportColumns are the fields to export: the requested ones (or all) that
// have a column and that the caller may read.
func exportColumns(c *forms.Compiled, q forms.ListQuery) []*forms.CField {
	want := map[string]bool{}
	for _, k := range q.Fields {
		want[k] = true
	}
	var cols []*forms.CField
	for _, f := range c.Fields() {
		if f.Child != nil || (len(want) > 0 && !want[f.Key]) || !q.Access.CanRead(f.Key) {
			continue
		}
		cols = append(cols, f)
	}
	return cols
}

// cellText renders one API value as spreadsheet text.
func cellText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case json.Number:
		return x.String()
	case []string:
		return strings.Join(x, "|")
	case []int64:
		parts := make([]string, len(x))
		for i, n := range x {
			parts[i] = fmt.Sprint(n)
		}
		return strings.Join(parts, "|")
	case []forms.Attachment:
		parts := make([]string, len(x))
		for i, a := range x {
			parts[i] = a.Name
		}
		return strings.Join(parts, "|")
	}
	return fmt.Sprint(v)
}

// tableWriter writes rows to CSV or to the first sheet of an XLSX workbook,
// row by row.
type tableWriter struct {
	csv  *csv.Writer
	xlsx *excelize.File
	sw   *excelize.StreamWriter
	dst  io.Writer
	n    int
	// styles are the XLSX number styles by decimal places.
	styles map[int]int
}

// numberCell is a number: a numeric cell in XLSX, shown with Scale
// decimal places (-1: as many as it has), and its Text in CSV.
type numberCell struct {
	Text  string
	Scale int
}

func newTableWriter(format string, w io.Writer) (*tableWriter, error) {
	switch format {
	case "", "csv":
		// note: a BOM lets Excel open UTF-8 CSV (Chinese labels) correctly.
		if _, err := io.WriteString(w, "\ufeff"); err != nil {
			return nil, err
		}
		return &tableWriter{csv: csv.NewWriter(w)}, nil
	case "xlsx":
		f := excelize.NewFile()
		sw, err := f.NewStreamWriter("Sheet1")
		if err != nil {
			return nil, err
		}
		return &tableWriter{xlsx: f, sw: sw, dst: w}, nil
	}
	return nil, invalid("/format", "format must be csv or xlsx")
}

// row writes one row of cells: text (strings, or API values shown as
// cellText shows them) and numberCells.
func (t *tableWriter) row(cells []any) error {
	if t.csv != nil {
		text := make([]string, len(cells))
		for i, c := range cells {
			if n, ok := c.(numberCell); ok {
				text[i] = n.Text
				continue
			}
			text[i] = cellText(c)
		}
		return t.csv.Write(safeCells(text))
	}
	t.n++
	vals := make([]any, len(cells))
	for i, c := range cells {
		v, err := t.xlsxValue(c)
		if err != nil {
			return err
		}
		vals[i] = v
	}
	cell, err := excelize.CoordinatesToCellName(1, t.n)
	if err != nil {
		return err
	}
	return t.sw.SetRow(cell, vals)
}

// xlsxValue is a cell as the stream writer takes it: a number as a
// float64 in a style showing its decimals, anything else as text.
func (t *tableWriter) xlsxValue(c any) (any, error) {
	n, ok := c.(numberCell)
	if !ok {
		return cellText(c), nil
	}
	f, err := strconv.ParseFloat(n.Text, 64)
	if err != nil || n.Scale < 0 || n.Scale > 12 {
		if err != nil {
			return n.Text, nil
		}
		return f, nil
	}
	style, ok := t.styles[n.Scale]
	if !ok {
		format := "0"
		if n.Scale > 0 {
			format = "#,##0." + strings.Repeat("0", n.Scale)
		}
		if style, err = t.xlsx.NewStyle(&excelize.Style{CustomNumFmt: &format}); err != nil {
			return nil, err
		}
		if t.styles == nil {
			t.styles = map[int]int{}
		}
		t.styles[n.Scale] = style
	}
	return excelize.Cell{StyleID: style, Value: f}, nil
}

func (t *tableWriter) close() error {
	if t.csv != nil {
		t.csv.Flush()
		return t.csv.Error()
	}
	if err := t.sw.Flush(); err != nil {
		return err
	}
	_, err := t.xlsx.WriteTo(t.dst)
	return err
}

// safeCells defuses spreadsheet formulas in text (CSV injection): a cell
// that starts with = + - @ is prefixed with a quote.
func safeCells(cells []string) []string {
	for i, c := range cells {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			if _, err := fmt.Sscanf(c, "%g", new(float64)); err != nil {
				cells[i] = "'" + c
			}
		}
	}
	return cells
}
