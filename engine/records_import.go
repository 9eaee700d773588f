package engine

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// maxImportRows bounds one import file.
const maxImportRows = 50_000

// ImportReport says what an import did, row by row.
type ImportReport struct {
	Rows     int              `json:"rows"`
	Imported int              `json:"imported"`
	DryRun   bool             `json:"dry_run"`
	Errors   []ImportRowError `json:"errors"`
}

// ImportRowError is one problem in one row; Row counts from 1 for the first
// data row (the header is row 0), Column is the header as written.
type ImportRowError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

var errRollback = errors.New("rollback import")

// ImportRecords creates one record per row of a CSV or XLSX file whose first
// row names the fields (by key or label). It is all or nothing: when any row
// has a problem nothing is stored and the report lists every problem; with
// dryRun nothing is stored either way.
//
// acc is the importer's access for creating records: fields it may not
// write are refused as in any create.
func (e *Engine) ImportRecords(ctx context.Context, c *forms.Compiled, filename string, r io.Reader, dryRun bool, actor forms.Actor, acc *forms.Access) (*ImportReport, error) {
	table, err := readTable(filename, r)
	if err != nil {
		return nil, err
	}
	if len(table) < 2 {
		return nil, invalid("/file", "the file needs a header row naming the fields and at least one data row")
	}
	if len(table)-1 > maxImportRows {
		return nil, invalid("/file", fmt.Sprintf("the file has more than %d rows; split it", maxImportRows))
	}
	keys, problems := mapHeader(c, table[0])
	report := &ImportReport{Rows: len(table) - 1, DryRun: dryRun, Errors: problems}
	if len(problems) > 0 {
		return report, nil
	}
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		for i, row := range table[1:] {
			input := map[string]any{}
			for j, cell := range row {
				if j < len(keys) && keys[j] != "" && strings.TrimSpace(cell) != "" {
					input[keys[j]] = cell
				}
			}
			_, err := e.records.Create(ctx, c, forms.Write{Input: input, Actor: actor, Access: acc})
			if pl, ok := forms.AsProblems(err); ok {
				for _, p := range pl.Problems {
					report.Errors = append(report.Errors, ImportRowError{Row: i + 1, Column: columnOf(p.Path, keys, table[0]),
						Path: fmt.Sprintf("/rows/%d%s", i+1, p.Path), Code: p.Code, Message: p.Message})
				}
				continue
			}
			if err != nil {
				return err
			}
			report.Imported++
		}
		if len(report.Errors) > 0 || dryRun {
			return errRollback
		}
		return nil
	})
	if err != nil && !errors.Is(err, errRollback) {
		return nil, err
	}
	if len(report.Errors) > 0 {
		report.Imported = 0
	}
	if report.Errors == nil {
		report.Errors = []ImportRowError{}
	}
	return report, nil
}

// mapHeader matches header cells to field keys (or labels, ignoring case).
func mapHeader(c *forms.Compiled, header []string) ([]string, []ImportRowError) {
	keys := make([]string, len(header))
	var problems []ImportRowError
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if h == "" {
			continue
		}
		var match *forms.CField
		for _, f := range c.Fields() {
			if f.Key == h || strings.EqualFold(f.Label, h) {
				match = f
				break
			}
		}
		switch {
		case match == nil:
			problems = append(problems, ImportRowError{Row: 0, Column: h, Path: fmt.Sprintf("/header/%d", i),
				Code: forms.CodeUnknownField, Message: fmt.Sprintf("column %q is not a field of %s", h, c.Form.Key)})
		case match.Child != nil:
			problems = append(problems, ImportRowError{Row: 0, Column: h, Path: fmt.Sprintf("/header/%d", i),
				Code: forms.CodeInvalidValue, Message: fmt.Sprintf("column %q is a sub-table; import its rows through the API", h)})
		case seen[match.Key]:
			problems = append(problems, ImportRowError{Row: 0, Column: h, Path: fmt.Sprintf("/header/%d", i),
				Code: forms.CodeDuplicateKey, Message: fmt.Sprintf("field %s appears in two columns", match.Key)})
		default:
			seen[match.Key] = true
			keys[i] = match.Key
		}
	}
	return keys, problems
}

func columnOf(path string, keys, header []string) string {
	key := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 2)[0]
	for i, k := range keys {
		if k == key && i < len(header) {
			return header[i]
		}
	}
	return ""
}

// readTable reads every row of a CSV or the first sheet of an XLSX file.
func readTable(filename string, r io.Reader) ([][]string, error) {
	lower := strings.ToLower(filename)
	switch {
	case strings.HasSuffix(lower, ".xlsx"):
		f, err := excelize.OpenReader(io.LimitReader(r, 64<<20))
		if err != nil {
			return nil, invalid("/file", "the file is not a readable .xlsx workbook")
		}
		defer f.Close()
		sheets := f.GetSheetList()
		if len(sheets) == 0 {
			return nil, invalid("/file", "the workbook has no sheets")
		}
		rows, err := f.GetRows(sheets[0])
		if err != nil {
			return nil, invalid("/file", "the first sheet could not be read")
		}
		return rows, nil
	case strings.HasSuffix(lower, ".csv"):
		cr := csv.NewReader(io.LimitReader(r, 64<<20))
		cr.FieldsPerRecord = -1
		rows, err := cr.ReadAll()
		if err != nil {
			return nil, invalid("/file", "the CSV could not be read: "+err.Error())
		}
		return rows, nil
	}
	return nil, invalid("/file", "import takes .csv or .xlsx files")
}
