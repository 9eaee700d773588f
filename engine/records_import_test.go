package engine_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
)

func TestImportRecordsFromCSV(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		product, _ := e.Form("product")
		csv := "sku,Product name 产品名称,product_line,unit_price,active\n" +
			"HW-100,Server,hardware,12000.50,yes\n" +
			"SW-200,Licence,Software,800,no\n"
		rep, err := e.ImportRecords(ctx, product, "products.csv", strings.NewReader(csv), false, forms.Actor{ID: app.Admin.ID}, nil)
		if err != nil || rep.Imported != 2 || len(rep.Errors) != 0 {
			t.Fatalf("import: %v %+v", err, rep)
		}
		res, err := e.Records().List(ctx, product, forms.ListQuery{Filter: `sku == "SW-200"`})
		if err != nil || len(res.Items) != 1 || res.Items[0]["product_line"] != "software" {
			t.Fatalf("imported row: %v %+v", err, res.Items)
		}

		bad := "sku,name,unit_price,colour\nbad sku,X,abc,red\n"
		rep, err = e.ImportRecords(ctx, product, "p.csv", strings.NewReader(bad), false, forms.Actor{}, nil)
		if err != nil || len(rep.Errors) != 1 || rep.Errors[0].Column != "colour" || rep.Errors[0].Row != 0 {
			t.Fatalf("unknown column: %v %+v", err, rep)
		}

		bad = "sku,name,unit_price,product_line\nOK-1,Fine,1,hardware\nbad sku,X,abc,hardware\nOK-2,,2,service\n"
		rep, err = e.ImportRecords(ctx, product, "p.csv", strings.NewReader(bad), false, forms.Actor{}, nil)
		if err != nil || rep.Imported != 0 {
			t.Fatalf("bad rows: %v %+v", err, rep)
		}
		var got []string
		for _, re := range rep.Errors {
			got = append(got, re.Path)
		}
		if strings.Join(got, ",") != "/rows/2/unit_price,/rows/2/sku,/rows/3/name" {
			t.Errorf("row errors %v", got)
		}
		if n, _ := e.Records().List(ctx, product, forms.ListQuery{Filter: `sku == "OK-1"`}); len(n.Items) != 0 {
			t.Errorf("a failed import kept its good rows")
		}
	})
}

func TestImportRecordsFromXLSXDryRun(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		f := excelize.NewFile()
		rows := [][]any{{"name", "region", "credit_limit"}, {"Acme", "east", 1000.5}, {"Beta", "north", 20}}
		for i, r := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
				t.Fatal(err)
			}
		}
		var buf bytes.Buffer
		if err := f.Write(&buf); err != nil {
			t.Fatal(err)
		}
		customer, _ := app.Engine.Form("customer")
		rep, err := app.Engine.ImportRecords(ctx, customer, "c.xlsx", bytes.NewReader(buf.Bytes()), true, forms.Actor{}, nil)
		if err != nil || rep.Imported != 2 || !rep.DryRun {
			t.Fatalf("dry run: %v %+v", err, rep)
		}
		if res, _ := app.Engine.Records().List(ctx, customer, forms.ListQuery{}); res.Total != 0 {
			t.Errorf("a dry run stored %d records", res.Total)
		}
		rep, err = app.Engine.ImportRecords(ctx, customer, "c.xlsx", bytes.NewReader(buf.Bytes()), false, forms.Actor{}, nil)
		if err != nil || rep.Imported != 2 {
			t.Fatalf("import: %v %+v", err, rep)
		}
		if _, err := app.Engine.ImportRecords(ctx, customer, "c.pdf", strings.NewReader("x"), false, forms.Actor{}, nil); err == nil {
			t.Errorf("a .pdf import should be refused")
		}
	})
}
