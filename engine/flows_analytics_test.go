package engine_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// analyticsHistory writes a known history of the example's order approval
// and of another flow, starting 2026-07-01 08:00 UTC (T0), and returns it
// with the directors' ids. The figures the tests expect are worked out from
// it by hand, in the comments.
func analyticsHistory(t *testing.T, app *enginetest.App) (h *enginetest.History, sd, fd int64) {
	t.Helper()
	sd = app.NewUser(t, enginetest.UserSpec{Email: "sd@example.com", Name: "Sales Director", Roles: []string{"sales_director"}}).ID
	fd = app.NewUser(t, enginetest.UserSpec{Email: "fd@example.com", Name: "Finance Director", Roles: []string{"finance_director"}}).ID
	h = app.History(t, "order", time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC))
	const flow, sda, fds = "order_approval", "sales_director_approval", "finance_director_sign"
	hr := time.Hour

	// I1 approved after 3h: the sales director took 1h; the finance
	// director's task was queued 1h before their turn came, then took 1h.
	i1 := h.Instance(flow, store.FlowApproved, 0, h.At(3*hr))
	h.Task(i1, sda, sd, store.TaskApproved, 0, h.At(hr), nil)
	t2 := h.Task(i1, fds, fd, store.TaskApproved, hr, h.At(3*hr), nil)
	h.Handed(i1, t2, fds, 2*hr)
	// I2 rejected after 30m by the sales director.
	i2 := h.Instance(flow, store.FlowRejected, hr, h.At(hr+30*time.Minute))
	h.Task(i2, sda, sd, store.TaskRejected, hr, h.At(hr+30*time.Minute), nil)
	// I3 running: the sales director's task is due at 3h, the finance
	// director's at 10h; a notice (cc) is not a task.
	i3 := h.Instance(flow, store.FlowRunning, 2*hr, nil)
	h.Task(i3, sda, sd, store.TaskPending, 2*hr, nil, h.At(3*hr))
	h.Task(i3, fds, fd, store.TaskPending, 2*hr, nil, h.At(10*hr))
	h.Task(i3, "mark_approved", sd, store.TaskCC, 2*hr, nil, nil)
	// I4 running: returned by the sales director after 2h; the finance
	// director's task was cancelled.
	i4 := h.Instance(flow, store.FlowRunning, 3*hr, nil)
	h.Task(i4, sda, sd, "returned", 3*hr, h.At(5*hr), nil)
	h.Task(i4, fds, fd, store.TaskCancelled, 3*hr, nil, nil)
	// I5, two days before T0, approved in 60s.
	i5 := h.Instance(flow, store.FlowApproved, -48*hr, h.At(-47*hr))
	h.Task(i5, sda, sd, store.TaskApproved, -48*hr, h.At(-48*hr+time.Minute), nil)
	// I6, another flow, withdrawn with its task skipped.
	i6 := h.Instance("other_flow", store.FlowWithdrawn, hr, h.At(2*hr))
	h.Task(i6, "check", fd, store.TaskSkipped, hr, nil, nil)
	return h, sd, fd
}

// figures renders optional numbers for comparison: "-" for null.
func figures(vs ...*float64) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = "-"
		if v != nil {
			parts[i] = fmt.Sprintf("%.4g", *v)
		}
	}
	return strings.Join(parts, " ")
}

