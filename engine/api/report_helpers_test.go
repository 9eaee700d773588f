package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// The reports and dashboards the report API tests read. The example's own
// reports are the lead's; these are small ones of the tests.
const (
	salesByRegion = `{"kind": "report", "key": "sales_by_region", "title": "Sales by region", "description": "Orders and revenue per region.",
		"source": "order",
		"params": [{"key": "from", "type": "date", "default": "2026-01-01"}, {"key": "to", "type": "date"}],
		"filter": "(params.from == nil || order_date >= params.from) && (params.to == nil || order_date < params.to)",
		"dimensions": [{"key": "region", "field": "region"}],
		"measures": [{"key": "orders", "label": "Orders", "agg": "count"}, {"key": "revenue", "label": "Revenue", "agg": "sum", "field": "amount"}],
		"sort": [{"key": "revenue", "desc": true}], "totals": {"grand": true}, "chart": {"type": "bar", "x": "region", "y": ["revenue"]},
		"drill": [{"key": "rep", "label": "Sales rep", "field": "sales_rep"}]}`
	salesByMonth = `{"kind": "report", "key": "sales_by_month", "title": "Sales by month", "source": "order",
		"dimensions": [{"key": "month", "field": "order_date", "bucket": "month"}],
		"measures": [{"key": "revenue", "label": "Revenue", "agg": "sum", "field": "amount"}],
		"sort": [{"key": "month"}], "chart": {"type": "line", "x": "month"},
		"drill": [{"key": "region", "field": "region"}]}`
	marginByRegion = `{"kind": "report", "key": "margin_by_region", "title": "Margin by region", "source": "order",
		"dimensions": [{"key": "region", "field": "region"}], "measures": [{"key": "margin", "agg": "sum", "field": "margin"}]}`
	ordersByCustomer = `{"kind": "report", "key": "orders_by_customer", "title": "Orders by customer", "source": "order",
		"dimensions": [{"key": "customer", "label": "Customer", "field": "customer.name"}], "measures": [{"key": "orders", "agg": "count"}],
		"sort": [{"key": "customer"}]}`
	approvalTimes = `{"kind": "report", "key": "approval_times", "title": "Approval times", "source": "mosaic.flow_tasks",
		"dimensions": [{"key": "node", "field": "node"}], "measures": [{"key": "tasks", "agg": "count"}]}`
	salesDashboard = `{"kind": "dashboard", "key": "sales", "title": "Sales", "linked": true,
		"filters": [{"key": "period", "label": "Period", "type": "date_range", "default": {"from": "2026-01-01"}}],
		"widgets": [
			{"key": "by_region", "report": "sales_by_region", "x": 0, "y": 0, "w": 6, "h": 4, "bind": {"period": {"param": "from", "to": "to"}}},
			{"key": "by_month", "report": "sales_by_month", "title": "Trend", "x": 6, "y": 0, "w": 6, "h": 4, "bind": {"period": {"dimension": "month"}}},
			{"key": "margins", "report": "margin_by_region", "x": 0, "y": 4, "w": 12, "h": 4}]}`
)

// wideDashboard has n widgets, enough to run several at once.
func wideDashboard(n int) string {
	var widgets []string
	for i := range n {
		report := []string{"sales_by_region", "sales_by_month"}[i%2]
		widgets = append(widgets, fmt.Sprintf(`{"key": "w%d", "report": %q, "x": %d, "y": %d, "w": 3, "h": 2}`, i, report, (i%4)*3, (i/4)*2))
	}
	return `{"kind": "dashboard", "key": "wide", "title": "Wide", "widgets": [` + strings.Join(widgets, ",") + `]}`
}

// sale is one order of the report world.
type sale struct {
	by     string // "rep1", "rep2" or "admin": the owner
	region string
	date   string
	cents  int64
	id     int64
}

// reportWorld is the data the report API tests read: two reps' orders of
// one customer, and one of the admin's of another, before the reports'
// default period.
type reportWorld struct {
	app        *enginetest.App
	rep1, rep2 *enginetest.User
	sales      []*sale
}

