package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log"
	"log/slog"
	"net/url"
	"os"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/api"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Seed sizes for the reference data both sides share.
const (
	seedCustomers = 200
	seedProducts  = 100
	adminEmail    = "bench@example.com"
	adminPassword = "bench-password-1"
	repEmail      = "rep@example.com"
	repPassword   = "bench-password-2"
	repRole       = "sales_rep"
)

// benchEnv is everything a run needs: the schema, the engine and its HTTP
// server, the hand-written server and its pool, and the shared seed data.
type benchEnv struct {
	base    *pgxpool.Pool // the database named by the DSN, outside the schema
	pool    *pgxpool.Pool // the hand-written side's pool, inside the schema
	tracer  *statementTracer
	schema  string
	dataDir string

	engine    *engine.Engine
	orderForm *forms.Compiled
	admin     *store.User
	token     string
	rep       *store.User // a sales rep who owns one order in ten
	repToken  string
	directors directors // the approvers of the benchmark's flow

	engineSrv *server
	handSrv   *server

	customers []int64
	products  []product

	pgVersion   string
	engineWhere string
	repWhere    string // the rep's row scope on orders, as the engine renders it
	repOrders   int64  // the seeded orders the rep owns
	parity      []string
}

// product is a seeded product: its id, list price and unit cost in minor
// units.
type product struct {
	id    int64
	price int64
	cost  int64
}

// setUp creates the schema, starts both sides and seeds them. On error the
// returned env (when not nil) still needs closing.
func setUp(ctx context.Context, cfg config) (*benchEnv, error) {
	env := &benchEnv{}
	if err := env.openSchema(ctx, cfg.dsn); err != nil {
		return env, err
	}
	dsn, err := withSearchPath(cfg.dsn, env.schema)
	if err != nil {
		return env, err
	}
	log.Printf("PostgreSQL %s, schema %s", env.pgVersion, env.schema)
	if err := env.startEngine(ctx, cfg, dsn); err != nil {
		return env, err
	}
	if env.pool, env.tracer, err = openPool(ctx, dsn); err != nil {
		return env, err
	}
	if err := env.seedReference(ctx); err != nil {
		return env, err
	}
	if err := createHandTables(ctx, env.pool); err != nil {
		return env, err
	}
	for _, token := range []string{env.token, env.directors.sdToken, env.directors.fdToken} {
		if err := env.addHandSession(ctx, token); err != nil {
			return env, err
		}
	}
	log.Printf("seeding %d orders with 3 lines each in both order tables", cfg.firstRecords())
	if err := seedOrders(ctx, env.pool, 1, cfg.firstRecords(), env.admin.ID, env.rep.ID, int64(env.orderForm.Version),
		env.customers, env.products); err != nil {
		return env, err
	}
	if err := env.pool.QueryRow(ctx, "SELECT count(*) FROM f_order WHERE owner = $1", env.rep.ID).Scan(&env.repOrders); err != nil {
		return env, err
	}
	if env.parity, err = checkParity(ctx, env.pool); err != nil {
		return env, err
	}
	for _, p := range env.parity {
		log.Printf("WARNING schema parity: %s", p)
	}
	if env.engineWhere, err = env.renderEngineList(); err != nil {
		return env, err
	}
	if env.repWhere, err = env.renderRepScope(ctx); err != nil {
		return env, err
	}
	users := map[string]string{env.token: "admin", env.repToken: "rep", env.directors.sdToken: "sales_director",
		env.directors.fdToken: "finance_director"}
	if env.engineSrv, err = serve(api.New(env.engine), "engine", users); err != nil {
		return env, err
	}
	hw := &handWritten{pool: env.pool, formVersion: int64(env.orderForm.Version)}
	if env.handSrv, err = serve(hw.app(), "handwritten", users); err != nil {
		return env, err
	}
	return env, nil
}

// openSchema connects to the database and creates a fresh schema in it.
func (env *benchEnv) openSchema(ctx context.Context, dsn string) error {
	base, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return fmt.Errorf("connect to %s: %w", redact(dsn), err)
	}
	env.base = base
	var fsync, syncCommit string
	if err := base.QueryRow(ctx, "SELECT current_setting('server_version'), current_setting('fsync'), "+
		"current_setting('synchronous_commit')").Scan(&env.pgVersion, &fsync, &syncCommit); err != nil {
		return fmt.Errorf("PostgreSQL at %s does not answer: %w", redact(dsn), err)
	}
	env.pgVersion += fmt.Sprintf(", fsync=%s, synchronous_commit=%s", fsync, syncCommit)
	env.schema = "bench_" + randomHex(6)
	// note: the schema name is made here from hex digits, never from input.
	if _, err := base.Exec(ctx, "CREATE SCHEMA "+env.schema); err != nil {
		env.schema = ""
		return fmt.Errorf("create schema: %w", err)
	}
	return nil
}

