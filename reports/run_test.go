package reports_test

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/reports"
)

// line writes a result row's values of keys, separated by "|".
func line(r reports.Row, keys ...string) string {
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = show(r.Values[k])
	}
	return strings.Join(parts, "|")
}

func lines(rows []reports.Row, keys ...string) string {
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(line(r, keys...) + "\n")
	}
	return b.String()
}

// agg accumulates the measures the tests compute by hand.
type agg struct {
	count    int64
	sum      decimal.Decimal
	nonEmpty int64
	max      time.Time
	distinct map[int64]bool
}

func (a *agg) add(o order) {
	a.count++
	if o.amount != nil {
		a.sum = a.sum.Add(*o.amount)
		a.nonEmpty++
	}
	if o.closed.After(a.max) {
		a.max = o.closed
	}
	if a.distinct == nil {
		a.distinct = map[int64]bool{}
	}
	a.distinct[o.product] = true
}

// sumText is the sum as the report shows a money sum: "-" when no value.
func (a *agg) sumText() string {
	if a.nonEmpty == 0 {
		return "-"
	}
	return a.sum.StringFixed(2)
}

// avgText is the average as the report shows it: four decimals more.
func (a *agg) avgText() string {
	if a.nonEmpty == 0 {
		return "-"
	}
	return a.sum.DivRound(decimal.NewFromInt(a.nonEmpty), 6).StringFixed(6)
}

func opt(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (fx *fixture) regionOf(o order) string {
	if c := fx.customer(o.customer); c != nil {
		return c.region
	}
	return ""
}

func month(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format("2006-01")
}

// cmpText orders texts with the empty one last, as the reports do.
func cmpText(a, b string) int {
	switch {
	case a == b:
		return 0
	case a == "":
		return 1
	case b == "":
		return -1
	}
	return strings.Compare(a, b)
}

func TestRunGroupsWithTotalsAndSubtotals(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "revenue_by_month", "title": "Revenue by month and region", "source": "order",
		"dimensions": [{"key": "month", "field": "order_date", "bucket": "month"}, {"key": "region", "field": "customer.region"}],
		"measures": [{"key": "orders", "agg": "count"}, {"key": "revenue", "agg": "sum", "field": "amount"},
			{"key": "avg_amount", "agg": "avg", "field": "amount"}],
		"sort": [{"key": "month"}, {"key": "region"}], "totals": {"grand": true, "subtotals": true}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		res := run(t, fx, c, reports.Request{}, admin)
		type key struct{ month, region string }
		groups, subs, all := map[key]*agg{}, map[string]*agg{}, &agg{}
		for _, o := range fx.orders {
			k := key{month(o.date), fx.regionOf(o)}
			get(groups, k).add(o)
			get(subs, k.month).add(o)
			all.add(o)
		}
		keys := slices.Collect(mapKeys(groups))
		slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmpText(a.month, b.month), cmpText(a.region, b.region)) })
		var want strings.Builder
		for _, k := range keys {
			a := groups[k]
			fmt.Fprintf(&want, "%s|%s|%d|%s|%s\n", opt(k.month), opt(k.region), a.count, a.sumText(), a.avgText())
		}
		if got := lines(res.Rows, "month", "region", "orders", "revenue", "avg_amount"); got != want.String() {
			t.Errorf("rows:\n%s\nwant:\n%s", got, want.String())
		}
		want.Reset()
		for _, m := range slices.SortedFunc(mapKeys(subs), cmpText) {
			a := subs[m]
			fmt.Fprintf(&want, "%s|%d|%s|%s\n", opt(m), a.count, a.sumText(), a.avgText())
		}
		if got := lines(res.Subtotals, "month", "orders", "revenue", "avg_amount"); got != want.String() {
			t.Errorf("subtotals:\n%s\nwant:\n%s", got, want.String())
		}
		if res.Totals == nil {
			t.Fatal("no totals")
		}
		if got, want := line(*res.Totals, "orders", "revenue", "avg_amount"), fmt.Sprintf("%d|%s|%s", all.count, all.sumText(), all.avgText()); got != want {
			t.Errorf("totals %s, want %s", got, want)
		}
		for _, r := range res.Rows {
			if r.Values["region"] != nil && r.Labels["region"] == "" {
				t.Errorf("row %v has no region label", r.Values)
			}
		}
	})
}

