package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// fileUpload posts one file as multipart/form-data.
func fileUpload(t *testing.T, app *enginetest.App, url, name, contentType string, body []byte) enginetest.Response {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	part, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = part.Write(body)
	_ = w.Close()
	req := httptest.NewRequest("POST", url, &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+app.Token)
	resp, err := app.HTTP.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return enginetest.Response{Status: resp.StatusCode, Body: string(b)}
}

func TestFileAttachmentRoundTrip(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		pdf := []byte("%PDF-1.4 contract body")
		up := fileUpload(t, app, "/api/v1/forms/order/files?field=attachments", "../../etc/合同.pdf", "application/pdf", pdf)
		if up.Status != 201 {
			t.Fatalf("upload: %d %s", up.Status, up.Body)
		}
		var file struct {
			ID   string `json:"id"`
			Name string `json:"name"`
			Size int64  `json:"size"`
		}
		up.JSON(t, &file)
		if file.Name != "合同.pdf" || file.Size != int64(len(pdf)) {
			t.Errorf("stored file %+v: the name must lose its folders, the size must match", file)
		}

		for _, bad := range []struct {
			name, url, fname, ct string
			body                 []byte
			status               int
		}{
			{"type not accepted", "/api/v1/forms/order/files?field=attachments", "x.exe", "application/x-msdownload", []byte("MZ"), 422},
			{"too large", "/api/v1/forms/order/files?field=attachments", "big.pdf", "application/pdf", bytes.Repeat([]byte("a"), 10<<20+1), 413},
			{"not an attachment field", "/api/v1/forms/order/files?field=notes", "a.pdf", "application/pdf", pdf, 422},
			{"no field", "/api/v1/forms/order/files", "a.pdf", "application/pdf", pdf, 400},
			{"unknown form", "/api/v1/forms/nope/files?field=x", "a.pdf", "application/pdf", pdf, 404},
		} {
			r := fileUpload(t, app, bad.url, bad.fname, bad.ct, bad.body)
			if r.Status != bad.status {
				t.Errorf("%s: status %d, want %d: %s", bad.name, r.Status, bad.status, r.Body)
			}
			enginetest.CheckErrorShape(t, bad.name, r)
		}

		cust := app.Do(t, "POST", "/api/v1/forms/customer/records", `{"name":"Files Ltd","region":"east"}`, nil)
		var c struct{ ID int64 }
		cust.JSON(t, &c)
		prod := app.Do(t, "POST", "/api/v1/forms/product/records", `{"sku":"F-1","name":"Thing","product_line":"service","unit_price":1}`, nil)
		var p struct{ ID int64 }
		prod.JSON(t, &p)
		body, _ := json.Marshal(map[string]any{"customer": c.ID, "attachments": []string{file.ID},
			"items": []any{map[string]any{"product": p.ID, "qty": 1, "unit_price": 1}}})
		order := app.Do(t, "POST", "/api/v1/forms/order/records", string(body), nil)
		if order.Status != 201 || !strings.Contains(order.Body, `"name":"合同.pdf"`) {
			t.Fatalf("order with attachment: %d %s", order.Status, order.Body)
		}
		other := app.Do(t, "POST", "/api/v1/forms/order/records",
			strings.Replace(string(body), file.ID, "0123456789abcdef0123456789abcdef", 1), nil)
		if other.Status != 422 || !strings.Contains(other.Body, "/attachments/0") {
			t.Errorf("unknown file id: %d %s", other.Status, other.Body)
		}

		dl := app.Do(t, "GET", "/api/v1/files/"+file.ID, "", nil)
		if dl.Status != 200 || dl.Body != string(pdf) || dl.Headers["Content-Type"] != "application/pdf" {
			t.Errorf("download: %d %q %v", dl.Status, dl.Body, dl.Headers)
		}
		if r := app.Do(t, "GET", "/api/v1/files/..%2F..%2Fmosaic.db", "", nil); r.Status != 404 {
			t.Errorf("path traversal: %d", r.Status)
		}
	})
}

func TestMetricsCountRequestsByRoute(t *testing.T) {
	app := enginetest.New(t, "sqlite")
	app.Do(t, "GET", "/api/v1/forms/order/records/12345", "", nil)
	r := app.Do(t, "GET", "/metrics", "", nil)
	if r.Status != 200 || !strings.Contains(r.Body, `mosaic_http_requests_total{method="GET",route="/api/v1/forms/:form/records/:id",status="404"} 1`) {
		t.Errorf("metrics: %d %s", r.Status, r.Body[:min(len(r.Body), 400)])
	}
	// note: nothing has been submitted, so no timer waits yet.
	if !strings.Contains(r.Body, `mosaic_jobs{state="scheduled"} 0`) || !strings.Contains(r.Body, `mosaic_jobs{state="available"}`) {
		t.Errorf("no job gauges: %s", r.Body[:min(len(r.Body), 400)])
	}
}
