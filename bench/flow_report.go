package main

import (
	"context"
	"fmt"
	"log"
	"strconv"
)

// flowTarget is the goal for the hand-written side's orders per second over
// the engine's: the engine's time per order at most 1.5 times the
// hand-written one's.
const flowTarget = 1.5

// flowResult is what the approval scenarios measured and checked.
type flowResult struct {
	throughput [2]orderRun  // engine, hand-written
	decisions  [2]decideRun // engine, hand-written
	mismatches []string
}

// measureFlows checks that both sides do the same work, then runs the
// throughput and the concurrent decisions.
func measureFlows(ctx context.Context, f *flowRun) (*flowResult, error) {
	out := &flowResult{}
	var err error
	if out.mismatches, err = f.checkFlows(ctx); err != nil {
		return nil, fmt.Errorf("approval check: %w", err)
	}
	for _, m := range out.mismatches {
		log.Printf("WARNING approval: the sides differ: %s", m)
	}
	log.Printf("approval throughput: %d warm-up + %d measured orders per side, %d workers", f.cfg.flowWarmup, f.cfg.flowN, f.cfg.workers)
	if out.throughput, err = f.throughput(ctx); err != nil {
		return nil, fmt.Errorf("approval throughput: %w", err)
	}
	log.Printf("approval decisions: %d orders per side, %d concurrent approvers", f.cfg.decideN, f.cfg.approvers)
	if out.decisions, err = f.concurrentDecisions(ctx); err != nil {
		return nil, fmt.Errorf("concurrent decisions: %w", err)
	}
	return out, nil
}

// writeFlow writes the approval scenarios' figures.
func (r *report) writeFlow(w func(string, ...any)) {
	w("\n## Approval flow: engine vs hand-written (issue 4)\n\n")
	f := r.flow
	if f == nil {
		w("(not run)\n")
		return
	}
	e, h := f.throughput[0].orders.stats(), f.throughput[1].orders.stats()
	verdict := "met"
	if h.rps > flowTarget*e.rps {
		verdict = "**missed**"
	}
	w("Draft orders submitted and taken through the two-level approval of `bench/approval-flow.json` (sales director, "+
		"then finance director), through the engine's HTTP API and through a hand-written state machine (fiber + pgx) "+
		"doing the same writes on its own tables in the same PostgreSQL; %d client workers, %d orders per side in %d "+
		"alternating rounds after %d warm-up orders. Ratio = hand-written orders/s ÷ engine orders/s (the engine's time "+
		"per order over the hand-written one's; lower is better).\n\n", r.cfg.workers, r.cfg.flowN, r.cfg.flowRounds, r.cfg.flowWarmup)
	w("| Scenario | engine orders/s | hand-written orders/s | **ratio** | target | engine p50/order | hand-written p50/order | engine p99/order | hand-written p99/order |\n")
	w("|---|---:|---:|---:|---|---:|---:|---:|---:|\n")
	w("| submit + 2 approvals, %d workers | %.0f | %.0f | **%.2fx** | ≤ %sx %s | %s | %s | %s | %s |\n\n", r.cfg.workers,
		e.rps, h.rps, h.rps/e.rps, strconv.FormatFloat(flowTarget, 'f', -1, 64), verdict, ms(e.p50), ms(h.p50), ms(e.p99), ms(h.p99))
	w("| Step of one order | engine p50 | hand-written p50 | p50 ratio | engine p99 | hand-written p99 | p99 ratio |\n")
	w("|---|---:|---:|---:|---:|---:|---:|\n")
	for j := range orderSteps {
		es, hs := f.throughput[0].steps[j].stats(), f.throughput[1].steps[j].stats()
		w("| %s | %s | %s | %s | %s | %s | %s |\n", stepNames[j], ms(es.p50), ms(hs.p50), ratio(float64(es.p50), float64(hs.p50)),
			ms(es.p99), ms(hs.p99), ratio(float64(es.p99), float64(hs.p99)))
	}
	w("| whole order | %s | %s | %s | %s | %s | %s |\n\n", ms(e.p50), ms(h.p50), ratio(float64(e.p50), float64(h.p50)),
		ms(e.p99), ms(h.p99), ratio(float64(e.p99), float64(h.p99)))
	w("Go CPU per order (the whole process, client included): engine %s, hand-written %s; allocations per order: "+
		"engine %.0f, hand-written %.0f.\n\n", ms(e.cpuPerReq), ms(h.cpuPerReq), e.allocsPerReq, h.allocsPerReq)
	r.writeDecisions(w)
}

