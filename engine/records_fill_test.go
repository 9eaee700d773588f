package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// Issue 8: an order line's cost is filled from its product, though the rep
// who enters it may neither see nor write the cost, so the order's cost and
// margin are right; its price is the product's list price unless typed.
func TestIssue8OrderLinesFillFromTheProduct(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		machine := w.create(t, nil, "product", `{"sku": "CNC-5X", "name": "CNC", "product_line": "hardware", "unit_price": "50000.00", "unit_cost": "36000.00"}`)
		licence := w.create(t, nil, "product", `{"sku": "LIC-1", "name": "Licence", "product_line": "software", "unit_price": "2000.00", "unit_cost": "200.00"}`)
		get := func(u *enginetest.User, id int64) map[string]any {
			return app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/order/records/%d", id), "", as(u)).Map(t)
		}
		line := func(rec map[string]any, i int) map[string]any { return rec["items"].([]any)[i].(map[string]any) }

		// the rep types neither price nor cost of the machines, and a
		// price of their own for the licence.
		r := app.Expect(t, 201, "POST", "/api/v1/forms/order/records", fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-02",
			"items": [{"product": %d, "qty": 2}, {"product": %d, "qty": 1, "unit_price": "1500.00"}]}`, w.customer, machine, licence), w.rep.Headers())
		if strings.Contains(r.Body, "36000") || strings.Contains(r.Body, "unit_cost") || strings.Contains(r.Body, "margin") {
			t.Errorf("the rep's create answer shows costs: %s", r.Body)
		}
		id := int64(r.Map(t)["id"].(float64))
		seen := get(w.rep, id)
		if _, shown := line(seen, 0)["unit_cost"]; shown || seen["cost"] != nil || seen["margin"] != nil {
			t.Errorf("the rep reads costs: %v", seen)
		}
		if fmt.Sprint(line(seen, 0)["unit_price"]) != "50000" || fmt.Sprint(line(seen, 1)["unit_price"]) != "1500" || fmt.Sprint(seen["amount"]) != "101500" {
			t.Errorf("prices the rep sees: %v", seen)
		}
		if audit := app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/order/records/%d/audit", id), "", w.rep.Headers()).Body; strings.Contains(audit, "36000") {
			t.Errorf("the rep's audit trail shows the filled cost: %s", audit)
		}
		full := get(nil, id)
		if fmt.Sprint(line(full, 0)["unit_cost"]) != "36000" || fmt.Sprint(line(full, 1)["unit_cost"]) != "200" || fmt.Sprint(full["cost"]) != "72200" || fmt.Sprint(full["margin"]) != "29300" {
			t.Errorf("the order as stored: cost %v margin %v lines %v", full["cost"], full["margin"], full["items"])
		}

		// the admin corrects one line's cost and swaps the other line's
		// product: the typed cost stays, the swapped line is filled again.
		rows := full["items"].([]any)
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/order/records/%d", id), fmt.Sprintf(`{"items": [
			{"id": %v, "unit_cost": "35000.00"}, {"id": %v, "product": %d}]}`, line(full, 0)["id"], rows[1].(map[string]any)["id"], machine), nil)
		full = get(nil, id)
		if fmt.Sprint(line(full, 0)["unit_cost"]) != "35000" || fmt.Sprint(line(full, 1)["unit_cost"]) != "36000" || fmt.Sprint(line(full, 1)["unit_price"]) != "50000" ||
			fmt.Sprint(full["cost"]) != "106000" || fmt.Sprint(full["margin"]) != "44000" {
			t.Errorf("after the admin's update: cost %v margin %v lines %v", full["cost"], full["margin"], full["items"])
		}

		// the rep edits the order without touching the lines: the
		// admin's cost stays.
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/order/records/%d", id), `{"notes": "call first"}`, w.rep.Headers())
		if full = get(nil, id); fmt.Sprint(line(full, 0)["unit_cost"]) != "35000" {
			t.Errorf("the rep's edit changed a cost: %v", full["items"])
		}

		// a product that does not exist is named on the line, and nothing
		// says what the rep may not see.
		r = app.Expect(t, 422, "POST", "/api/v1/forms/order/records", fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-02",
			"items": [{"product": 999999, "qty": 1}]}`, w.customer), w.rep.Headers())
		if e, ok := enginetest.DecodeError(r); !ok || e.Detail("/items/0/product") == nil || strings.Contains(r.Body, "unit_cost") {
			t.Errorf("an order of a missing product: %s", r.Body)
		}
	})
}

// A product change that removes the cost the order lines fill from is
// refused, naming the order's fill; the example publishes as it is.
func TestFillSourceRemovalIsRefused(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "forms", "product.json"))
		if err != nil {
			t.Fatal(err)
		}
		var def map[string]any
		if err := json.Unmarshal(raw, &def); err != nil {
			t.Fatal(err)
		}
		var kept []any
		for _, f := range def["fields"].([]any) {
			if f.(map[string]any)["key"] != "unit_cost" {
				kept = append(kept, f)
			}
		}
		def["fields"] = kept
		body, _ := json.Marshal(def)
		_, err = app.Engine.Import(context.Background(), [][]byte{body}, engine.PublishOptions{AllowDestructive: true}, forms.Actor{})
		pl, ok := forms.AsProblems(err)
		if !ok {
			t.Fatalf("publishing product without unit_cost: %v", err)
		}
		var paths []string
		for _, p := range pl.Problems {
			paths = append(paths, p.Path)
		}
		want := []string{"/form/order/fields/8/fields/4/fill/field", "/form/quote/fields/3/fields/4/fill/field"}
		for _, p := range want {
			if !strings.Contains(strings.Join(paths, " "), p) {
				t.Errorf("problems %v do not name %s", paths, p)
			}
		}
	})
}
