package main

import "fmt"

// summaryRow is one line of the table every figure of a run is in.
type summaryRow struct {
	figure, size       string
	engine, hand       stats
	ratio              float64 // engine over hand-written (time); 0 when it has none
	aim                float64 // 0: no aim
	note               string  // in place of the figures where they do not apply
	engineCol, handCol string  // set where a row shows something else than latencies
}

// writeSummary writes the one table that holds every figure of the run:
// the sections after it give the detail of each.
func (r *report) writeSummary(w func(string, ...any)) {
	w("## All figures (ratio = engine / hand-written, lower is better)\n\n")
	w("| Figure | size | engine p50 | hand-written p50 | engine p99 | hand-written p99 | **ratio** | aim | |\n")
	w("|---|---|---:|---:|---:|---:|---:|---|---|\n")
	for _, row := range r.summaryRows() {
		ep50, hp50, ep99, hp99 := ms(row.engine.p50), ms(row.hand.p50), ms(row.engine.p99), ms(row.hand.p99)
		if row.engine.n == 0 {
			ep50, ep99 = row.engineCol, "–"
		}
		if row.hand.n == 0 {
			hp50, hp99 = row.handCol, "–"
		}
		ratioCol, aimCol, verdict := "–", "–", ""
		if row.ratio > 0 {
			ratioCol = fmt.Sprintf("**%.2fx**", row.ratio)
		}
		if row.note != "" {
			ratioCol = row.note
		}
		if row.aim > 0 {
			aimCol, verdict = fmt.Sprintf("≤ %.1fx", row.aim), "met"
			if row.ratio > row.aim {
				verdict = "**missed**"
			}
		}
		w("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", row.figure, row.size, ep50, hp50, ep99, hp99, ratioCol, aimCol, verdict)
	}
	w("\n")
}

func (r *report) summaryRows() []summaryRow {
	var rows []summaryRow
	orders := func(n int) string { return fmt.Sprintf("%s orders", thousands(n)) }
	for _, c := range r.results {
		figure := c.name
		if c.group != groupHand {
			figure = "access: " + c.name + " (sales rep / admin)"
		}
		if c.key == keyList {
			figure += " (count=estimate)"
		}
		rows = append(rows, summaryRow{figure: figure, size: orders(r.cfg.records), engine: c.a, hand: c.b,
			ratio: c.p50Ratio(), aim: c.target})
	}
	if g := r.growth; g != nil {
		rows = append(rows, summaryRow{figure: "list page (count=estimate) at the small size", size: orders(g.small),
			engine: g.atSmall.a, hand: g.atSmall.b, ratio: g.atSmall.p50Ratio(), aim: g.atSmall.target})
		for _, c := range r.results {
			if c.key != keyList {
				continue
			}
			rows = append(rows, summaryRow{figure: "growth of the list page p50", size: orders(g.small) + " → " + orders(g.large),
				engineCol: fmt.Sprintf("%.2fx", float64(c.a.p50)/float64(g.atSmall.a.p50)),
				handCol:   fmt.Sprintf("%.2fx", float64(c.b.p50)/float64(g.atSmall.b.p50)),
				note:      fmt.Sprintf("engine %.2fx vs hand %.2fx", float64(c.a.p50)/float64(g.atSmall.a.p50), float64(c.b.p50)/float64(g.atSmall.b.p50))})
		}
	}
	if f := r.flow; f != nil {
		e, h := f.throughput[0].orders.stats(), f.throughput[1].orders.stats()
		rows = append(rows, summaryRow{figure: fmt.Sprintf("two-level approval, time per completed order (engine %.0f vs hand %.0f orders/s)", e.rps, h.rps),
			size: fmt.Sprintf("%d orders", r.cfg.flowN), engine: e, hand: h, ratio: h.rps / e.rps, aim: flowTarget})
	}
	if b := r.reports; b != nil {
		for _, s := range b.sides {
			for _, run := range s.runs {
				rows = append(rows, summaryRow{figure: "report " + run.name + " (" + string(s.dialect) + ")", size: orders(s.orders),
					engine: run.engine, hand: run.hand, ratio: run.p50Ratio(), aim: reportTarget})
			}
			for _, d := range s.dashes {
				rows = append(rows, summaryRow{figure: "dashboard " + d.key + " (" + string(s.dialect) + ")", size: orders(s.orders),
					engine: d.engine, hand: d.hand, ratio: float64(d.engine.p50) / float64(d.hand.p50), aim: reportTarget})
			}
			rows = append(rows, s.growthRows()...)
		}
	}
	for _, x := range r.raw {
		rows = append(rows, summaryRow{figure: fmt.Sprintf("raw PostgreSQL: %s, %d workers (%.0f ops/s)", x.name, x.workers, x.stats.rps),
			size: "–", engineCol: "–", hand: x.stats, note: "baseline"})
	}
	if r.rssPeak > 0 {
		rows = append(rows, summaryRow{figure: "resident memory (VmRSS) of the bench process under the HTTP scenarios",
			size: orders(r.cfg.records), engineCol: fmt.Sprintf("%.0f → %.0f MiB peak", float64(r.rssStart)/1024, float64(r.rssPeak)/1024),
			handCol: "(same process)", note: "–"})
	}
	return rows
}
