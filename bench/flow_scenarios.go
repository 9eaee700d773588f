package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// The approval scenarios (issue 4): draft orders taken through the
// two-level approval of bench/approval-flow.json, on the engine's HTTP API
// and on the hand-written state machine's, by the same client:
//
//   - throughput: each worker submits an order as its owner (the admin),
//     the sales director approves it, the client finds the finance
//     director's new task, and the finance director approves it; orders
//     per second over the run.
//   - concurrent decisions: orders submitted beforehand, unmeasured; then
//     cfg.approvers goroutines decide their pending tasks, each a different
//     task, first the sales director's, then the finance director's; the
//     latency of each decision.

// Order steps, in the order one order goes through them.
const (
	stepSubmit = iota
	stepDecide1
	stepLookup
	stepDecide2
	orderSteps
)

var stepNames = [orderSteps]string{"submit", "decide, level 1", "find the level-2 task", "decide, level 2"}

// submitBody names the benchmark's flow: the order form has two flows
// started by submit.
var submitBody = []byte(`{"flow": "` + handFlowKey + `"}`)

var approveBody = []byte(`{"decision": "approve"}`)

// flowSide is one side of the approval scenarios.
type flowSide struct {
	name      string
	submitURL func(order int64) string
	decideURL func(task int64) string
	// tasks is the side's task table, where the client finds the next
	// task (a constant here, never input).
	tasks  string
	orders *orderQueue
}

// orderQueue hands out the draft orders a side submits, each once.
type orderQueue struct {
	ids  []int64
	next atomic.Int64
}

func (q *orderQueue) take() (int64, error) {
	k := int(q.next.Add(1) - 1)
	if k >= len(q.ids) {
		return 0, fmt.Errorf("all %d draft orders reserved for the approval scenarios are used", len(q.ids))
	}
	return q.ids[k], nil
}

// flowRun drives the approval scenarios.
type flowRun struct {
	env    *benchEnv
	cfg    config
	d      *driver // cfg.workers connections
	crowd  *driver // cfg.approvers connections
	lookup *pgxpool.Pool
	sides  [2]*flowSide // engine, hand-written
}

// newFlowRun reserves the draft orders every phase will submit, on both
// sides, and opens the client's own pool for finding next tasks.
func newFlowRun(ctx context.Context, env *benchEnv, cfg config) (*flowRun, error) {
	need := 2 + cfg.flowWarmup + cfg.flowN + cfg.decideN
	if cfg.cpuProfile != "" {
		need += profileOrders(cfg)
	}
	ids, err := draftOrders(ctx, env.pool, env.admin.ID, cfg.records, need)
	if err != nil {
		return nil, err
	}
	dsn, err := withSearchPath(cfg.dsn, env.schema)
	if err != nil {
		return nil, err
	}
	pc, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	pc.MaxConns = int32(max(4, cfg.workers))
	lookup, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, err
	}
	e, h := env.engineSrv.url, env.handSrv.url
	return &flowRun{env: env, cfg: cfg, d: newDriver(cfg.workers), crowd: newDriver(cfg.approvers), lookup: lookup,
		sides: [2]*flowSide{
			{name: "engine", tasks: "mosaic_flow_tasks", orders: &orderQueue{ids: ids},
				submitURL: func(o int64) string { return fmt.Sprintf("%s/api/v1/forms/order/records/%d/submit", e, o) },
				decideURL: func(t int64) string { return fmt.Sprintf("%s/api/v1/tasks/%d/decide", e, t) }},
			{name: "hand-written", tasks: "hw_flow_tasks", orders: &orderQueue{ids: ids},
				submitURL: func(o int64) string { return fmt.Sprintf("%s/orders/%d/submit", h, o) },
				decideURL: func(t int64) string { return fmt.Sprintf("%s/tasks/%d/decide", h, t) }},
		}}, nil
}

func (f *flowRun) close() { f.lookup.Close() }

// submitted is a submit's outcome: the order, the instance started on it,
// its pending task and the response.
type submitted struct {
	order, inst, task int64
	body              []byte
}

