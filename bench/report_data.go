package main

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"time"

	_ "github.com/glebarez/go-sqlite" // the SQLite driver the store uses, for the hand-written side
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: seeding 1,000,000 orders takes minutes, so the report benchmarks
// keep their database between runs: a schema of its own on PostgreSQL, a
// file under bench/data/ on SQLite. A marker row says what was seeded
// into it (the size, the seed, the seed's end date, a digest of the
// example's definitions and of the flow history made here); a database
// whose marker differs is dropped and seeded again, as is every one with
// -reseed.

// reportSeed and reportNow make the data repeatable: the same options give
// the same records in every run, whatever the date.
const reportSeed = 7

var reportNow = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// reportDataFormat changes whenever what is made here besides the seed
// (the flow history, the users) changes, so that older data is remade.
const reportDataFormat = 1

// The bench's administrator on the report data; the sales rep is one the
// seed made.
const (
	reportAdminEmail = "bench.admin@example.com"
	reportRepEmail   = "rep.east1@example.com"
)

// reportData is a seeded database the report benchmarks read: the engine
// on it, the principals it runs reports as, and the hand-written side's
// connection to the same tables.
type reportData struct {
	dialect store.Dialect
	orders  int
	where   string // the schema or the file
	engine  *engine.Engine
	admin   *engine.Principal
	rep     *engine.Principal

	pg   *pgxpool.Pool // the hand-written side on PostgreSQL
	lite *sql.DB       // the hand-written side on SQLite

	seeded   bool          // seeded in this run
	seedTook time.Duration // how long the seed took, in this run or the one that made the data
	counts   map[string]int

	base      *pgxpool.Pool
	tempDir   string
	engineDir string // the engine's data folder and DSN, to reopen it
	engineDSN string
}

// reportMarker is what a database was seeded with.
type reportMarker struct {
	Format  int            `json:"format"`
	Orders  int            `json:"orders"`
	Seed    uint64         `json:"seed"`
	Now     string         `json:"now"`
	Example string         `json:"example"`
	Took    string         `json:"took,omitempty"`
	Counts  map[string]int `json:"counts,omitempty"`
}

func (m reportMarker) same(o reportMarker) bool {
	return m.Format == o.Format && m.Orders == o.Orders && m.Seed == o.Seed && m.Now == o.Now && m.Example == o.Example
}

// wantMarker is the marker of data made now from the example folder.
func wantMarker(example string, orders int) (reportMarker, error) {
	digest, err := folderDigest(example)
	if err != nil {
		return reportMarker{}, err
	}
	return reportMarker{Format: reportDataFormat, Orders: orders, Seed: reportSeed,
		Now: reportNow.Format(time.RFC3339), Example: digest}, nil
}

// folderDigest is a digest of the JSON files under dir, so that a change to
// the example's definitions (a field, an index) makes new data.
func folderDigest(dir string) (string, error) {
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) == ".json" {
			paths = append(paths, p)
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("read %s: %w", dir, err)
	}
	sort.Strings(paths)
	h := sha256.New()
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return "", err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s\x00%d\x00", filepath.ToSlash(rel), len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16], nil
}

// sizeName names a data size: 1m, 100k, 2500.
func sizeName(n int) string {
	switch {
	case n%1_000_000 == 0:
		return strconv.Itoa(n/1_000_000) + "m"
	case n%1000 == 0:
		return strconv.Itoa(n/1000) + "k"
	}
	return strconv.Itoa(n)
}

// reportSchema is the PostgreSQL schema holding the data of a size.
func reportSchema(orders int) string { return "bench_reports_" + sizeName(orders) }

// openReportPG opens (seeding when needed) the report data on PostgreSQL
// in schema, reusing it when its marker matches.
func openReportPG(ctx context.Context, dsn, schema, example string, orders int, reseed bool) (*reportData, error) {
	rd := &reportData{dialect: store.Postgres, orders: orders, where: "schema " + schema}
	want, err := wantMarker(example, orders)
	if err != nil {
		return rd, err
	}
	if rd.base, err = pgxpool.New(ctx, dsn); err != nil {
		return rd, fmt.Errorf("connect to %s: %w", redact(dsn), err)
	}
	// note: the schema name is made here from a number, never from input.
	have, err := pgMarker(ctx, rd.base, schema)
	if err != nil {
		return rd, err
	}
	fresh := reseed || have == nil || !have.same(want)
	if fresh {
		log.Printf("reports: seeding %d orders into PostgreSQL schema %s (%s)", orders, schema, seedReason(reseed, have))
		if _, err := rd.base.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE"); err != nil {
			return rd, err
		}
		if _, err := rd.base.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			return rd, err
		}
	}
	sdsn, err := withSearchPath(dsn, schema)
	if err != nil {
		return rd, err
	}
	if rd.tempDir, err = os.MkdirTemp("", "mosaic-bench-reports-"); err != nil {
		return rd, err
	}
	rd.engineDir, rd.engineDSN = rd.tempDir, sdsn
	if err := rd.openEngine(ctx); err != nil {
		return rd, err
	}
	if rd.pg, _, err = openPool(ctx, sdsn); err != nil {
		return rd, err
	}
	if fresh {
		if have, err = rd.seed(ctx, example, want, func(m string) error {
			_, err := rd.pg.Exec(ctx, "CREATE TABLE bench_marker (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
			if err == nil {
				_, err = rd.pg.Exec(ctx, "INSERT INTO bench_marker (key, value) VALUES ('seed', $1)", m)
			}
			return err
		}); err != nil {
			return rd, err
		}
	}
	rd.noteMarker(have)
	return rd, rd.principals(ctx)
}

