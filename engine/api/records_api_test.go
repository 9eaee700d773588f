package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// exact decodes a JSON object keeping numbers as written, so money compares
// exactly ("2794.49", not a float).
func exact(t testing.TB, r enginetest.Response) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(r.Body)))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("response is not a JSON object (%v): %s", err, r.Body)
	}
	return m
}

// at walks a decoded JSON value along keys and list indexes.
func at(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := v.(map[string]any)
			v = m[k]
		case int:
			l, _ := v.([]any)
			if k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

// wantAt fails the test unless the value at path renders as want (numbers as
// written, nil as "<nil>").
func wantAt(t testing.TB, what string, v any, want string, path ...any) {
	t.Helper()
	if got := fmt.Sprint(at(v, path...)); got != want {
		t.Errorf("%s %v = %s, want %s", what, path, got, want)
	}
}

func TestAuthFlow(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		login := app.Expect(t, 200, "POST", "/api/v1/auth/login",
			`{"email": " Admin@Example.com ", "password": "correct horse battery"}`, map[string]string{"Authorization": ""})
		body := login.Map(t)
		conforms(t, "LoginResponse", login.Body)
		token, _ := body["token"].(string)
		if len(token) < 32 {
			t.Fatalf("login gave no usable token: %s", login.Body)
		}
		wantAt(t, "login", body, enginetest.AdminEmail, "user", "email")
		if strings.Contains(login.Body, "password") || strings.Contains(login.Body, "$2a$") {
			t.Errorf("login response shows the password hash: %s", login.Body)
		}
		cookie := login.Headers["Set-Cookie"]
		if !strings.Contains(cookie, "mosaic_session="+token) || !strings.Contains(strings.ToLower(cookie), "httponly") {
			t.Errorf("login did not set an HttpOnly session cookie: %q", cookie)
		}

		meResp := app.Expect(t, 200, "GET", "/api/v1/auth/me", "", enginetest.Bearer(token))
		conforms(t, "User", meResp.Body)
		me := meResp.Map(t)
		wantAt(t, "me", me, enginetest.AdminEmail, "email")
		app.Expect(t, 200, "GET", "/api/v1/auth/me", "", map[string]string{"Authorization": "", "Cookie": "mosaic_session=" + token})

		// note: SessionToken mirrors the engine's token hashing; a live one
		// must work so the expired-token rows elsewhere prove expiry.
		live := app.SessionToken(t, time.Now().Add(time.Hour))
		app.Expect(t, 200, "GET", "/api/v1/auth/me", "", enginetest.Bearer(live))
		expired := app.SessionToken(t, time.Now().Add(-time.Second))
		enginetest.APIScenario{Name: "expired", Method: "GET", URL: "/api/v1/auth/me", Headers: enginetest.Bearer(expired),
			ExpectedStatus: 401, ExpectedCode: "unauthorized"}.Test(t, app)

		// Signing out through the cookie ends that session, whatever else the
		// request carries.
		other := app.Login(t, enginetest.AdminEmail, enginetest.AdminPassword)
		app.Expect(t, 204, "POST", "/api/v1/auth/logout", "",
			map[string]string{"Authorization": "Basic YWRtaW46eA==", "Cookie": "mosaic_session=" + other, "Origin": "http://example.com"})
		enginetest.APIScenario{Name: "cookie after a cookie logout", Method: "GET", URL: "/api/v1/auth/me",
			Headers:        map[string]string{"Authorization": "", "Cookie": "mosaic_session=" + other},
			ExpectedStatus: 401, ExpectedCode: "unauthorized"}.Test(t, app)
		app.Expect(t, 200, "GET", "/api/v1/auth/me", "", enginetest.Bearer(token))

		app.Expect(t, 204, "POST", "/api/v1/auth/logout", "", enginetest.Bearer(token))
		enginetest.APIScenario{Name: "after logout", Method: "GET", URL: "/api/v1/auth/me", Headers: enginetest.Bearer(token),
			ExpectedStatus: 401, ExpectedCode: "unauthorized"}.Test(t, app)
		enginetest.APIScenario{Name: "cookie after logout", Method: "GET", URL: "/api/v1/forms",
			Headers:        map[string]string{"Authorization": "", "Cookie": "mosaic_session=" + token},
			ExpectedStatus: 401, ExpectedCode: "unauthorized"}.Test(t, app)
	})
}