// submit submits the side's next draft order as its owner.
func (f *flowRun) submit(ctx context.Context, d *driver, s *flowSide) (submitted, error) {
	order, err := s.orders.take()
	if err != nil {
		return submitted{}, err
	}
	body, err := d.do(ctx, request{method: http.MethodPost, url: s.submitURL(order), body: submitBody, token: f.env.token,
		want: http.StatusCreated})
	if err != nil {
		return submitted{}, err
	}
	var v struct {
		ID    int64 `json:"id"`
		Tasks []struct {
			ID    int64  `json:"id"`
			State string `json:"state"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return submitted{}, fmt.Errorf("%s submit: %w", s.name, err)
	}
	for _, t := range v.Tasks {
		if t.State == "pending" {
			return submitted{order: order, inst: v.ID, task: t.ID, body: body}, nil
		}
	}
	return submitted{}, fmt.Errorf("%s submit of order %d made no pending task: %s", s.name, order, shorten(string(body), 300))
}

// decide approves task as the user of token and returns the response.
func (f *flowRun) decide(ctx context.Context, d *driver, s *flowSide, task int64, token, wantState string) ([]byte, error) {
	body, err := d.do(ctx, request{method: http.MethodPost, url: s.decideURL(task), body: approveBody, token: token,
		want: http.StatusOK})
	if err != nil {
		return nil, err
	}
	var v struct {
		State string `json:"instance_state"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("%s decide: %w", s.name, err)
	}
	if v.State != wantState {
		return nil, fmt.Errorf("%s decide of task %d left the instance %q, want %q", s.name, task, v.State, wantState)
	}
	return body, nil
}

// nextTasks finds the pending task of each instance on side s with one
// indexed query on the side's task table: the client's stand-in for the
// finance director's inbox, the same statement for both sides.
func (f *flowRun) nextTasks(ctx context.Context, s *flowSide, insts []int64) (map[int64]int64, error) {
	rows, err := f.lookup.Query(ctx, "SELECT instance_id, id FROM "+s.tasks+
		" WHERE instance_id = ANY($1) AND state = 'pending'", insts)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[int64]int64, len(insts))
	for rows.Next() {
		var inst, id int64
		if err := rows.Scan(&inst, &id); err != nil {
			return nil, err
		}
		out[inst] = id
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, i := range insts {
		if out[i] == 0 {
			return nil, fmt.Errorf("%s instance %d has no pending task", s.name, i)
		}
	}
	return out, nil
}

// order takes one order of side s through the approval and records each
// step's latency in lat.
func (f *flowRun) order(ctx context.Context, s *flowSide, lat *[orderSteps]time.Duration) error {
	dir := f.env.directors
	t0 := time.Now()
	sub, err := f.submit(ctx, f.d, s)
	if err != nil {
		return err
	}
	t1 := time.Now()
	if _, err := f.decide(ctx, f.d, s, sub.task, dir.sdToken, "running"); err != nil {
		return err
	}
	t2 := time.Now()
	next, err := f.nextTasks(ctx, s, []int64{sub.inst})
	if err != nil {
		return err
	}
	t3 := time.Now()
	if _, err := f.decide(ctx, f.d, s, next[sub.inst], dir.fdToken, "approved"); err != nil {
		return err
	}
	lat[stepSubmit], lat[stepDecide1], lat[stepLookup], lat[stepDecide2] = t1.Sub(t0), t2.Sub(t1), t3.Sub(t2), time.Since(t3)
	return nil
}

// orderRun is one side's throughput run.
type orderRun struct {
	orders sideRun // one latency per order
	steps  [orderSteps]sideRun
}

// throughput warms both sides up, then takes cfg.flowN orders through each
// in cfg.flowRounds alternating rounds with cfg.workers workers.
//
// note: short rounds, so that other work on the machine, which comes and
// goes, falls on both sides alike.
func (f *flowRun) throughput(ctx context.Context) ([2]orderRun, error) {
	var out [2]orderRun
	for _, s := range f.sides {
		if err := f.orders(ctx, s, f.cfg.flowWarmup, nil); err != nil {
			return out, fmt.Errorf("%s warm-up: %w", s.name, err)
		}
	}
	per := max(1, f.cfg.flowN/f.cfg.flowRounds)
	for r := range f.cfg.flowRounds {
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		for _, i := range order {
			if err := f.orders(ctx, f.sides[i], per, &out[i]); err != nil {
				return out, fmt.Errorf("%s: %w", f.sides[i].name, err)
			}
		}
	}
	return out, nil
}

// orders takes n orders of s through the approval and adds what they
// measured to acc (nil: nowhere).
func (f *flowRun) orders(ctx context.Context, s *flowSide, n int, acc *orderRun) error {
	lat := make([][orderSteps]time.Duration, n)
	res, err := runWorkers(ctx, f.cfg.workers, n, func(k int) error { return f.order(ctx, s, &lat[k]) })
	if err != nil || acc == nil {
		return err
	}
	acc.orders.add(res)
	for _, l := range lat {
		for j := range l {
			acc.steps[j].lat = append(acc.steps[j].lat, l[j])
		}
	}
	return nil
}

// decideRun is one side's concurrent decisions, by level.
type decideRun struct {
	levels [2]sideRun
}

// all is both levels' decisions together.
func (r decideRun) all() sideRun {
	var out sideRun
	for _, l := range r.levels {
		out.add(batchResult{lat: l.lat, wall: l.wall, cpu: l.cpu, allocs: l.allocs, bytes: l.bytes})
	}
	return out
}

// concurrentDecisions submits cfg.decideN orders per side in rounds,
// unmeasured, and has cfg.approvers goroutines decide their tasks, level
// by level, measuring each decision.
func (f *flowRun) concurrentDecisions(ctx context.Context) ([2]decideRun, error) {
	var out [2]decideRun
	per := max(1, f.cfg.decideN/f.cfg.rounds)
	for r := range f.cfg.rounds {
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		for _, i := range order {
			if err := f.decideBatch(ctx, f.sides[i], per, &out[i]); err != nil {
				return out, fmt.Errorf("%s: %w", f.sides[i].name, err)
			}
		}
	}
	return out, nil
}

// decideBatch submits n orders of s, then decides their level-1 tasks and
// then their level-2 tasks with cfg.approvers goroutines.
func (f *flowRun) decideBatch(ctx context.Context, s *flowSide, n int, acc *decideRun) error {
	insts, tasks := make([]int64, n), make([]int64, n)
	if _, err := runWorkers(ctx, f.cfg.workers, n, func(k int) error {
		sub, err := f.submit(ctx, f.d, s)
		insts[k], tasks[k] = sub.inst, sub.task
		return err
	}); err != nil {
		return err
	}
	dir := f.env.directors
	res, err := runWorkers(ctx, f.cfg.approvers, n, func(k int) error {
		_, err := f.decide(ctx, f.crowd, s, tasks[k], dir.sdToken, "running")
		return err
	})
	if err != nil {
		return err
	}
	acc.levels[0].add(res)
	next, err := f.nextTasks(ctx, s, insts)
	if err != nil {
		return err
	}
	res, err = runWorkers(ctx, f.cfg.approvers, n, func(k int) error {
		_, err := f.decide(ctx, f.crowd, s, next[insts[k]], dir.fdToken, "approved")
		return err
	})
	if err != nil {
		return err
	}
	acc.levels[1].add(res)
	return nil
}

// profileOrders is how many orders per side the CPU profile takes through
// the approval.
func profileOrders(cfg config) int { return max(1, cfg.flowN/2) }

// profile takes orders through both sides for the CPU profile.
func (f *flowRun) profile(ctx context.Context) error {
	for _, s := range f.sides {
		if err := f.orders(ctx, s, profileOrders(f.cfg), nil); err != nil {
			return fmt.Errorf("profile %s approvals: %w", s.name, err)
		}
	}
	return nil
}