// pgMarker reads the marker of schema, nil when there is none.
func pgMarker(ctx context.Context, pool *pgxpool.Pool, schema string) (*reportMarker, error) {
	var exists bool
	if err := pool.QueryRow(ctx, "SELECT to_regclass($1) IS NOT NULL", schema+".bench_marker").Scan(&exists); err != nil || !exists {
		return nil, err
	}
	var raw string
	err := pool.QueryRow(ctx, "SELECT value FROM "+schema+".bench_marker WHERE key = 'seed'").Scan(&raw)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var m reportMarker
	if json.Unmarshal([]byte(raw), &m) != nil {
		return nil, nil // note: an unreadable marker is no marker: the data is made again
	}
	return &m, nil
}

// openReportSQLite opens (seeding when needed) the report data on SQLite
// in the folder dir, reusing it when its marker matches.
func openReportSQLite(ctx context.Context, dir, example string, orders int, reseed bool) (*reportData, error) {
	rd := &reportData{dialect: store.SQLite, orders: orders}
	want, err := wantMarker(example, orders)
	if err != nil {
		return rd, err
	}
	dir = filepath.Join(dir, "reports-sqlite-"+sizeName(orders))
	file := filepath.Join(dir, "mosaic.db")
	rd.where = "file " + file
	have := sqliteMarker(ctx, file)
	fresh := reseed || have == nil || !have.same(want)
	if fresh {
		log.Printf("reports: seeding %d orders into SQLite %s (%s)", orders, file, seedReason(reseed, have))
		if err := os.RemoveAll(dir); err != nil {
			return rd, err
		}
	}
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return rd, err
	}
	rd.engineDir = dir
	if err := rd.openEngine(ctx); err != nil {
		return rd, err
	}
	if rd.lite, err = openLite(file); err != nil {
		return rd, err
	}
	if fresh {
		if have, err = rd.seed(ctx, example, want, func(m string) error {
			_, err := rd.lite.ExecContext(ctx, "CREATE TABLE bench_marker (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
			if err == nil {
				_, err = rd.lite.ExecContext(ctx, "INSERT INTO bench_marker (key, value) VALUES ('seed', ?)", m)
			}
			return err
		}); err != nil {
			return rd, err
		}
	}
	rd.noteMarker(have)
	return rd, rd.principals(ctx)
}