// get returns m[k], adding an empty tally first.
func get[K comparable](m map[K]*agg, k K) *agg {
	if m[k] == nil {
		m[k] = &agg{}
	}
	return m[k]
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestRunTopWithOthers(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "top_customers", "title": "Top customers", "source": "order",
		"dimensions": [{"key": "customer", "field": "customer.name"}],
		"measures": [{"key": "revenue", "agg": "sum", "field": "amount"}, {"key": "orders", "agg": "count"},
			{"key": "products", "agg": "count_distinct", "field": "product"}, {"key": "last_closed", "agg": "max", "field": "closed_at"}],
		"sort": [{"key": "revenue", "desc": true}], "limit": {"rows": 3, "others": true}, "totals": {"grand": true}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		res := run(t, fx, c, reports.Request{}, admin)
		groups := map[string]*agg{}
		all := &agg{}
		for _, o := range fx.orders {
			name := ""
			if cu := fx.customer(o.customer); cu != nil {
				name = cu.name
			}
			get(groups, name).add(o)
			all.add(o)
		}
		names := slices.Collect(mapKeys(groups))
		slices.SortFunc(names, func(a, b string) int {
			ga, gb := groups[a], groups[b]
			switch {
			case ga.nonEmpty == 0 && gb.nonEmpty > 0:
				return 1
			case gb.nonEmpty == 0 && ga.nonEmpty > 0:
				return -1
			}
			return cmp.Or(-ga.sum.Cmp(gb.sum), cmpText(a, b))
		})
		row := func(name string, a *agg) string {
			return fmt.Sprintf("%s|%s|%d|%d|%s\n", opt(name), a.sumText(), a.count, len(a.distinct), a.max.Format(time.RFC3339Nano))
		}
		var want strings.Builder
		others := &agg{}
		for i, n := range names {
			if i < 3 {
				want.WriteString(row(n, groups[n]))
				continue
			}
			for _, o := range fx.orders {
				if cu := fx.customer(o.customer); (cu != nil && cu.name == n) || (cu == nil && n == "") {
					others.add(o)
				}
			}
		}
		if got := lines(res.Rows, "customer", "revenue", "orders", "products", "last_closed"); got != want.String() {
			t.Errorf("rows:\n%s\nwant:\n%s", got, want.String())
		}
		if res.Others == nil {
			t.Fatal("no others row")
		}
		if got, want := line(*res.Others, "customer", "revenue", "orders", "products", "last_closed")+"\n", row("", others); got != want {
			t.Errorf("others %s, want %s", got, want)
		}
		if got, want := line(*res.Totals, "revenue", "orders", "products")+"\n", fmt.Sprintf("%s|%d|%d\n", all.sumText(), all.count, len(all.distinct)); got != want {
			t.Errorf("totals %s, want %s", got, want)
		}
	})
}

func TestRunDerivedMeasures(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "conversion", "title": "Conversion by rep", "source": "order",
		"dimensions": [{"key": "rep", "field": "rep"}],
		"measures": [{"key": "total", "agg": "count"}, {"key": "won", "agg": "count", "filter": "stage == \"won\""},
			{"key": "rate", "expr": "won / total"},
			{"key": "revenue", "agg": "sum", "field": "amount", "filter": "stage == \"won\""}, {"key": "cost", "agg": "sum", "field": "cost", "filter": "stage == \"won\""},
			{"key": "margin_rate", "expr": "(revenue - cost) / revenue"}, {"key": "none", "expr": "won / (total - total)"}],
		"sort": [{"key": "rate", "desc": true}], "totals": {"grand": true}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		res := run(t, fx, c, reports.Request{}, admin)
		type tally struct {
			total, won    int64
			revenue, cost decimal.Decimal
			hasRevenue    bool
		}
		by := map[int64]*tally{}
		for _, o := range fx.orders {
			if by[o.rep] == nil {
				by[o.rep] = &tally{}
			}
			tl := by[o.rep]
			tl.total++
			if o.stage == "won" {
				tl.won++
				tl.cost = tl.cost.Add(o.cost)
				if o.amount != nil {
					tl.revenue, tl.hasRevenue = tl.revenue.Add(*o.amount), true
				}
			}
		}
		rateOf := func(tl *tally) float64 { return float64(tl.won) / float64(tl.total) }
		order := slices.Clone(reps)
		slices.SortStableFunc(order, func(a, b int64) int { return -cmp.Compare(rateOf(by[a]), rateOf(by[b])) })
		var want strings.Builder
		for _, rep := range order {
			tl := by[rep]
			rev, _ := tl.revenue.Float64()
			cost, _ := tl.cost.Float64()
			fmt.Fprintf(&want, "%d|%d|%d|%.6f|%.6f|-\n", rep, tl.total, tl.won, rateOf(tl), (rev-cost)/rev)
		}
		if got := lines(res.Rows, "rep", "total", "won", "rate", "margin_rate", "none"); got != want.String() {
			t.Errorf("rows:\n%s\nwant:\n%s", got, want.String())
		}
		total, won := int64(0), int64(0)
		for _, tl := range by {
			total, won = total+tl.total, won+tl.won
		}
		if got, want := line(*res.Totals, "total", "won", "rate"), fmt.Sprintf("%d|%d|%.6f", total, won, float64(won)/float64(total)); got != want {
			t.Errorf("totals %s, want %s", got, want)
		}
	})
}

