package api_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// The 100 worst inputs: hostile and mistaken requests across every endpoint.
// Each must get a specific 4xx in the one error shape, never a 500, and none
// may damage the data that was there before. Every status a row gets must be
// one openapi.json lists for its endpoint.

const (
	badRequest   = 400
	unauthorized = 401
	notFound     = 404
	conflict     = 409
	tooLarge     = 413
	invalid      = 422
)

// Error codes the rows expect.
const (
	codeBadRequest   = "bad_request"
	codeValidation   = "validation_failed"
	codeNotFound     = "not_found"
	codeUnauthorized = "unauthorized"
	codeQuery        = "invalid_query"
)

// internals are what no response may show: Go type names, driver errors,
// stack traces.
var internals = []string{"RawMessage", "loginRequest", "publishRequest", "importRequest", "json: ", "SQLSTATE",
	"syntax error at or near", "no such table", "constraint failed", "goroutine", "panic:", "runtime error", ".go:"}

// sqlLooking are strings that look like SQL; they are ordinary text to the
// engine and must be stored and returned verbatim.
var sqlLooking = []string{
	`Robert'); DROP TABLE f_customer;--`,
	`' OR '1'='1' --`,
	`1; DELETE FROM mosaic_users WHERE 1=1`,
	`"; UPDATE f_order SET amount = 0; --`,
	`x' UNION SELECT token_hash FROM mosaic_sessions --`,
}

func TestWorstInputs(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := seed(t, app)
		app.Expect(t, 200, "POST", "/api/v1/definitions/import", `{"definitions": [`+campaignForm+`]}`, nil)
		before := snapshot(t, app, fx)
		var rows []enginetest.APIScenario
		rows = append(rows, authRows(t, app)...)
		rows = append(rows, bodyRows(fx)...)
		rows = append(rows, customerFieldRows()...)
		rows = append(rows, orderFieldRows(fx)...)
		rows = append(rows, systemFieldRows(fx)...)
		rows = append(rows, campaignRows(fx)...)
		rows = append(rows, textRows(fx)...)
		rows = append(rows, queryRows(fx)...)
		rows = append(rows, idRows(fx)...)
		rows = append(rows, ifMatchRows(fx)...)
		rows = append(rows, fileRows(t)...)
		rows = append(rows, importRows(t)...)
		rows = append(rows, definitionRows()...)
		t.Logf("%d worst inputs", len(rows))
		if len(rows) < 100 {
			t.Fatalf("only %d worst inputs; there should be at least 100", len(rows))
		}
		for _, s := range rows {
			s.NotExpectedContent = append(s.NotExpectedContent, internals...)
			r := s.Test(t, app)
			if r.Status >= 400 {
				conforms(t, "Error", r.Body)
			}
			if route, ok := documented(t, s.Method, s.URL, r.Status); route != "" && !ok {
				t.Errorf("%s: %s answered %d, which openapi.json does not list", s.Name, route, r.Status)
			}
		}
		after := snapshot(t, app, fx)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed after the worst inputs:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}
		checkSQLLookingRoundTrip(t, app)
		checkCounts(t, app)
		app.Login(t, enginetest.AdminEmail, enginetest.AdminPassword) // the users are all there
	})
}

// snapshot renders the fixture records and the live forms, to compare after
// the hostile rows ran.
func snapshot(t *testing.T, app *enginetest.App, fx fixture) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, r := range []struct {
		form string
		id   int64
	}{{"customer", fx.Customer}, {"product", fx.Product}, {"product", fx.Product2}, {"order", fx.Order}} {
		out[fmt.Sprintf("%s %d", r.form, r.id)] = app.Expect(t, 200, "GET", recordURL(r.form, r.id), "", nil).Body
	}
	out["forms"] = app.Expect(t, 200, "GET", "/api/v1/forms", "", nil).Body
	return out
}

