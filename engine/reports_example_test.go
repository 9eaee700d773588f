package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: every example report is checked against the same figure computed
// here in plain Go over the records, read through the record store.

// seededOrder is what the checks need of an order.
type seededOrder struct {
	id, customer, owner      int64
	date                     time.Time
	region, status, typ      string
	amount, received, margin decimal.Decimal
}

func allRecords(t *testing.T, app *enginetest.App, form string) []forms.Record {
	t.Helper()
	c, err := app.Engine.Form(form)
	if err != nil {
		t.Fatal(err)
	}
	var out []forms.Record
	for page := 1; ; page++ {
		res, err := app.Engine.Records().List(context.Background(), c, forms.ListQuery{PerPage: 500, Page: page, Sort: "id", SkipTotal: true})
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, res.Items...)
		if len(res.Items) < 500 {
			return out
		}
	}
}

func dec(t *testing.T, v any) decimal.Decimal {
	t.Helper()
	switch x := v.(type) {
	case nil:
		return decimal.Zero
	case decimal.Decimal:
		return x
	case json.Number:
		d, err := decimal.NewFromString(string(x))
		if err != nil {
			t.Fatal(err)
		}
		return d
	case int64:
		return decimal.NewFromInt(x)
	case float64:
		return decimal.NewFromFloat(x)
	}
	t.Fatalf("%T %v is not a number", v, v)
	return decimal.Zero
}

func runReport(t *testing.T, app *enginetest.App, p *engine.Principal, key string, params map[string]any) *reports.Result {
	t.Helper()
	res, err := app.Engine.RunReport(context.Background(), p, key, reports.Request{Params: params})
	if err != nil {
		t.Fatalf("report %s: %v", key, err)
	}
	return res
}

