// Command mosaic runs the Mosaic low-code engine.
//
//	mosaic serve  [--addr 127.0.0.1:8080] [--data ./mosaic_data] [--db DSN] [--load DIR]
//	mosaic import [--data DIR] [--db DSN] PATH
//	mosaic export [--data DIR] [--db DSN] PATH
//	mosaic admin create --email E --password P [--name N]
//	mosaic seed   [--plan FILE] [--size 10000] [--seed 1] [--data DIR] [--db DSN]
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/api"
	"github.com/mosaic-lowcode/mosaic/forms"
)

const usage = `usage:
  mosaic serve  [--addr 127.0.0.1:8080] [--data ./mosaic_data] [--db DSN] [--load DIR]
  mosaic import [--data ./mosaic_data] [--db DSN] PATH
  mosaic export [--data ./mosaic_data] [--db DSN] PATH
  mosaic admin create --email E --password P [--name N] [--data ./mosaic_data] [--db DSN]
  mosaic seed   [--plan examples/order-management/seed.json] [--size 10000] [--seed 1] [--data ./mosaic_data] [--db DSN]

Without --db (or MOSAIC_DB) the database is SQLite at DATA/mosaic.db;
a postgres://… DSN selects PostgreSQL.
`

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "mosaic:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	if len(args) == 0 {
		fmt.Fprint(os.Stderr, usage)
		return errors.New("name a command")
	}
	switch args[0] {
	case "serve":
		return serve(args[1:])
	case "import":
		return importCmd(args[1:])
	case "export":
		return exportCmd(args[1:])
	case "seed":
		return seedCmd(args[1:])
	case "admin":
		if len(args) < 2 || args[1] != "create" {
			return errors.New("usage: mosaic admin create --email E --password P")
		}
		return adminCreate(args[2:])
	case "help", "-h", "--help":
		fmt.Print(usage)
		return nil
	}
	fmt.Fprint(os.Stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// dbFlags are the flags every command that opens the engine takes.
type dbFlags struct {
	data, db *string
}

func addDBFlags(fs *flag.FlagSet) dbFlags {
	return dbFlags{
		data: fs.String("data", envOr("MOSAIC_DATA", "./mosaic_data"), "data folder (SQLite file, uploads)"),
		db:   fs.String("db", os.Getenv("MOSAIC_DB"), "database: postgres://… or an SQLite path (default DATA/mosaic.db)"),
	}
}

// open starts the engine; only serve runs the job worker: a one-shot
// command leaves the jobs it enqueues to the server.
func (f dbFlags) open(ctx context.Context, worker bool) (*engine.Engine, error) {
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: logLevel()}))
	cfg := engine.Config{DataDir: *f.data, DSN: *f.db, Logger: log,
		SMTP: engine.SMTPConfig{Addr: os.Getenv("MOSAIC_SMTP_ADDR"), From: envOr("MOSAIC_SMTP_FROM", "mosaic@localhost"),
			Username: os.Getenv("MOSAIC_SMTP_USER"), Password: os.Getenv("MOSAIC_SMTP_PASSWORD"),
			Language: envOr("MOSAIC_SMTP_LANG", "zh")},
		WebhookSecret: os.Getenv("MOSAIC_WEBHOOK_SECRET"),
		BaseURL:       os.Getenv("MOSAIC_BASE_URL"),
		// note: outbound requests refuse private and loopback addresses;
		// this comma-separated list of CIDRs, addresses or host names lets
		// some through (a receiver on the same host or network).
		OutboundAllow: strings.Split(os.Getenv("MOSAIC_WEBHOOK_ALLOW"), ","),
		Jobs:          engine.JobsConfig{Off: !worker || os.Getenv("MOSAIC_JOBS") == "off"},
	}
	for name, d := range map[string]*time.Duration{"MOSAIC_JOB_POLL": &cfg.Jobs.Poll,
		"MOSAIC_JOB_RESCUE_AFTER": &cfg.Jobs.RescueAfter, "MOSAIC_JOB_RETRY_BASE": &cfg.Jobs.RetryBase} {
		if v := os.Getenv(name); v != "" {
			parsed, err := time.ParseDuration(v)
			if err != nil || parsed <= 0 {
				return nil, fmt.Errorf("%s=%q is not a duration such as 2s or 5m", name, v)
			}
			*d = parsed
		}
	}
	return engine.Open(ctx, cfg)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func logLevel() slog.Level {
	if os.Getenv("MOSAIC_DEBUG") != "" {
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

func serve(args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	addr := fs.String("addr", envOr("MOSAIC_ADDR", "127.0.0.1:8080"), "listen address")
	load := fs.String("load", "", "import the definitions in this folder at start (skipped when unchanged)")
	dbf := addDBFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	e, err := dbf.open(ctx, true)
	if err != nil {
		return err
	}
	defer e.Close()
	if err := ensureAdmin(ctx, e); err != nil {
		return err
	}
	if *load != "" {
		res, err := e.ImportDir(ctx, *load, engine.PublishOptions{Note: "loaded at start"}, forms.Actor{})
		if err != nil {
			return fmt.Errorf("load %s: %w", *load, err)
		}
		for _, r := range res {
			if !r.Unchanged {
				e.Logger().Info("published", "kind", r.Kind, "key", r.Key, "version", r.Version)
			}
		}
	}
	app := api.New(e)
	errc := make(chan error, 1)
	go func() { errc <- app.Listen(*addr) }()
	fmt.Printf("Mosaic is running at http://%s  (API: http://%s/api/v1, health: /healthz)\n", *addr, *addr)
	if email := os.Getenv("MOSAIC_ADMIN_EMAIL"); email != "" {
		fmt.Printf("Sign in as %s with the password in MOSAIC_ADMIN_PASSWORD\n", email)
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		e.Logger().Info("shutting down")
		return app.ShutdownWithTimeout(10 * time.Second)
	}
}

// ensureAdmin creates the administrator from MOSAIC_ADMIN_EMAIL and
// MOSAIC_ADMIN_PASSWORD when the database has no users yet.
func ensureAdmin(ctx context.Context, e *engine.Engine) error {
	email, password := os.Getenv("MOSAIC_ADMIN_EMAIL"), os.Getenv("MOSAIC_ADMIN_PASSWORD")
	n, err := e.CountUsers(ctx)
	if err != nil || n > 0 {
		return err
	}
	if email == "" || password == "" {
		e.Logger().Warn("no users yet: run `mosaic admin create` or set MOSAIC_ADMIN_EMAIL and MOSAIC_ADMIN_PASSWORD")
		return nil
	}
	_, err = e.CreateUser(ctx, email, "Administrator", password, engine.RoleAdmin)
	return err
}

func importCmd(args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	allow := fs.Bool("allow-destructive", false, "allow migrations that drop columns or change types")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: mosaic import [--data DIR] [--db DSN] PATH")
	}
	ctx := context.Background()
	e, err := dbf.open(ctx, false)
	if err != nil {
		return err
	}
	defer e.Close()
	res, err := e.ImportDir(ctx, fs.Arg(0), engine.PublishOptions{AllowDestructive: *allow, Note: "mosaic import"}, forms.Actor{})
	if err != nil {
		return err
	}
	for _, r := range res {
		state := fmt.Sprintf("published version %d (%d migration steps)", r.Version, len(r.Steps))
		if r.Unchanged {
			state = fmt.Sprintf("unchanged (version %d)", r.Version)
		}
		fmt.Printf("%s/%s: %s\n", r.Kind, r.Key, state)
	}
	return nil
}

func exportCmd(args []string) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("usage: mosaic export [--data DIR] [--db DSN] PATH")
	}
	ctx := context.Background()
	e, err := dbf.open(ctx, false)
	if err != nil {
		return err
	}
	defer e.Close()
	paths, err := e.Export(ctx, fs.Arg(0))
	for _, p := range paths {
		fmt.Println(p)
	}
	return err
}

