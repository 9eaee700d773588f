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
// may damage the data that was there before.

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
		before := snapshot(t, app, fx)
		var rows []enginetest.APIScenario
		rows = append(rows, authRows(t, app)...)
		rows = append(rows, bodyRows(fx)...)
		rows = append(rows, customerFieldRows()...)
		rows = append(rows, orderFieldRows(fx)...)
		rows = append(rows, systemFieldRows(fx)...)
		rows = append(rows, textRows(fx)...)
		rows = append(rows, queryRows(fx)...)
		rows = append(rows, idRows(fx)...)
		rows = append(rows, ifMatchRows(fx)...)
		rows = append(rows, fileRows(t)...)
		rows = append(rows, importRows(t)...)
		rows = append(rows, definitionRows()...)
		if len(rows) < 100 {
			t.Fatalf("only %d worst inputs; there should be at least 100", len(rows))
		}
		for _, s := range rows {
			s.NotExpectedContent = append(s.NotExpectedContent, internals...)
			s.Test(t, app)
		}
		after := snapshot(t, app, fx)
		for k, v := range before {
			if after[k] != v {
				t.Errorf("%s changed after the worst inputs:\nbefore %s\nafter  %s", k, v, after[k])
			}
		}
		checkSQLLookingRoundTrip(t, app)
		checkCounts(t, app)
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

func checkSQLLookingRoundTrip(t *testing.T, app *enginetest.App) {
	t.Helper()
	for _, s := range sqlLooking {
		var list struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		app.Expect(t, 200, "GET", listURL("customer", "filter", "name == "+strconvQuote(s)), "", nil).JSON(t, &list)
		if list.Total != 1 || len(list.Items) != 1 || list.Items[0]["name"] != s || list.Items[0]["notes"] != s {
			t.Errorf("customer named %q did not round-trip: %+v", s, list)
		}
	}
}

