package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// A quote converts into an order that copies its customer and lines and
// names the quote; the reader of the quote must also be able to create
// orders, and a quote the conversion's condition refuses stays a quote.
func TestConvertQuoteToOrder(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := seed(t, app)
		lead := create(t, app, "lead", `{"company": "上海明远机械有限公司", "region": "east"}`)
		quote := create(t, app, "quote", fmt.Sprintf(`{"lead": %d, "customer": %d, "discount": "0.1", "status": "accepted",
			"items": [{"product": %d, "qty": 4, "unit_price": "1500.00", "unit_cost": "900.00"}, {"product": %d, "qty": 2, "unit_price": "99.99"}]}`,
			lead, fx.Customer, fx.Product, fx.Product2))

		list := app.Expect(t, 200, "GET", "/api/v1/forms/quote/conversions", "", nil).Map(t)
		if !strings.Contains(fmt.Sprint(list["conversions"]), "from_quote") {
			t.Fatalf("conversions of quote: %v", list)
		}
		r := app.Expect(t, 201, "POST", recordURL("quote", quote)+"/convert/from_quote", "", nil)
		order := r.Map(t)
		if order["customer"] != float64(fx.Customer) || order["quote"] != float64(quote) || order["discount"] != 0.1 {
			t.Errorf("converted order: %v", order)
		}
		items, _ := order["items"].([]any)
		if len(items) != 2 || order["amount"] != 5579.98 {
			t.Errorf("order lines %v, amount %v; want 2 lines, 5579.98", items, order["amount"])
		}
		if !strings.HasPrefix(r.Headers["Location"], "/api/v1/forms/order/records/") {
			t.Errorf("Location %q", r.Headers["Location"])
		}
		audit := app.Expect(t, 200, "GET", recordURL("quote", quote)+"/audit", "", nil).Body
		if !strings.Contains(audit, "record.convert") {
			t.Errorf("the quote's audit does not show the conversion: %s", audit)
		}

		rejected := create(t, app, "quote", fmt.Sprintf(`{"lead": %d, "customer": %d, "status": "rejected",
			"items": [{"product": %d, "qty": 1, "unit_price": "10"}]}`, lead, fx.Customer, fx.Product))
		bad := app.Expect(t, 422, "POST", recordURL("quote", rejected)+"/convert/from_quote", "", nil)
		enginetest.CheckErrorShape(t, "refused conversion", bad)
		if !strings.Contains(bad.Body, `"/when"`) {
			t.Errorf("refusal does not point at /when: %s", bad.Body)
		}
		app.Expect(t, 404, "POST", recordURL("quote", quote)+"/convert/nope", "", nil)
		app.Expect(t, 404, "POST", recordURL("quote", 999999)+"/convert/from_quote", "", nil)

		// delivery reads no quotes; service reads no quotes and creates no orders.
		delivery := app.NewUser(t, enginetest.UserSpec{Email: "delivery@example.com", Roles: []string{"delivery"}})
		app.Expect(t, 403, "POST", recordURL("quote", quote)+"/convert/from_quote", "", delivery.Headers())
		var n struct {
			Total int `json:"total"`
		}
		app.Expect(t, 200, "GET", listURL("order", "filter", fmt.Sprintf("quote == %d", quote)), "", nil).JSON(t, &n)
		if n.Total != 1 {
			t.Errorf("%d orders name the quote, want 1", n.Total)
		}
	})
}
