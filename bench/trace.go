package main

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"regexp"
	"sort"
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

	// The access scenarios' pages: the sales rep's, the admin's filtered
	// to the rep's orders, the admin's unfiltered; and the differences
	// between their page and count queries and those explainAccess ran.
	repList, adminRowsList, adminAllList []string
	shapeProblems                        []string
	// tallyN requests of the rep's page and of the admin's filtered page,
	// one at a time; tally counts the statements they sent by shape.
	tallyN int
	tally  []statementShape

	// flow is the statements of each approval transition.
	flow *flowTrace
}

// statementShape is one kind of statement (values replaced by ?) and how
// many times each side of the tally sent it.
type statementShape struct {
	shape       string
	rep, admin  int
	accessTable string // the identity or access table it reads, if any
}

// tallyRequests is how many requests of each access page the tally sends.
const tallyRequests = 200

// accessTables are the tables of sessions, users, roles, departments, keys
// and the access version: a statement on one of them is an identity or
// access lookup.
var accessTables = []string{"mosaic_sessions", "mosaic_users", "mosaic_user_roles", "mosaic_user_departments",
	"mosaic_departments", "mosaic_api_keys", "mosaic_out_of_office", "mosaic_access_version",
	"mosaic_definition_versions", "mosaic_drafts"}

// traceStatements sends one create and one list to each side, and one of
// each access page, and records the statements each sent; then it tallies
// the statements of many access pages, and takes one order through each
// side's approval. The engine's statements come from its
// gorm log, which this turns on for good (store.DB.Debug has no off switch):
// run it last.
func traceStatements(ctx context.Context, env *benchEnv, d *driver, fr *flowRun) (*traceResult, error) {
	capture := &sqlCapture{}
	old := slog.Default()
	slog.SetDefault(slog.New(capture))
	env.engine.DB().Debug()
	slog.SetDefault(old)
	// note: SetDefault pointed the log package at the capture; point it back.
	log.SetOutput(os.Stderr)

	create, list := scenarioByKey(env, keyCreate), scenarioByKey(env, keyList)
	rows, all := scenarioByKey(env, keySameRows), scenarioByKey(env, keySameRequest)
	const i = 1 << 20
	var res traceResult
	for _, t := range []struct {
		r   request
		out *[]string
	}{{create.a(i), &res.engineCreate}, {list.a(i), &res.engineList}, {rows.a(i), &res.repList},
		{rows.b(i), &res.adminRowsList}, {all.b(i), &res.adminAllList}} {
		capture.take()
		if _, err := d.do(ctx, t.r); err != nil {
			return nil, err
		}
		*t.out = capture.take()
	}
	var err error
	if res.tally, err = tallyStatements(ctx, d, capture, rows); err != nil {
		return nil, err
	}
	res.tallyN = tallyRequests

	env.tracer.on.Store(true)
	defer env.tracer.on.Store(false)
	if _, err := d.do(ctx, create.b(i)); err != nil {
		return nil, err
	}
	res.handCreate = env.tracer.take()
	if _, err := d.do(ctx, list.b(i)); err != nil {
		return nil, err
	}
	res.handList = env.tracer.take()
	env.tracer.on.Store(false)
	if res.flow, err = fr.traceFlow(ctx, capture); err != nil {
		return nil, err
	}
	res.enginePlan, res.handPlan = explainPages(ctx, env, res.engineList)
	scoped := fmt.Sprintf(`"owner" = %d`, env.rep.ID)
	for _, c := range []struct {
		name  string
		sent  []string
		where string
	}{{"sales rep's page", res.repList, scoped}, {"admin's filtered page", res.adminRowsList, scoped},
		{"admin's unfiltered page", res.adminAllList, ""}} {
		page, count := accessPageSQL(c.where)
		for _, want := range []string{page, count} {
			found := false
			for _, s := range c.sent {
				found = found || valuesOut(s) == valuesOut(want)
			}
			if !found {
				res.shapeProblems = append(res.shapeProblems, fmt.Sprintf("the %s sent no statement shaped like `%s`",
					c.name, shorten(want, 200)))
			}
		}
	}
	return &res, nil
}

// accessPlans are EXPLAIN ANALYZE of the access pages' queries, taken right
// after the access scenarios ran, on the rows they ran on.
type accessPlans struct {
	scopedPage, scopedCount, allPage, allCount string
}

// explainAccess explains page 1 and the count of the access pages: those
// limited to the sales rep's orders (the rep's scope and the admin's filter
// render the same SQL) and the admin's unfiltered ones.
func explainAccess(ctx context.Context, env *benchEnv) accessPlans {
	scopedPage, scopedCount := accessPageSQL(fmt.Sprintf(`"owner" = %d`, env.rep.ID))
	allPage, allCount := accessPageSQL("")
	return accessPlans{scopedPage: explain(ctx, env, scopedPage), scopedCount: explain(ctx, env, scopedCount),
		allPage: explain(ctx, env, allPage), allCount: explain(ctx, env, allCount)}
}

