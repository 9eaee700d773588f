package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// writeReports writes the report benchmarks' section of results.md.
func (r *report) writeReports(w func(string, ...any)) {
	w("\n## Reports and dashboards: engine vs hand-written SQL (issue 5)\n\n")
	b := r.reports
	if b == nil || len(b.sides) == 0 {
		w("(not run; `-reports=false`)\n")
		return
	}
	w("Each example report (`examples/order-management/reports`) run in process through `Engine.RunReport` as an " +
		"administrator, against a query written by hand in `bench/report_hand_*.go` that computes the same figures " +
		"from the same tables: the same joins, filters and grouping, in plain SQL a Go developer would write (pgx on " +
		"PostgreSQL, database/sql on SQLite), totals, subtotals, the others row and ratios added up in Go from the " +
		"grouped rows. `sales_revenue (sales rep)` runs as a sales rep the seed made, whose role reads only the orders " +
		"they own; the hand-written query adds `owner = <rep>`. Both sides run one at a time, alternating in " +
		"rounds (the side going first swaps every round); the figures of both are compared before timing. " +
		"Ratio = engine / hand-written (lower is better); target ≤ 1.2x.\n\n")
	w("The data is made by `Engine.Seed` from the example's `seed.json` (the code behind `mosaic seed --size N`, seed %d, ending %s) and kept "+
		"between runs (`-reseed` makes it again); the example's forms create their indexes as they say. The seed "+
		"plan's flows are left out here; the bench adds the history the example's `order_approval` flow would have left for each "+
		"submitted order (instances, approvers' tasks, timeline steps; `bench/report_flows.go`), which the operations "+
		"reports read. Then `ANALYZE`. The engine on this data runs without its job worker: reports start no jobs, and "+
		"its bookkeeping writes would, on SQLite, empty the hand-written connection's page cache before every run.\n\n",
		reportSeed, reportNow.Format("2006-01-02"))
	w("How the two sides are kept comparable:\n\n" +
		"- PostgreSQL: both sides have their statements planned with their values on every run (pgx " +
		"`QueryExecModeDescribeExec`). With pgx's default, a cached prepared statement, PostgreSQL switches to a " +
		"generic plan after five runs, which on this data made both sides 1.5–2.5x slower (sales_revenue: hand-written " +
		"145 → 260 ms, engine 150 → 375 ms); the engine now always asks for a plan with the values (store/report.go).\n" +
		"- SQLite: grouping the whole order table by an indexed column (region, status), SQLite reads the table in " +
		"the index's order to skip a sort, two to three times slower than a scan here; the hand-written SQLite text " +
		"writes that column `+region` (SQLite's way to keep a term off an index), as one would after a look at the " +
		"plan. The engine groups by `NULLIF(col, '')`, which no index serves.\n" +
		"- Both sides run in the same process, one run at a time, alternating; Go CPU/run is this process's CPU " +
		"(on SQLite it includes the database, which runs in process).\n\n")
	w("What the planner's SQL does now, after profiling the reports that were past the target (EXPLAIN ANALYZE of " +
		"both sides, store/report_render.go and store/report_builtin.go):\n\n" +
		"- Totals and subtotals are folded from the detail groups when every aggregate adds up (`\"g\"` CTE, then " +
		"GROUPING SETS over it on PostgreSQL, a UNION ALL over it on SQLite). Before, GROUPING SETS over the base " +
		"rows ran in a single process on PostgreSQL (no parallel workers) and SQLite grouped the base rows once per " +
		"set: delivery_orders_by_status was 2.8x, sales_revenue 2.2x, finance_receivables 1.5x on PostgreSQL.\n" +
		"- A column two aggregates read (the sum and count of an average) is one base column.\n" +
		"- The built-in flow tasks source joins the last hand-over of a task `LEFT JOIN LATERAL` on PostgreSQL; " +
		"as a subquery in an expression PostgreSQL evaluated it at each of the average's two references, above " +
		"the parallel part of the plan (operations_approval_time 2.6x, 26 s). On SQLite, where there is no " +
		"LATERAL, a built-in source read twice is a `MATERIALIZED` base. The instance is joined LEFT, so reports " +
		"that read nothing of it skip the instances table (operations_bottlenecks 1.3x).\n" +
		"- On PostgreSQL, when the groups are folded, text and yes/no dimensions are grouped by the stored column and " +
		"made empty-as-none (`NULLIF(col, '')`, `COALESCE(col, FALSE)`) once per group (`\"g0\"` → `\"g\"`), not once per " +
		"row: per row, it cost about 15% more PostgreSQL CPU than `GROUP BY status, type` on a million orders " +
		"(delivery_orders_by_status 1.47x; 213 → 187 ms of backend CPU a run, the hand-written query's 187).\n" +
		"- The flow tasks source leaves out cc notices (`state <> 'cc'`) only where the report's own condition lets them " +
		"through: PostgreSQL tests a `column = value` condition after every other one, so the view's condition ran on " +
		"each of 1.4 million tasks before the report's `state = 'pending'` (operations_bottlenecks 1.55x; 128 → 114 ms " +
		"of backend CPU a run in a sequential scan, the hand-written query's 116).\n\n")
	for _, s := range b.sides {
		r.writeReportSide(w, s)
		if s.small != nil {
			r.writeReportSide(w, s.small)
			r.writeReportGrowth(w, s)
		}
	}
	w("Where the engine's SQL still does more than the hand-written query: the kpi with a comparison " +
		"(sales_average_order) reads both periods with one OR of the two periods' filters and tells them apart per row by " +
		"the current period's whole filter, where the hand-written query reads one range and compares one date; the " +
		"built-in flow sources rewrite each timestamp they compare into the engine's text layout on SQLite " +
		"(`strftime` per row: operations_bottlenecks), and rank top-N groups with ROW_NUMBER in CTEs where the " +
		"hand-written query sorts and takes ten; and text dimensions are grouped as `NULLIF(col, '')` on SQLite (where it " +
		"keeps the grouping off the column's index), in top-N reports, and where an aggregate does not fold (an average, " +
		"a distinct count).\n\n")
	r.writeReportPlans(w)
}