func TestExampleReports(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		seeded, err := app.Engine.Seed(ctx, engine.SeedOptions{Plan: enginetest.SeedPlan(t), Size: 1500, Seed: 3, Now: now})
		if err != nil {
			t.Fatal(err)
		}
		admin, err := app.Engine.Authenticate(ctx, app.Token)
		if err != nil {
			t.Fatal(err)
		}
		var orders []seededOrder
		for _, r := range allRecords(t, app, "order") {
			o := seededOrder{id: r.ID(), customer: r["customer"].(int64), owner: r["owner"].(int64), date: r["order_date"].(time.Time),
				status: r["status"].(string), typ: r["type"].(string), amount: dec(t, r["amount"]), received: dec(t, r["received_amount"]),
				margin: dec(t, r["margin"])}
			o.region, _ = r["region"].(string)
			orders = append(orders, o)
		}
		approved := func(o seededOrder) bool { return o.status == "approved" }
		inYear := func(o seededOrder) bool { return !o.date.Before(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) }

		t.Run("revenue by month and region", func(t *testing.T) {
			res := runReport(t, app, admin, "sales_revenue", map[string]any{"from": "2026-01-01", "to": "2027-01-01"})
			want := map[string]decimal.Decimal{}
			total := decimal.Zero
			for _, o := range orders {
				if approved(o) && inYear(o) {
					want[o.date.Format("2006-01")+"/"+o.region] = want[o.date.Format("2006-01")+"/"+o.region].Add(o.amount)
					total = total.Add(o.amount)
				}
			}
			if len(res.Rows) != len(want) {
				t.Errorf("%d rows, want %d", len(res.Rows), len(want))
			}
			for _, row := range res.Rows {
				k := fmt.Sprint(row.Values["month"], "/", row.Values["region"])
				if got := dec(t, row.Values["revenue"]); !got.Equal(want[k]) {
					t.Errorf("%s: revenue %s, want %s", k, got, want[k])
				}
			}
			if res.Totals == nil || !dec(t, res.Totals.Values["revenue"]).Equal(total) {
				t.Errorf("total %v, want %s", res.Totals, total)
			}
		})

		t.Run("funnel", func(t *testing.T) {
			res := runReport(t, app, admin, "sales_funnel", nil)
			var leads, quoted, won int64
			for _, l := range allRecords(t, app, "lead") {
				leads++
				if l["reached_quote"] == true {
					quoted++
				}
				if l["stage"] == "won" {
					won++
				}
			}
			v := res.Rows[0].Values
			if v["leads"] != leads || v["quoted"] != quoted || v["won"] != won || !(leads > quoted && quoted > won && won > 0) {
				t.Errorf("funnel %v, want %d → %d → %d", v, leads, quoted, won)
			}
			if c, _ := v["conversion"].(float64); math.Abs(c-float64(won)/float64(leads)) > 1e-9 {
				t.Errorf("conversion %v", v["conversion"])
			}
		})

		t.Run("average order, against the year before", func(t *testing.T) {
			res := runReport(t, app, admin, "sales_average_order", nil)
			sum, n := decimal.Zero, 0
			prevSum, prevN := decimal.Zero, 0
			for _, o := range orders {
				switch {
				case approved(o) && inYear(o):
					sum, n = sum.Add(o.amount), n+1
				case approved(o) && !o.date.Before(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)):
					prevSum, prevN = prevSum.Add(o.amount), prevN+1
				}
			}
			want, _ := sum.Div(decimal.NewFromInt(int64(n))).Float64()
			got, _ := res.Rows[0].Values["average"].(float64)
			if math.Abs(got-want) > 0.005 {
				t.Errorf("average %v, want %v", got, want)
			}
			prevWant, _ := prevSum.Div(decimal.NewFromInt(int64(prevN))).Float64()
			if res.Previous == nil || math.Abs(res.Previous.Values["average"].(float64)-prevWant) > 0.005 {
				t.Errorf("previous %v, want %v", res.Previous, prevWant)
			}
		})

		t.Run("top customers and the others", func(t *testing.T) {
			res := runReport(t, app, admin, "sales_top_customers", nil)
			by := map[int64]decimal.Decimal{}
			all := decimal.Zero
			for _, o := range orders {
				if approved(o) {
					by[o.customer] = by[o.customer].Add(o.amount)
					all = all.Add(o.amount)
				}
			}
			var sums []decimal.Decimal
			for _, s := range by {
				sums = append(sums, s)
			}
			sort.Slice(sums, func(i, j int) bool { return sums[i].GreaterThan(sums[j]) })
			top := decimal.Zero
			for i, row := range res.Rows {
				if got := dec(t, row.Values["revenue"]); !got.Equal(sums[i]) {
					t.Errorf("rank %d: %s, want %s", i+1, got, sums[i])
				}
				top = top.Add(sums[i])
			}
			if len(res.Rows) != 10 || res.Others == nil || !dec(t, res.Others.Values["revenue"]).Equal(all.Sub(top)) {
				t.Errorf("%d rows, others %v, want %s", len(res.Rows), res.Others, all.Sub(top))
			}
		})

		t.Run("receivables and overdue", func(t *testing.T) {
			res := runReport(t, app, admin, "finance_unpaid", map[string]any{"before": "2026-09-25"})
			owed := map[string]decimal.Decimal{}
			for _, o := range orders {
				if approved(o) && o.date.Before(time.Date(2026, 9, 25, 0, 0, 0, 0, time.UTC)) {
					owed[o.region] = owed[o.region].Add(o.amount.Sub(o.received))
				}
			}
			for _, row := range res.Rows {
				w, _ := owed[row.Values["region"].(string)].Float64()
				if got, _ := row.Values["owed"].(float64); math.Abs(got-w) > 0.001 {
					t.Errorf("%v owes %v, want %v", row.Values["region"], got, w)
				}
			}
			rec := runReport(t, app, admin, "finance_receivables", nil)
			billed := decimal.Zero
			for _, o := range orders {
				if approved(o) {
					billed = billed.Add(o.amount)
				}
			}
			if !dec(t, rec.Totals.Values["billed"]).Equal(billed) {
				t.Errorf("billed %v, want %s", rec.Totals.Values["billed"], billed)
			}
		})

		t.Run("payment cycle by region", func(t *testing.T) {
			region := map[int64]string{}
			for _, o := range orders {
				region[o.id] = o.region
			}
			days, count := map[string]int64{}, map[string]int64{}
			for _, p := range allRecords(t, app, "payment") {
				r := region[p["sales_order"].(int64)]
				days[r] += p["days_to_pay"].(int64)
				count[r]++
			}
			res := runReport(t, app, admin, "finance_payment_cycle", nil)
			for _, row := range res.Rows {
				r := row.Values["region"].(string)
				want := float64(days[r]) / float64(count[r])
				if got, _ := dec(t, row.Values["days"]).Float64(); math.Abs(got-want) > 0.0001 || row.Values["payments"] != count[r] {
					t.Errorf("%s: %v days over %v payments, want %v over %d", r, got, row.Values["payments"], want, count[r])
				}
			}
			// note: the seed makes the west pay slowest and the east fastest.
			if len(res.Rows) != 5 || res.Rows[0].Values["region"] != "west" || res.Rows[4].Values["region"] != "east" {
				t.Errorf("slowest to fastest: %v", res.Rows)
			}
		})

		t.Run("orders by status and type, as a pivot", func(t *testing.T) {
			res := runReport(t, app, admin, "delivery_orders_by_status", nil)
			want := map[string]int64{}
			for _, o := range orders {
				want[o.status+"/"+o.typ]++
			}
			for i, rv := range res.Pivot.RowValues {
				for j, cv := range res.Pivot.ColumnValues {
					k := fmt.Sprint(rv.Value, "/", cv.Value)
					var got int64
					if cell := res.Pivot.Cells[i][j]; cell != nil {
						got, _ = cell["orders"].(int64)
					}
					if got != want[k] {
						t.Errorf("%s: %d, want %d", k, got, want[k])
					}
				}
			}
		})

		t.Run("approval time, pass rate and bottlenecks from the flows' tasks", func(t *testing.T) {
			// note: the seed ran the approval flow on some orders; what the
			// world adds is counted on top of that history.
			before := map[string]any{"decided": int64(0), "approved": int64(0)}
			for _, row := range runReport(t, app, admin, "operations_approval_time", nil).Rows {
				if row.Values["flow"] == "order_approval" && row.Values["node"] == "sales_director_approval" {
					before = row.Values
				}
			}
			w := newWorld(t, app)
			for range 3 {
				id := w.order(t, "1000.00", "0")
				v := w.submit(t, w.rep, "order", id, "order_approval")
				w.approve(t, w.sd, v.ID)
			}
			w.submit(t, w.rep, "order", w.order(t, "1000.00", "0"), "order_approval") // note: left open
			res := runReport(t, app, admin, "operations_approval_time", nil)
			found := false
			for _, row := range res.Rows {
				if row.Values["flow"] == "order_approval" && row.Values["node"] == "sales_director_approval" {
					found = true
					if row.Values["decided"].(int64)-before["decided"].(int64) != 3 || row.Values["approved"].(int64)-before["approved"].(int64) != 3 {
						t.Errorf("sales director step: %v, before the world %v", row.Values, before)
					}
				}
			}
			if !found {
				t.Errorf("no row for the sales director's step: %v", res.Rows)
			}
			open := runReport(t, app, admin, "operations_bottlenecks", nil)
			mine := 0
			for _, row := range open.Rows {
				if row.Values["assignee"] == w.sd.ID {
					mine++
					if row.Values["open"] != int64(1) {
						t.Errorf("the world's director has %v open tasks", row.Values["open"])
					}
				}
			}
			if mine != 1 {
				t.Errorf("open tasks: %v", open.Rows)
			}
		})

		// note: the world above added flow tasks of its own here;
		// TestExampleDashboardsAfterSeed shows the seed alone is enough.
		t.Run("every example dashboard runs whole for an admin", func(t *testing.T) {
			checkDashboards(t, app, admin)
		})

		t.Run("a rep's figures are their own orders only; margins are refused", func(t *testing.T) {
			token, _, err := app.Engine.Login(ctx, seeded.Users[0], seeded.Password, "test")
			if err != nil {
				t.Fatal(err)
			}
			rep, err := app.Engine.Authenticate(ctx, token)
			if err != nil {
				t.Fatal(err)
			}
			res := runReport(t, app, rep, "sales_revenue", map[string]any{"from": "2026-01-01", "to": "2027-01-01"})
			want := decimal.Zero
			for _, o := range orders {
				if approved(o) && inYear(o) && o.owner == rep.User.ID {
					want = want.Add(o.amount)
				}
			}
			if got := dec(t, res.Totals.Values["revenue"]); !got.Equal(want) || want.IsZero() {
				t.Errorf("the rep's revenue %s, want %s", got, want)
			}
			_, err = app.Engine.RunReport(ctx, rep, "delivery_margin", reports.Request{})
			var fe *reports.ForbiddenError
			if !errors.As(err, &fe) || !errors.Is(err, store.ErrForbidden) || !slices.ContainsFunc([]string{fe.Error()}, func(s string) bool { return len(s) > 0 }) {
				t.Errorf("margin report for a rep: %v", err)
			}
		})
	})
}
