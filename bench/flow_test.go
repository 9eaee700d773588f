package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// The hand-written state machine hard-codes the flow the engine runs from
// bench/approval-flow.json: a change to one must reach the other.
func TestHandWrittenFollowsTheFlow(t *testing.T) {
	f, err := flows.ParseFlow(approvalFlow)
	if err != nil {
		t.Fatal(err)
	}
	if f.Key != handFlowKey || f.Title != handFlowTitle || f.Form != "order" {
		t.Errorf("flow %s %q on %s; the hand-written side says %s %q on order", f.Key, f.Title, f.Form, handFlowKey, handFlowTitle)
	}
	if len(f.Triggers) != 1 || f.Triggers[0].On != flows.OnSubmit || f.Triggers[0].When != `status == "draft"` {
		t.Errorf("triggers %+v; the hand-written side submits drafts only", f.Triggers)
	}
	nodes := map[string]flows.Node{}
	for _, n := range f.Nodes {
		nodes[n.ID] = n
		if title, ok := handNodeTitles[n.ID]; ok && title != n.Title {
			t.Errorf("node %s is titled %q; the hand-written side says %q", n.ID, n.Title, title)
		}
	}
	next := nodes["start"].Next
	for i, l := range handLevels {
		n := nodes[next]
		if n.ID != l.node || n.Type != flows.TypeApproval || n.Title != l.title || n.Approval == nil {
			t.Fatalf("level %d is node %q (%s, %q); the hand-written side says %s %q", i+1, n.ID, n.Type, n.Title, l.node, l.title)
		}
		a := n.Approval
		if a.Mode != flows.ModeSingle || len(a.Assignees) != 1 || a.Assignees[0] != (flows.Assignee{Type: flows.AssignRole, Value: l.role}) ||
			a.OnReject != "mark_rejected" || !a.RejectCommentRequired || len(a.Editable) > 0 || a.Deadline != nil {
			t.Errorf("level %d approval %+v; the hand-written side asks the role %s alone, needs a comment to reject and goes to mark_rejected",
				i+1, a, l.role)
		}
		next = n.Next
	}
	if next != "mark_approved" || nodes["mark_approved"].Next != "approved" || nodes["mark_rejected"].Next != "rejected" {
		t.Errorf("after the last level: %s; the hand-written side marks the order approved and ends", next)
	}
}

// On PostgreSQL, a small benchmark environment: the two sides answer and
// write alike, exactly one of racing decisions on a task wins on each, and
// a reject needs a comment and marks the order rejected on each.
func TestApprovalSidesAgree(t *testing.T) {
	if !slices.Contains(storetest.Dialects, store.Postgres) {
		storetest.WithoutPostgres(t, "the hand-written side runs on PostgreSQL only; MOSAIC_TEST_DIALECTS left it out")
	}
	dsn := os.Getenv("MOSAIC_TEST_PG")
	if dsn == "" {
		dsn = storetest.DefaultPG
	}
	ctx := context.Background()
	cfg := config{dsn: dsn, example: "../examples/order-management", records: 200, rounds: 1, workers: 2, approvers: 4,
		flowN: 1, decideN: 1}
	env, err := setUp(ctx, cfg)
	if env != nil {
		t.Cleanup(func() {
			if err := env.close(false); err != nil {
				t.Errorf("close: %v", err)
			}
		})
	}
	if err != nil {
		if env != nil && env.schema == "" {
			storetest.WithoutPostgres(t, "PostgreSQL not reachable: %v", err)
		}
		t.Fatal(err)
	}
	fr, err := newFlowRun(ctx, env, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer fr.close()
	diffs, err := fr.checkFlows(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range diffs {
		t.Errorf("the sides differ: %s", d)
	}
	for _, s := range fr.sides {
		t.Run(s.name, func(t *testing.T) {
			raceDecisions(t, fr, s)
			rejectNeedsComment(t, fr, s)
		})
	}
}

// raceDecisions has several sessions of the sales director decide one task
// at once: one wins, the others get 409.
func raceDecisions(t *testing.T, fr *flowRun, s *flowSide) {
	ctx := context.Background()
	sub, err := fr.submit(ctx, fr.d, s)
	if err != nil {
		t.Fatal(err)
	}
	const n = 8
	statuses := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, _, err := fr.crowd.send(ctx, request{method: http.MethodPost, url: s.decideURL(sub.task),
				body: approveBody, token: fr.env.directors.sdToken})
			if err != nil {
				st = -1
			}
			statuses[i] = st
		}()
	}
	wg.Wait()
	won := 0
	for _, st := range statuses {
		switch st {
		case http.StatusOK:
			won++
		case http.StatusConflict:
		default:
			t.Errorf("a racing decision got %d", st)
		}
	}
	if won != 1 {
		t.Errorf("%d of %d racing decisions won, want 1 (statuses %v)", won, n, statuses)
	}
}

// rejectNeedsComment rejects at level 1: without a comment it is refused,
// with one the order is rejected and the instance ends.
func rejectNeedsComment(t *testing.T, fr *flowRun, s *flowSide) {
	ctx := context.Background()
	sub, err := fr.submit(ctx, fr.d, s)
	if err != nil {
		t.Fatal(err)
	}
	token := fr.env.directors.sdToken
	st, body, err := fr.d.send(ctx, request{method: http.MethodPost, url: s.decideURL(sub.task),
		body: []byte(`{"decision": "reject"}`), token: token})
	if err != nil || st != http.StatusUnprocessableEntity {
		t.Errorf("reject without a comment: %d %s %v, want 422", st, body, err)
	}
	if _, err := fr.d.do(ctx, request{method: http.MethodPost, url: s.decideURL(sub.task),
		body: []byte(`{"decision": "reject", "comment": "too expensive"}`), token: token, want: http.StatusOK}); err != nil {
		t.Fatal(err)
	}
	table := map[string]string{"engine": "f_order", "hand-written": "hw_order"}[s.name]
	var status, flowStatus string
	if err := fr.env.pool.QueryRow(ctx, fmt.Sprintf("SELECT status, flow_status FROM %s WHERE id = $1", table),
		sub.order).Scan(&status, &flowStatus); err != nil {
		t.Fatal(err)
	}
	if status != "rejected" || flowStatus != "rejected" {
		t.Errorf("order after the reject: status %q, flow status %q; want rejected", status, flowStatus)
	}
}
