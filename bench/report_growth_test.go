package main

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Each report and dashboard measured at both sizes gets one summary row
// putting the engine's growth over the hand-written query's, met within
// 1.2x and missed beyond; one measured at a single size gets none.
func TestSummaryHoldsReportGrowth(t *testing.T) {
	st := func(p50 time.Duration) stats { return stats{n: 5, p50: p50, p99: p50} }
	small := &reportSide{dialect: store.Postgres, orders: 10_000,
		runs: []reportRun{
			{name: "sales_revenue", engine: st(2 * time.Millisecond), hand: st(time.Millisecond)},
			{name: "delivery_margin", engine: st(time.Millisecond), hand: st(time.Millisecond)},
		},
		dashes: []dashboardRun{{key: "sales", engine: st(4 * time.Millisecond), hand: st(2 * time.Millisecond)}}}
	large := &reportSide{dialect: store.Postgres, orders: 1_000_000, small: small,
		runs: []reportRun{
			// engine 100x, hand 100x: met
			{name: "sales_revenue", engine: st(200 * time.Millisecond), hand: st(100 * time.Millisecond)},
			// engine 150x, hand 100x: missed
			{name: "delivery_margin", engine: st(150 * time.Millisecond), hand: st(100 * time.Millisecond)},
			{name: "only_large", engine: st(time.Millisecond), hand: st(time.Millisecond)},
		},
		dashes: []dashboardRun{{key: "sales", engine: st(300 * time.Millisecond), hand: st(200 * time.Millisecond)}}}
	r := &report{cfg: config{onlyReports: true}, reports: &reportBench{sides: []*reportSide{large}}}
	var b strings.Builder
	r.writeSummary(func(f string, args ...any) { fmt.Fprintf(&b, f, args...) })
	md := b.String()
	for _, want := range []string{
		"| growth of report sales_revenue p50 (postgres) | 10,000 → 1,000,000 orders | 100.0x (2.00 ms → 200.00 ms) | " +
			"100.0x (1.00 ms → 100.00 ms) | – | – | **1.00x** | ≤ 1.2x | met |",
		"| growth of report delivery_margin p50 (postgres) | 10,000 → 1,000,000 orders | 150.0x (1.00 ms → 150.00 ms) | " +
			"100.0x (1.00 ms → 100.00 ms) | – | – | **1.50x** | ≤ 1.2x | **missed** |",
		"| growth of dashboard sales p50 (postgres) | 10,000 → 1,000,000 orders | 75.0x (4.00 ms → 300.00 ms) | " +
			"100.0x (2.00 ms → 200.00 ms) | – | – | **0.75x** | ≤ 1.2x | met |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the summary lacks %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "growth of report only_large") {
		t.Errorf("a report measured at one size has a growth row:\n%s", md)
	}
	if n := strings.Count(md, "| growth of "); n != 3 {
		t.Errorf("%d growth rows, want 3:\n%s", n, md)
	}

	b.Reset()
	r.writeReportGrowth(func(f string, args ...any) { fmt.Fprintf(&b, f, args...) }, large)
	if want := "| report delivery_margin | 1.00 ms | 150.00 ms | 150.0x | 1.00 ms | 100.00 ms | 100.0x | **1.50x** | ≤ 1.2x **missed** |"; !strings.Contains(b.String(), want) {
		t.Errorf("the growth table lacks %q:\n%s", want, b.String())
	}
}

// Without a smaller size, or with one not below the measured size, the
// reports run once.
func TestGrowthSideOnlyBelowTheMeasuredSize(t *testing.T) {
	for _, from := range []int{0, 1_000_000, 2_000_000} {
		s, err := growthSide(t.Context(), config{reportGrowth: from}, store.Postgres, 1_000_000)
		if s != nil || err != nil {
			t.Errorf("-report-growth-from %d: side %v, error %v; want neither", from, s, err)
		}
	}
}
