package api_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

type countedPage struct {
	Items []map[string]any `json:"items"`
	Total *int64           `json:"total"`
	Count string           `json:"count"`
}

// fillCustomers writes n customers straight into the form's table, a third
// in each region, and refreshes the planner's statistics: through the API
// this many would take minutes.
func fillCustomers(t *testing.T, app *enginetest.App, n int) {
	t.Helper()
	db := app.Engine.DB()
	series := fmt.Sprintf("generate_series(1, %d) AS s(g)", n)
	if db.Dialect() == store.SQLite {
		series = fmt.Sprintf("(WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g+1 FROM s WHERE g < %d) SELECT g FROM s) AS s", n)
	}
	sql := `INSERT INTO f_customer (name, region, created_at, created_by, updated_at, updated_by, owner,
		row_version, flow_status, form_version)
		SELECT 'Customer ' || g, CASE g % 3 WHEN 0 THEN 'east' WHEN 1 THEN 'north' ELSE 'south' END,
		CURRENT_TIMESTAMP, 1, CURRENT_TIMESTAMP, 1, 1, 1, '', 1 FROM ` + series
	sqlDB, err := db.SQLDB()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sqlDB.ExecContext(context.Background(), sql); err != nil {
		t.Fatalf("fill customers: %v", err)
	}
	if _, err := sqlDB.ExecContext(context.Background(), "ANALYZE f_customer"); err != nil {
		t.Fatalf("analyze: %v", err)
	}
}

func countPage(t *testing.T, app *enginetest.App, params ...string) countedPage {
	t.Helper()
	r := app.Expect(t, 200, "GET", listURL("customer", params...), "", enginetest.Bearer(app.Token))
	conforms(t, "RecordList", r.Body)
	var p countedPage
	r.JSON(t, &p)
	return p
}

func TestListCountModes(t *testing.T) {
	const n = 12_000
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fillCustomers(t, app, n)
		pg := app.Engine.DB().Dialect() == store.Postgres

		if p := countPage(t, app); p.Count != "exact" || p.Total == nil || *p.Total != n || len(p.Items) != 20 {
			t.Errorf("default: count %q total %v items %d, want exact %d", p.Count, p.Total, len(p.Items), n)
		}
		if p := countPage(t, app, "count", "exact", "filter", `region == "east"`); p.Count != "exact" || p.Total == nil || *p.Total != n/3 {
			t.Errorf("count=exact east: %q %v, want exact %d", p.Count, p.Total, n/3)
		}
		for _, tc := range []struct{ name, filter string }{
			{"unfiltered", ""},
			{"filtered", `region != "west"`},
		} {
			p := countPage(t, app, "count", "estimate", "filter", tc.filter)
			if p.Total == nil || len(p.Items) != 20 {
				t.Fatalf("count=estimate %s: total %v items %d", tc.name, p.Total, len(p.Items))
			}
			switch {
			case !pg && (p.Count != "exact" || *p.Total != n):
				t.Errorf("SQLite count=estimate %s: %q %d, want an exact %d", tc.name, p.Count, *p.Total, n)
			case pg && (p.Count != "estimate" || math.Abs(float64(*p.Total-n)) > n/10):
				t.Errorf("PostgreSQL count=estimate %s: %q %d, want an estimate near %d", tc.name, p.Count, *p.Total, n)
			}
		}
		// note: an estimate under 10,000 rows gives way to an exact count.
		if p := countPage(t, app, "count", "estimate", "filter", `region == "north"`); p.Count != "exact" || p.Total == nil || *p.Total != n/3 {
			t.Errorf("count=estimate north: %q %v, want exact %d", p.Count, p.Total, n/3)
		}
		for _, q := range [][]string{{"count", "none"}, {"total", "skip"}, {"total", "skip", "count", "none"}} {
			if p := countPage(t, app, q...); p.Count != "none" || p.Total != nil || len(p.Items) != 20 {
				t.Errorf("%v: count %q total %v items %d, want none", q, p.Count, p.Total, len(p.Items))
			}
		}
		for _, tc := range []struct{ url, path string }{
			{listURL("customer", "count", "maybe"), "/count"},
			{listURL("customer", "count", "estimate", "total", "skip"), "/total"},
			{listURL("customer", "total", "all"), "/total"},
		} {
			enginetest.APIScenario{Name: tc.url, Method: "GET", URL: tc.url, Headers: enginetest.Bearer(app.Token),
				ExpectedStatus: http.StatusBadRequest, ExpectedCode: "invalid_query", ExpectedContent: []string{tc.path}}.Test(t, app)
		}
	})
}
