package main

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// reportBench is what the report benchmarks measured, per database.
type reportBench struct {
	sides []*reportSide
}

// reportSide is the report benchmarks on one database.
type reportSide struct {
	dialect   store.Dialect
	version   string
	orders    int
	where     string
	seeded    bool
	seedTook  time.Duration
	counts    map[string]int
	repEmail  string
	repOrders int64
	runs      []reportRun
	dashes    []dashboardRun
	plans     []reportPlans
	took      time.Duration
	small     *reportSide // the same runs on -report-growth-from orders, for the growth rows; nil without
}

// runReports runs the report benchmarks on PostgreSQL, then on SQLite.
func runReports(ctx context.Context, cfg config) (*reportBench, error) {
	out := &reportBench{}
	for _, x := range []struct {
		dialect store.Dialect
		orders  int
	}{{store.Postgres, cfg.reportOrders}, {store.SQLite, cfg.liteOrders}} {
		if x.orders <= 0 {
			continue
		}
		side, err := benchReportsOn(ctx, cfg, x.dialect, x.orders, true)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.dialect, err)
		}
		if side.small, err = growthSide(ctx, cfg, x.dialect, x.orders); err != nil {
			return nil, fmt.Errorf("%s at %d orders: %w", x.dialect, cfg.reportGrowth, err)
		}
		out.sides = append(out.sides, side)
	}
	return out, nil
}

// benchReportsOn opens (or seeds) the report data on one database, then
// checks and times every example report and dashboard on it; explain keeps
// the PostgreSQL plans of the reports past their target.
func benchReportsOn(ctx context.Context, cfg config, dialect store.Dialect, orders int, explain bool) (side *reportSide, err error) {
	start := time.Now()
	var rd *reportData
	if dialect == store.Postgres {
		rd, err = openReportPG(ctx, cfg.dsn, reportSchema(orders), cfg.example, orders, cfg.reseed)
	} else {
		rd, err = openReportSQLite(ctx, cfg.reportDir, cfg.example, orders, cfg.reseed)
	}
	defer func() {
		if cerr := rd.close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err != nil {
		return nil, err
	}
	side = &reportSide{dialect: dialect, orders: orders, where: rd.where, seeded: rd.seeded, seedTook: rd.seedTook,
		counts: rd.counts, repEmail: rd.rep.User.Email}
	h := &handDB{pg: rd.pg, lite: rd.lite}
	if err := side.describe(ctx, h, rd.rep.User.ID); err != nil {
		return nil, err
	}
	log.Printf("reports on %s (%s, %d orders): up to %d alternating rounds of %d runs per side, about %s a side",
		dialect, rd.where, orders, cfg.reportRounds, cfg.reportRuns, cfg.reportBudget)
	t := timing{rounds: cfg.reportRounds, runs: cfg.reportRuns, budget: cfg.reportBudget}
	for _, c := range reportCases() {
		r, err := measureReport(ctx, rd, h, c, t)
		if err != nil {
			return nil, err
		}
		log.Printf("  %-36s %2d runs  engine p50 %9s  hand-written p50 %9s  %.2fx", r.name, r.engine.n, ms(r.engine.p50),
			ms(r.hand.p50), r.p50Ratio())
		side.runs = append(side.runs, r)
	}
	for _, key := range exampleDashboards {
		d, err := measureDashboard(ctx, rd, h, key, t)
		if err != nil {
			return nil, err
		}
		log.Printf("  dashboard %-26s %2d runs  engine p50 %9s  hand-written p50 %9s", key, d.engine.n, ms(d.engine.p50),
			ms(d.hand.p50))
		side.dashes = append(side.dashes, d)
	}
	if dialect == store.Postgres && explain {
		side.explainMissed(ctx, rd)
	}
	side.took = time.Since(start)
	return side, nil
}

// describe notes the database's version and the sales rep's share.
func (s *reportSide) describe(ctx context.Context, h *handDB, rep int64) error {
	version := "SELECT 'PostgreSQL ' || current_setting('server_version')"
	if s.dialect == store.SQLite {
		version = "SELECT 'SQLite ' || sqlite_version()"
	}
	if err := h.each(ctx, version, "", nil, func(scan rowScanner) error { return scan(&s.version) }); err != nil {
		return err
	}
	return h.each(ctx, "SELECT count(*) FROM f_order WHERE owner = $1", "", []any{rep},
		func(scan rowScanner) error { return scan(&s.repOrders) })
}

// explainMissed keeps the plans of both sides of every report that missed
// its target.
func (s *reportSide) explainMissed(ctx context.Context, rd *reportData) {
	cases := reportCases()
	for i, r := range s.runs {
		if r.p50Ratio() <= reportTarget {
			continue
		}
		p, err := explainReport(ctx, rd, cases[i])
		if err != nil {
			log.Printf("WARNING explain %s: %v", r.name, err)
			continue
		}
		s.plans = append(s.plans, p)
	}
}