// checkCounts makes sure only the rows meant to create records did.
func checkCounts(t *testing.T, app *enginetest.App) {
	t.Helper()
	for form, want := range map[string]int{"customer": 1 + len(sqlLooking), "product": 2, "order": 1} {
		var list struct {
			Total int `json:"total"`
		}
		app.Expect(t, 200, "GET", listURL(form), "", nil).JSON(t, &list)
		if list.Total != want {
			t.Errorf("%s has %d records after the worst inputs, want %d", form, list.Total, want)
		}
	}
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

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

// field builds a row posting body to form that must fail validation at the
// given JSON pointers.
func field(name, form, body string, paths ...string) enginetest.APIScenario {
	return enginetest.APIScenario{Name: form + ": " + name, Method: "POST", URL: "/api/v1/forms/" + form + "/records",
		Body: body, ExpectedStatus: invalid, ExpectedCode: codeValidation, ExpectedPaths: paths}
}

func customerFieldRows() []enginetest.APIScenario {
	c := func(name, extra string, paths ...string) enginetest.APIScenario {
		return field(name, "customer", `{"name": "Field test", "region": "east"`+extra+`}`, paths...)
	}
	nested := strings.Repeat(`{"a": `, 500) + `1` + strings.Repeat(`}`, 500)
	return []enginetest.APIScenario{
		field("name missing", "customer", `{"region": "east"}`, "/name"),
		field("name is a number", "customer", `{"name": 42, "region": "east"}`, "/name"),
		field("name is an object 500 deep", "customer", `{"name": `+nested+`, "region": "east"}`, "/name"),
		field("name too long", "customer", `{"name": "`+strings.Repeat("n", 201)+`", "region": "east"}`, "/name"),
		field("name only spaces", "customer", `{"name": "   ", "region": "east"}`, "/name"),
		field("duplicate name", "customer", `{"name": "Acme Ltd", "region": "east"}`, "/name"),
		c("unknown field", `, "bogus": 1`, "/bogus"),
		c("unknown field with a slash", `, "a/b~c": 1`, "/a~1b~0c"),
		field("region not an option", "customer", `{"name": "R", "region": "mars"}`, "/region"),
		field("region is a number", "customer", `{"name": "R", "region": 3}`, "/region"),
		field("region is a list", "customer", `{"name": "R", "region": ["east"]}`, "/region"),
		c("e-mail without @", `, "contact_email": "not-an-email"`, "/contact_email"),
		c("e-mail with two @", `, "contact_email": "a@b@example.com"`, "/contact_email"),
		c("e-mail with a display name", `, "contact_email": "Buyer <buyer@example.com>"`, "/contact_email"),
		c("javascript URL", `, "website": "javascript:alert(1)"`, "/website"),
		c("ftp URL", `, "website": "ftp://files.example.com"`, "/website"),
		c("URL without host", `, "website": "http://"`, "/website"),
		c("phone with letters", `, "contact_phone": "call me"`, "/contact_phone"),
		c("phone too short", `, "contact_phone": "12"`, "/contact_phone"),
		c("money with 3 decimals (text)", `, "credit_limit": "12.345"`, "/credit_limit"),
		c("money with 3 decimals (number)", `, "credit_limit": 12.345`, "/credit_limit"),
		c("money below min", `, "credit_limit": -1`, "/credit_limit"),
		c("money is a word", `, "credit_limit": "lots"`, "/credit_limit"),
		c("money 1e400", `, "credit_limit": 1e400`, "/credit_limit"),
		c("money is true", `, "credit_limit": true`, "/credit_limit"),
		c("level not an option", `, "level": "Z"`, "/level"),
		c("notes too long", `, "notes": "`+strings.Repeat("x", 5001)+`"`, "/notes"),
		c("writing the auto number", `, "code": "CUS-99999"`, "/code"),
		c("every mistake at once", `, "website": "nope", "contact_email": "nope", "credit_limit": "x", "level": 1`,
			"/website", "/contact_email", "/credit_limit", "/level"),
		field("sku breaks its pattern", "product", `{"sku": "bad sku", "name": "P", "product_line": "hardware", "unit_price": 1}`, "/sku"),
		field("duplicate sku", "product", `{"sku": "HW-SRV-2U", "name": "P", "product_line": "hardware", "unit_price": 1}`, "/sku"),
		field("price missing", "product", `{"sku": "NO-PRICE", "name": "P", "product_line": "hardware"}`, "/unit_price"),
		field("boolean is maybe", "product", `{"sku": "MAYBE-1", "name": "P", "product_line": "hardware", "unit_price": 1, "active": "maybe"}`, "/active"),
		field("29 February 2026", "product", `{"sku": "LEAP-1", "name": "P", "product_line": "hardware", "unit_price": 1, "launched_on": "2026-02-29"}`, "/launched_on"),
	}
}

func orderFieldRows(fx fixture) []enginetest.APIScenario {
	line := fmt.Sprintf(`{"product": %d, "qty": 1, "unit_price": 10}`, fx.Product)
	o := func(name, fields string, paths ...string) enginetest.APIScenario {
		body := fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-15", "items": [%s]%s}`, fx.Customer, line, fields)
		return field(name, "order", body, paths...)
	}
	items := func(name, items string, paths ...string) enginetest.APIScenario {
		body := fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-15", "items": %s}`, fx.Customer, items)
		return field(name, "order", body, paths...)
	}
	withCustomer := func(name, customer string) enginetest.APIScenario {
		body := fmt.Sprintf(`{"customer": %s, "order_date": "2026-03-15", "items": [%s]}`, customer, line)
		return field(name, "order", body, "/customer")
	}
	many := "[" + strings.TrimSuffix(strings.Repeat(line+",", 1001), ",") + "]"
	return []enginetest.APIScenario{
		withCustomer("customer id 0", "0"),
		withCustomer("customer id -1", "-1"),
		withCustomer("customer id abc", `"abc"`),
		withCustomer("customer id 1.5", "1.5"),
		withCustomer("customer that does not exist", "99999999"),
		withCustomer("customer id beyond int64", "99999999999999999999"),
		withCustomer("customer as an object", fmt.Sprintf(`{"id": %d}`, fx.Customer)),
		withCustomer("customer is a product id as text", `"1 OR 1=1"`),
		o("invalid date 2026-02-30", `, "order_date": "2026-02-30"`, "/order_date"),
		o("month 13", `, "order_date": "2026-13-01"`, "/order_date"),
		o("date is a word", `, "order_date": "yesterday"`, "/order_date"),
		o("date is a number", `, "order_date": 20260315`, "/order_date"),
		o("delivery before the order", `, "delivery_date": "2026-03-01"`, "/delivery_date"),
		o("urgent without delivery date", `, "type": "urgent"`, "/delivery_date"),
		o("discount above max", `, "discount": 0.6`, "/discount"),
		o("discount with a percent sign", `, "discount": "10%"`, "/discount"),
		o("discount with 5 decimals", `, "discount": 0.12345`, "/discount"),
		o("currency not an option", `, "currency": "BTC"`, "/currency"),
		o("sales rep 0", `, "sales_rep": 0`, "/sales_rep"),
		o("sales rep who does not exist", `, "sales_rep": 424242`, "/sales_rep"),
		o("contract_required is maybe", `, "contract_required": "maybe"`, "/contract_required"),
		o("attachment never uploaded", `, "attachments": ["0123456789abcdef0123456789abcdef"]`, "/attachments/0"),
		o("attachment path traversal", `, "attachments": ["../../etc/passwd"]`, "/attachments/0"),
		o("attachments not a list", `, "attachments": "file-id"`, "/attachments"),
		o("attachment id is a number", `, "attachments": [{"id": 5}]`, "/attachments"),
		o("six attachments", `, "attachments": ["a1","a2","a3","a4","a5","a6"]`, "/attachments"),
		items("lines not a list", `"three lines"`, "/items"),
		items("lines an object", `{"product": 1}`, "/items"),
		items("lines not objects", `[1, 2]`, "/items"),
		items("no lines", `[]`, "/items"),
		items("1001 lines", many, "/items"),
		items("qty 0", fmt.Sprintf(`[{"product": %d, "qty": 0, "unit_price": 10}]`, fx.Product), "/items/0/qty"),
		items("qty 1.5", fmt.Sprintf(`[{"product": %d, "qty": 1.5, "unit_price": 10}]`, fx.Product), "/items/0/qty"),
		items("qty two", fmt.Sprintf(`[{"product": %d, "qty": "two", "unit_price": 10}]`, fx.Product), "/items/0/qty"),
		items("qty beyond int64", fmt.Sprintf(`[{"product": %d, "qty": 9223372036854775808, "unit_price": 10}]`, fx.Product), "/items/0/qty"),
		items("line without product", `[{"qty": 1, "unit_price": 10}]`, "/items/0/product"),
		items("line with a missing product", fmt.Sprintf(`[%s, {"product": 424242, "qty": 1, "unit_price": 10}]`, line), "/items/1/product"),
		items("line with unknown column", fmt.Sprintf(`[{"product": %d, "qty": 1, "unit_price": 10, "colour": "red"}]`, fx.Product), "/items/0/colour"),
		items("line price with 3 decimals", fmt.Sprintf(`[{"product": %d, "qty": 1, "unit_price": "0.001"}]`, fx.Product), "/items/0/unit_price"),
		items("line writes its formula", fmt.Sprintf(`[{"product": %d, "qty": 1, "unit_price": 10, "line_total": 1}]`, fx.Product), "/items/0/line_total"),
	}
}

func systemFieldRows(fx fixture) []enginetest.APIScenario {
	o := func(name, fields string, paths ...string) enginetest.APIScenario {
		body := fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-15", "items": [{"product": %d, "qty": 1, "unit_price": 10}]%s}`,
			fx.Customer, fx.Product, fields)
		return field(name, "order", body, paths...)
	}
	patch := func(name, body string, paths ...string) enginetest.APIScenario {
		return enginetest.APIScenario{Name: "order patch: " + name, Method: "PATCH", URL: recordURL("order", fx.Order),
			Body: body, ExpectedStatus: invalid, ExpectedCode: codeValidation, ExpectedPaths: paths}
	}
	return []enginetest.APIScenario{
		o("writing id", `, "id": 1`, "/id"),
		o("writing row_version", `, "row_version": 7`, "/row_version"),
		o("writing created_at", `, "created_at": "2020-01-01T00:00:00Z"`, "/created_at"),
		o("writing owner", `, "owner": 1`, "/owner"),
		o("writing flow_status", `, "flow_status": "approved"`, "/flow_status"),
		o("writing the number", `, "number": "SO-000000-00001"`, "/number"),
		o("writing the amount", `, "amount": 0.01`, "/amount"),
		o("writing the subtotal", `, "subtotal": 1`, "/subtotal"),
		o("writing the read-only status", `, "status": "approved"`, "/status"),
		patch("amount", `{"amount": 1}`, "/amount"),
		patch("number", `{"number": "SO-1"}`, "/number"),
		patch("id", `{"id": 99}`, "/id"),
		patch("row_version", `{"row_version": 99}`, "/row_version"),
		patch("customer emptied", `{"customer": null}`, "/customer"),
		patch("lines emptied", `{"items": []}`, "/items"),
		patch("unknown field", `{"bogus": true}`, "/bogus"),
	}
}

