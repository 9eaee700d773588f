package reports_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// drillCase is a report whose every row is drilled into: the records list
// must give exactly the records whose dimension values (as keyOf shows
// them) are the row's, as many as the row counts.
type drillCase struct {
	name   string
	def    string
	params map[string]any
	// keep selects the records the report's filter keeps.
	keep  func(fx *fixture, id int64) bool
	keyOf func(fx *fixture, id int64) []string
	dims  []string
}

func (fx *fixture) orderKey(id int64, f func(o order) []string) []string { return f(*fx.order(id)) }

var drillCases = []drillCase{
	{name: "month and related region",
		def: `{"kind": "report", "key": "d1", "title": "D1", "source": "order",
			"dimensions": [{"key": "month", "field": "order_date", "bucket": "month"}, {"key": "region", "field": "customer.region"}],
			"measures": [{"key": "n", "agg": "count"}], "totals": {"subtotals": true, "grand": true}}`,
		dims: []string{"month", "region"},
		keyOf: func(fx *fixture, id int64) []string {
			o := fx.order(id)
			return []string{opt(month(o.date)), opt(fx.regionOf(*o))}
		}},
	{name: "filter with params, iso week of a date-time, yes/no",
		def: `{"kind": "report", "key": "d2", "title": "D2", "source": "order",
			"params": [{"key": "min", "type": "number"}, {"key": "stages", "type": "text", "multiple": true}, {"key": "note", "type": "text"}],
			"filter": "amount >= params.min && (params.stages == nil || stage in params.stages) && (params.note == nil || note == params.note)",
			"dimensions": [{"key": "week", "field": "closed_at", "bucket": "week"}, {"key": "urgent", "field": "urgent"}],
			"measures": [{"key": "n", "agg": "count"}]}`,
		params: map[string]any{"min": "-500.5", "stages": []any{"won", "lost", "quote"}, "note": `say "hi" \ 日本 50%_`},
		keep: func(fx *fixture, id int64) bool {
			o := fx.order(id)
			return o.amount != nil && o.amount.GreaterThanOrEqual(decimal.RequireFromString("-500.5")) &&
				slices.Contains([]string{"won", "lost", "quote"}, o.stage) && o.note == `say "hi" \ 日本 50%_`
		},
		dims: []string{"week", "urgent"},
		keyOf: func(fx *fixture, id int64) []string {
			o := fx.order(id)
			y, w := o.closed.ISOWeek()
			return []string{fmt.Sprintf("%d-W%02d", y, w), fmt.Sprint(o.urgent != nil && *o.urgent)}
		}},
	{name: "bins and an empty note",
		def: `{"kind": "report", "key": "d3", "title": "D3", "source": "order",
			"dimensions": [{"key": "size", "field": "amount", "bin": 2500.5}, {"key": "note", "field": "note"}],
			"measures": [{"key": "n", "agg": "count"}]}`,
		dims: []string{"size", "note"},
		keyOf: func(fx *fixture, id int64) []string {
			o := fx.order(id)
			size := "-"
			if o.amount != nil {
				w := decimal.RequireFromString("2500.5")
				size = o.amount.Div(w).Floor().Mul(w).StringFixed(2)
			}
			return []string{size, opt(o.note)}
		}},
	{name: "two relations away, and a quarter",
		def: `{"kind": "report", "key": "d4", "title": "D4", "source": "payment",
			"dimensions": [{"key": "industry", "field": "sale.customer.industry"}, {"key": "quarter", "field": "paid_on", "bucket": "quarter"}],
			"measures": [{"key": "n", "agg": "count"}]}`,
		dims: []string{"industry", "quarter"},
		keyOf: func(fx *fixture, id int64) []string {
			for _, p := range fx.payments {
				if p.id == id {
					ind := ""
					if c := fx.customer(fx.order(p.sale).customer); c != nil {
						ind = c.ind
					}
					return []string{opt(ind), quarter(p.paidOn)}
				}
			}
			return nil
		}},
}