func TestOrderLifecycle(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		token := app.Login(t, enginetest.AdminEmail, enginetest.AdminPassword)
		auth := enginetest.Bearer(token)
		fx := createMasterData(t, app, auth)

		month := time.Now().UTC().Format("200601")
		created := app.Expect(t, 201, "POST", "/api/v1/forms/order/records", orderBody(fx.Customer, fx.Product, fx.Product2), auth)
		order := exact(t, created)
		conforms(t, "Record", created.Body)
		id := idOf(t, created.Map(t))
		checkNewOrder(t, created, order, month)
		if loc := created.Headers["Location"]; loc != recordURL("order", id) {
			t.Errorf("Location = %q, want %q", loc, recordURL("order", id))
		}

		small := fmt.Sprintf(`{"customer": %d, "order_date": "2026-04-01", "region": "north",
			"items": [{"product": %d, "qty": 1, "unit_price": "50.00"}]}`, fx.Customer, fx.Product2)
		second := exact(t, app.Expect(t, 201, "POST", "/api/v1/forms/order/records", small, auth))
		if n, _ := second["number"].(string); !strings.HasSuffix(n, "-00002") {
			t.Errorf("second order number = %q, want the next in sequence (…-00002)", n)
		}
		wantAt(t, "second order", second, "50.00", "amount")

		got := app.Expect(t, 200, "GET", recordURL("order", id)+"?expand=customer", "", auth)
		if got.Headers["Etag"] != `"1"` {
			t.Errorf("GET ETag = %q, want \"1\"", got.Headers["Etag"])
		}
		rec := exact(t, got)
		conforms(t, "Record", got.Body)
		wantAt(t, "get", rec, "2794.49", "amount")
		wantAt(t, "get", rec, "Acme Ltd", "expand", "customer", "name")
		wantAt(t, "get", rec, "5.00", "items", 2, "line_total") // line order is kept

		checkLists(t, app, auth, fmt.Sprint(order["number"]), fmt.Sprint(second["number"]))
		checkUpdates(t, app, auth, id, fx.Product)
		checkDelete(t, app, auth, id)
	})
}

// createMasterData creates the customer and products an order needs.
func createMasterData(t *testing.T, app *enginetest.App, auth map[string]string) fixture {
	t.Helper()
	var fx fixture
	c := app.Expect(t, 201, "POST", "/api/v1/forms/customer/records",
		`{"name": "Acme Ltd", "region": "east", "contact_email": "buyer@acme.example", "credit_limit": 500000}`, auth)
	fx.Customer = idOf(t, c.Map(t))
	wantAt(t, "customer", exact(t, c), "CUS-00001", "code")
	wantAt(t, "customer", exact(t, c), "500000.00", "credit_limit")
	p := app.Expect(t, 201, "POST", "/api/v1/forms/product/records",
		`{"sku": "HW-SRV-2U", "name": "2U rack server", "product_line": "hardware", "unit_price": "1500.00"}`, auth)
	fx.Product = idOf(t, p.Map(t))
	wantAt(t, "product", exact(t, p), "true", "active") // default
	p2 := app.Expect(t, 201, "POST", "/api/v1/forms/product/records",
		`{"sku": "SW-LIC-1", "name": "Licence", "product_line": "Software 软件", "unit_price": "99.99"}`, auth)
	fx.Product2 = idOf(t, p2.Map(t))
	wantAt(t, "product by option label", exact(t, p2), "software", "product_line")
	return fx
}

var orderNumber = regexp.MustCompile(`^SO-(\d{6})-00001$`)