func (r *report) writeReportSide(w func(string, ...any), s *reportSide) {
	w("### %s, %s orders\n\n", s.version, thousands(s.orders))
	how := "reused from an earlier run"
	if s.seeded {
		how = "seeded in this run"
	}
	w("- Data: %s, %s (seeding took %s). %s.\n", s.where, how, s.seedTook, countsLine(s.counts))
	w("- Sales rep: %s, who owns %s of the orders.\n", s.repEmail, thousands(int(s.repOrders)))
	w("- Up to %d alternating rounds of %d runs per side per report, after a checked run of each; a slow report runs "+
		"fewer times (at least 3 a side) to stay within about %s a side (`-report-rounds`, `-report-runs`, `-report-budget`). "+
		"One run at a time; p99 of so few runs is their slowest.\n", r.cfg.reportRounds, r.cfg.reportRuns, r.cfg.reportBudget)
	w("- Took %s.\n\n", s.took.Round(time.Second))
	w("| Report | rows | runs/side | engine p50 | hand-written p50 | **p50 ratio** | target | engine p99 | hand-written p99 | p99 ratio | engine Go CPU/run | hand-written Go CPU/run |\n")
	w("|---|---:|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|\n")
	for _, x := range s.runs {
		verdict := "met"
		if x.p50Ratio() > reportTarget {
			verdict = "**missed**"
		}
		w("| %s | %d | %d | %s | %s | **%.2fx** | ≤ %.1fx %s | %s | %s | %.2fx | %s | %s |\n", x.name, x.rows, x.engine.n, ms(x.engine.p50),
			ms(x.hand.p50), x.p50Ratio(), reportTarget, verdict, ms(x.engine.p99), ms(x.hand.p99), x.p99Ratio(),
			ms(x.engine.cpuPerReq), ms(x.hand.cpuPerReq))
	}
	w("\nWhole dashboards: `Engine.RunDashboard` (one request of the dashboard: every widget, with the shared filters "+
		"at their defaults), as the administrator; hand-written = the widgets' hand-written queries, each in its own "+
		"goroutine (%s).\n\n", dashboardConnections(s))
	w("| Dashboard | widgets | runs/side | engine p50 | engine p99 | hand-written p50 | hand-written p99 | p50 ratio |\n")
	w("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	for _, d := range s.dashes {
		w("| %s | %d | %d | %s | %s | %s | %s | %s |\n", d.key, d.widgets, d.engine.n, ms(d.engine.p50), ms(d.engine.p99), ms(d.hand.p50),
			ms(d.hand.p99), ratio(float64(d.engine.p50), float64(d.hand.p50)))
	}
	var same, differ []string
	for _, x := range s.runs {
		if len(x.mismatches) == 0 {
			same = append(same, x.name)
		}
		for _, m := range x.mismatches {
			differ = append(differ, fmt.Sprintf("%s: %s", x.name, m))
		}
	}
	for _, d := range s.dashes {
		if len(d.mismatches) == 0 {
			same = append(same, "dashboard "+d.key)
		}
		for _, m := range d.mismatches {
			differ = append(differ, fmt.Sprintf("dashboard %s: %s", d.key, m))
		}
	}
	w("\nChecks, in this run: the engine and the hand-written side give the same figures (every row, total, subtotal, " +
		"others row, previous period and pivot total, value by value; averages to the engine's 4 decimals) for " +
		orNone(same) + ".\n")
	for _, m := range differ {
		w("- **The figures differ**: %s\n", m)
	}
	w("\n")
}

func dashboardConnections(s *reportSide) string {
	if s.dialect == "sqlite" {
		return "on SQLite both sides have one connection, as the engine's store does: the engine runs the widgets in " +
			"sequence, the hand-written goroutines queue"
	}
	return "the engine runs up to 6 widgets at once; both sides have pools of up to 20 connections"
}

// writeReportPlans writes the PostgreSQL plans of the reports that missed
// their target.
func (r *report) writeReportPlans(w func(string, ...any)) {
	for _, s := range r.reports.sides {
		if len(s.plans) == 0 {
			continue
		}
		w("### Query plans of the reports past the target (%s, EXPLAIN (ANALYZE, BUFFERS), taken after the timing)\n\n", s.version)
		for _, p := range s.plans {
			w("<details><summary>%s: the engine's statement and plan</summary>\n\n```sql\n%s\n-- %v\n```\n\n```\n%s\n```\n</details>\n\n",
				p.name, p.engineSQL, p.engineVars, p.engine)
			w("<details><summary>%s: the hand-written statement and plan</summary>\n\n```sql\n%s\n```\n\n```\n%s\n```\n</details>\n\n",
				p.name, strings.Join(p.handSQL, "\n\n"), p.hand)
		}
	}
}

func countsLine(counts map[string]int) string {
	if len(counts) == 0 {
		return "Rows: not recorded"
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %s", strings.TrimPrefix(k, "mosaic_"), thousands(counts[k])))
	}
	return "Rows: " + strings.Join(parts, ", ")
}

// thousands writes n with thousands separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