// checkSQLLookingRoundTrip finds each SQL-looking customer by an exact
// filter on its name and compares what was stored with what was sent.
func checkSQLLookingRoundTrip(t *testing.T, app *enginetest.App) {
	t.Helper()
	for _, s := range sqlLooking {
		var list struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		app.Expect(t, 200, "GET", listURL("customer", "filter", "name == "+jsonQuote(s)), "", nil).JSON(t, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0]["name"] != s || list.Items[0]["notes"] != s {
			t.Errorf("customer named %q did not round-trip: %+v", s, list)
		}
	}
}

// checkCounts makes sure only the rows meant to create records did.
func checkCounts(t *testing.T, app *enginetest.App) {
	t.Helper()
	for form, want := range map[string]int{"customer": 1 + len(sqlLooking), "product": 2, "order": 1, "campaign": 1} {
		var list struct {
			Total int `json:"total"`
		}
		app.Expect(t, 200, "GET", listURL(form), "", nil).JSON(t, &list)
		if list.Total != want {
			t.Errorf("%s has %d records after the worst inputs, want %d", form, list.Total, want)
		}
	}
}

// jsonQuote renders s as a JSON (and filter) string literal.
func jsonQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// authRows present missing, forged, expired and revoked tokens, and bad
// logins.
func authRows(t *testing.T, app *enginetest.App) []enginetest.APIScenario {
	expired := app.SessionToken(t, time.Now().Add(-time.Minute))
	revoked := app.Login(t, enginetest.AdminEmail, enginetest.AdminPassword)
	app.Expect(t, 204, "POST", "/api/v1/auth/logout", "", enginetest.Bearer(revoked))
	login := func(name, body string, status int, paths ...string) enginetest.APIScenario {
		code := codeBadRequest
		switch status {
		case unauthorized:
			code = codeUnauthorized
		case invalid:
			code = codeValidation
		}
		return enginetest.APIScenario{Name: "login: " + name, Method: "POST", URL: "/api/v1/auth/login", Body: body,
			Headers: map[string]string{"Authorization": ""}, ExpectedStatus: status, ExpectedCode: code,
			ExpectedPaths: paths, NotExpectedContent: []string{"token"}}
	}
	auth := func(name string, headers map[string]string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "auth: " + name, Method: "GET", URL: "/api/v1/forms/order/records",
			Headers: headers, ExpectedStatus: unauthorized, ExpectedCode: codeUnauthorized,
			NotExpectedContent: []string{"Acme"}}
	}
	return []enginetest.APIScenario{
		auth("no token", map[string]string{"Authorization": ""}),
		auth("empty bearer", map[string]string{"Authorization": "Bearer "}),
		auth("garbage bearer", map[string]string{"Authorization": "Bearer not-a-token"}),
		auth("basic auth", map[string]string{"Authorization": "Basic YWRtaW46cGFzc3dvcmQ="}),
		auth("very long token", map[string]string{"Authorization": "Bearer " + strings.Repeat("a", 5000)}),
		auth("expired token", enginetest.Bearer(expired)),
		auth("revoked token", enginetest.Bearer(revoked)),
		auth("forged cookie", map[string]string{"Authorization": "", "Cookie": "mosaic_session=forged"}),
		auth("SQL in token", map[string]string{"Authorization": "Bearer ' OR 1=1 --"}),
		login("wrong password", `{"email": "admin@example.com", "password": "wrong horse"}`, unauthorized),
		login("unknown user", `{"email": "nobody@example.com", "password": "correct horse battery"}`, unauthorized),
		login("SQL in e-mail", `{"email": "' OR 1=1 --", "password": "x"}`, unauthorized),
		login("missing password", `{"email": "admin@example.com"}`, invalid, "/password"),
		login("missing both", `{}`, invalid, "/email", "/password"),
		login("unknown property", `{"email": "admin@example.com", "password": "correct horse battery", "admin": true}`, badRequest, "/admin"),
		login("e-mail is a number", `{"email": 42, "password": "correct horse battery"}`, badRequest, "/email"),
		login("array body", `[{"email": "admin@example.com"}]`, badRequest),
		{Name: "login: form-encoded", Method: "POST", URL: "/api/v1/auth/login",
			Body:           "email=admin%40example.com&password=correct+horse+battery",
			Headers:        map[string]string{"Authorization": "", "Content-Type": "application/x-www-form-urlencoded"},
			ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
	}
}

