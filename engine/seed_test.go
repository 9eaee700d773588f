package engine_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
)

func TestSeed(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		rep, err := app.Engine.Seed(ctx, engine.SeedOptions{Plan: enginetest.SeedPlan(t), Size: 2500, Seed: 7, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Records["order"] != 2500 || rep.Records["customer"] != 125 || rep.Records["product"] != 48 {
			t.Errorf("made %v", rep.Records)
		}
		orders, _ := app.Engine.Form("order")
		res, err := app.Engine.Records().List(ctx, orders, forms.ListQuery{PerPage: 200, Sort: "id"})
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 2500 {
			t.Fatalf("%d orders listed", res.Total)
		}
		numbers := map[any]bool{}
		for _, o := range res.Items {
			// note: formulas were computed on the way in, as for any record.
			if o["amount"] == nil || o["subtotal"] == nil || o["number"] == nil || numbers[o["number"]] {
				t.Fatalf("order %v: amount %v subtotal %v number %v", o.ID(), o["amount"], o["subtotal"], o["number"])
			}
			numbers[o["number"]] = true
			d, _ := o["order_date"].(time.Time)
			if d.After(now) || d.Before(now.AddDate(-2, 0, -1)) {
				t.Errorf("order date %v outside the two years", d)
			}
		}

		t.Run("an order's received amount is the sum of its payments", func(t *testing.T) {
			pays, _ := app.Engine.Form("payment")
			if rep.Records["payment"] == 0 || rep.Records["contract"] == 0 {
				t.Fatalf("made %v", rep.Records)
			}
			sums := map[int64]string{}
			for page := 1; ; page++ {
				got, err := app.Engine.Records().List(ctx, pays, forms.ListQuery{PerPage: 500, Page: page, Sort: "id"})
				if err != nil {
					t.Fatal(err)
				}
				for _, p := range got.Items {
					id := p["sales_order"].(int64)
					sums[id] = addMoney(t, sums[id], fmt.Sprint(p["amount"]))
				}
				if len(got.Items) < 500 {
					break
				}
			}
			checked := 0
			for _, o := range res.Items {
				want := sums[o.ID()]
				if want == "" {
					want = "0"
				}
				if got := fmt.Sprint(o["received_amount"]); o["status"] == "approved" && addMoney(t, got, "0") != addMoney(t, want, "0") {
					t.Errorf("order %d received %s, its payments sum to %s", o.ID(), got, want)
				}
				checked++
			}
			if checked == 0 {
				t.Error("no order checked")
			}
		})

		t.Run("a seeded rep sees their own orders", func(t *testing.T) {
			token, _, err := app.Engine.Login(ctx, rep.Users[0], rep.Password, "test")
			if err != nil {
				t.Fatal(err)
			}
			var page struct {
				Total int64            `json:"total"`
				Items []map[string]any `json:"items"`
			}
			app.Expect(t, 200, "GET", "/api/v1/forms/order/records?per_page=100", "", map[string]string{"Authorization": "Bearer " + token}).JSON(t, &page)
			if page.Total == 0 || page.Total >= 2500 {
				t.Errorf("the rep sees %d of 2500 orders", page.Total)
			}
		})

		t.Run("the same seed makes the same data", func(t *testing.T) {
			again := enginetest.New(t, app.Engine.DB().Dialect())
			if _, err := again.Engine.Seed(ctx, engine.SeedOptions{Plan: enginetest.SeedPlan(t), Size: 2500, Seed: 7, Now: now}); err != nil {
				t.Fatal(err)
			}
			a, _ := again.Engine.Form("order")
			got, _ := again.Engine.Records().List(ctx, a, forms.ListQuery{PerPage: 5, Sort: "id"})
			first, _ := app.Engine.Records().List(ctx, orders, forms.ListQuery{PerPage: 5, Sort: "id"})
			for i := range got.Items {
				if fmt.Sprint(got.Items[i]["amount"], got.Items[i]["order_date"]) != fmt.Sprint(first.Items[i]["amount"], first.Items[i]["order_date"]) {
					t.Errorf("order %d differs: %v vs %v", i, got.Items[i]["amount"], first.Items[i]["amount"])
				}
			}
		})
	})
}

// addMoney adds two decimal texts exactly.
func addMoney(t *testing.T, a, b string) string {
	t.Helper()
	x, err := decimal.NewFromString(orZero(a))
	if err != nil {
		t.Fatal(err)
	}
	y, err := decimal.NewFromString(orZero(b))
	if err != nil {
		t.Fatal(err)
	}
	return x.Add(y).StringFixed(2)
}

func orZero(s string) string {
	if s == "" || s == "<nil>" {
		return "0"
	}
	return s
}
