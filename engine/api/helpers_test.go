package api_test

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// fixture is the data seed creates: one customer, two products and one order
// with three lines.
type fixture struct {
	Customer, Product, Product2, Order int64
}

// orderBody is a valid order of customer with three lines over two products.
func orderBody(customer, p1, p2 int64) string {
	return fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-15", "region": "east", "discount": "0.1",
		"items": [
			{"product": %d, "qty": 2, "unit_price": "1500.00", "description": "rack server"},
			{"product": %d, "qty": 1, "unit_price": 99.99},
			{"product": %d, "qty": 10, "unit_price": "0.50"}
		]}`, customer, p1, p2, p1)
}

// seed creates the fixture through the API.
func seed(t *testing.T, app *enginetest.App) fixture {
	t.Helper()
	var fx fixture
	fx.Customer = create(t, app, "customer", `{"name": "Acme Ltd", "region": "east", "industry": "retail",
		"contact_email": "buyer@acme.example", "contact_phone": "+86 21 5555-0100", "credit_limit": "500000.00",
		"website": "https://acme.example", "level": "A"}`)
	fx.Product = create(t, app, "product", `{"sku": "HW-SRV-2U", "name": "2U rack server", "product_line": "hardware",
		"unit_price": "1500.00", "unit_cost": "900.00"}`)
	fx.Product2 = create(t, app, "product", `{"sku": "SW-LIC-1", "name": "Licence", "product_line": "software",
		"unit_price": "99.99"}`)
	fx.Order = create(t, app, "order", orderBody(fx.Customer, fx.Product, fx.Product2))
	return fx
}

// create posts body as a new record of form and returns its id.
func create(t *testing.T, app *enginetest.App, form, body string) int64 {
	t.Helper()
	rec := app.Expect(t, 201, "POST", "/api/v1/forms/"+form+"/records", body, nil).Map(t)
	return idOf(t, rec)
}

// idOf reads the id of a record in API form.
func idOf(t testing.TB, rec map[string]any) int64 {
	t.Helper()
	id, ok := rec["id"].(float64)
	if !ok || id <= 0 {
		t.Fatalf("record without an id: %v", rec)
	}
	return int64(id)
}

// recordURL is the URL of one record.
func recordURL(form string, id int64) string {
	return fmt.Sprintf("/api/v1/forms/%s/records/%d", form, id)
}

// listURL is the records URL of form with the query params given as
// name, value pairs.
func listURL(form string, params ...string) string {
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	u := "/api/v1/forms/" + form + "/records"
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// getRecord reads one record, failing the test unless it exists.
func getRecord(t *testing.T, app *enginetest.App, form string, id int64) map[string]any {
	t.Helper()
	return app.Expect(t, 200, "GET", recordURL(form, id), "", nil).Map(t)
}
