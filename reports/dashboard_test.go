package reports_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// reportSet is a ReportLookup over compiled reports.
type reportSet map[string]*reports.Compiled

func (s reportSet) Report(key string) (*reports.Compiled, bool) { c, ok := s[key]; return c, ok }

func dashboardReports(t *testing.T) reportSet {
	return reportSet{
		"sales": compile(t, `{"kind": "report", "key": "sales", "title": "Sales", "source": "order",
			"params": [{"key": "from", "type": "date"}, {"key": "to", "type": "date"}, {"key": "stages", "type": "text", "multiple": true}],
			"filter": "(params.from == nil || order_date >= params.from) && (params.to == nil || order_date < params.to) && (params.stages == nil || stage in params.stages)",
			"dimensions": [{"key": "month", "field": "order_date", "bucket": "month"}, {"key": "region", "field": "customer.region"}],
			"measures": [{"key": "revenue", "agg": "sum", "field": "amount"}]}`),
		"mix": compile(t, `{"kind": "report", "key": "mix", "title": "Mix", "source": "payment",
			"dimensions": [{"key": "cust_region", "field": "sale.customer.region"}, {"key": "paid", "field": "paid_on", "bucket": "month"}],
			"measures": [{"key": "n", "agg": "count"}]}`),
	}
}

// dashboard writes a dashboard definition from its widgets and filters.
func dashboard(filters, widgets string) string {
	return fmt.Sprintf(`{"kind": "dashboard", "key": "d", "title": "D", "linked": true, "filters": %s, "widgets": %s}`, filters, widgets)
}

const (
	shared = `[{"key": "period", "type": "date_range", "default": {"from": "2026-01-01", "to": "2026-04-01"}},
		{"key": "stages", "type": "text", "multiple": true}, {"key": "region", "type": "text"}]`
	good = `[{"key": "trend", "report": "sales", "x": 0, "y": 0, "w": 8, "h": 4, "params": {"stages": ["won"]},
			"bind": {"period": {"param": "from", "to": "to"}, "region": {"dimension": "region"}}},
		{"key": "mix", "report": "mix", "x": 8, "y": 0, "w": 4, "h": 4,
			"bind": {"period": {"dimension": "paid"}, "region": {"dimension": "cust_region"}}}]`
)

func TestCompileDashboard(t *testing.T) {
	t.Parallel()
	rs := dashboardReports(t)
	d, err := reports.ParseDashboard([]byte(dashboard(shared, good)))
	if err != nil {
		t.Fatal(err)
	}
	cd, err := reports.CompileDashboard(d, 1, rs)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if cd.Columns != 12 || len(cd.Widgets) != 2 || cd.Widgets[0].Report != rs["sales"] || fmt.Sprint(cd.Widgets[0].Params["stages"]) != "[won]" {
		t.Errorf("compiled %+v", cd)
	}
	if got := cd.Links("trend", "region"); fmt.Sprint(got) != "[{mix cust_region}]" {
		t.Errorf("links of trend.region: %v, want the mix widget's cust_region (the same customer field)", got)
	}
	if got := cd.Links("trend", "month"); len(got) != 0 {
		t.Errorf("links of trend.month: %v, want none (order dates are not payment dates)", got)
	}
}

