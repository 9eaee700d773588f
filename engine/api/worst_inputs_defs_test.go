package api_test

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Worst inputs for files, spreadsheet imports and definitions, and request
// heads too large to read.

// fileRows upload files the field does not take and download ids that were
// never uploaded.
func fileRows(t *testing.T) []enginetest.APIScenario {
	pdf, pdfType := enginetest.Multipart(t, "file", "quote.pdf", "application/pdf", []byte("%PDF-1.4 test"))
	html, htmlType := enginetest.Multipart(t, "file", "page.html", "text/html", []byte("<script>alert(1)</script>"))
	big, bigType := enginetest.Multipart(t, "file", "big.pdf", "application/pdf", make([]byte, 10<<20+1))
	wrongPart, wrongPartType := enginetest.Multipart(t, "upload", "quote.pdf", "application/pdf", []byte("%PDF"))
	upload := func(name, url, body, ct string, status int, code string, paths ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "upload: " + name, Method: "POST", URL: url, Body: body,
			Headers: map[string]string{"Content-Type": ct}, ExpectedStatus: status, ExpectedCode: code, ExpectedPaths: paths}
	}
	download := func(name, id string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "download: " + name, Method: "GET", URL: "/api/v1/files/" + id,
			ExpectedStatus: notFound, ExpectedCode: codeNotFound}
	}
	const files = "/api/v1/forms/order/files"
	return []enginetest.APIScenario{
		upload("no field named", files, pdf, pdfType, badRequest, codeBadRequest, "/field"),
		upload("not an attachment field", files+"?field=notes", pdf, pdfType, invalid, codeValidation, "/field"),
		upload("unknown field", files+"?field=bogus", pdf, pdfType, invalid, codeValidation, "/field"),
		upload("unknown form", "/api/v1/forms/nope/files?field=attachments", pdf, pdfType, notFound, codeNotFound),
		upload("JSON instead of a file", files+"?field=attachments", `{"file": "x"}`, "application/json", badRequest, codeBadRequest, "/file"),
		upload("part with another name", files+"?field=attachments", wrongPart, wrongPartType, badRequest, codeBadRequest, "/file"),
		upload("HTML to a PDF/image field", files+"?field=attachments", html, htmlType, invalid, codeValidation, "/file"),
		upload("over the field's 10 MiB", files+"?field=attachments", big, bigType, tooLarge, "too_large"),
		download("traversal", "..%2F..%2Fetc%2Fpasswd"),
		download("dot dot", "%2e%2e"),
		download("too short", "a"),
		download("too long", strings.Repeat("f", 41)),
		download("SQL", url.PathEscape("' OR '1'='1")),
		download("never uploaded", "0123456789abcdef0123456789abcdef"),
	}
}

// importRows import files that are missing, of the wrong kind, or with bad
// columns and rows.
func importRows(t *testing.T) []enginetest.APIScenario {
	csv := func(name, content string) (string, string) {
		return enginetest.Multipart(t, "file", name, "text/csv", []byte(content))
	}
	unknownCol, unknownColType := csv("customers.csv", "name,region,shoe_size\nImported,east,42\n")
	badRows, badRowsType := csv("customers.csv", "name,region,credit_limit\nGood one,east,10\n,mars,1.234\n")
	txt, txtType := enginetest.Multipart(t, "file", "customers.txt", "text/plain", []byte("name\nx\n"))
	xlsx, xlsxType := enginetest.Multipart(t, "file", "customers.xlsx", "application/octet-stream", []byte("not a zip"))
	headerOnly, headerOnlyType := csv("customers.csv", "name,region\n")
	good, goodType := csv("customers.csv", "name,region\nNot imported,east\n")
	imp := func(name, url, body, ct string, status int, code string, paths ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "import: " + name, Method: "POST", URL: url, Body: body,
			Headers: map[string]string{"Content-Type": ct}, ExpectedStatus: status, ExpectedCode: code, ExpectedPaths: paths}
	}
	const u = "/api/v1/forms/customer/records/import"
	return []enginetest.APIScenario{
		imp("no file", u, `{"rows": []}`, "application/json", badRequest, codeBadRequest, "/file"),
		imp("unknown form", "/api/v1/forms/nope/records/import", unknownCol, unknownColType, notFound, codeNotFound),
		imp("unknown column", u, unknownCol, unknownColType, invalid, codeValidation, "/header/2"),
		imp("bad rows", u, badRows, badRowsType, invalid, codeValidation, "/rows/2/name", "/rows/2/region", "/rows/2/credit_limit"),
		imp("bad rows, dry run", u+"?dry_run=true", badRows, badRowsType, invalid, codeValidation, "/rows/2/region"),
		imp("a .txt file", u, txt, txtType, invalid, codeValidation, "/file"),
		imp("a broken .xlsx", u, xlsx, xlsxType, invalid, codeValidation, "/file"),
		imp("a header and no rows", u, headerOnly, headerOnlyType, invalid, codeValidation, "/file"),
		imp("dry_run=yes is not understood", u+"?dry_run=yes", good, goodType, badRequest, codeBadRequest, "/dry_run"),
	}
}