func TestFlowAnalytics(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		h, sd, fd := analyticsHistory(t, app)
		ctx := context.Background()
		admin := &engine.Principal{User: *app.Admin, Roles: []string{engine.RoleAdmin}}
		run := func(t *testing.T, q flows.AnalyticsQuery) *engine.FlowAnalytics {
			t.Helper()
			a, err := app.Engine.FlowAnalytics(ctx, admin, q)
			if err != nil {
				t.Fatal(err)
			}
			return a
		}

		t.Run("one flow, one day", func(t *testing.T) {
			a := run(t, flows.AnalyticsQuery{Flow: "order_approval", From: h.T0, To: h.T0.Add(24 * time.Hour), Now: h.T0.Add(5 * time.Hour)})
			if len(a.Flows) != 1 {
				t.Fatalf("flows %+v", a.Flows)
			}
			// I1–I4: two running, one approved in 3h, one rejected in 30m.
			f := a.Flows[0]
			if got := fmt.Sprintf("%s %q %d: %d running, %d approved, %d rejected, cycle %s", f.Flow, f.FlowTitle, f.Instances, f.Running, f.Approved, f.Rejected,
				figures(f.AvgCycleSeconds)); got != `order_approval "Order approval 订单审批" 4: 2 running, 1 approved, 1 rejected, cycle 6300` {
				t.Errorf("flow row: %s", got)
			}
			if len(a.Nodes) != 2 {
				t.Fatalf("node rows %+v", a.Nodes)
			}
			// note: in the flow's node order: the finance director's sign
			// comes before the sales director's single approval.
			fdn, sdn := a.Nodes[0], a.Nodes[1]
			// I1, I3, I4; decided: 1h (its turn came at 2h), approved.
			if got := fmt.Sprintf("%s %q: %d instances %d tasks, %d decided (%d/%d/%d), rates %s, %d pending %d overdue, avg/p90 %s",
				fdn.Node, fdn.NodeTitle, fdn.Instances, fdn.Tasks, fdn.Decided, fdn.Approved, fdn.Rejected, fdn.Returned,
				figures(fdn.PassRate, fdn.RejectRate, fdn.ReturnRate), fdn.Pending, fdn.Overdue, figures(fdn.AvgDecisionSeconds, fdn.P90DecisionSeconds)); got !=
				`finance_director_sign "Finance director 财务总监": 3 instances 3 tasks, 1 decided (1/0/0), rates 1 0 0, 1 pending 0 overdue, avg/p90 3600 3600` {
				t.Errorf("finance director's node: %s", got)
			}
			// I1–I4; decided in 1h, 30m and 2h: mean 4200, p90 (3rd of 3) 7200;
			// I3's task was due at 3h, so at 5h it is overdue.
			if got := fmt.Sprintf("%s: %d instances %d tasks, %d decided (%d/%d/%d), rates %s, %d pending %d overdue, avg/p90 %s",
				sdn.Node, sdn.Instances, sdn.Tasks, sdn.Decided, sdn.Approved, sdn.Rejected, sdn.Returned,
				figures(sdn.PassRate, sdn.RejectRate, sdn.ReturnRate), sdn.Pending, sdn.Overdue, figures(sdn.AvgDecisionSeconds, sdn.P90DecisionSeconds)); got !=
				`sales_director_approval: 4 instances 4 tasks, 3 decided (1/1/1), rates 0.3333 0.3333 0.3333, 1 pending 1 overdue, avg/p90 4200 7200` {
				t.Errorf("sales director's node: %s", got)
			}
			if len(a.Assignees) != 2 {
				t.Fatalf("assignee rows %+v", a.Assignees)
			}
			// note: the sales director, with an overdue task, is the
			// bottleneck and comes first.
			var got []string
			for _, r := range a.Assignees {
				got = append(got, fmt.Sprintf("%d %s <%s>: %d tasks, %d pending, %d overdue, %d decided in %s", r.UserID, r.Name, r.Email,
					r.Tasks, r.Pending, r.Overdue, r.Decided, figures(r.AvgDecisionSeconds)))
			}
			want := []string{fmt.Sprintf("%d Sales Director <sd@example.com>: 4 tasks, 1 pending, 1 overdue, 3 decided in 4200", sd),
				fmt.Sprintf("%d Finance Director <fd@example.com>: 3 tasks, 1 pending, 0 overdue, 1 decided in 3600", fd)}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("assignees:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if a.Flow != "order_approval" || !a.From.Equal(h.T0) || !a.To.Equal(h.T0.Add(24*time.Hour)) || !a.At.Equal(h.T0.Add(5*time.Hour)) {
				t.Errorf("query echoed as %q %v %v %v", a.Flow, a.From, a.To, a.At)
			}
		})

		t.Run("every flow, all time", func(t *testing.T) {
			a := run(t, flows.AnalyticsQuery{Now: h.T0.Add(5 * time.Hour)})
			var got []string
			for _, f := range a.Flows {
				got = append(got, fmt.Sprintf("%s %d: %d approved %d withdrawn, cycle %s", f.Flow, f.Instances, f.Approved, f.Withdrawn, figures(f.AvgCycleSeconds)))
			}
			// order approval gains I5 (approved in 1h): cycles 3h, 30m, 1h;
			// the other flow's one instance was withdrawn, not finished.
			if strings.Join(got, "; ") != "order_approval 5: 2 approved 0 withdrawn, cycle 5400; other_flow 1: 0 approved 1 withdrawn, cycle -" {
				t.Errorf("flows: %s", strings.Join(got, "; "))
			}
			got = nil
			for _, n := range a.Nodes {
				got = append(got, fmt.Sprintf("%s/%s %d decided, pass %s, avg/p90 %s", n.Flow, n.Node, n.Decided, figures(n.PassRate), figures(n.AvgDecisionSeconds, n.P90DecisionSeconds)))
			}
			// the sales director's node gains I5's 60s approval: mean of
			// 3600, 1800, 7200 and 60 is 3165, p90 the 4th of 4.
			want := "order_approval/finance_director_sign 1 decided, pass 1, avg/p90 3600 3600; " +
				"order_approval/sales_director_approval 4 decided, pass 0.5, avg/p90 3165 7200; " +
				"other_flow/check 0 decided, pass -, avg/p90 - -"
			if strings.Join(got, "; ") != want {
				t.Errorf("nodes: %s\nwant:  %s", strings.Join(got, "; "), want)
			}
			if len(a.Assignees) != 3 || a.Assignees[2].Flow != "other_flow" || a.Assignees[2].FlowTitle != "other_flow" {
				t.Errorf("assignees %+v", a.Assignees)
			}
		})

		t.Run("period ends are half open; overdue is judged at Now", func(t *testing.T) {
			// note: I4 started exactly at 3h, which To leaves out; at 1h
			// nothing was overdue yet.
			a := run(t, flows.AnalyticsQuery{Flow: "order_approval", From: h.T0, To: h.T0.Add(3 * time.Hour), Now: h.T0.Add(time.Hour)})
			if a.Flows[0].Instances != 3 || a.Nodes[1].Overdue != 0 || a.Nodes[1].Returned != 0 || a.Nodes[1].Pending != 1 {
				t.Errorf("flow %+v, node %+v", a.Flows[0], a.Nodes[1])
			}
			a = run(t, flows.AnalyticsQuery{From: h.T0.Add(time.Minute), To: h.T0.Add(time.Hour + time.Minute)})
			if len(a.Flows) != 2 || a.Flows[0].Instances != 1 || a.Flows[0].Rejected != 1 || a.Flows[1].Withdrawn != 1 {
				t.Errorf("from 0:01 to 1:01: %+v", a.Flows)
			}
			a = run(t, flows.AnalyticsQuery{From: h.T0.Add(100 * time.Hour)})
			if a.Flows == nil || a.Nodes == nil || a.Assignees == nil || len(a.Flows)+len(a.Nodes)+len(a.Assignees) != 0 {
				t.Errorf("an empty period must give empty lists: %+v", a.Analytics)
			}
		})

		t.Run("refusals", func(t *testing.T) {
			rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Name: "Rep", Roles: []string{"sales_rep"}})
			p := &engine.Principal{User: store.User{ID: rep.ID, Email: rep.Email}, Roles: []string{"sales_rep"}}
			if _, err := app.Engine.FlowAnalytics(ctx, p, flows.AnalyticsQuery{}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("a sales rep: %v, want forbidden", err)
			}
			if _, err := app.Engine.FlowAnalytics(ctx, admin, flows.AnalyticsQuery{Flow: "other_flow"}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a flow that is not published: %v, want not found", err)
			}
			_, err := app.Engine.FlowAnalytics(ctx, admin, flows.AnalyticsQuery{From: h.T0, To: h.T0})
			if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/to" {
				t.Errorf("an empty period: %v, want a problem at /to", err)
			}
		})
	})
}