// startEngine opens the engine on dsn, imports the example application and
// signs an administrator and a sales rep in.
func (env *benchEnv) startEngine(ctx context.Context, cfg config, dsn string) error {
	dir, err := os.MkdirTemp("", "mosaic-bench-")
	if err != nil {
		return err
	}
	env.dataDir = dir
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e, err := engine.Open(ctx, engine.Config{DataDir: dir, DSN: dsn, Logger: logger})
	if err != nil {
		return fmt.Errorf("open engine: %w", err)
	}
	env.engine = e
	if _, err := e.ImportDir(ctx, cfg.example, engine.PublishOptions{}, forms.Actor{}); err != nil {
		return fmt.Errorf("import %s: %w", cfg.example, err)
	}
	if err := publishApprovalFlow(ctx, e); err != nil {
		return err
	}
	if env.orderForm, err = e.Form("order"); err != nil {
		return err
	}
	if env.admin, err = e.CreateUser(ctx, adminEmail, "Bench", adminPassword, engine.RoleAdmin); err != nil {
		return fmt.Errorf("create admin: %w", err)
	}
	if env.token, _, err = e.Login(ctx, adminEmail, adminPassword, "bench"); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if env.rep, err = e.CreateUser(ctx, repEmail, "Bench Rep", repPassword, repRole); err != nil {
		return fmt.Errorf("create sales rep: %w", err)
	}
	if env.repToken, _, err = e.Login(ctx, repEmail, repPassword, "bench"); err != nil {
		return fmt.Errorf("sales rep login: %w", err)
	}
	return env.addDirectors(ctx)
}

// seedReference creates the customers and products both sides refer to,
// through the engine's record store.
func (env *benchEnv) seedReference(ctx context.Context) error {
	actor := forms.Actor{ID: env.admin.ID, Email: env.admin.Email, Name: env.admin.Name}
	regions := []string{"east", "north", "south", "west", "central"}
	customer, err := env.engine.Form("customer")
	if err != nil {
		return err
	}
	for i := range seedCustomers {
		rec, err := env.engine.Records().Create(ctx, customer, forms.Write{Actor: actor, Input: map[string]any{
			"name": fmt.Sprintf("Customer %03d Ltd", i), "region": regions[i%len(regions)],
			"level": []string{"A", "B", "C"}[i%3], "credit_limit": 500000}})
		if err != nil {
			return fmt.Errorf("seed customer: %w", err)
		}
		env.customers = append(env.customers, rec.ID())
	}
	productForm, err := env.engine.Form("product")
	if err != nil {
		return err
	}
	lines := []string{"hardware", "software", "service", "consulting"}
	for i := range seedProducts {
		price := int64(100 + (i*7919)%50000) // whole CNY
		rec, err := env.engine.Records().Create(ctx, productForm, forms.Write{Actor: actor, Input: map[string]any{
			"sku": fmt.Sprintf("SKU-%04d", i), "name": fmt.Sprintf("Product %d", i),
			"product_line": lines[i%len(lines)], "unit_price": price, "unit_cost": price / 2}})
		if err != nil {
			return fmt.Errorf("seed product: %w", err)
		}
		env.products = append(env.products, product{id: rec.ID(), price: price * 100, cost: price / 2 * 100})
	}
	return nil
}

// addHandSession stores a token of the engine's for the hand-written side,
// for the same user, hashed the way the engine stores it.
func (env *benchEnv) addHandSession(ctx context.Context, token string) error {
	sum := sha256.Sum256([]byte(token))
	now := time.Now().UTC()
	tag, err := env.pool.Exec(ctx, `INSERT INTO hw_sessions (token_hash, user_id, created_at, expires_at)
		SELECT token_hash, user_id, $2, $3 FROM mosaic_sessions WHERE token_hash = $1`,
		hex.EncodeToString(sum[:]), now, now.Add(12*time.Hour))
	if err == nil && tag.RowsAffected() != 1 {
		err = errors.New("the engine has no session for a token the benchmark signed in with")
	}
	return err
}