// textRows send NUL bytes, invalid UTF-8 and SQL-looking text.
func textRows(fx fixture) []enginetest.APIScenario {
	rows := []enginetest.APIScenario{
		field("NUL in a name", "customer", `{"name": "Ac\u0000me", "region": "east"}`, "/name"),
		field("NUL in long text", "customer", `{"name": "Nul notes", "region": "east", "notes": "a\u0000b"}`, "/notes"),
		{Name: "customer: invalid UTF-8", Method: "POST", URL: "/api/v1/forms/customer/records",
			Body: "{\"name\": \"Bad \xff\xfe UTF-8\", \"region\": \"east\"}", ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
		{Name: "order patch: invalid UTF-8", Method: "PATCH", URL: recordURL("order", fx.Order),
			Body: "{\"notes\": \"\xc3\x28\"}", ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
		{Name: "definition: invalid UTF-8", Method: "POST", URL: "/api/v1/definitions",
			Body:           "{\"kind\": \"form\", \"key\": \"bad_utf\", \"title\": \"\xff\", \"fields\": [{\"key\": \"a\", \"type\": \"text\", \"label\": \"A\"}]}",
			ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
	}
	for _, s := range sqlLooking {
		body := fmt.Sprintf(`{"name": %s, "region": "east", "notes": %s}`, strconvQuote(s), strconvQuote(s))
		rows = append(rows, enginetest.APIScenario{Name: "customer: SQL-looking " + s, Method: "POST",
			URL: "/api/v1/forms/customer/records", Body: body, ExpectedStatus: 201,
			ExpectedContent: []string{`"name":` + strconvQuote(s)}})
	}
	return rows
}

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

func importRows(t *testing.T) []enginetest.APIScenario {
	csv := func(name, content string) (string, string) {
		return enginetest.Multipart(t, "file", name, "text/csv", []byte(content))
	}
	unknownCol, unknownColType := csv("customers.csv", "name,region,shoe_size\nImported,east,42\n")
	badRows, badRowsType := csv("customers.csv", "name,region,credit_limit\nGood one,east,10\n,mars,1.234\n")
	txt, txtType := enginetest.Multipart(t, "file", "customers.txt", "text/plain", []byte("name\nx\n"))
	xlsx, xlsxType := enginetest.Multipart(t, "file", "customers.xlsx", "application/octet-stream", []byte("not a zip"))
	headerOnly, headerOnlyType := csv("customers.csv", "name,region\n")
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
	}
}

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
	return []enginetest.APIScenario{
		draft("bad key", form("Bad-Key", `[{"key": "a", "type": "text", "label": "A"}]`), invalid, codeValidation, "/key"),
		draft("unknown kind", `{"kind": "report", "key": "sales", "title": "Sales"}`, invalid, codeValidation, "/kind"),
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