func TestRunBinsAndRelatedPaths(t *testing.T) {
	t.Parallel()
	bins := compile(t, `{"kind": "report", "key": "sizes", "title": "Order sizes", "source": "order",
		"dimensions": [{"key": "size", "field": "amount", "bin": 5000}], "measures": [{"key": "n", "agg": "count"}]}`)
	lines2 := compile(t, `{"kind": "report", "key": "paid_by_region", "title": "Payments by region and line", "source": "payment",
		"dimensions": [{"key": "region", "field": "sale.customer.region"}, {"key": "line", "field": "sale.product.line"}],
		"measures": [{"key": "paid", "agg": "sum", "field": "amount"}, {"key": "n", "agg": "count"}, {"key": "first", "agg": "min", "field": "paid_on"}]}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		res := run(t, fx, bins, reports.Request{}, admin)
		counts := map[string]int64{}
		for _, o := range fx.orders {
			k := ""
			if o.amount != nil {
				k = o.amount.Div(decimal.NewFromInt(5000)).Floor().Mul(decimal.NewFromInt(5000)).StringFixed(2)
			}
			counts[k]++
		}
		keys := slices.Collect(mapKeys(counts))
		slices.SortFunc(keys, func(a, b string) int {
			switch {
			case a == "" || b == "":
				return cmpText(a, b)
			}
			return decimal.RequireFromString(a).Cmp(decimal.RequireFromString(b))
		})
		var want strings.Builder
		for _, k := range keys {
			fmt.Fprintf(&want, "%s|%d\n", opt(k), counts[k])
		}
		if got := lines(res.Rows, "size", "n"); got != want.String() {
			t.Errorf("bins:\n%s\nwant:\n%s", got, want.String())
		}

		res = run(t, fx, lines2, reports.Request{}, admin)
		type key struct{ region, line string }
		type tally struct {
			paid  decimal.Decimal
			n     int64
			first time.Time
		}
		by := map[key]*tally{}
		for _, p := range fx.payments {
			o := fx.order(p.sale)
			k := key{fx.regionOf(*o), fx.product(o.product).line}
			if by[k] == nil {
				by[k] = &tally{first: p.paidOn}
			}
			by[k].paid, by[k].n = by[k].paid.Add(p.amount), by[k].n+1
			if p.paidOn.Before(by[k].first) {
				by[k].first = p.paidOn
			}
		}
		ks := slices.Collect(mapKeys(by))
		slices.SortFunc(ks, func(a, b key) int { return cmp.Or(cmpText(a.region, b.region), cmpText(a.line, b.line)) })
		want.Reset()
		for _, k := range ks {
			fmt.Fprintf(&want, "%s|%s|%s|%d|%s\n", opt(k.region), k.line, by[k].paid.StringFixed(2), by[k].n, by[k].first.Format("2006-01-02"))
		}
		if got := lines(res.Rows, "region", "line", "paid", "n", "first"); got != want.String() {
			t.Errorf("two relations away:\n%s\nwant:\n%s", got, want.String())
		}
	})
}
