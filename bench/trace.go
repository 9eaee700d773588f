package main

import (
	"context"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/jackc/pgx/v5"
)

// statementTracer records the SQL the hand-written side sends while on.
type statementTracer struct {
	on   atomic.Bool
	mu   sync.Mutex
	sqls []string
}

var _ pgx.QueryTracer = (*statementTracer)(nil)

// TraceQueryStart records data.SQL while the tracer is on.
func (t *statementTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, data pgx.TraceQueryStartData) context.Context {
	if t.on.Load() {
		t.mu.Lock()
		t.sqls = append(t.sqls, data.SQL)
		t.mu.Unlock()
	}
	return ctx
}

// TraceQueryEnd does nothing.
func (t *statementTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

// take returns what was recorded and starts afresh.
func (t *statementTracer) take() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := t.sqls
	t.sqls = nil
	return out
}

// sqlCapture is a slog handler that keeps the "sql" attribute of gorm's
// statement log lines.
type sqlCapture struct {
	mu   sync.Mutex
	sqls []string
}

func (h *sqlCapture) Enabled(context.Context, slog.Level) bool { return true }

func (h *sqlCapture) Handle(_ context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Value.Kind() != slog.KindGroup {
			return true
		}
		for _, g := range a.Value.Group() {
			if g.Key == "sql" {
				h.mu.Lock()
				h.sqls = append(h.sqls, g.Value.String())
				h.mu.Unlock()
			}
		}
		return true
	})
	return nil
}

func (h *sqlCapture) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *sqlCapture) WithGroup(string) slog.Handler      { return h }

func (h *sqlCapture) take() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := h.sqls
	h.sqls = nil
	return out
}

// traceResult lists the statements one request of each kind sent.
type traceResult struct {
	engineCreate, engineList, handCreate, handList []string
	// enginePlan and handPlan are EXPLAIN ANALYZE of each list page query.
	enginePlan, handPlan string
}

// traceStatements sends one create and one list to each side and records the
// statements each sent. The engine's statements come from its gorm log, which
// this turns on for good (store.DB.Debug has no off switch): run it last.
func traceStatements(ctx context.Context, env *benchEnv, d *driver) (*traceResult, error) {
	capture := &sqlCapture{}
	old := slog.Default()
	slog.SetDefault(slog.New(capture))
	env.engine.DB().Debug()
	slog.SetDefault(old)
	// note: SetDefault pointed the log package at the capture; point it back.
	log.SetOutput(os.Stderr)

	sc := scenarios(env)
	create, list := sc[0], sc[1]
	const i = 1 << 20
	var res traceResult
	if _, err := d.do(ctx, create.engine(i)); err != nil {
		return nil, err
	}
	res.engineCreate = capture.take()
	if _, err := d.do(ctx, list.engine(i)); err != nil {
		return nil, err
	}
	res.engineList = capture.take()

	env.tracer.on.Store(true)
	defer env.tracer.on.Store(false)
	if _, err := d.do(ctx, create.hand(i)); err != nil {
		return nil, err
	}
	res.handCreate = env.tracer.take()
	if _, err := d.do(ctx, list.hand(i)); err != nil {
		return nil, err
	}
	res.handList = env.tracer.take()
	env.tracer.on.Store(false)
	res.enginePlan, res.handPlan = explainPages(ctx, env, res.engineList)
	return &res, nil
}

// explainPages runs EXPLAIN ANALYZE on each side's list page query (page 1):
// the engine's as its statement log showed it (values inlined by gorm), the
// hand-written one with its parameters.
func explainPages(ctx context.Context, env *benchEnv, engineList []string) (enginePlan, handPlan string) {
	enginePlan = "(the engine's page query was not found in its statement log)"
	for _, s := range engineList {
		// note: the engine tags its statements with the form version
		// ("/* order.v1 */ SELECT …"); EXPLAIN takes the statement without it.
		if i := strings.Index(s, "*/ "); strings.HasPrefix(s, "/*") && i > 0 {
			s = s[i+3:]
		}
		if strings.HasPrefix(s, `SELECT * FROM "f_order" `) && strings.Contains(s, "ORDER BY") {
			enginePlan = explain(ctx, env, s)
		}
	}
	minAmount, _ := parseFixed("100000", 2)
	handPlan = explain(ctx, env, "SELECT "+orderColumns+` FROM hw_order WHERE region = $1 AND status = ANY($2)
		AND amount >= $3 ORDER BY `+listSorts[listSort]+" LIMIT $4 OFFSET $5",
		"east", []string{"submitted", "approved"}, minAmount, perPage, 0)
	return enginePlan, handPlan
}

func explain(ctx context.Context, env *benchEnv, sql string, args ...any) string {
	rows, err := env.pool.Query(ctx, "EXPLAIN (ANALYZE, COSTS OFF) "+sql, args...)
	if err != nil {
		return "EXPLAIN failed: " + err.Error()
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var l string
		if err := rows.Scan(&l); err != nil {
			return "EXPLAIN failed: " + err.Error()
		}
		lines = append(lines, l)
	}
	if err := rows.Err(); err != nil {
		return "EXPLAIN failed: " + err.Error()
	}
	return strings.Join(lines, "\n")
}