// definitionRows save, import, publish and roll back definitions with
// mistakes; problems must point into the definition.
func definitionRows() []enginetest.APIScenario {
	form := func(key, fields string) string {
		return fmt.Sprintf(`{"kind": "form", "key": %q, "title": "T", "fields": %s}`, key, fields)
	}
	imp := func(name, def string, paths ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "definition: " + name, Method: "POST", URL: "/api/v1/definitions/import",
			Body: `{"definitions": [` + def + `]}`, ExpectedStatus: invalid, ExpectedCode: codeValidation, ExpectedPaths: paths}
	}
	draft := func(name, body string, status int, code string, paths ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "draft: " + name, Method: "POST", URL: "/api/v1/definitions", Body: body,
			ExpectedStatus: status, ExpectedCode: code, ExpectedPaths: paths}
	}
	call := func(name, method, url, body string, status int, code string, paths ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "definitions: " + name, Method: method, URL: url, Body: body,
			ExpectedStatus: status, ExpectedCode: code, ExpectedPaths: paths}
	}
	const defs = "/api/v1/definitions/form/"
	fields := make([]string, 301)
	for i := range fields {
		fields[i] = fmt.Sprintf(`{"key": "f%d", "type": "text", "label": "F"}`, i)
	}
	manyFields := "[" + strings.Join(fields, ",") + "]"
	return []enginetest.APIScenario{
		draft("bad key", form("Bad-Key", `[{"key": "a", "type": "text", "label": "A"}]`), invalid, codeValidation, "/key"),
		draft("unknown kind", `{"kind": "spreadsheet", "key": "sales", "title": "Sales"}`, invalid, codeValidation, "/kind"),
		draft("no kind", `{"key": "x", "title": "X"}`, invalid, codeValidation),
		draft("an array", `[{"kind": "form"}]`, badRequest, codeBadRequest),
		imp("field key with capitals", form("t1", `[{"key": "Bad Key", "type": "text", "label": "A"}]`), "/form/t1/fields/0/key"),
		imp("reserved field key", form("t2", `[{"key": "select", "type": "text", "label": "A"}]`), "/form/t2/fields/0/key"),
		imp("duplicate field keys", form("t3", `[{"key": "a", "type": "text", "label": "A"}, {"key": "a", "type": "text", "label": "B"}]`), "/form/t3/fields/1/key"),
		imp("unknown field type", form("t4", `[{"key": "a", "type": "hologram", "label": "A"}]`), "/form/t4/fields/0/type"),
		imp("select without options", form("t5", `[{"key": "a", "type": "select", "label": "A"}]`), "/form/t5/fields/0/options"),
		imp("formula syntax error", form("t6", `[{"key": "a", "type": "integer", "label": "A"}, {"key": "b", "type": "formula", "label": "B", "formula": "a *"}]`), "/form/t6/fields/1/formula"),
		imp("formula on an unknown field", form("t7", `[{"key": "a", "type": "integer", "label": "A"}, {"key": "b", "type": "formula", "label": "B", "formula": "a * nope"}]`), "/form/t7/fields/1/formula"),
		imp("relation to an unknown form", form("t8", `[{"key": "a", "type": "relation", "label": "A", "target": "nowhere"}]`), "/form/t8/fields/0/target"),
		imp("rule that does not compile", `{"kind": "form", "key": "t9", "title": "T", "fields": [{"key": "a", "type": "integer", "label": "A"}], "rules": [{"key": "r", "expr": "a >", "message": "m"}]}`, "/form/t9/rules/0/expr"),
		imp("unknown setting", form("t10", `[{"key": "a", "type": "text", "label": "A", "colour": "red"}]`), "/form/t10/fields/0/colour"),
		imp("no fields", form("t11", `[]`), "/form/t11/fields"),
		imp("301 fields", form("t12", manyFields), "/form/t12/fields"),
		imp("formula cycle", form("t13", `[{"key": "a", "type": "formula", "label": "A", "formula": "b + 1"}, {"key": "b", "type": "formula", "label": "B", "formula": "a + 1"}]`), "/form/t13/fields/1/formula"),
		imp("default of the wrong type", form("t14", `[{"key": "a", "type": "integer", "label": "A", "default": "\"ten\""}]`), "/form/t14/fields/0/default"),
		imp("sub-table in a sub-table", form("t15", `[{"key": "a", "type": "sub_table", "label": "A", "fields": [{"key": "b", "type": "sub_table", "label": "B", "fields": [{"key": "c", "type": "text", "label": "C"}]}]}]`), "/form/t15/fields/0/fields/0/type"),
		imp("visible_if that is not a condition", form("t16", `[{"key": "a", "type": "integer", "label": "A", "visible_if": "a + 1"}]`), "/form/t16/fields/0/visible_if"),
		imp("expression calling out", form("t17", `[{"key": "a", "type": "text", "label": "A", "default": "env.HOME"}]`), "/form/t17/fields/0/default"),
		imp("key of 49 characters", form(strings.Repeat("k", 49), `[{"key": "a", "type": "text", "label": "A"}]`)),
		imp("the same form twice", form("t18", `[{"key": "a", "type": "text", "label": "A"}]`)+","+form("t18", `[{"key": "a", "type": "text", "label": "A"}]`)),
		imp("forms linking in a cycle", form("t19", `[{"key": "b", "type": "relation", "label": "B", "target": "t20"}]`)+","+form("t20", `[{"key": "a", "type": "relation", "label": "A", "target": "t19"}]`)),
		imp("null as a definition", `null`),
		imp("a number as a definition", `42`),
		imp("an empty definition", `{}`, "/definitions/0/kind", "/definitions/0/key", "/definitions/0/title"),
		draft("kind is a number", `{"kind": 1, "key": "x", "title": "X"}`, invalid, codeValidation, "/kind"),
		draft("key of SQL", `{"kind": "form", "key": "x; DROP TABLE mosaic_users", "title": "X", "fields": []}`, invalid, codeValidation, "/key"),
		call("import nothing", "POST", "/api/v1/definitions/import", `{"definitions": []}`, invalid, codeValidation),
		call("import a string", "POST", "/api/v1/definitions/import", `{"definitions": "order.json"}`, badRequest, codeBadRequest, "/definitions"),
		call("publish without a draft", "POST", defs+"product/publish", "", notFound, codeNotFound),
		call("publish an unknown form", "POST", defs+"nope/publish", "", notFound, codeNotFound),
		call("publish with a bad option", "POST", defs+"product/publish", `{"allow_destructive": "yes"}`, badRequest, codeBadRequest, "/allow_destructive"),
		call("publish with a long note", "POST", defs+"product/publish", `{"note": "`+strings.Repeat("n", 501)+`"}`, badRequest, codeBadRequest, "/note"),
		call("rollback without a version", "POST", defs+"order/rollback", `{}`, invalid, codeValidation, "/version"),
		call("rollback to version -1", "POST", defs+"order/rollback", `{"version": -1}`, invalid, codeValidation, "/version"),
		call("rollback to a version as text", "POST", defs+"order/rollback", `{"version": "1"}`, badRequest, codeBadRequest, "/version"),
		call("rollback to a version that does not exist", "POST", defs+"order/rollback", `{"version": 99}`, notFound, codeNotFound),
		call("versions of an unknown form", "GET", defs+"nope/versions", "", notFound, codeNotFound),
		call("version 0", "GET", defs+"order/versions/0", "", notFound, codeNotFound),
		call("draft that does not exist", "GET", defs+"nope/draft", "", notFound, codeNotFound),
		call("diff without a draft", "GET", defs+"order/diff", "", notFound, codeNotFound),
		call("validate without a draft", "POST", defs+"order/validate", "", notFound, codeNotFound),
		call("schema of an unknown kind", "GET", "/api/v1/schemas/nope", "", notFound, codeNotFound),
		call("schema path traversal", "GET", "/api/v1/schemas/..%2Fdefinition", "", notFound, codeNotFound),
	}
}

