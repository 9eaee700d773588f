package engine_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/reports"
)

func TestExportResultWritesRowsOthersAndTotals(t *testing.T) {
	t.Parallel()
	two := 2
	res := &reports.Result{
		Columns: []reports.Column{{Key: "customer", Label: "Customer", Role: "dimension"}, {Key: "stage", Label: "Stage", Role: "dimension"},
			{Key: "n", Label: "Orders", Role: "measure"}, {Key: "revenue", Label: "Revenue", Role: "measure", Scale: &two},
			{Key: "rate", Label: "Win rate", Role: "measure"}},
		Rows: []reports.Row{
			{Values: map[string]any{"customer": "+cmd|' /C calc'!A0", "stage": "won", "n": int64(3), "revenue": json.Number("1234.50"), "rate": 0.75},
				Labels: map[string]string{"stage": "Won 赢单"}},
			{Values: map[string]any{"customer": "-12.5", "stage": nil, "n": int64(1), "revenue": nil, "rate": nil}},
		},
		Others: &reports.Row{Values: map[string]any{"n": int64(4), "revenue": json.Number("10.00")}},
		Totals: &reports.Row{Values: map[string]any{"n": int64(8), "revenue": json.Number("1244.50"), "rate": 0.5}},
	}
	var csv bytes.Buffer
	if err := engine.ExportResult(res, "csv", &csv); err != nil {
		t.Fatal(err)
	}
	want := "\ufeffCustomer,Stage,Orders,Revenue,Win rate\n'+cmd|' /C calc'!A0,Won 赢单,3,1234.50,0.75\n-12.5,,1,,\nOthers,,4,10.00,\nTotal,,8,1244.50,0.5\n"
	if got := csv.String(); got != want {
		t.Errorf("csv:\n%s\nwant\n%s", got, want)
	}

	var xlsx bytes.Buffer
	if err := engine.ExportResult(res, "xlsx", &xlsx); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&xlsx)
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows("Sheet1")
	var lines []string
	for _, r := range rows {
		lines = append(lines, strings.Join(r, "|"))
	}
	if got := strings.Join(lines, "\n"); got != "Customer|Stage|Orders|Revenue|Win rate\n+cmd|' /C calc'!A0|Won 赢单|3|1,234.50|0.75\n-12.5||1\nOthers||4|10.00\nTotal||8|1,244.50|0.5" {
		t.Errorf("xlsx:\n%s", got)
	}
	if raw, _ := f.GetCellValue("Sheet1", "D2", excelize.Options{RawCellValue: true}); raw != "1234.5" {
		t.Errorf("the revenue is stored as %q, want the number 1234.5", raw)
	}

	// a kpi (no dimension) has no row of totals
	kpi := &reports.Result{Columns: []reports.Column{{Key: "n", Label: "Orders", Role: "measure"}},
		Rows: []reports.Row{{Values: map[string]any{"n": int64(8)}}}, Totals: &reports.Row{Values: map[string]any{"n": int64(8)}}}
	csv.Reset()
	if err := engine.ExportResult(kpi, "csv", &csv); err != nil || csv.String() != "\ufeffOrders\n8\n" {
		t.Errorf("a kpi: %q, %v", csv.String(), err)
	}
	if err := engine.ExportResult(kpi, "pdf", &csv); err == nil {
		t.Error("a pdf export was accepted")
	}
}