func TestCompileDashboardReportsEveryMistake(t *testing.T) {
	t.Parallel()
	rs := dashboardReports(t)
	widget := func(extra string) string {
		return `[{"key": "w", "report": "sales", "x": 0, "y": 0, "w": 6, "h": 4` + extra + `}]`
	}
	scenarios := []struct {
		name, def, path, code, msg string
	}{
		{"unknown report", dashboard(shared, `[{"key": "w", "report": "nope", "x": 0, "y": 0, "w": 6, "h": 4}]`),
			"/widgets/0/report", reports.CodeUnknownReport, `"nope" is not a published report`},
		{"outside the grid", dashboard(shared, `[{"key": "w", "report": "sales", "x": 8, "y": 0, "w": 6, "h": 4}]`),
			"/widgets/0", reports.CodeOutsideGrid, "must fit the 12 columns"},
		{"overlapping widgets", dashboard(shared, `[{"key": "a", "report": "sales", "x": 0, "y": 0, "w": 6, "h": 4},
			{"key": "b", "report": "mix", "x": 5, "y": 3, "w": 6, "h": 4}]`),
			"/widgets/1", reports.CodeOverlap, `overlaps widget 0 ("a")`},
		{"a widget key used twice", dashboard(shared, `[{"key": "a", "report": "sales", "x": 0, "y": 0, "w": 6, "h": 4},
			{"key": "a", "report": "mix", "x": 6, "y": 0, "w": 6, "h": 4}]`),
			"/widgets/1/key", forms.CodeDuplicateKey, `"a" is used twice`},
		{"an unknown filter", dashboard(shared, widget(`, "bind": {"colour": {"param": "from"}}`)),
			"/widgets/0/bind/colour", reports.CodeInvalidBinding, `no filter "colour"`},
		{"a date range on one parameter", dashboard(shared, widget(`, "bind": {"period": {"param": "from"}}`)),
			"/widgets/0/bind/period/to", reports.CodeInvalidBinding, "a date range sets two date parameters"},
		{"a date range on a text dimension", dashboard(shared, widget(`, "bind": {"period": {"dimension": "region"}}`)),
			"/widgets/0/bind/period/dimension", reports.CodeInvalidBinding, "a date range narrows a date dimension"},
		{"a list filter on a single parameter", dashboard(`[{"key": "days", "type": "date", "multiple": true}]`, widget(`, "bind": {"days": {"param": "from"}}`)),
			"/widgets/0/bind/days/param", reports.CodeInvalidBinding, "the filter gives lists of date values and from takes date ones"},
		{"both a parameter and a dimension", dashboard(shared, widget(`, "bind": {"region": {"param": "stages", "dimension": "region"}}`)),
			"/widgets/0/bind/region", reports.CodeInvalidBinding, "one of the two"},
		{"an unknown dimension", dashboard(shared, widget(`, "bind": {"region": {"dimension": "country"}}`)),
			"/widgets/0/bind/region/dimension", reports.CodeInvalidBinding, `no dimension "country"`},
		{"an unknown widget parameter", dashboard(shared, widget(`, "params": {"colour": "red"}`)),
			"/widgets/0/params/colour", reports.CodeInvalidBinding, `no parameter "colour"`},
		{"a bad widget parameter", dashboard(shared, widget(`, "params": {"from": "soon"}`)),
			"/widgets/0/params/from", reports.CodeInvalidBinding, "from must be a date"},
		{"a bad filter type", dashboard(`[{"key": "f", "type": "colour"}]`, widget("")),
			"/filters/0/type", reports.CodeInvalidParam, `unknown filter type "colour"`},
		{"a bad range default", dashboard(`[{"key": "f", "type": "date_range", "default": {"from": "soon"}}]`, widget("")),
			"/filters/0/default", reports.CodeInvalidParam, "from must be a date"},
	}
	for _, sc := range scenarios {
		d, err := reports.ParseDashboard([]byte(sc.def))
		if err != nil {
			t.Errorf("%s: parse: %v", sc.name, err)
			continue
		}
		_, err = reports.CompileDashboard(d, 1, rs)
		pl, ok := forms.AsProblems(err)
		if !ok {
			t.Errorf("%s: %v, want problems", sc.name, err)
			continue
		}
		found := false
		for _, p := range pl.Problems {
			found = found || (p.Path == sc.path && p.Code == sc.code && strings.Contains(p.Message, sc.msg))
		}
		if !found {
			t.Errorf("%s: got %+v, want %s %s %q", sc.name, pl.Problems, sc.path, sc.code, sc.msg)
		}
	}
}
