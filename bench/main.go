// Command bench measures the engine against hand-written Go + SQL doing the
// same work on the same PostgreSQL, in the same run, and writes the ratios to
// bench/results.md. `make bench` runs it with MOSAIC_BENCH_PG set.
//
// Two HTTP servers run on loopback ports in this process: the engine's API
// (api.New) and a hand-written fiber app over pgx with its own copies of the
// order tables. One client drives both with the same concurrency, alternating
// rounds so that drift (table growth, caches, the machine) hits both alike.
//
// The access scenarios (issue 3) compare two users of the engine alone, in
// the same way: a sales rep, whose role limits the orders to the rep's own
// and hides some fields, against an admin, on the same list page.
//
// The approval scenarios (issue 4) take draft orders through a two-level
// approval on the engine and on a hand-written state machine: orders per
// second, and the latency of decisions under concurrent approvers.
//
// The report benchmarks (issue 5) run every example report in process
// through Engine.RunReport against a hand-written query computing the same
// figures, and every example dashboard through Engine.RunDashboard, on
// 1,000,000 seeded orders in PostgreSQL and 100,000 in SQLite. The seeded
// data is kept between runs (schema bench_reports_1m, bench/data/); the
// first run seeds it (minutes), -reseed seeds it again, -reports=false
// skips this part and -only-reports runs it alone.
//
// The list page asks for count=estimate on both sides (the planner's row
// estimate, exact below 10,000 rows). With -growth-from below -records, it
// is measured first on that many orders, then the tables grow to -records
// and every scenario runs: the growth row compares the two. The process's
// VmRSS is sampled during the HTTP scenarios. Every figure is also in the
// first table of results.md.
//
// Example:
//
//	go run ./bench -n 3000 -records 50000 -cpuprofile /tmp/engine.pprof
//	go run ./bench -only-reports -report-orders 200000 -report-rounds 3 -out /tmp/reports.md
//	go tool pprof -top -tagfocus=side=engine /tmp/engine.pprof
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"runtime"
	"time"
)

// defaultPG is used when MOSAIC_BENCH_PG is not set.
const defaultPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// config is what the flags and environment ask for.
type config struct {
	dsn        string
	example    string
	out        string
	n          int
	warmup     int
	rounds     int
	workers    int
	records    int
	growthFrom int // orders the list is measured at before growing to records (0: no growth)
	rawN       int
	flowN      int
	flowWarmup int
	flowRounds int
	decideN    int
	approvers  int
	cpuProfile string
	memProfile string // allocations profile written after the CPU profile's phase
	keep       bool

	reports      bool          // run the report benchmarks
	onlyReports  bool          // run the report benchmarks alone
	reportOrders int           // orders seeded for the reports on PostgreSQL
	liteOrders   int           // orders seeded for the reports on SQLite (0: none)
	reportRounds int           // alternating rounds per report
	reportRuns   int           // runs per side and round
	reportBudget time.Duration // about how long one side of one report may run
	reseed       bool          // seed the report data again even when it is there
	reportDir    string        // where the SQLite report data is kept
	reportGrowth int           // orders the reports are also measured at, for their growth (0: none)
}

func parseFlags() config {
	var c config
	flag.IntVar(&c.n, "n", 5000, "measured requests per side and scenario (split over the rounds)")
	flag.IntVar(&c.warmup, "warmup", 300, "unmeasured requests per side and scenario before measuring")
	flag.IntVar(&c.rounds, "rounds", 4, "alternating engine/hand-written rounds per scenario")
	flag.IntVar(&c.workers, "c", 4, "concurrent client workers (the same for both sides)")
	flag.IntVar(&c.records, "records", 20000, "orders bulk-seeded in each order table before the list scenario")
	flag.IntVar(&c.growthFrom, "growth-from", 10_000, "orders the list page is measured at first, before the tables grow to -records (0: no growth row)")
	flag.IntVar(&c.rawN, "raw-n", 2000, "iterations of each raw PostgreSQL baseline")
	flag.IntVar(&c.flowN, "flow-n", 1000, "measured orders per side taken through the two-level approval")
	flag.IntVar(&c.flowWarmup, "flow-warmup", 50, "unmeasured orders per side taken through the approval before measuring")
	flag.IntVar(&c.flowRounds, "flow-rounds", 10, "alternating engine/hand-written rounds of the approval throughput")
	flag.IntVar(&c.decideN, "decide-n", 1000, "orders per side whose two tasks the concurrent approvers decide")
	flag.IntVar(&c.approvers, "approvers", 20, "concurrent approvers deciding distinct tasks")
	flag.StringVar(&c.example, "example", "examples/order-management", "application folder imported into the engine")
	flag.StringVar(&c.out, "out", "bench/results.md", "where the Markdown results are written (empty: nowhere)")
	flag.StringVar(&c.cpuProfile, "cpuprofile", "", "write a CPU profile of a phase run after the measurements (narrow it with -tagfocus=side=engine)")
	flag.StringVar(&c.memProfile, "memprofile", "", "with -cpuprofile, also write the allocations of the whole run, taken after the profiled phase (go tool pprof -sample_index=alloc_objects -focus=listRecords)")
	flag.BoolVar(&c.keep, "keep", false, "keep the benchmark schema instead of dropping it (for inspection)")
	flag.BoolVar(&c.reports, "reports", true, "run the report benchmarks (issue 5); -reports=false skips them")
	flag.BoolVar(&c.onlyReports, "only-reports", false, "run the report benchmarks alone, not the HTTP and approval scenarios")
	flag.IntVar(&c.reportOrders, "report-orders", 1_000_000, "orders the seed makes for the reports on PostgreSQL (kept in schema bench_reports_<size>)")
	flag.IntVar(&c.liteOrders, "report-sqlite-orders", 100_000, "orders the seed makes for the reports on SQLite (kept under -report-data; 0 skips SQLite)")
	flag.IntVar(&c.reportRounds, "report-rounds", 5, "alternating engine/hand-written rounds per report")
	flag.IntVar(&c.reportRuns, "report-runs", 2, "runs per side and round of each report")
	flag.DurationVar(&c.reportBudget, "report-budget", 6*time.Second, "about how long one side of one report or dashboard runs: slow ones run fewer times (at least 3)")
	flag.BoolVar(&c.reseed, "reseed", false, "seed the report data again even when a database with the same seed is there")
	flag.StringVar(&c.reportDir, "report-data", "bench/data", "folder (gitignored) keeping the SQLite report data between runs")
	flag.IntVar(&c.reportGrowth, "report-growth-from", 10_000, "orders the reports and dashboards are also measured at (their own seeded data), for how they grow to -report-orders (0: no growth rows)")
	flag.Parse()
	c.dsn = os.Getenv("MOSAIC_BENCH_PG")
	if c.dsn == "" {
		c.dsn = defaultPG
	}
	if c.rounds < 1 {
		c.rounds = 1
	}
	if c.workers < 1 {
		c.workers = 1
	}
	c.approvers, c.flowRounds = max(1, c.approvers), max(1, c.flowRounds)
	c.flowN, c.flowWarmup, c.decideN = max(1, c.flowN), max(0, c.flowWarmup), max(1, c.decideN)
	c.reportRounds, c.reportRuns = max(1, c.reportRounds), max(1, c.reportRuns)
	c.reports = c.reports || c.onlyReports
	return c
}