// renderEngineList shows the SQL condition and order the engine builds for
// the list scenario, so the hand-written query can be checked against it.
func (env *benchEnv) renderEngineList() (string, error) {
	actor := forms.Actor{ID: env.admin.ID}
	cond, err := env.orderForm.Filter(listFilter, actor)
	if err != nil {
		return "", fmt.Errorf("engine rejects the list filter: %w", err)
	}
	order, err := env.orderForm.Sort(listSort)
	if err != nil {
		return "", fmt.Errorf("engine rejects the list sort: %w", err)
	}
	sql, vars := env.engine.DB().RenderCond(cond)
	by := ""
	for i, o := range order {
		if i > 0 {
			by += ", "
		}
		by += o.Column.String()
		if o.Desc {
			by += " DESC"
		}
	}
	return fmt.Sprintf("WHERE %s %v ORDER BY %s", sql, vars, by), nil
}

// renderRepScope shows the condition the engine adds to the sales rep's
// reads of orders, for the rep signed in as the access scenarios are.
func (env *benchEnv) renderRepScope(ctx context.Context) (string, error) {
	p, err := env.engine.Authenticate(ctx, env.repToken)
	if err != nil {
		return "", fmt.Errorf("sales rep token: %w", err)
	}
	acc, err := env.engine.AccessFor(p, env.orderForm, "read")
	if err != nil {
		return "", fmt.Errorf("sales rep may not read orders: %w", err)
	}
	if acc.Rows == nil {
		return "", fmt.Errorf("the sales rep's reads of orders have no row scope; roles %v", p.Roles)
	}
	sql, vars := env.engine.DB().RenderCond(acc.Rows)
	return fmt.Sprintf("%s %v", sql, vars), nil
}

// close stops the servers and the engine and drops the schema (unless keep).
func (env *benchEnv) close(keep bool) error {
	var errs []error
	for _, s := range []*server{env.engineSrv, env.handSrv} {
		if s != nil {
			errs = append(errs, s.close())
		}
	}
	if env.engine != nil {
		errs = append(errs, env.engine.Close())
	}
	if env.pool != nil {
		env.pool.Close()
	}
	if env.base != nil {
		if env.schema != "" && !keep {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			_, err := env.base.Exec(ctx, "DROP SCHEMA "+env.schema+" CASCADE")
			cancel()
			errs = append(errs, err)
		} else if keep {
			log.Printf("kept schema %s", env.schema)
		}
		env.base.Close()
	}
	if env.dataDir != "" {
		errs = append(errs, os.RemoveAll(env.dataDir))
	}
	return errors.Join(errs...)
}

// rowCounts reports how many orders each side holds at the end, a check that
// both did the same number of creates.
func (env *benchEnv) rowCounts(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, t := range []string{"f_order", "hw_order", "f_order__items", "hw_order__items", "mosaic_audit", "hw_audit",
		"mosaic_flow_instances", "hw_flow_instances", "mosaic_flow_tasks", "hw_flow_tasks", "mosaic_flow_steps", "hw_flow_steps"} {
		var n int64
		if err := env.pool.QueryRow(ctx, "SELECT count(*) FROM "+t).Scan(&n); err != nil {
			return nil, err
		}
		out[t] = n
	}
	for _, t := range []string{"mosaic_flow_instances", "hw_flow_instances"} {
		var n int64
		if err := env.pool.QueryRow(ctx, "SELECT count(*) FROM "+t+" WHERE state = 'approved'").Scan(&n); err != nil {
			return nil, err
		}
		out[t+" approved"] = n
	}
	return out, nil
}

// withSearchPath returns dsn with search_path set to schema, which pgx sends
// as a run-time parameter on every connection.
func withSearchPath(dsn, schema string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("MOSAIC_BENCH_PG: %w", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// openPool opens the hand-written side's pool with as many connections as
// the engine allows itself (store.Open sets 20).
func openPool(ctx context.Context, dsn string) (*pgxpool.Pool, *statementTracer, error) {
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, nil, err
	}
	pc.MaxConns = 20
	tr := &statementTracer{}
	pc.ConnConfig.Tracer = tr
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, nil, err
	}
	return pool, tr, pool.Ping(ctx)
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the configured database"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// server is a fiber app serving on a loopback port.
type server struct {
	app  *fiber.App
	url  string
	done chan error
}

func (s *server) close() error {
	err := s.app.ShutdownWithTimeout(5 * time.Second)
	if serr := <-s.done; serr != nil && err == nil {
		err = serr
	}
	return err
}