// tallyStatements sends tallyRequests of each side of s, one at a time, and
// counts the statements each side sent by shape. The engine's background
// work (the access version poll, once a second) lands in whichever side was
// running; a statement sent once per request shows as tallyRequests.
func tallyStatements(ctx context.Context, d *driver, capture *sqlCapture, s scenario) ([]statementShape, error) {
	byShape := map[string]*statementShape{}
	for side, mk := range []func(int) request{s.a, s.b} {
		capture.take()
		for k := range tallyRequests {
			if _, err := d.do(ctx, mk(2<<20+k)); err != nil {
				return nil, err
			}
		}
		for _, stmt := range capture.take() {
			sh := shapeOf(stmt)
			x := byShape[sh]
			if x == nil {
				x = &statementShape{shape: sh}
				for _, t := range accessTables {
					if strings.Contains(sh, t) {
						x.accessTable = t
						break
					}
				}
				byShape[sh] = x
			}
			if side == 0 {
				x.rep++
			} else {
				x.admin++
			}
		}
	}
	out := make([]statementShape, 0, len(byShape))
	for _, x := range byShape {
		out = append(out, *x)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].rep+out[i].admin != out[j].rep+out[j].admin {
			return out[i].rep+out[i].admin > out[j].rep+out[j].admin
		}
		return out[i].shape < out[j].shape
	})
	return out, nil
}

var (
	sqlString = regexp.MustCompile(`'(?:[^']|'')*'`)
	sqlNumber = regexp.MustCompile(`\b\d+(?:\.\d+)?\b`)
	sqlList   = regexp.MustCompile(`\(\?(?:, ?\?)+\)`)
	sqlCols   = regexp.MustCompile(`^SELECT ((?:"[a-z_0-9]+", )+"[a-z_0-9]+") FROM`)
	sqlPage   = regexp.MustCompile(` LIMIT \?(?: OFFSET \?)?$`)
)

// valuesOut is stmt without its form tag, with every value replaced by ? and
// value lists by (?, …), and LIMIT with or without OFFSET (page 1 has none)
// as one, so that statements differing in values alone match.
func valuesOut(stmt string) string {
	s := strings.Join(strings.Fields(stmt), " ")
	if i := strings.Index(s, "*/ "); strings.HasPrefix(s, "/*") && i > 0 {
		s = s[i+3:]
	}
	s = sqlString.ReplaceAllString(s, "?")
	s = sqlNumber.ReplaceAllString(s, "?")
	s = sqlList.ReplaceAllString(s, "(?, …)")
	if !strings.Contains(s, "ORDER BY") {
		return s
	}
	return sqlPage.ReplaceAllString(s, " LIMIT ? [OFFSET ?]")
}

// shapeOf is valuesOut(stmt) with a long column list shown as its length,
// for the tally.
func shapeOf(stmt string) string {
	s := valuesOut(stmt)
	if m := sqlCols.FindStringSubmatch(s); m != nil {
		s = fmt.Sprintf("SELECT <%d columns> FROM", strings.Count(m[1], ",")+1) + s[len(m[0]):]
	}
	return s
}

// explainPages runs EXPLAIN ANALYZE on each side's list page query (page 1):
// the engine's as its statement log showed it (values inlined by gorm), the
// hand-written one with its parameters.
func explainPages(ctx context.Context, env *benchEnv, engineList []string) (enginePlan, handPlan string) {
	enginePlan = explainEngine(ctx, env, engineList)
	minAmount, _ := parseFixed("100000", 2)
	handPlan = explain(ctx, env, "SELECT "+orderColumns+` FROM hw_order WHERE region = $1 AND status = ANY($2)
		AND amount >= $3 ORDER BY `+listSorts[listSort]+" LIMIT $4 OFFSET $5",
		"east", []string{"submitted", "approved"}, minAmount, perPage, 0)
	return enginePlan, handPlan
}

// explainEngine runs EXPLAIN ANALYZE on the order page query among the
// engine's statements, as its statement log showed it (values inlined by
// gorm).
func explainEngine(ctx context.Context, env *benchEnv, stmts []string) string {
	for _, s := range stmts {
		// note: the engine tags its statements with the form version
		// ("/* order.v1 */ SELECT …"); EXPLAIN takes the statement without it.
		if i := strings.Index(s, "*/ "); strings.HasPrefix(s, "/*") && i > 0 {
			s = s[i+3:]
		}
		if strings.HasPrefix(s, "SELECT ") && strings.Contains(s, ` FROM "f_order" `) && strings.Contains(s, "ORDER BY") {
			return explain(ctx, env, s)
		}
	}
	return "(the engine's page query was not found in its statement log)"
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