func TestDrillListsExactlyTheRecordsOfEachCell(t *testing.T) {
	t.Parallel()
	eachFixture(t, func(t *testing.T, fx *fixture) {
		for _, dc := range drillCases {
			t.Run(dc.name, func(t *testing.T) {
				c := compile(t, dc.def)
				req := reports.Request{Params: dc.params}
				res := run(t, fx, c, req, admin)
				// note: a subtotal's cell names the first dimension, the
				// totals' none.
				type cell struct {
					row    reports.Row
					values map[string]any
				}
				var cells []cell
				for _, r := range res.Rows {
					values := map[string]any{}
					for _, d := range dc.dims {
						values[d] = r.Values[d]
					}
					cells = append(cells, cell{r, values})
				}
				for _, r := range res.Subtotals {
					cells = append(cells, cell{r, map[string]any{dc.dims[0]: r.Values[dc.dims[0]]}})
				}
				if res.Totals != nil {
					cells = append(cells, cell{*res.Totals, map[string]any{}})
				}
				if len(cells) < 5 {
					t.Fatalf("only %d cells to drill into", len(cells))
				}
				for _, cl := range cells {
					r, values := cl.row, cl.values
					d, err := reports.Drill(context.Background(), fx.db, c, req, reports.Click{Values: values}, admin)
					if err != nil {
						t.Fatalf("drill %v: %v", values, err)
					}
					got := fx.list(t, c.Report.Source, d.Records.Filter)
					var want []int64
					for _, id := range fx.ids(c.Report.Source) {
						if dc.keep != nil && !dc.keep(fx, id) {
							continue
						}
						if matches(dc.keyOf(fx, id), dc.dims, values) {
							want = append(want, id)
						}
					}
					if fmt.Sprint(got) != fmt.Sprint(want) || show(r.Values["n"]) != fmt.Sprint(len(got)) {
						t.Errorf("cell %v (n %v): filter %s\n got %v\nwant %v", values, r.Values["n"], d.Records.Filter, got, want)
					}
				}
			})
		}
	})
}

// matches reports whether a record's dimension values are those of cell.
func matches(key, dims []string, cell map[string]any) bool {
	for i, d := range dims {
		if v, ok := cell[d]; ok && key[i] != show(v) {
			return false
		}
	}
	return true
}

// list runs the records list of form with filter and returns the ids.
func (fx *fixture) list(t *testing.T, form, filter string) []int64 {
	t.Helper()
	res, err := fx.records.List(context.Background(), fx.forms[form], forms.ListQuery{Filter: filter, Sort: "id", PerPage: 500, Actor: admin.Actor})
	if err != nil {
		t.Fatalf("list %s with %q: %v", form, filter, err)
	}
	ids := []int64{}
	for _, r := range res.Items {
		ids = append(ids, r.ID())
	}
	return ids
}

// ids lists the ids of the seeded records of form, ascending.
func (fx *fixture) ids(form string) []int64 {
	var ids []int64
	switch form {
	case "order":
		for _, o := range fx.orders {
			ids = append(ids, o.id)
		}
	case "payment":
		for _, p := range fx.payments {
			ids = append(ids, p.id)
		}
	}
	slices.Sort(ids)
	return ids
}

func TestDrillFollowsThePathAndTheClickedMeasure(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "won_by_region", "title": "Won by region", "source": "order",
		"params": [{"key": "from", "type": "date", "default": "2026-01-01"}],
		"filter": "order_date >= params.from",
		"dimensions": [{"key": "region", "field": "customer.region"}],
		"measures": [{"key": "n", "agg": "count"}, {"key": "won", "agg": "count", "filter": "stage == \"won\""}],
		"drill": [{"key": "rep", "field": "rep"}]}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		click := reports.Click{Values: map[string]any{"region": "west"}, Measure: "won"}
		d, err := reports.Drill(context.Background(), fx.db, c, reports.Request{}, click, admin)
		if err != nil {
			t.Fatal(err)
		}
		if d.Next == nil || d.Next.Level != 1 || d.NextDimension != "rep" || len(d.Next.Where) != 1 {
			t.Fatalf("next level %+v", d)
		}
		from := mustDate("2026-01-01")
		var want []int64
		for _, o := range fx.orders {
			if fx.regionOf(o) == "west" && o.stage == "won" && !o.date.IsZero() && !o.date.Before(from) {
				want = append(want, o.id)
			}
		}
		if got := fx.list(t, "order", d.Records.Filter); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("filter %s\n got %v\nwant %v", d.Records.Filter, got, want)
		}
		if !strings.Contains(d.Records.Filter, `order_date >= "2026-01-01"`) || !strings.Contains(d.Records.Filter, "customer in [") {
			t.Errorf("filter %s: want the bound parameter and the related ids", d.Records.Filter)
		}
		// one level down, the rep clicked: the path ends at the records.
		rep := fx.order(want[0]).rep
		d2, err := reports.Drill(context.Background(), fx.db, c, *d.Next, reports.Click{Values: map[string]any{"rep": rep}}, admin)
		if err != nil {
			t.Fatal(err)
		}
		if d2.Next != nil {
			t.Errorf("the path should end: %+v", d2.Next)
		}
		want = want[:0]
		for _, o := range fx.orders {
			if fx.regionOf(o) == "west" && o.rep == rep && !o.date.IsZero() && !o.date.Before(from) {
				want = append(want, o.id)
			}
		}
		if got := fx.list(t, "order", d2.Records.Filter); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("level 2 filter %s\n got %v\nwant %v", d2.Records.Filter, got, want)
		}
		if _, err := reports.Drill(context.Background(), fx.db, c, reports.Request{}, reports.Click{Values: map[string]any{"rep": 1}}, admin); !isProblem(err, "/click/values/rep") {
			t.Errorf("a dimension of another level: %v", err)
		}
	})
}
