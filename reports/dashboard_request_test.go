package reports_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

func compileDashboard(t *testing.T, def string) *reports.CompiledDashboard {
	t.Helper()
	d, err := reports.ParseDashboard([]byte(def))
	if err != nil {
		t.Fatal(err)
	}
	cd, err := reports.CompileDashboard(d, 1, dashboardReports(t))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return cd
}

// asJSON shows a value as its JSON text, for comparisons.
func asJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestDashboardPlanAppliesSharedFiltersThroughBindings(t *testing.T) {
	t.Parallel()
	cd := compileDashboard(t, dashboard(shared, good))
	scenarios := []struct {
		name           string
		req            reports.DashboardRequest
		trend, mix     string
		filtersInForce string
	}{
		{"the defaults", reports.DashboardRequest{},
			`{"params":{"from":"2026-01-01","stages":["won"],"to":"2026-04-01"},"level":0}`,
			`{"filters":[{"key":"paid","from":"2026-01-01","to":"2026-04-01"}],"level":0}`,
			`{"period":{"from":"2026-01-01","to":"2026-04-01"},"region":null,"stages":null}`},
		{"a period, a region", reports.DashboardRequest{Filters: map[string]any{
			"period": map[string]any{"from": "2026-02-01", "to": nil}, "region": "east"}},
			`{"params":{"from":"2026-02-01","stages":["won"],"to":null},"filters":[{"key":"region","values":["east"]}],"level":0}`,
			`{"filters":[{"key":"paid","from":"2026-02-01"},{"key":"cust_region","values":["east"]}],"level":0}`,
			`{"period":{"from":"2026-02-01","to":null},"region":"east","stages":null}`},
		{"no period at all", reports.DashboardRequest{Filters: map[string]any{"period": nil, "stages": []any{}}},
			`{"params":{"stages":["won"]},"level":0}`, `{"level":0}`,
			`{"period":null,"region":null,"stages":null}`},
		{"a selected region narrows the linked widget only", reports.DashboardRequest{Filters: map[string]any{"period": nil},
			Selection: &reports.Selection{Widget: "trend", Dimension: "region", Value: "west"}},
			`{"params":{"stages":["won"]},"level":0}`, `{"filters":[{"key":"cust_region","values":["west"]}],"level":0}`,
			`{"period":null,"region":null,"stages":null}`},
	}
	for _, sc := range scenarios {
		plan, err := cd.Plan(sc.req)
		if err != nil {
			t.Errorf("%s: %v", sc.name, err)
			continue
		}
		if got := asJSON(t, plan.Requests[0]); got != sc.trend {
			t.Errorf("%s: trend runs\n\t%s\nwant\n\t%s", sc.name, got, sc.trend)
		}
		if got := asJSON(t, plan.Requests[1]); got != sc.mix {
			t.Errorf("%s: mix runs\n\t%s\nwant\n\t%s", sc.name, got, sc.mix)
		}
		if got := asJSON(t, plan.Filters); got != sc.filtersInForce {
			t.Errorf("%s: filters in force %s, want %s", sc.name, got, sc.filtersInForce)
		}
	}
}

func TestDashboardPlanRefusesBadFiltersAndSelections(t *testing.T) {
	t.Parallel()
	cd := compileDashboard(t, dashboard(shared, good))
	unlinked := compileDashboard(t, strings.Replace(dashboard(shared, good), `"linked": true`, `"linked": false`, 1))
	sel := func(w, d string, v any) *reports.Selection {
		return &reports.Selection{Widget: w, Dimension: d, Value: v}
	}
	scenarios := []struct {
		name string
		d    *reports.CompiledDashboard
		req  reports.DashboardRequest
		path string
	}{
		{"an unknown filter", cd, reports.DashboardRequest{Filters: map[string]any{"colour": "red"}}, "/filters/colour"},
		{"a range that is not an object", cd, reports.DashboardRequest{Filters: map[string]any{"period": "2026"}}, "/filters/period"},
		{"a range from a non-date", cd, reports.DashboardRequest{Filters: map[string]any{"period": map[string]any{"from": "soon"}}}, "/filters/period/from"},
		{"a range with a third side", cd, reports.DashboardRequest{Filters: map[string]any{"period": map[string]any{"until": "2026-01-01"}}}, "/filters/period/until"},
		{"a range ending before it starts", cd, reports.DashboardRequest{Filters: map[string]any{"period": map[string]any{"from": "2026-02-01", "to": "2026-01-01"}}}, "/filters/period/to"},
		{"a list for a single value", cd, reports.DashboardRequest{Filters: map[string]any{"region": []any{"east"}}}, "/filters/region"},
		{"a value for a list", cd, reports.DashboardRequest{Filters: map[string]any{"stages": "won"}}, "/filters/stages"},
		{"a selection on an unlinked dashboard", unlinked, reports.DashboardRequest{Selection: sel("trend", "region", "east")}, "/selection"},
		{"a selection in no widget", cd, reports.DashboardRequest{Selection: sel("nope", "region", "east")}, "/selection/widget"},
		{"a selection of no dimension", cd, reports.DashboardRequest{Selection: sel("trend", "colour", "east")}, "/selection/dimension"},
		{"a selection of a bad month", cd, reports.DashboardRequest{Selection: sel("trend", "month", "March")}, "/selection/value"},
	}
	for _, sc := range scenarios {
		_, err := sc.d.Plan(sc.req)
		pl, ok := forms.AsProblems(err)
		if !ok || pl.Problems[0].Path != sc.path {
			t.Errorf("%s: %v, want a problem at %s", sc.name, err, sc.path)
		}
	}
}
