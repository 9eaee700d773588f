package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// Printing a quotation stores a PDF on the quote that names the customer in
// Chinese and lists the lines, and downloads through the files API with its hash.
func TestGenerateQuotationPDF(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := seed(t, app)
		cust := create(t, app, "customer", `{"name": "上海明远机械有限公司", "region": "east", "contact_name": "王伟"}`)
		lead := create(t, app, "lead", `{"company": "上海明远机械有限公司", "region": "east"}`)
		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Roles: []string{"sales_rep"}})
		quote := app.Expect(t, 201, "POST", "/api/v1/forms/quote/records", fmt.Sprintf(`{"lead": %d, "customer": %d,
			"items": [{"product": %d, "qty": 3, "unit_price": "50000.00", "description": "数控机床 CNC"}]}`,
			lead, cust, fx.Product), rep.Headers()).Map(t)
		qid := idOf(t, quote)

		list := app.Expect(t, 200, "GET", "/api/v1/forms/quote/documents", "", rep.Headers()).Body
		if !strings.Contains(list, `"quotation"`) {
			t.Errorf("documents of quote: %s", list)
		}
		r := app.Expect(t, 201, "POST", recordURL("quote", qid)+"/documents/quotation", "", rep.Headers())
		var file struct {
			ID     string `json:"id"`
			Name   string `json:"name"`
			Type   string `json:"type"`
			SHA256 string `json:"sha256"`
		}
		r.JSON(t, &file)
		if file.Type != "application/pdf" || !strings.HasSuffix(file.Name, ".pdf") || len(file.SHA256) != 64 {
			t.Fatalf("generated file: %s", r.Body)
		}
		got := app.Expect(t, 200, "GET", "/api/v1/files/"+file.ID, "", rep.Headers())
		sum := sha256.Sum256([]byte(got.Body))
		if hex.EncodeToString(sum[:]) != file.SHA256 {
			t.Error("the stored SHA-256 is not the downloaded file's")
		}
		text, err := documents.Text([]byte(got.Body))
		if err != nil {
			t.Fatal(err)
		}
		flat := strings.ReplaceAll(text, "\n", " ")
		for _, want := range []string{"上海明远机械有限公司", "王伟", "报价单", "数控机床 CNC", "150,000.00", "2U rack server"} {
			if !strings.Contains(flat, want) {
				t.Errorf("the quotation lacks %q: %s", want, flat)
			}
		}
		rec := getRecord(t, app, "quote", qid)
		if docs, _ := rec["documents"].([]any); len(docs) != 1 || !strings.Contains(fmt.Sprint(docs), file.ID) {
			t.Errorf("the quote's documents: %v", rec["documents"])
		}

		// delivery may not read quotes: neither print nor download.
		delivery := app.NewUser(t, enginetest.UserSpec{Email: "delivery@example.com", Roles: []string{"delivery"}})
		app.Expect(t, 403, "POST", recordURL("quote", qid)+"/documents/quotation", "", delivery.Headers())
		app.Expect(t, 404, "GET", "/api/v1/files/"+file.ID, "", delivery.Headers())
		app.Expect(t, 404, "POST", recordURL("quote", qid)+"/documents/contract", "", nil)
		app.Expect(t, 404, "POST", recordURL("quote", 99999)+"/documents/quotation", "", nil)
	})
}