// writeDecisions writes the latency of decisions under concurrent
// approvers.
func (r *report) writeDecisions(w func(string, ...any)) {
	f := r.flow
	w("### Decision latency under %d concurrent approvers\n\n", r.cfg.approvers)
	w("%d orders per side submitted beforehand (not measured), in %d alternating rounds; then %d goroutines decide "+
		"their tasks, each a different pending task, first the sales director's, then the finance director's. A "+
		"level-1 decision creates the level-2 task; a level-2 decision sets the order's status and ends the "+
		"instance.\n\n", r.cfg.decideN, r.cfg.rounds, r.cfg.approvers)
	w("| Decisions | side | decisions | p50 | p90 | p99 | max | decisions/s |\n|---|---|---:|---:|---:|---:|---:|---:|\n")
	names := []string{"level 1 (sales director)", "level 2 (finance director)", "**both levels**"}
	var all [2]stats
	for k, name := range names {
		for i, side := range []string{"engine", "hand-written"} {
			run := f.decisions[i].all()
			if k < 2 {
				run = f.decisions[i].levels[k]
			}
			st := run.stats()
			if k == 2 {
				all[i] = st
			}
			w("| %s | %s | %d | %s | %s | %s | %s | %.0f |\n", name, side, st.n, ms(st.p50), ms(st.p90), ms(st.p99),
				ms(st.max), st.rps)
		}
	}
	w("\nBoth levels, engine / hand-written: **p99 %s** (%s vs %s), p50 %s (%s vs %s).\n",
		ratio(float64(all[0].p99), float64(all[1].p99)), ms(all[0].p99), ms(all[1].p99),
		ratio(float64(all[0].p50), float64(all[1].p50)), ms(all[0].p50), ms(all[1].p50))
}

// writeFlowWork describes the work the two sides do per transition and the
// statements they sent.
func (r *report) writeFlowWork(w func(string, ...any)) {
	w("\n## The approval compared\n\n")
	w("- Engine: `POST /api/v1/forms/order/records/{id}/submit` with `{\"flow\": \"%s\"}` as the order's owner, then "+
		"`POST /api/v1/tasks/{id}/decide` with `{\"decision\": \"approve\"}` as the sales director and as the finance "+
		"director. The flow is published from `bench/approval-flow.json` beside the example's flows; each transition "+
		"runs in one transaction (flows.Runtime), and each answer is the engine's instance view (submit) or task view "+
		"(decide), read back after the commit.\n", handFlowKey)
	w("- Hand-written: `POST /orders/{id}/submit` and `POST /tasks/{id}/decide` with the same bodies and tokens " +
		"(`bench/flow_handwritten.go`), one transaction per transition. Submit: lock the order (`SELECT … FOR UPDATE`), " +
		"check owner and status, find the level's approver (role, active, out-of-office delegate: one query), insert " +
		"the instance (its unique running key refuses a second one) and the task, set the order's flow status, insert " +
		"the timeline rows and the audit row. Decide: read the task with its instance's row lock (`FOR UPDATE OF` the " +
		"instance), decide it with a conditional update (`… WHERE state = 'pending'`, so one of racing decisions wins), " +
		"then either find the next approver, insert the next task, move the instance and set the flow status, or set the " +
		"order's status (row version, updated at/by) and end the instance; then the timeline rows and the audit rows " +
		"(a `record.update` with the field's before and after, and the transition's). It answers with the same JSON " +
		"shapes as the engine, built from what it wrote instead of read back.\n")
	w("- Both write the same rows per transition: the same timeline steps (kind, node, actor, data), the same audit " +
		"actions and the same order columns (checked below on one order per side). Between the two decisions the " +
		"client finds the finance director's task with one indexed `SELECT` on the side's task table, on its own " +
		"connection pool (the same statement for both sides, in the order's time): the approver's inbox is not what " +
		"is measured here.\n")
	t := r.trace
	if t == nil || t.flow == nil {
		return
	}
	w("\n### Statements per transition\n\n")
	w("| Transition | engine | hand-written (BEGIN/COMMIT included) |\n|---|---:|---:|\n")
	names := []string{"submit", "decide, level 1", "decide, level 2"}
	for k, name := range names {
		w("| %s | %d + BEGIN/COMMIT | %d |\n", name, len(t.flow.engine[k]), len(t.flow.hand[k]))
	}
	w("\n")
	for k, name := range names {
		for _, x := range []struct {
			side string
			sqls []string
		}{{"engine", t.flow.engine[k]}, {"hand-written", t.flow.hand[k]}} {
			w("<details><summary>%s %s: %d statements</summary>\n\n```sql\n", x.side, name, len(x.sqls))
			for _, s := range x.sqls {
				w("%s\n", shorten(s, 200))
			}
			w("```\n</details>\n\n")
		}
	}
}

// writeFlowChecks says whether the two sides answered and wrote alike.
func (r *report) writeFlowChecks(w func(string, ...any)) {
	f := r.flow
	if f == nil {
		return
	}
	if len(f.mismatches) == 0 {
		w("- Approval: on one order per side, submit and both decisions return the same properties and values (but " +
			"ids and times), and the two sides wrote the same timeline, the same audit rows and the same order status, " +
			"flow status and row version.\n")
	}
	for _, m := range f.mismatches {
		w("- Approval: the sides differ: %s\n", m)
	}
	if r.rows != nil {
		w("- Approval rows at the end (engine / hand-written): instances %d / %d, approved %d / %d, tasks %d / %d, "+
			"timeline steps %d / %d.\n", r.rows["mosaic_flow_instances"], r.rows["hw_flow_instances"],
			r.rows["mosaic_flow_instances approved"], r.rows["hw_flow_instances approved"],
			r.rows["mosaic_flow_tasks"], r.rows["hw_flow_tasks"], r.rows["mosaic_flow_steps"], r.rows["hw_flow_steps"])
	}
}
