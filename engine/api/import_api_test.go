package api_test

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

const importURL = "/api/v1/forms/customer/records/import"

// countRecords is the total of a form's records.
func countRecords(t *testing.T, app *enginetest.App, form string) int {
	t.Helper()
	var p listPage
	app.Expect(t, 200, "GET", listURL(form), "", nil).JSON(t, &p)
	if p.Total == nil {
		t.Fatalf("list of %s has no total", form)
	}
	return *p.Total
}

type importReport struct {
	Rows     int   `json:"rows"`
	Imported int   `json:"imported"`
	DryRun   bool  `json:"dry_run"`
	Errors   []any `json:"errors"`
}

func TestImportRecords(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		csv := "\ufeffname,Region 区域,credit_limit,level,contact_email\n" +
			"Alpha Co,east,\"1,000.50\",A,ap@alpha.example\n" +
			"Beta Co,North China 华北,,B,\n"
		body, ct := enginetest.Multipart(t, "file", "customers.csv", "text/csv", []byte(csv))
		headers := map[string]string{"Content-Type": ct}

		var rep importReport
		app.Expect(t, 200, "POST", importURL+"?dry_run=true", body, headers).JSON(t, &rep)
		if rep.Rows != 2 || rep.Imported != 2 || !rep.DryRun || len(rep.Errors) != 0 {
			t.Errorf("dry run = %+v, want 2 of 2 rows checked", rep)
		}
		if n := countRecords(t, app, "customer"); n != 0 {
			t.Fatalf("a dry run stored %d customers", n)
		}

		app.Expect(t, 200, "POST", importURL+"?dry_run=1", body, headers).JSON(t, &rep)
		if !rep.DryRun || countRecords(t, app, "customer") != 0 {
			t.Fatalf("dry_run=1 imported: %+v", rep)
		}

		imported := app.Expect(t, 200, "POST", importURL, body, headers)
		conforms(t, "ImportReport", imported.Body)
		imported.JSON(t, &rep)
		if rep.Rows != 2 || rep.Imported != 2 || rep.DryRun {
			t.Errorf("import = %+v", rep)
		}
		var list listPage
		app.Expect(t, 200, "GET", listURL("customer", "sort", "name"), "", nil).JSON(t, &list)
		if len(list.Items) != 2 {
			t.Fatalf("after the import: %d customers", len(list.Items))
		}
		alpha, beta := list.Items[0], list.Items[1]
		if alpha["name"] != "Alpha Co" || alpha["credit_limit"] != 1000.5 || alpha["code"] != "CUS-00001" {
			t.Errorf("Alpha imported as %v", alpha)
		}
		if beta["region"] != "north" || beta["credit_limit"] != nil || beta["contact_email"] != nil {
			t.Errorf("Beta imported as %v", beta)
		}

		// One bad row stores nothing, and says which row and column.
		bad := "name,region\nGamma Co,east\nDelta Co,atlantis\n"
		body, ct = enginetest.Multipart(t, "file", "more.csv", "text/csv", []byte(bad))
		r := enginetest.APIScenario{Name: "one bad row", Method: "POST", URL: importURL, Body: body,
			Headers: map[string]string{"Content-Type": ct}, ExpectedStatus: 422, ExpectedCode: "validation_failed",
			ExpectedPaths: []string{"/rows/2/region"}, ExpectedContent: []string{"row 2"}}.Test(t, app)
		if e, ok := enginetest.DecodeError(r); ok {
			if d := e.Detail("/rows/2/region"); d != nil && d.Line != 3 {
				t.Errorf("the bad row is reported at line %d of the file, want 3", d.Line)
			}
		}
		if n := countRecords(t, app, "customer"); n != 2 {
			t.Errorf("a failed import left %d customers, want the 2 from before", n)
		}

		xlsx := workbook(t, [][]any{
			{"sku", "name", "Product line 产品线", "unit_price"},
			{"HW-1", "Server", "hardware", 1500},
			{"SV-1", "Install", "Service 服务", "250.00"},
		})
		body, ct = enginetest.Multipart(t, "file", "products.xlsx",
			"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xlsx)
		app.Expect(t, 200, "POST", "/api/v1/forms/product/records/import", body, map[string]string{"Content-Type": ct}).JSON(t, &rep)
		if rep.Imported != 2 || countRecords(t, app, "product") != 2 {
			t.Errorf("xlsx import = %+v", rep)
		}
	})
}

// workbook builds an .xlsx file whose first sheet holds rows.
func workbook(t *testing.T, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