func checkNewOrder(t *testing.T, r enginetest.Response, order map[string]any, month string) {
	t.Helper()
	if r.Headers["Etag"] != `"1"` {
		t.Errorf("create ETag = %q, want \"1\"", r.Headers["Etag"])
	}
	m := orderNumber.FindStringSubmatch(fmt.Sprint(order["number"]))
	if m == nil || (m[1] != month && m[1] != time.Now().UTC().Format("200601")) {
		t.Errorf("order number = %v, want SO-%s-00001", order["number"], month)
	}
	for i, want := range []string{"3000.00", "99.99", "5.00"} {
		wantAt(t, "line total", order, want, "items", i, "line_total")
	}
	wantAt(t, "order", order, "3104.99", "subtotal")
	wantAt(t, "order", order, "2794.49", "amount") // 3104.99 × 0.9, rounded to cents
	wantAt(t, "order", order, "0.1000", "discount")
	wantAt(t, "default", order, "standard", "type")
	wantAt(t, "default", order, "CNY", "currency")
	wantAt(t, "default", order, "draft", "status")
	wantAt(t, "order", order, "1", "row_version")
	wantAt(t, "order", order, "rack server", "items", 0, "description")
}

type listPage struct {
	Items   []map[string]any `json:"items"`
	Total   *int             `json:"total"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
}

func list(t *testing.T, app *enginetest.App, auth map[string]string, params ...string) listPage {
	t.Helper()
	var p listPage
	r := app.Expect(t, 200, "GET", listURL("order", params...), "", auth)
	conforms(t, "RecordList", r.Body)
	r.JSON(t, &p)
	return p
}

func numbers(p listPage) []string {
	var out []string
	for _, it := range p.Items {
		out = append(out, fmt.Sprint(it["number"]))
	}
	return out
}

func checkLists(t *testing.T, app *enginetest.App, auth map[string]string, big, small string) {
	t.Helper()
	if p := list(t, app, auth, "filter", `amount > 1000`); !slices.Equal(numbers(p), []string{big}) || p.Total == nil || *p.Total != 1 {
		t.Errorf("filter amount > 1000: %v (total %v), want [%s]", numbers(p), p.Total, big)
	}
	if p := list(t, app, auth, "filter", `region in ["north", "south"] and discount == 0`); !slices.Equal(numbers(p), []string{small}) {
		t.Errorf("filter region in [north, south]: %v, want [%s]", numbers(p), small)
	}
	if p := list(t, app, auth, "sort", "-amount"); !slices.Equal(numbers(p), []string{big, small}) {
		t.Errorf("sort -amount: %v", numbers(p))
	}
	if p := list(t, app, auth, "sort", "amount"); !slices.Equal(numbers(p), []string{small, big}) {
		t.Errorf("sort amount: %v", numbers(p))
	}
	p := list(t, app, auth, "fields", "number,amount,customer", "expand", "customer", "sort", "number")
	for _, it := range p.Items {
		var keys []string
		for k := range it {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		if !slices.Equal(keys, []string{"amount", "customer", "expand", "id", "number"}) {
			t.Errorf("fields=number,amount,customer gave keys %v", keys)
		}
		if at(it, "expand", "customer", "name") != "Acme Ltd" {
			t.Errorf("expand=customer gave %v", it["expand"])
		}
	}
	page2 := list(t, app, auth, "sort", "number", "per_page", "1", "page", "2")
	if !slices.Equal(numbers(page2), []string{small}) || page2.Total == nil || *page2.Total != 2 || page2.Page != 2 || page2.PerPage != 1 {
		t.Errorf("page 2 of 1: %v total %v page %d per_page %d", numbers(page2), page2.Total, page2.Page, page2.PerPage)
	}
	if past := list(t, app, auth, "page", "50"); len(past.Items) != 0 || past.Total == nil || *past.Total != 2 {
		t.Errorf("page past the end: %d items, total %v", len(past.Items), past.Total)
	}
	if skip := list(t, app, auth, "total", "skip"); skip.Total != nil || len(skip.Items) != 2 {
		t.Errorf("total=skip: total %v, %d items", skip.Total, len(skip.Items))
	}
}

func checkUpdates(t *testing.T, app *enginetest.App, auth map[string]string, id, product int64) {
	t.Helper()
	url := recordURL("order", id)
	ifMatch := func(etag string) map[string]string {
		return map[string]string{"Authorization": auth["Authorization"], "If-Match": etag}
	}
	r := app.Expect(t, 200, "PATCH", url, `{"discount": 0, "notes": "deliver to dock 3"}`, ifMatch(`"1"`))
	if r.Headers["Etag"] != `"2"` {
		t.Errorf("PATCH ETag = %q, want \"2\"", r.Headers["Etag"])
	}
	upd := exact(t, r)
	wantAt(t, "patched", upd, "3104.99", "amount") // no discount any more
	wantAt(t, "patched", upd, "deliver to dock 3", "notes")
	wantAt(t, "patched", upd, "10", "items", 2, "qty") // lines untouched

	enginetest.APIScenario{Name: "stale If-Match", Method: "PATCH", URL: url, Body: `{"notes": "lost update"}`,
		Headers: ifMatch(`"1"`), ExpectedStatus: http.StatusConflict, ExpectedCode: "conflict",
		ExpectedContent: []string{"changed by someone else"}}.Test(t, app)
	wantAt(t, "after the conflict", getRecord(t, app, "order", id), "deliver to dock 3", "notes")

	lines := fmt.Sprintf(`{"items": [{"product": %d, "qty": 4, "unit_price": "25.25"}]}`, product)
	r = app.Expect(t, 200, "PATCH", url, lines, ifMatch(`W/"2"`))
	upd = exact(t, r)
	wantAt(t, "new lines", upd, "101.00", "amount")
	if n := len(at(upd, "items").([]any)); n != 1 {
		t.Errorf("PATCH items replaced the lines with %d rows, want 1", n)
	}
	if r.Headers["Etag"] != `"3"` {
		t.Errorf("second PATCH ETag = %q, want \"3\"", r.Headers["Etag"])
	}

	var audit struct {
		Items []map[string]any `json:"items"`
	}
	auditResp := app.Expect(t, 200, "GET", url+"/audit", "", auth)
	conformsEach(t, "AuditEntry", auditResp.Body)
	auditResp.JSON(t, &audit)
	var actions []string
	for _, e := range audit.Items {
		actions = append(actions, fmt.Sprint(e["action"]))
	}
	if !slices.Equal(actions, []string{"record.update", "record.update", "record.create"}) {
		t.Fatalf("audit actions %v, want two updates and the create, newest first", actions)
	}
	first := audit.Items[1] // the first update
	wantAt(t, "audit before", first, "<nil>", "changes", "notes", "before")
	wantAt(t, "audit after", first, "deliver to dock 3", "changes", "notes", "after")
	wantAt(t, "audit before", first, "2794.49", "changes", "amount", "before")
	wantAt(t, "audit after", first, "3104.99", "changes", "amount", "after")
	if at(first, "changes", "items") != nil || at(first, "changes", "customer") != nil {
		t.Errorf("audit of the first update lists fields that did not change: %v", first["changes"])
	}
	wantAt(t, "audit actor", first, fmt.Sprint(app.Admin.ID), "actor_id")
}

func checkDelete(t *testing.T, app *enginetest.App, auth map[string]string, id int64) {
	t.Helper()
	url := recordURL("order", id)
	enginetest.APIScenario{Name: "stale delete", Method: "DELETE", URL: url,
		Headers:        map[string]string{"Authorization": auth["Authorization"], "If-Match": `"2"`},
		ExpectedStatus: http.StatusConflict, ExpectedCode: "conflict"}.Test(t, app)
	app.Expect(t, 204, "DELETE", url, "", map[string]string{"Authorization": auth["Authorization"], "If-Match": `"3"`})
	enginetest.APIScenario{Name: "get deleted", Method: "GET", URL: url, Headers: auth,
		ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found"}.Test(t, app)
	enginetest.APIScenario{Name: "delete twice", Method: "DELETE", URL: url, Headers: auth,
		ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found"}.Test(t, app)
	enginetest.APIScenario{Name: "patch deleted", Method: "PATCH", URL: url, Body: `{"notes": "x"}`, Headers: auth,
		ExpectedStatus: http.StatusNotFound, ExpectedCode: "not_found"}.Test(t, app)

	var audit struct {
		Items []map[string]any `json:"items"`
	}
	app.Expect(t, 200, "GET", url+"/audit", "", auth).JSON(t, &audit)
	if len(audit.Items) != 4 || audit.Items[0]["action"] != "record.delete" {
		t.Fatalf("audit of the deleted order: %v", audit.Items)
	}
	wantAt(t, "delete audit before", audit.Items[0], "deliver to dock 3", "changes", "notes", "before")
	wantAt(t, "delete audit after", audit.Items[0], "<nil>", "changes", "notes", "after")
}