// bodyRows send bodies that are not one JSON object of at most 2 MiB.
func bodyRows(fx fixture) []enginetest.APIScenario {
	post := func(name, body string, status int, headers map[string]string) enginetest.APIScenario {
		code := codeBadRequest
		if status == tooLarge {
			code = "too_large"
		}
		return enginetest.APIScenario{Name: "body: " + name, Method: "POST", URL: "/api/v1/forms/customer/records",
			Body: body, Headers: headers, ExpectedStatus: status, ExpectedCode: code}
	}
	huge := `{"name": "Huge", "region": "east", "notes": "` + strings.Repeat("x", 2<<20) + `"}`
	deep := strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000)
	return []enginetest.APIScenario{
		post("malformed JSON", `{"name": "Acme", "region": `, badRequest, nil),
		post("single quotes", `{'name': 'Acme'}`, badRequest, nil),
		post("trailing garbage", `{"name": "Trailing", "region": "east"} DROP TABLE`, badRequest, nil),
		post("two objects", `{"name": "One", "region": "east"}{"name": "Two", "region": "east"}`, badRequest, nil),
		post("array body", `[{"name": "Arr", "region": "east"}]`, badRequest, nil),
		post("string body", `"Acme"`, badRequest, nil),
		post("null body", `null`, badRequest, nil),
		post("number body", `42`, badRequest, nil),
		post("boolean body", `true`, badRequest, nil),
		post("whitespace body", "  \n\t ", badRequest, nil),
		post("empty body", "", badRequest, map[string]string{"Content-Type": "application/json"}),
		post("NaN literal", `{"name": "NaN", "region": "east", "credit_limit": NaN}`, badRequest, nil),
		post("byte order mark", "\ufeff{\"name\": \"BOM\", \"region\": \"east\"}", badRequest, nil),
		post("body over 2 MiB", huge, tooLarge, nil),
		{Name: "body: definition over 2 MiB", Method: "POST", URL: "/api/v1/definitions", Body: huge,
			ExpectedStatus: tooLarge, ExpectedCode: "too_large"},
		{Name: "body: login over 2 MiB", Method: "POST", URL: "/api/v1/auth/login", Body: huge,
			Headers: map[string]string{"Authorization": ""}, ExpectedStatus: tooLarge, ExpectedCode: "too_large"},
		post("100000 nested arrays", deep, badRequest, nil),
		post("plain text content type", `{"name": "Plain", "region": "east"}`, badRequest,
			map[string]string{"Content-Type": "text/plain"}),
		post("XML content type", `<customer><name>X</name></customer>`, badRequest,
			map[string]string{"Content-Type": "application/xml"}),
		{Name: "body: PATCH with an array", Method: "PATCH", URL: recordURL("order", fx.Order), Body: `[]`,
			ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
		{Name: "body: PATCH with no body", Method: "PATCH", URL: recordURL("order", fx.Order),
			Headers: map[string]string{"Content-Type": "application/json"}, ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
	}
}

// queryRows send list queries that cannot be used: filters, sorts, pages,
// field lists and expansions.
func queryRows(fx fixture) []enginetest.APIScenario {
	list := func(name string, status int, code string, params ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "list: " + name, Method: "GET", URL: listURL("order", params...),
			ExpectedStatus: status, ExpectedCode: code}
	}
	filter := func(name, f string) enginetest.APIScenario {
		s := list("filter "+name, badRequest, codeQuery, "filter", f)
		s.ExpectedPaths = []string{"/filter"}
		return s
	}
	sort := func(name, spec string) enginetest.APIScenario {
		s := list("sort "+name, badRequest, codeQuery, "sort", spec)
		s.ExpectedPaths = []string{"/sort"}
		return s
	}
	manyIDs := make([]string, 600)
	for i := range manyIDs {
		manyIDs[i] = fmt.Sprint(i + 1)
	}
	return []enginetest.APIScenario{
		filter("on an unknown field", `bogus == 1`),
		filter("syntax error", `amount >`),
		filter("unclosed string", `notes == "abc`),
		filter("SQL statement", `1;DROP TABLE f_order`),
		filter("SQL comment", `amount > 0 -- and more`),
		filter("5000 characters", `notes == "`+strings.Repeat("x", 4990)+`"`),
		filter("function call", `len(notes) > 1`),
		filter("method call", `notes.ToUpper() == "X"`),
		filter("comparing with a word", `amount > "lots"`),
		filter("comparing two fields", `amount > subtotal`),
		filter("arithmetic", `amount * 2 > 10`),
		filter("a bare number", `1`),
		filter("NUL in text", "notes == \"a\x00b\""),
		filter("invalid UTF-8 in text", "notes contains \"\xff\""),
		filter("600 values in a list", `id in [`+strings.Join(manyIDs, ",")+`]`),
		filter("negated 100 deep", strings.Repeat("not (", 100)+"amount > 1"+strings.Repeat(")", 100)),
		filter("on the sessions table", `mosaic_sessions.token_hash != ""`),
		filter("a sub-table", `items == nil`),
		sort("by an unknown field", `bogus`),
		sort("by a dash alone", `-`),
		sort("by the same key twice", `amount,-amount`),
		sort("by a list field", `attachments`),
		sort("by six keys", `amount,subtotal,discount,order_date,region,currency`),
		sort("with SQL", `amount;DROP TABLE f_order`),
		sort("with a direction word", `amount desc`),
		list("page 0", badRequest, codeBadRequest, "page", "0"),
		list("page -1", badRequest, codeBadRequest, "page", "-1"),
		list("page abc", badRequest, codeBadRequest, "page", "abc"),
		list("page 10^9", badRequest, codeBadRequest, "page", "1000000000"),
		list("page 1.5", badRequest, codeBadRequest, "page", "1.5"),
		list("per_page 0", badRequest, codeBadRequest, "per_page", "0"),
		list("per_page -1", badRequest, codeBadRequest, "per_page", "-1"),
		list("per_page abc", badRequest, codeBadRequest, "per_page", "abc"),
		list("per_page 10^9", badRequest, codeBadRequest, "per_page", "1000000000"),
		list("per_page beyond int64", badRequest, codeBadRequest, "per_page", "99999999999999999999"),
		list("fields unknown", invalid, codeValidation, "fields", "bogus"),
		list("fields with SQL", invalid, codeValidation, "fields", "amount,1;DROP TABLE f_order"),
		list("expand a non-relation", invalid, codeValidation, "expand", "amount"),
		list("expand unknown", invalid, codeValidation, "expand", "bogus"),
		{Name: "audit: limit 0", Method: "GET", URL: recordURL("order", fx.Order) + "/audit?limit=0",
			ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
	}
}

// idRows name forms, records and versions that do not exist, or ids that
// are not ids.
func idRows(fx fixture) []enginetest.APIScenario {
	get := func(name, url string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "get: " + name, Method: "GET", URL: url, ExpectedStatus: notFound,
			ExpectedCode: codeNotFound}
	}
	rec := func(id string) string { return "/api/v1/forms/order/records/" + id }
	return []enginetest.APIScenario{
		get("record 0", rec("0")),
		get("record -5", rec("-5")),
		get("record abc", rec("abc")),
		get("record 1.0", rec("1.0")),
		get("record 99999999999999999999", rec("99999999999999999999")),
		get("record that does not exist", rec("99999999")),
		get("record with SQL", rec(url.PathEscape("1 OR 1=1"))),
		get("audit of a record that never existed", rec("99999999")+"/audit"),
		get("unknown form", "/api/v1/forms/nope/records"),
		get("form key in capitals", "/api/v1/forms/ORDER"),
		get("form key with SQL", "/api/v1/forms/"+url.PathEscape("order;DROP TABLE f_order")+"/records"),
		get("form key with traversal", "/api/v1/forms/..%2F..%2Fetc%2Fpasswd/records"),
		get("form version 0", "/api/v1/forms/order/versions/0"),
		get("form version abc", "/api/v1/forms/order/versions/abc"),
		get("form version that does not exist", "/api/v1/forms/order/versions/999"),
		get("unknown endpoint", "/api/v1/nope"),
		{Name: "PUT instead of PATCH", Method: "PUT", URL: rec("1"), Body: `{"notes": "x"}`, ExpectedStatus: notFound},
		{Name: "unknown endpoint without a token", Method: "GET", URL: "/api/v1/nope",
			Headers: map[string]string{"Authorization": ""}, ExpectedStatus: unauthorized},
		{Name: "patch: record that does not exist", Method: "PATCH", URL: rec("99999999"), Body: `{"notes": "x"}`,
			ExpectedStatus: notFound, ExpectedCode: codeNotFound},
		{Name: "delete: record -1", Method: "DELETE", URL: rec("-1"), ExpectedStatus: notFound, ExpectedCode: codeNotFound},
		{Name: "delete: record that does not exist", Method: "DELETE", URL: rec("99999999"), ExpectedStatus: notFound,
			ExpectedCode: codeNotFound},
		{Name: "create: unknown form", Method: "POST", URL: "/api/v1/forms/nope/records", Body: `{}`,
			ExpectedStatus: notFound, ExpectedCode: codeNotFound},
		{Name: "list: a sub-table as a form", Method: "GET", URL: "/api/v1/forms/order__items/records",
			ExpectedStatus: notFound, ExpectedCode: codeNotFound},
	}
}

