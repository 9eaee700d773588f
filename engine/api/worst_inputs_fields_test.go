package api_test

import (
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// Worst inputs for record fields: every field type given the wrong kind of
// value, limits crossed, and computed, read-only and system fields written.

// field builds a row posting body to form that must fail validation at the
// given JSON pointers.
func field(name, form, body string, paths ...string) enginetest.APIScenario {
	return enginetest.APIScenario{Name: form + ": " + name, Method: "POST", URL: "/api/v1/forms/" + form + "/records",
		Body: body, ExpectedStatus: invalid, ExpectedCode: codeValidation, ExpectedPaths: paths}
}

// customerFieldRows break the rules of text, e-mail, URL, phone, select,
// money and unique fields.
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

// orderFieldRows break relations, dates, rules, percentages, users,
// attachments and sub-table rows.
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

// systemFieldRows write what the engine sets: system columns, auto-numbers,
// formulas and read-only fields, on create and on update.
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

// campaignForm has the field types the example forms lack.
const campaignForm = `{"kind": "form", "key": "campaign", "title": "Campaign", "fields": [
	{"key": "name", "type": "text", "label": "Name", "required": true},
	{"key": "tags", "type": "multi_select", "label": "Tags", "options": [{"value": "vip", "label": "VIP"}, {"value": "new", "label": "New"}]},
	{"key": "targets", "type": "relation", "label": "Targets", "target": "customer", "multiple": true},
	{"key": "seats", "type": "integer", "label": "Seats", "min": 1, "max": 100},
	{"key": "rate", "type": "decimal", "label": "Rate", "scale": 3},
	{"key": "starts_at", "type": "datetime", "label": "Starts at"},
	{"key": "department", "type": "department", "label": "Department"}]}`

func campaignRows(fx fixture) []enginetest.APIScenario {
	c := func(name, extra string, paths ...string) enginetest.APIScenario {
		return field(name, "campaign", `{"name": "Spring"`+extra+`}`, paths...)
	}
	ok := fmt.Sprintf(`{"name": "Launch", "tags": ["vip", "New"], "targets": [%d], "seats": 10, "rate": "0.125",
		"starts_at": "2026-03-31T14:30:00+08:00", "department": 3}`, fx.Customer)
	return []enginetest.APIScenario{
		c("multi-select is a number", `, "tags": 5`, "/tags"),
		c("multi-select is an object", `, "tags": {"vip": true}`, "/tags"),
		c("multi-select holds a number", `, "tags": ["vip", 3]`, "/tags"),
		c("multi-select option unknown", `, "tags": ["vip", "gold"]`, "/tags"),
		c("relations as a word", `, "targets": "abc"`, "/targets"),
		c("relations holding 0", `, "targets": [0]`, "/targets"),
		c("relations to nobody", `, "targets": [99999999]`, "/targets"),
		c("relations as an object", fmt.Sprintf(`, "targets": {"id": %d}`, fx.Customer), "/targets"),
		c("integer below min", `, "seats": 0`, "/seats"),
		c("integer above max", `, "seats": 101`, "/seats"),
		c("integer 1e3, above max", `, "seats": 1e3`, "/seats"),
		c("integer 1e400", `, "seats": 1e400`, "/seats"),
		c("integer 2.5 as text", `, "seats": "2.5"`, "/seats"),
		c("decimal with 4 places", `, "rate": 1.2345`, "/rate"),
		c("datetime 30 February", `, "starts_at": "2026-02-30T10:00:00Z"`, "/starts_at"),
		c("datetime is a word", `, "starts_at": "tomorrow"`, "/starts_at"),
		c("datetime is a number", `, "starts_at": 1774938600`, "/starts_at"),
		c("department -1", `, "department": -1`, "/department"),
		{Name: "campaign: every type right", Method: "POST", URL: "/api/v1/forms/campaign/records", Body: ok,
			ExpectedStatus: 201, ExpectedContent: []string{`"tags":["vip","new"]`, fmt.Sprintf(`"targets":[%d]`, fx.Customer),
				`"rate":0.125`, `"starts_at":"2026-03-31T06:30:00Z"`}},
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
		body := fmt.Sprintf(`{"name": %s, "region": "east", "notes": %s}`, jsonQuote(s), jsonQuote(s))
		rows = append(rows, enginetest.APIScenario{Name: "customer: SQL-looking " + s, Method: "POST",
			URL: "/api/v1/forms/customer/records", Body: body, ExpectedStatus: 201,
			ExpectedContent: []string{`"name":` + jsonQuote(s)}})
	}
	return rows
}