// Decisions taken through the runtime are what the analytics count: the
// task states and the timeline steps the runtime writes are the ones the
// queries read.
func TestFlowAnalyticsOfRealDecisions(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		key := w.publishFlow(t, "customer", "", `[
			{"id": "start", "type": "start", "next": "signers"},
			{"id": "signers", "type": "approval", "title": "Signers", "next": "done",
			 "approval": {"mode": "sequential", "assignees": [{"type": "role", "value": "sales_director"}, {"type": "role", "value": "finance_director"}],
			  "deadline": {"after": "1d", "then": "remind"}}},
			{"id": "done", "type": "end"}]`)
		settled(t, "flow "+key, func() bool { _, ok := app.Engine.Snapshot().Flow(key); return ok })
		approved := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
		w.approve(t, w.sd, approved.ID)
		w.approve(t, w.fd, approved.ID)
		rejected := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
		task := w.task(t, w.sd, rejected.ID)
		if r := w.decide(t, w.sd, task.ID, `{"decision": "reject", "comment": "no"}`); r.Status != 200 {
			t.Fatalf("reject: %d %s", r.Status, r.Body)
		}
		waiting := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)

		admin := &engine.Principal{User: *app.Admin, Roles: []string{engine.RoleAdmin}}
		a, err := app.Engine.FlowAnalytics(context.Background(), admin, flows.AnalyticsQuery{Flow: key, Now: time.Now().Add(48 * time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		f := a.Flows[0]
		if f.Instances != 3 || f.Approved != 1 || f.Rejected != 1 || f.Running != 1 || f.AvgCycleSeconds == nil {
			t.Errorf("flow row %+v", f)
		}
		if len(a.Nodes) != 1 {
			t.Fatalf("node rows %+v", a.Nodes)
		}
		// note: the finance director's task of the rejected and the waiting
		// instances never came to them (skipped, queued).
		n := a.Nodes[0]
		if n.NodeTitle != "Signers" || n.Instances != 3 || n.Tasks != 6 || n.Approved != 2 || n.Rejected != 1 || n.Pending != 1 || n.Overdue != 1 ||
			figures(n.PassRate) != "0.6667" || n.AvgDecisionSeconds == nil || *n.AvgDecisionSeconds < 0 || *n.AvgDecisionSeconds > 60 {
			t.Errorf("node row %+v (pass %s, avg %s)", n, figures(n.PassRate), figures(n.AvgDecisionSeconds))
		}
		byUser := map[int64]string{}
		for _, r := range a.Assignees {
			byUser[r.UserID] = fmt.Sprintf("%d pending %d overdue %d decided", r.Pending, r.Overdue, r.Decided)
		}
		if byUser[w.sd.ID] != "1 pending 1 overdue 2 decided" || byUser[w.fd.ID] != "0 pending 0 overdue 1 decided" {
			t.Errorf("assignees %v (waiting instance %d)", byUser, waiting.ID)
		}
	})
}
