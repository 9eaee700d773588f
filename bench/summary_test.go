package main

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestSameTotalAllowsEstimatesToDiffer(t *testing.T) {
	for _, tc := range []struct {
		e, h map[string]any
		want bool
	}{
		{map[string]any{"count": "exact", "total": 12.0}, map[string]any{"count": "exact", "total": 12.0}, true},
		{map[string]any{"count": "exact", "total": 12.0}, map[string]any{"count": "exact", "total": 13.0}, false},
		{map[string]any{"count": "estimate", "total": 100000.0}, map[string]any{"count": "estimate", "total": 110000.0}, true},
		{map[string]any{"count": "estimate", "total": 100000.0}, map[string]any{"count": "estimate", "total": 150000.0}, false},
		{map[string]any{"count": "estimate", "total": 100000.0}, map[string]any{"count": "exact", "total": 100000.0}, false},
	} {
		if got := sameTotal(tc.e, tc.h); got != tc.want {
			t.Errorf("sameTotal(%v, %v) = %v, want %v", tc.e, tc.h, got, tc.want)
		}
	}
}

func TestSummaryHoldsGrowthRSSAndAims(t *testing.T) {
	st := func(p50 time.Duration) stats { return stats{n: 10, p50: p50, p99: 2 * p50} }
	list := comparison{key: keyList, name: "list page", group: groupHand, target: listTarget,
		a: st(12 * time.Millisecond), b: st(10 * time.Millisecond)}
	r := &report{cfg: config{records: 1_000_000}, results: []comparison{list}, rssStart: 40 * 1024, rssPeak: 60 * 1024,
		growth: &growth{small: 10_000, large: 1_000_000, atSmall: comparison{key: keyList, target: listTarget,
			a: st(6 * time.Millisecond), b: st(5 * time.Millisecond)}}}
	var b strings.Builder
	r.writeSummary(func(f string, args ...any) { fmt.Fprintf(&b, f, args...) })
	md := b.String()
	for _, want := range []string{
		"| list page (count=estimate) | 1,000,000 orders | 12.00 ms | 10.00 ms | 24.00 ms | 20.00 ms | **1.20x** | ≤ 1.2x | met |",
		"| growth of the list page p50 | 10,000 orders → 1,000,000 orders | 2.00x | 2.00x |",
		"40 → 60 MiB peak",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("the summary lacks %q:\n%s", want, md)
		}
	}
}