// ifMatchRows send If-Match headers that are malformed or stale, and delete
// records others link to.
func ifMatchRows(fx fixture) []enginetest.APIScenario {
	patch := func(name, etag string, status int, code string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "If-Match " + name, Method: "PATCH", URL: recordURL("order", fx.Order),
			Body: `{"notes": "should not be saved"}`, Headers: map[string]string{"If-Match": etag},
			ExpectedStatus: status, ExpectedCode: code}
	}
	bad := func(name, etag string) enginetest.APIScenario {
		s := patch(name, etag, badRequest, codeBadRequest)
		s.ExpectedPaths = []string{"/If-Match"}
		return s
	}
	return []enginetest.APIScenario{
		bad("abc", `"abc"`),
		bad("0", `"0"`),
		bad("-1", `"-1"`),
		bad("a list", `"1", "2"`),
		bad("SQL", `"1 OR 1=1"`),
		patch("stale", `"999"`, conflict, "conflict"),
		patch("stale weak", `W/"998"`, conflict, "conflict"),
		{Name: "If-Match stale on delete", Method: "DELETE", URL: recordURL("order", fx.Order),
			Headers: map[string]string{"If-Match": `"999"`}, ExpectedStatus: conflict, ExpectedCode: "conflict"},
		{Name: "delete: a customer an order links to", Method: "DELETE", URL: recordURL("customer", fx.Customer),
			ExpectedStatus: conflict, ExpectedCode: "conflict", NotExpectedContent: []string{"ERROR", "FOREIGN KEY"}},
		{Name: "delete: a product an order line links to", Method: "DELETE", URL: recordURL("product", fx.Product2),
			ExpectedStatus: conflict, ExpectedCode: "conflict", NotExpectedContent: []string{"ERROR", "FOREIGN KEY"}},
		{Name: "If-Match abc on delete", Method: "DELETE", URL: recordURL("order", fx.Order),
			Headers: map[string]string{"If-Match": "abc"}, ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
	}
}
