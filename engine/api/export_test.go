package api_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

func TestExportRecordsAsCSVAndXLSX(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		for _, body := range []string{
			`{"name":"Acme 上海","region":"east","notes":"=HYPERLINK(\"http://evil\")"}`,
			`{"name":"Beta","region":"north","credit_limit":"1234.50"}`,
		} {
			if r := app.Do(t, "POST", "/api/v1/forms/customer/records", body, nil); r.Status != 201 {
				t.Fatalf("create: %d %s", r.Status, r.Body)
			}
		}
		r := app.Do(t, "GET", `/api/v1/forms/customer/records/export?sort=name&filter=region+in+["east","north"]`, "", nil)
		if r.Status != 200 || !strings.HasPrefix(r.Headers["Content-Type"], "text/csv") {
			t.Fatalf("csv export: %d %v %s", r.Status, r.Headers, r.Body)
		}
		lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.Body, "\ufeff")), "\n")
		if len(lines) != 3 || !strings.HasPrefix(lines[0], "id,") || !strings.Contains(lines[1], "Acme 上海") ||
			!strings.Contains(lines[2], "1234.50") {
			t.Errorf("csv rows: %q", lines)
		}
		if !strings.Contains(lines[1], `'=HYPERLINK`) {
			t.Errorf("a formula in a cell must be defused: %s", lines[1])
		}

		x := app.Do(t, "GET", "/api/v1/forms/customer/records/export?format=xlsx&fields=name,region", "", nil)
		if x.Status != 200 {
			t.Fatalf("xlsx export: %d %s", x.Status, x.Body)
		}
		f, err := excelize.OpenReader(bytes.NewReader([]byte(x.Body)))
		if err != nil {
			t.Fatal(err)
		}
		rows, _ := f.GetRows("Sheet1")
		if len(rows) != 3 || len(rows[0]) != 3 {
			t.Errorf("xlsx rows: %q", rows)
		}
		for _, bad := range []enginetest.APIScenario{
			{Name: "bad format", Method: "GET", URL: "/api/v1/forms/customer/records/export?format=pdf", ExpectedStatus: 400},
			{Name: "bad filter", Method: "GET", URL: "/api/v1/forms/customer/records/export?filter=nope>1", ExpectedStatus: 400},
			{Name: "unknown form", Method: "GET", URL: "/api/v1/forms/nope/records/export", ExpectedStatus: 404},
		} {
			bad.Test(t, app)
		}
	})
}
