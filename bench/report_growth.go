package main

import (
	"context"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/store"
)

// note: issue 9 asks how each report grows from 10,000 to 1,000,000
// orders. The hand-written query is the database's own scan of the same
// rows, so the engine should grow no faster than it: the growth rows put
// the engine's p50 growth over the hand-written one's, against the same
// 1.2x as the ratios. The small size has data of its own (the same seed,
// kept between runs like the large one), so both sizes hold the same kind
// of rows and the same indexes.

// growthSide runs every report and dashboard again on cfg.reportGrowth
// orders, when that is below the size the side was measured at; nil
// otherwise.
func growthSide(ctx context.Context, cfg config, dialect store.Dialect, orders int) (*reportSide, error) {
	if cfg.reportGrowth <= 0 || cfg.reportGrowth >= orders {
		return nil, nil
	}
	// note: a run on the small data takes milliseconds, which the
	// machine's other work sways more; five times the runs a round (within
	// the same budget) keep its p50 steadier at little cost.
	small := cfg
	small.reportRuns *= 5
	return benchReportsOn(ctx, small, dialect, cfg.reportGrowth, false)
}

// reportGrowth is how one report or dashboard grew between the sizes: each
// side's large p50 over its small p50.
type reportGrowth struct {
	name         string
	small, large [2]stats // engine, hand-written
}

func (g reportGrowth) engine() float64 { return float64(g.large[0].p50) / float64(g.small[0].p50) }
func (g reportGrowth) hand() float64   { return float64(g.large[1].p50) / float64(g.small[1].p50) }

// ratio is the engine's growth over the hand-written one's.
func (g reportGrowth) ratio() float64 { return g.engine() / g.hand() }

// growths pairs the side's reports and dashboards with the same ones at
// the small size, by name; none without a small size.
func (s *reportSide) growths() []reportGrowth {
	if s.small == nil {
		return nil
	}
	small := map[string][2]stats{}
	for _, r := range s.small.runs {
		small["report "+r.name] = [2]stats{r.engine, r.hand}
	}
	for _, d := range s.small.dashes {
		small["dashboard "+d.key] = [2]stats{d.engine, d.hand}
	}
	var out []reportGrowth
	add := func(name string, e, h stats) {
		if sm, ok := small[name]; ok && sm[0].p50 > 0 && sm[1].p50 > 0 {
			out = append(out, reportGrowth{name: name, small: sm, large: [2]stats{e, h}})
		}
	}
	for _, r := range s.runs {
		add("report "+r.name, r.engine, r.hand)
	}
	for _, d := range s.dashes {
		add("dashboard "+d.key, d.engine, d.hand)
	}
	return out
}

// growthRows are the summary's rows of the side's growth.
func (s *reportSide) growthRows() []summaryRow {
	var rows []summaryRow
	for _, g := range s.growths() {
		rows = append(rows, summaryRow{figure: fmt.Sprintf("growth of %s p50 (%s)", g.name, s.dialect),
			size:      fmt.Sprintf("%s → %s orders", thousands(s.small.orders), thousands(s.orders)),
			engineCol: growthCell(g.engine(), g.small[0], g.large[0]), handCol: growthCell(g.hand(), g.small[1], g.large[1]),
			ratio: g.ratio(), aim: reportTarget})
	}
	return rows
}

func growthCell(x float64, small, large stats) string {
	return fmt.Sprintf("%.1fx (%s → %s)", x, ms(small.p50), ms(large.p50))
}

// writeReportGrowth writes the growth table of a side measured at two
// sizes.
func (r *report) writeReportGrowth(w func(string, ...any), s *reportSide) {
	gs := s.growths()
	if len(gs) == 0 {
		return
	}
	w("#### Growth from %s to %s orders (%s)\n\n", thousands(s.small.orders), thousands(s.orders), s.version)
	w("Each side's p50 at %s orders over its p50 at %s (the table above and the one before it). The hand-written query "+
		"is the database's own work on the rows; the engine should grow no faster: **growth ratio** = engine growth / "+
		"hand-written growth, target ≤ %.1fx. Below 1, the engine's fixed cost per run (planning the report, shaping the "+
		"result) weighs more on the small data. The small data runs five times as many runs a round (the runs/side column of its table).\n\n", thousands(s.orders), thousands(s.small.orders), reportTarget)
	w("| Report | engine p50, %[1]s | engine p50, %[2]s | engine growth | hand-written p50, %[1]s | hand-written p50, %[2]s | "+
		"hand-written growth | **growth ratio** | target |\n", sizeName(s.small.orders), sizeName(s.orders))
	w("|---|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, g := range gs {
		verdict := "met"
		if g.ratio() > reportTarget {
			verdict = "**missed**"
		}
		w("| %s | %s | %s | %.1fx | %s | %s | %.1fx | **%.2fx** | ≤ %.1fx %s |\n", g.name, ms(g.small[0].p50), ms(g.large[0].p50),
			g.engine(), ms(g.small[1].p50), ms(g.large[1].p50), g.hand(), g.ratio(), reportTarget, verdict)
	}
	w("\n")
}