func adminCreate(args []string) error {
	fs := flag.NewFlagSet("admin create", flag.ContinueOnError)
	dbf := addDBFlags(fs)
	email := fs.String("email", "", "the administrator's e-mail address")
	password := fs.String("password", "", "the administrator's password (8 to 72 characters)")
	name := fs.String("name", "Administrator", "display name")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *password == "" {
		return errors.New("--email and --password are required")
	}
	ctx := context.Background()
	e, err := dbf.open(ctx, false)
	if err != nil {
		return err
	}
	defer e.Close()
	u, err := e.CreateUser(ctx, *email, *name, *password, engine.RoleAdmin)
	if err != nil {
		if pl, ok := forms.AsProblems(err); ok {
			return fmt.Errorf("%s", pl.Problems[0].Path[1:]+" "+pl.Problems[0].Message)
		}
		return err
	}
	fmt.Printf("created administrator %s (id %d)\n", u.Email, u.ID)
	return nil
}

// seedCmd fills an application with generated demo data, as its seed plan
// says.
func seedCmd(args []string) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	plan := fs.String("plan", filepath.Join("examples", "order-management", engine.SeedPlanFile), "the seed plan (seed.json in an application folder)")
	size := fs.Int("size", 10000, "how much to make: the plan's n (for the order-management example, orders)")
	orders := fs.Int("orders", 0, "the order-management example's size in orders (the same as --size)")
	seed := fs.Uint64("seed", 1, "random seed: the same seed makes the same data")
	dbf := addDBFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *orders > 0 {
		*size = *orders
	}
	p, err := engine.LoadSeedPlan(*plan)
	if err != nil {
		return err
	}
	ctx := context.Background()
	e, err := dbf.open(ctx, false)
	if err != nil {
		return err
	}
	defer e.Close()
	start := time.Now()
	rep, err := e.Seed(ctx, engine.SeedOptions{Plan: p, Size: *size, Seed: *seed,
		Progress: func(s string) { fmt.Fprintln(os.Stderr, "seeding", s) }})
	if err != nil {
		return err
	}
	fmt.Printf("seeded %v in %s\n", rep.Records, time.Since(start).Round(time.Millisecond))
	fmt.Printf("the seeded users %v sign in with the password %s\n", rep.Users, rep.Password)
	return nil
}