func newReportWorld(t *testing.T, app *enginetest.App) *reportWorld {
	t.Helper()
	w := &reportWorld{app: app,
		rep1: app.NewUser(t, enginetest.UserSpec{Email: "rep1@example.com", Name: "Rep One", Roles: []string{"sales_rep"}}),
		rep2: app.NewUser(t, enginetest.UserSpec{Email: "rep2@example.com", Name: "Rep Two", Roles: []string{"sales_rep"}}),
		sales: []*sale{
			{by: "rep1", region: "east", date: "2026-01-15", cents: 10000},
			{by: "rep1", region: "east", date: "2026-02-10", cents: 25050},
			{by: "rep1", region: "west", date: "2026-03-05", cents: 8000},
			{by: "rep2", region: "east", date: "2026-02-20", cents: 40000},
			{by: "rep2", region: "north", date: "2026-03-25", cents: 100000},
			{by: "admin", region: "west", date: "2025-12-20", cents: 6000},
		}}
	acme := create(t, app, "customer", `{"name": "Acme Ltd", "region": "east"}`)
	// note: a customer whose name a spreadsheet would run, for exports.
	evil := create(t, app, "customer", `{"name": "=HYPERLINK(\"http://evil\")", "region": "west"}`)
	product := create(t, app, "product", `{"sku": "SRV", "name": "Server", "product_line": "hardware", "unit_price": "1.00", "unit_cost": "0.40"}`)
	for _, s := range w.sales {
		customer := acme
		if s.by == "admin" {
			customer = evil
		}
		body := fmt.Sprintf(`{"customer": %d, "order_date": %q, "region": %q, "items": [{"product": %d, "qty": 1, "unit_price": "%d.%02d"}]}`,
			customer, s.date, s.region, product, s.cents/100, s.cents%100)
		var rec struct {
			ID int64 `json:"id"`
		}
		app.Expect(t, 201, "POST", "/api/v1/forms/order/records", body, w.as(s.by)).JSON(t, &rec)
		s.id = rec.ID
	}
	defs := []string{salesByRegion, salesByMonth, marginByRegion, ordersByCustomer, approvalTimes, salesDashboard, wideDashboard(8)}
	app.Expect(t, 200, "POST", "/api/v1/definitions/import", `{"definitions": [`+strings.Join(defs, ",")+`]}`, nil)
	return w
}

// as is the headers of who ("admin", "rep1" or "rep2").
func (w *reportWorld) as(who string) map[string]string {
	switch who {
	case "rep1":
		return w.rep1.Headers()
	case "rep2":
		return w.rep2.Headers()
	}
	return nil
}

// userID is the id of who's user.
func (w *reportWorld) userID(who string) int64 {
	switch who {
	case "rep1":
		return w.rep1.ID
	case "rep2":
		return w.rep2.ID
	}
	return w.app.Admin.ID
}

// visible are the sales who may read ("admin" reads all) that keep.
func (w *reportWorld) visible(who string, keep func(s *sale) bool) []*sale {
	var out []*sale
	for _, s := range w.sales {
		if (who == "admin" || s.by == who) && keep(s) {
			out = append(out, s)
		}
	}
	return out
}

// inPeriod keeps the sales from from (included) to to (excluded); empty
// is open.
func inPeriod(from, to string) func(s *sale) bool {
	return func(s *sale) bool { return (from == "" || s.date >= from) && (to == "" || s.date < to) }
}

// byKey totals sales by a key, as "key count total" lines in key order:
// the figures a report must show, computed without it.
func byKey(sales []*sale, key func(s *sale) string) []string {
	type tot struct{ n, cents int64 }
	m := map[string]*tot{}
	for _, s := range sales {
		k := key(s)
		if m[k] == nil {
			m[k] = &tot{}
		}
		m[k].n++
		m[k].cents += s.cents
	}
	var out []string
	for k, t := range m {
		out = append(out, fmt.Sprintf("%s %d %s", k, t.n, money(t.cents)))
	}
	slices.Sort(out)
	return out
}

func money(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

// result is a report result as the tests read it.
type result struct {
	Report  string `json:"report"`
	Level   int    `json:"level"`
	Columns []struct {
		Key   string `json:"key"`
		Label string `json:"label"`
	} `json:"columns"`
	Rows   []resultRow    `json:"rows"`
	Totals *resultRow     `json:"totals"`
	Params map[string]any `json:"params"`
}

type resultRow struct {
	Values map[string]json.RawMessage `json:"values"`
}

// lines shows rows as "dim count sum" lines (count or sum may be absent)
// in key order.
func (r result) lines(dim string, measures ...string) []string {
	var out []string
	for _, row := range r.Rows {
		parts := []string{unquote(row.Values[dim])}
		for _, m := range measures {
			parts = append(parts, unquote(row.Values[m]))
		}
		out = append(out, strings.Join(parts, " "))
	}
	slices.Sort(out)
	return out
}

func unquote(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// sameLines fails the test unless got and want hold the same lines.
func sameLines(t *testing.T, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s:\n\tgot  %q\n\twant %q", what, got, want)
	}
}
