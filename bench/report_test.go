package main

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// On a small seeded dataset, on each database, every hand-written report
// query gives the engine's figures, for every example report and every
// widget of every example dashboard: a change to a report definition or
// to the planner must reach the hand-written side.
func TestHandWrittenReportsAgree(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			rd := openTestReportData(t, d)
			h := &handDB{pg: rd.pg, lite: rd.lite}
			for _, c := range reportCases() {
				res, err := c.runEngine(ctx, rd)
				if err != nil {
					t.Fatalf("%s: engine: %v", c.name(), err)
				}
				hf, err := c.hand(ctx, h, rd)
				if err != nil {
					t.Fatalf("%s: hand-written: %v", c.name(), err)
				}
				if len(res.Rows) == 0 {
					t.Errorf("%s: no rows; the seed should give every report something to show", c.name())
				}
				for _, m := range diffFigures(engineFigures(res), hf) {
					t.Errorf("%s: %s", c.name(), m)
				}
			}
			for _, key := range exampleDashboards {
				got, err := measureDashboard(ctx, rd, h, key, timing{rounds: 1, runs: 1})
				if err != nil {
					t.Fatal(err)
				}
				if got.widgets < 2 {
					t.Errorf("dashboard %s: %d widgets", key, got.widgets)
				}
				for _, m := range got.mismatches {
					t.Errorf("dashboard %s: %s", key, m)
				}
			}
		})
	}
}

// The figures are compared value by value: a different sum, count or row
// is caught, a float within rounding is not.
func TestDiffFigures(t *testing.T) {
	a := &figures{rows: []figRow{{"region": "east", "revenue": money(12345), "orders": int64(3), "rate": 0.25}}}
	same := &figures{rows: []figRow{{"region": "east", "revenue": money(12345), "orders": int64(3), "rate": 0.25 + 1e-12}}}
	if d := diffFigures(a, same); len(d) != 0 {
		t.Errorf("equal figures differ: %v", d)
	}
	for _, b := range []*figures{
		{rows: []figRow{{"region": "east", "revenue": money(12346), "orders": int64(3), "rate": 0.25}}},
		{rows: []figRow{{"region": "west", "revenue": money(12345), "orders": int64(3), "rate": 0.25}}},
		{rows: []figRow{{"region": "east", "revenue": money(12345), "orders": int64(4), "rate": 0.25}}},
		{rows: []figRow{{"region": "east", "revenue": money(12345), "orders": int64(3), "rate": 0.26}}},
		{rows: nil},
		{rows: a.rows, totals: figRow{"orders": int64(3)}},
	} {
		if d := diffFigures(a, b); len(d) == 0 {
			t.Errorf("%v and %v do not differ", a.rows, b.rows)
		}
	}
}

// openTestReportData seeds a small dataset, in a temporary schema or
// folder removed at the end.
func openTestReportData(t *testing.T, d store.Dialect) *reportData {
	t.Helper()
	ctx := context.Background()
	const example, orders = "../examples/order-management", 800
	if d == store.SQLite {
		rd, err := openReportSQLite(ctx, t.TempDir(), example, orders, true)
		t.Cleanup(func() { _ = rd.close() })
		if err != nil {
			t.Fatal(err)
		}
		return rd
	}
	dsn := os.Getenv("MOSAIC_TEST_PG")
	if dsn == "" {
		dsn = storetest.DefaultPG
	}
	schema := "bench_reports_t" + randomHex(6)
	rd, err := openReportPG(ctx, dsn, schema, example, orders, true)
	t.Cleanup(func() {
		if rd.engine != nil {
			_ = rd.engine.Close()
			rd.engine = nil
		}
		if rd.base != nil {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if _, err := rd.base.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
				t.Errorf("drop %s: %v", schema, err)
			}
		}
		_ = rd.close()
	})
	if err != nil {
		if rd.engine == nil && rd.pg == nil {
			storetest.WithoutPostgres(t, "PostgreSQL not reachable: %v", err)
		}
		t.Fatal(err)
	}
	return rd
}
