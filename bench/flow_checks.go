package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5/pgxpool"
)

// checkFlows takes one order through each side, one request at a time, and
// compares what the two answered (the same properties and values but ids
// and times) and what they wrote: the timeline, the audit rows and the
// order.
func (f *flowRun) checkFlows(ctx context.Context) ([]string, error) {
	var bodies [2][3][]byte
	var insts, orders [2]int64
	dir := f.env.directors
	for i, s := range f.sides {
		sub, err := f.submit(ctx, f.d, s)
		if err != nil {
			return nil, err
		}
		insts[i], orders[i], bodies[i][0] = sub.inst, sub.order, sub.body
		if bodies[i][1], err = f.decide(ctx, f.d, s, sub.task, dir.sdToken, "running"); err != nil {
			return nil, err
		}
		next, err := f.nextTasks(ctx, s, []int64{sub.inst})
		if err != nil {
			return nil, err
		}
		if bodies[i][2], err = f.decide(ctx, f.d, s, next[sub.inst], dir.fdToken, "approved"); err != nil {
			return nil, err
		}
	}
	diffs := compareInstance(bodies[0][0], bodies[1][0])
	for k, name := range []string{"decide, level 1", "decide, level 2"} {
		for _, d := range compareTask("", bodies[0][k+1], bodies[1][k+1]) {
			diffs = append(diffs, name+": "+d)
		}
	}
	written, err := f.compareWrites(ctx, insts, orders)
	return append(diffs, written...), err
}

// Values compared between the two sides' answers: all but ids and times.
var (
	instanceValues = []string{"flow", "flow_version", "form", "record_id", "state", "trigger", "submitter_id", "ended_at",
		"version", "flow_title", "submitter", "current"}
	taskValues = []string{"node", "activation", "assignee_id", "on_behalf_of", "state", "due_at", "decided_by", "comment",
		"version", "node_title", "flow", "flow_title", "form", "record_id", "instance_state", "assignee", "decided_by_user",
		"submitter", "changes"}
	stepValues = []string{"node", "kind", "actor_id", "comment", "node_title", "actor"}
)

// compareInstance compares two submit answers: the instance, its tasks and
// its timeline.
func compareInstance(eb, hb []byte) []string {
	e, h, diffs := decodePair(eb, hb)
	if diffs != nil {
		return diffs
	}
	diffs = append(keyDiff("submit", e, h), sameValues("submit", instanceValues, e, h)...)
	for _, list := range []string{"tasks", "steps"} {
		el, _ := e[list].([]any)
		hl, _ := h[list].([]any)
		if len(el) != len(hl) {
			diffs = append(diffs, fmt.Sprintf("submit/%s: engine %d, hand-written %d", list, len(el), len(hl)))
			continue
		}
		for k := range el {
			eo, _ := el[k].(map[string]any)
			ho, _ := hl[k].(map[string]any)
			path := fmt.Sprintf("submit/%s/%d", list, k)
			diffs = append(diffs, keyDiff(path, eo, ho)...)
			if list == "tasks" {
				diffs = append(diffs, sameValues(path, taskValues, eo, ho)...)
				continue
			}
			diffs = append(diffs, sameValues(path, stepValues, eo, ho)...)
			if ed, hd := idsOut(fmt.Sprint(eo["data"])), idsOut(fmt.Sprint(ho["data"])); ed != hd {
				diffs = append(diffs, fmt.Sprintf("%s/data: engine %s, hand-written %s", path, ed, hd))
			}
		}
	}
	return diffs
}

// compareTask compares two decide answers.
func compareTask(path string, eb, hb []byte) []string {
	e, h, diffs := decodePair(eb, hb)
	if diffs != nil {
		return diffs
	}
	return append(keyDiff(path, e, h), sameValues(path, taskValues, e, h)...)
}

// sameValues lists the keys whose values differ between e and h.
func sameValues(path string, keys []string, e, h map[string]any) []string {
	var diffs []string
	for _, k := range keys {
		if fmt.Sprint(e[k]) != fmt.Sprint(h[k]) {
			diffs = append(diffs, fmt.Sprintf("%s/%s: engine %v, hand-written %v", path, k, e[k], h[k]))
		}
	}
	return diffs
}

// idsOut replaces the numbers in s, ids among them, by #.
func idsOut(s string) string { return sqlNumber.ReplaceAllString(s, "#") }

// compareWrites compares what each side wrote for its checked order: the
// timeline of its instance, its audit rows and the order itself.
func (f *flowRun) compareWrites(ctx context.Context, insts, orders [2]int64) ([]string, error) {
	pool := f.env.pool
	var diffs []string
	for _, q := range []struct {
		what, engine, hand string
		args               func(side int) []any
	}{
		{"timeline", `SELECT node_id, kind, actor_id, comment, data FROM mosaic_flow_steps WHERE instance_id = $1 ORDER BY id`,
			`SELECT node_id, kind, actor_id, comment, data FROM hw_flow_steps WHERE instance_id = $1 ORDER BY id`,
			func(i int) []any { return []any{insts[i]} }},
		{"audit", `SELECT action, target_kind, target_key, actor_id, changes, summary FROM mosaic_audit
			WHERE (target_kind = 'flow' AND record_id = $1) OR (target_kind = 'form' AND target_key = 'order' AND record_id = $2)
			ORDER BY id`,
			`SELECT action, target_kind, target_key, actor_id, changes, summary FROM hw_audit
			WHERE (target_kind = 'flow' AND record_id = $1) OR (target_kind = 'form' AND target_key = 'order' AND record_id = $2)
			ORDER BY id`,
			func(i int) []any { return []any{insts[i], orders[i]} }},
		{"order", `SELECT status, flow_status, row_version, updated_by FROM f_order WHERE id = $1`,
			`SELECT status, flow_status, row_version, updated_by FROM hw_order WHERE id = $1`,
			func(i int) []any { return []any{orders[i]} }},
	} {
		e, err := rowsText(ctx, pool, q.engine, q.args(0)...)
		if err != nil {
			return nil, err
		}
		h, err := rowsText(ctx, pool, q.hand, q.args(1)...)
		if err != nil {
			return nil, err
		}
		if len(e) != len(h) {
			diffs = append(diffs, fmt.Sprintf("%s: engine wrote %d rows, hand-written %d", q.what, len(e), len(h)))
		}
		for k := range min(len(e), len(h)) {
			if idsOut(e[k]) != idsOut(h[k]) {
				diffs = append(diffs, fmt.Sprintf("%s row %d: engine %s, hand-written %s", q.what, k, e[k], h[k]))
			}
		}
	}
	return diffs, nil
}

// rowsText runs sql and renders each row as text.
func rowsText(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) ([]string, error) {
	rows, err := pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " | "))
	}
	return out, rows.Err()
}