// TestOversizedRequestHead sends URLs and headers too long to read through a
// real connection: the server answers 431 in the error shape, and a filter
// within its own 4000-character limit still gets through.
func TestOversizedRequestHead(t *testing.T) {
	t.Parallel()
	app := enginetest.New(t, store.SQLite)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = app.HTTP.Listener(ln) }()
	t.Cleanup(func() { _ = app.HTTP.Shutdown() })
	base := "http://" + ln.Addr().String()
	get := func(url string, header string) enginetest.Response {
		req, err := http.NewRequest("GET", base+url, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+app.Token+header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("GET %.80s: %v", url, err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return enginetest.Response{Status: resp.StatusCode, Body: string(b)}
	}

	long := `notes == "` + strings.Repeat("x", 3985) + `"`
	if r := get(listURL("order", "filter", long), ""); r.Status != 200 {
		t.Errorf("a %d-character filter: %d %.300s", len(long), r.Status, r.Body)
	}
	for name, r := range map[string]enginetest.Response{
		"40 KB URL":    get(listURL("order", "filter", strings.Repeat("x", 40_000)), ""),
		"40 KB header": get("/api/v1/forms", strings.Repeat("x", 40_000)),
	} {
		if r.Status != http.StatusRequestHeaderFieldsTooLarge {
			t.Errorf("%s: status %d, want 431: %.300s", name, r.Status, r.Body)
		}
		enginetest.CheckErrorShape(t, name, r)
		if e, ok := enginetest.DecodeError(r); ok && e.Code != "too_large" {
			t.Errorf("%s: code %q, want too_large", name, e.Code)
		}
	}
}
