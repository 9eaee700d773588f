package api_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// regionLabels are the example's region options' labels.
var regionLabels = map[string]string{"east": "East China 华东", "north": "North China 华北", "west": "West China 西部"}

// exported reads an export's rows: CSV (without its BOM) or the first
// sheet of an XLSX workbook, as formatted text.
func exported(t *testing.T, r enginetest.Response, format string) [][]string {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("export: %d %s", r.Status, r.Body)
	}
	if format == "csv" {
		if !strings.HasPrefix(r.Headers["Content-Type"], "text/csv") || !strings.HasPrefix(r.Body, "\ufeff") {
			t.Errorf("a CSV export of type %q starts %.10q", r.Headers["Content-Type"], r.Body)
		}
		rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatalf("the CSV does not parse: %v\n%s", err, r.Body)
		}
		return rows
	}
	f := openXLSX(t, r)
	rows, err := f.GetRows("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func openXLSX(t *testing.T, r enginetest.Response) *excelize.File {
	t.Helper()
	if !strings.Contains(r.Headers["Content-Type"], "spreadsheetml") || !strings.Contains(r.Headers["Content-Disposition"], ".xlsx") {
		t.Errorf("an XLSX export is sent as %q, %q", r.Headers["Content-Type"], r.Headers["Content-Disposition"])
	}
	f, err := excelize.OpenReader(bytes.NewReader([]byte(r.Body)))
	if err != nil {
		t.Fatalf("the XLSX does not open: %v", err)
	}
	t.Cleanup(func() { _ = f.Close() })
	return f
}

// grouped shows "key count total" lines as export rows would: the region's
// label, the count and the total, with thousands separated in XLSX.
func grouped(lines []string, format string) []string {
	var out []string
	for _, l := range lines {
		f := strings.Fields(l)
		out = append(out, regionLabels[f[0]]+"|"+f[1]+"|"+shown(f[2], format))
	}
	slices.Sort(out)
	return out
}

// shown is an amount as an export shows it: in XLSX with thousands
// separated (up to a million).
func shown(amount, format string) string {
	if format == "xlsx" && len(amount) > 6 {
		return amount[:len(amount)-6] + "," + amount[len(amount)-6:]
	}
	return amount
}

func TestExportReportAPI(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		region := func(s *sale) string { return s.region }
		for _, format := range []string{"csv", "xlsx"} {
			for _, who := range []string{"admin", "rep1"} {
				r := app.Do(t, "POST", "/api/v1/reports/sales_by_region/export?format="+format, `{"params": {"from": "2026-01-01"}}`, w.as(who))
				rows := exported(t, r, format)
				sales := w.visible(who, inPeriod("2026-01-01", ""))
				var total int64
				for _, s := range sales {
					total += s.cents
				}
				want := grouped(byKey(sales, region), format)
				if len(rows) != len(want)+2 || strings.Join(rows[0], "|") != "Region 区域|Orders|Revenue" ||
					strings.Join(rows[len(rows)-1], "|") != fmt.Sprintf("Total|%d|%s", len(sales), shown(money(total), format)) {
					t.Errorf("%s's %s export: %q", who, format, rows)
					continue
				}
				var got []string
				for _, row := range rows[1 : len(rows)-1] {
					got = append(got, strings.Join(row, "|"))
				}
				slices.Sort(got)
				sameLines(t, who+"'s "+format+" export", got, want)
			}
		}
		// in XLSX, figures are numbers shown with their decimals
		f := openXLSX(t, app.Do(t, "POST", "/api/v1/reports/sales_by_region/export?format=xlsx", "", nil))
		shown, _ := f.GetCellValue("Sheet1", "C2")
		raw, _ := f.GetCellValue("Sheet1", "C2", excelize.Options{RawCellValue: true})
		if shown != "1,000.00" || raw != "1000" {
			t.Errorf("north's revenue is shown %q, stored %q; want 1,000.00 and the number 1000", shown, raw)
		}

		// a name a spreadsheet would run is text: quoted in CSV, a string in XLSX
		// note: which of the two customers sorts first is the database's
		// collation's to say.
		csvRows := exported(t, app.Do(t, "POST", "/api/v1/reports/orders_by_customer/export", "", nil), "csv")
		evil := slices.IndexFunc(csvRows, func(row []string) bool { return strings.Contains(row[0], "HYPERLINK") })
		if len(csvRows) != 3 || evil < 1 || csvRows[evil][0] != `'=HYPERLINK("http://evil")` {
			t.Errorf("the formula is not defused in CSV: %q", csvRows)
		}
		f = openXLSX(t, app.Do(t, "POST", "/api/v1/reports/orders_by_customer/export?format=xlsx", "", nil))
		cell := fmt.Sprintf("A%d", evil+1)
		if v, _ := f.GetCellValue("Sheet1", cell); v != `=HYPERLINK("http://evil")` {
			t.Errorf("the customer's name in XLSX: %q", v)
		}
		if formula, _ := f.GetCellFormula("Sheet1", cell); formula != "" {
			t.Errorf("the customer's name became a formula in XLSX: %q", formula)
		}
		checkScenario(t, app, enginetest.APIScenario{Name: "a rep exports margins", Method: "POST", URL: "/api/v1/reports/margin_by_region/export",
			Headers: w.as("rep1"), ExpectedStatus: 403, ExpectedPaths: []string{"/margin"}})
	})
}

func TestExportDrillAPIKeepsToTheCallersRowsAndFields(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		body := `{"click": {"values": {"region": "east"}}}`
		for _, format := range []string{"csv", "xlsx"} {
			for _, who := range []string{"admin", "rep1", "rep2"} {
				r := app.Do(t, "POST", "/api/v1/reports/sales_by_region/drill/export?format="+format, body, w.as(who))
				rows := exported(t, r, format)
				header := strings.Join(rows[0], "|")
				hidden := strings.Contains(header, "Margin 毛利") || strings.Contains(header, "Cost 成本")
				if !strings.HasPrefix(header, "id|") || !strings.Contains(header, "Amount 订单金额") || hidden != (who == "admin") {
					t.Errorf("%s's %s header: %s", who, format, header)
				}
				var got, want []string
				for _, row := range rows[1:] {
					got = append(got, row[0])
				}
				for _, s := range w.visible(who, func(s *sale) bool { return inPeriod("2026-01-01", "")(s) && s.region == "east" }) {
					want = append(want, fmt.Sprint(s.id))
				}
				slices.Sort(got)
				slices.Sort(want)
				sameLines(t, who+"'s "+format+" records behind east", got, want)
			}
		}
		for _, s := range []enginetest.APIScenario{
			{Name: "a rep exports the records behind a margin", Method: "POST", URL: "/api/v1/reports/margin_by_region/drill/export",
				Body: body, Headers: w.as("rep1"), ExpectedStatus: 403, ExpectedPaths: []string{"/margin"}},
			{Name: "the rows of a built-in source are not records", Method: "POST", URL: "/api/v1/reports/approval_times/drill/export",
				Body: `{"click": {"values": {"node": "x"}}}`, ExpectedStatus: 400},
		} {
			checkScenario(t, app, s)
		}
	})
}