// firstRecords is how many orders are seeded before the scenarios: the
// small size of the growth row when there is one.
func (c config) firstRecords() int {
	if c.growthFrom > 0 && c.growthFrom < c.records {
		return c.growthFrom
	}
	return c.records
}

func main() {
	log.SetFlags(0)
	log.SetPrefix("bench: ")
	cfg := parseFlags()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, cfg); err != nil {
		log.Fatal(err)
	}
}

// run measures what cfg asks for and writes the results.
func run(ctx context.Context, cfg config) error {
	started, load := time.Now(), loadAverage()
	rep := &report{cfg: cfg, started: started, goVersion: runtime.Version(), cores: runtime.NumCPU(),
		maxProcs: runtime.GOMAXPROCS(0), listFilter: listFilter, load: load}
	if !cfg.onlyReports {
		if err := runScenarios(ctx, cfg, rep); err != nil {
			return err
		}
	}
	if cfg.reports {
		var err error
		if rep.reports, err = runReports(ctx, cfg); err != nil {
			return fmt.Errorf("reports: %w", err)
		}
	}
	rep.took = time.Since(started)
	md := rep.markdown()
	fmt.Println(md)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(md), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", cfg.out, err)
		}
		log.Printf("wrote %s", cfg.out)
	}
	return nil
}

// runScenarios sets the HTTP and approval scenarios up, measures them into
// rep and cleans up.
func runScenarios(ctx context.Context, cfg config, rep *report) (err error) {
	env, err := setUp(ctx, cfg)
	if env != nil {
		defer func() {
			if cerr := env.close(cfg.keep); cerr != nil && err == nil {
				err = cerr
			}
		}()
	}
	if err != nil {
		return err
	}
	rep.pgVersion, rep.engineWhere, rep.repWhere = env.pgVersion, env.engineWhere, env.repWhere
	rep.repID, rep.repOrders, rep.parity = env.rep.ID, env.repOrders, env.parity

	log.Printf("raw PostgreSQL baselines (%d iterations each)", cfg.rawN)
	if rep.raw, err = rawBaselines(ctx, env.pool, cfg); err != nil {
		return err
	}
	d := newDriver(cfg.workers)
	if cfg.firstRecords() < cfg.records {
		if rep.growth, err = measureGrowth(ctx, env, d, cfg); err != nil {
			return err
		}
		rep.repOrders = env.repOrders
	}
	if rep.refusals, err = repRefusals(ctx, env, d); err != nil {
		return err
	}
	for _, r := range rep.refusals {
		if !r.refused {
			log.Printf("WARNING the sales rep asked for %s and got %d: %s", r.query, r.status, r.body)
		}
	}
	sc := scenarios(env)
	rss := watchRSS(100 * time.Millisecond)
	for i, s := range sc {
		log.Printf("scenario %q: %d warm-up + %d measured requests per side, %d workers", s.name, cfg.warmup, cfg.n, cfg.workers)
		res, err := d.compare(ctx, s, cfg)
		if err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		rep.results = append(rep.results, res)
		if s.group == groupAccess && (i+1 == len(sc) || sc[i+1].group != groupAccess) {
			// note: now, on the rows the access scenarios read; the
			// create scenario changes them.
			rep.accessPlans = explainAccess(ctx, env)
		}
	}
	rep.rssStart, rep.rssPeak = rss.finish()
	fr, err := newFlowRun(ctx, env, cfg)
	if err != nil {
		return err
	}
	defer fr.close()
	if rep.flow, err = measureFlows(ctx, fr); err != nil {
		return err
	}
	if cfg.cpuProfile != "" {
		log.Printf("profiling into %s (-tagfocus=side=engine for the engine)", cfg.cpuProfile)
		if err := profileEngine(ctx, env, d, cfg, fr); err != nil {
			return err
		}
	}
	// note: last, because it turns on the engine's statement log for good.
	if rep.trace, err = traceStatements(ctx, env, d, fr); err != nil {
		return err
	}
	rep.rows, err = env.rowCounts(ctx)
	return err
}