// openLite opens the hand-written side's connection to the SQLite file,
// with the engine's settings: WAL, and one connection.
func openLite(file string) (*sql.DB, error) {
	db, err := sql.Open("sqlite", "file:"+file+"?_pragma=journal_mode(WAL)&_pragma=busy_timeout(10000)"+
		"&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	return db, db.Ping()
}

// sqliteMarker reads the marker of the SQLite file, nil when there is none.
func sqliteMarker(ctx context.Context, file string) *reportMarker {
	if _, err := os.Stat(file); err != nil {
		return nil
	}
	db, err := openLite(file)
	if err != nil {
		return nil
	}
	defer db.Close()
	var raw string
	if db.QueryRowContext(ctx, "SELECT value FROM bench_marker WHERE key = 'seed'").Scan(&raw) != nil {
		return nil
	}
	var m reportMarker
	if json.Unmarshal([]byte(raw), &m) != nil {
		return nil
	}
	return &m
}

func seedReason(reseed bool, have *reportMarker) string {
	switch {
	case reseed:
		return "-reseed"
	case have == nil:
		return "no seeded data there yet"
	}
	return "the data there was seeded with other options or definitions"
}

// openEngine opens the engine on the data, logging warnings only.
//
// note: without its job worker: reports start no jobs, and the worker's
// own bookkeeping writes (every second) would, on SQLite, empty the page
// cache of the hand-written side's connection before each of its runs
// (SQLite drops a connection's cache when another one has written), and
// slow the seed's bulk writes on its single connection.
func (rd *reportData) openEngine(ctx context.Context) error {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := engine.Open(ctx, engine.Config{DataDir: rd.engineDir, DSN: rd.engineDSN, Logger: logger,
		Jobs: engine.JobsConfig{Off: true}})
	if err != nil {
		return fmt.Errorf("open engine: %w", err)
	}
	rd.engine = e
	return nil
}

// seed imports the example, seeds it, adds the approvers and their flow
// history, refreshes the planner's statistics and writes the marker.
func (rd *reportData) seed(ctx context.Context, example string, m reportMarker, mark func(string) error) (*reportMarker, error) {
	start := time.Now()
	e := rd.engine
	if _, err := e.ImportDir(ctx, example, engine.PublishOptions{}, forms.Actor{}); err != nil {
		return nil, fmt.Errorf("import %s: %w", example, err)
	}
	if _, err := e.CreateUser(ctx, reportAdminEmail, "Bench Admin", adminPassword, engine.RoleAdmin); err != nil {
		return nil, fmt.Errorf("create admin: %w", err)
	}
	last := time.Now()
	plan, err := engine.LoadSeedPlan(filepath.Join(example, engine.SeedPlanFile))
	if err != nil {
		return nil, err
	}
	// note: the bench writes the approvals' history itself, in bulk and
	// for every submitted order (addFlowHistory); the plan's few flows run
	// one by one would only collide with it.
	dropSeedFlows(plan.Forms)
	rep, err := e.Seed(ctx, engine.SeedOptions{Plan: plan, Size: rd.orders, Seed: reportSeed, Now: reportNow, Progress: func(s string) {
		if time.Since(last) > 20*time.Second || rd.orders <= 100_000 {
			log.Printf("reports: seeding %s", s)
			last = time.Now()
		}
	}})
	if err != nil {
		return nil, fmt.Errorf("seed: %w", err)
	}
	m.Counts = rep.Records
	log.Printf("reports: seeded %v in %s; adding the approvals' history", rep.Records, time.Since(start).Round(time.Second))
	approvers, err := rd.addApprovers(ctx)
	if err != nil {
		return nil, err
	}
	if rd.lite != nil {
		// note: the bulk writes below go through the bench's own connection;
		// on SQLite the engine's job worker would wait on them for the lock.
		if err := e.Close(); err != nil {
			return nil, err
		}
		rd.engine = nil
	}
	n, err := rd.addFlowHistory(ctx, approvers)
	if err != nil {
		return nil, fmt.Errorf("flow history: %w", err)
	}
	for k, v := range n {
		m.Counts[k] = v
	}
	if err := rd.analyze(ctx); err != nil {
		return nil, err
	}
	m.Took = time.Since(start).Round(time.Second).String()
	raw, _ := json.Marshal(m)
	if err := mark(string(raw)); err != nil {
		return nil, fmt.Errorf("write the seed marker: %w", err)
	}
	if rd.engine == nil {
		if err := rd.openEngine(ctx); err != nil {
			return nil, err
		}
	}
	rd.seeded = true
	log.Printf("reports: data ready in %s", m.Took)
	return &m, nil
}

// analyze refreshes the planner's statistics after the bulk load, as one
// would after loading data (autovacuum would, a while later).
func (rd *reportData) analyze(ctx context.Context) error {
	if rd.pg != nil {
		// note: a bare ANALYZE would go through every schema of the database.
		rows, err := rd.pg.Query(ctx, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
		if err != nil {
			return err
		}
		tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		for _, t := range tables {
			if _, err := rd.pg.Exec(ctx, "ANALYZE "+pgx.Identifier{t}.Sanitize()); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := rd.lite.ExecContext(ctx, "ANALYZE")
	return err
}

func (rd *reportData) noteMarker(m *reportMarker) {
	if m == nil {
		return
	}
	rd.counts = m.Counts
	rd.seedTook, _ = time.ParseDuration(m.Took)
}

// principals finds the bench's admin and a sales rep the seed made, with
// their roles, as Authenticate would resolve their sessions.
func (rd *reportData) principals(ctx context.Context) error {
	db := rd.engine.DB()
	for _, x := range []struct {
		email string
		p     **engine.Principal
	}{{reportAdminEmail, &rd.admin}, {reportRepEmail, &rd.rep}} {
		u, err := db.UserByEmail(ctx, x.email)
		if err != nil {
			return fmt.Errorf("the report data has no user %s (reseed with -reseed): %w", x.email, err)
		}
		roles, err := db.RolesOfUsers(ctx, []int64{u.ID})
		if err != nil {
			return err
		}
		*x.p = &engine.Principal{User: *u, Roles: roles[u.ID]}
	}
	return nil
}

func (rd *reportData) close() error {
	var errs []error
	if rd.engine != nil {
		errs = append(errs, rd.engine.Close())
	}
	if rd.pg != nil {
		rd.pg.Close()
	}
	if rd.lite != nil {
		errs = append(errs, rd.lite.Close())
	}
	if rd.base != nil {
		rd.base.Close()
	}
	if rd.tempDir != "" {
		errs = append(errs, os.RemoveAll(rd.tempDir))
	}
	return errors.Join(errs...)
}

// dropSeedFlows leaves out the flows of a seed plan, at every level.
func dropSeedFlows(fs []engine.SeedForm) {
	for i := range fs {
		fs[i].Flows = nil
		dropSeedFlows(fs[i].Children)
	}
}
