package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// The example's order approval, end to end through the API.
func TestOrderApprovalExample(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		submit := func(t *testing.T, amount, discount string) (int64, int64) {
			order := w.order(t, amount, discount)
			v := w.submit(t, w.rep, "order", order, "order_approval")
			return order, v.ID
		}
		wantOrder := func(t *testing.T, order int64, status string) {
			t.Helper()
			rec := w.record(t, "order", order)
			if rec["status"] != status || rec["flow_status"] != status {
				t.Errorf("order %d: status %v, flow status %v; want %s", order, rec["status"], rec["flow_status"], status)
			}
		}

		t.Run("50,000: the sales director alone approves", func(t *testing.T) {
			order, inst := submit(t, "50000.00", "0")
			if got := taskStates(w.instance(t, inst)); fmt.Sprint(got) != "map[sd@example.com:pending]" {
				t.Fatalf("tasks %v", got)
			}
			if got := w.record(t, "order", order)["flow_status"]; got != "running: sales_director_approval" {
				t.Errorf("flow status while running: %v", got)
			}
			w.approve(t, w.sd, inst)
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			wantOrder(t, order, "approved")
			var notice engine.Inbox
			w.app.Expect(t, 200, "GET", "/api/v1/tasks?state=cc", "", w.rep.Headers()).JSON(t, &notice)
			found := false
			for _, n := range notice.Items {
				found = found || (n.InstanceID == inst && strings.HasPrefix(n.Message, "Order SO-") && strings.Contains(n.Message, " is approved."))
			}
			if !found {
				t.Errorf("the rep got no notice of the approval: %+v", notice.Items)
			}
		})

		t.Run("150,000: both directors countersign", func(t *testing.T) {
			order, inst := submit(t, "150000.00", "0")
			v := w.instance(t, inst)
			if got := taskStates(v); fmt.Sprint(got) != "map[fd@example.com:pending sd@example.com:pending]" {
				t.Fatalf("tasks %v", got)
			}
			if !strings.Contains(string(v.Steps[1].Data), `"amount":150000.00`) || !strings.Contains(string(v.Steps[1].Data), `"taken":true`) {
				t.Errorf("the routing step does not say why: %s", v.Steps[1].Data)
			}
			w.approve(t, w.fd, inst)
			wantState(t, w.instance(t, inst), store.FlowRunning)
			if rec := w.record(t, "order", order); rec["status"] != "draft" || rec["flow_status"] != "running: sales_director_sign" {
				t.Errorf("order half signed: status %v, flow status %v", rec["status"], rec["flow_status"])
			}
			w.approve(t, w.sd, inst)
			wantState(t, w.instance(t, inst), store.FlowApproved)
			wantOrder(t, order, "approved")
		})

		t.Run("150,000 rejected by one director: the other's task is cancelled", func(t *testing.T) {
			order, inst := submit(t, "150000.00", "0")
			task := w.task(t, w.sd, inst)
			if r := w.decide(t, w.sd, task.ID, `{"decision": "reject"}`); r.Status != 422 {
				t.Fatalf("reject without a comment: %d %s", r.Status, r.Body)
			}
			if r := w.decide(t, w.sd, task.ID, `{"decision": "reject", "comment": "margin too thin"}`); r.Status != 200 {
				t.Fatalf("reject: %d %s", r.Status, r.Body)
			}
			v := w.instance(t, inst)
			wantState(t, v, store.FlowRejected)
			if got := taskStates(v); fmt.Sprint(got) != "map[fd@example.com:cancelled rep@example.com:cc sd@example.com:rejected]" {
				t.Errorf("tasks %v", got)
			}
			wantOrder(t, order, "rejected")
			// note: a rejected order may be corrected and submitted again.
			w.submit(t, w.rep, "order", order, "order_approval")
		})

		t.Run("the sales director raises the discount, so the general manager must approve too", func(t *testing.T) {
			order, inst := submit(t, "50000.00", "0.1")
			task := w.task(t, w.sd, inst)
			if r := w.decide(t, w.sd, task.ID, `{"decision": "approve", "changes": {"notes": "x"}}`); r.Status != 403 {
				t.Fatalf("editing notes, which the node does not open: %d %s", r.Status, r.Body)
			}
			if r := w.decide(t, w.sd, task.ID, `{"decision": "approve", "changes": {"discount": "0.25"}}`); r.Status != 200 {
				t.Fatalf("approve with a discount: %d %s", r.Status, r.Body)
			}
			if got := taskStates(w.instance(t, inst)); got["gm@example.com"] != "pending" {
				t.Fatalf("tasks %v", got)
			}
			w.approve(t, w.gm, inst)
			wantOrder(t, order, "approved")
			if got := w.record(t, "order", order)["amount"]; fmt.Sprint(got) != "37500" {
				t.Errorf("amount after the discount %v", got)
			}
		})

		t.Run("submitting twice is a conflict", func(t *testing.T) {
			order, _ := submit(t, "100.00", "0")
			r := w.app.Do(t, "POST", fmt.Sprintf("/api/v1/forms/order/records/%d/submit", order), `{"flow": "order_approval"}`, w.rep.Headers())
			if r.Status != 409 {
				t.Errorf("second submit: %d %s", r.Status, r.Body)
			}
		})
	})
}

// Concurrent decisions on the same tasks: exactly one wins per task, every
// other gets a conflict, and the instance moves on once.
func TestDecideConcurrently(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		const workers = 50
		key := w.publishFlow(t, "customer", "", oneStep(`"mode": "all", "assignees": [{"type": "role", "value": "finance"}]`))
		v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
		if len(v.Tasks) != 3 {
			t.Fatalf("%d tasks, want 3", len(v.Tasks))
		}
		ctx := context.Background()
		principals := map[int64]*engine.Principal{}
		for _, u := range []*enginetest.User{w.fin1, w.fin2, w.fin3} {
			p, err := app.Engine.Authenticate(ctx, u.Token)
			if err != nil {
				t.Fatal(err)
			}
			principals[u.ID] = p
		}
		var mu sync.Mutex
		wins := map[int64]int{}
		conflicts := 0
		var wg sync.WaitGroup
		for i := range workers {
			task := v.Tasks[i%len(v.Tasks)]
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := app.Engine.DecideTask(ctx, principals[task.AssigneeID], task.ID, engine.DecideInput{Decision: "approve", Comment: fmt.Sprint("worker ", i)})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins[task.ID]++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("worker %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		for _, task := range v.Tasks {
			if wins[task.ID] != 1 {
				t.Errorf("task %d was decided %d times", task.ID, wins[task.ID])
			}
		}
		if conflicts != workers-len(v.Tasks) {
			t.Errorf("%d conflicts, want %d", conflicts, workers-len(v.Tasks))
		}
		got := w.instance(t, v.ID)
		wantState(t, got, store.FlowApproved)
		if n := strings.Count(strings.Join(steps(got, ""), ","), "decided"); n != 3 {
			t.Errorf("%d decided steps, want 3: %s", n, stepWords(got))
		}
		if n := strings.Count(strings.Join(steps(got, ""), ","), "ended"); n != 1 {
			t.Errorf("%d ended steps, want 1", n)
		}
	})
}

// Publishing a new threshold while an order is under way: the running
// instance finishes on the version it started on; the next order follows
// the new rule.
func TestFlowVersionPinning(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		first := w.order(t, "60000.00", "0")
		running := w.submit(t, w.rep, "order", first, "order_approval")
		if running.FlowVersion != 1 || fmt.Sprint(taskStates(running)) != "map[sd@example.com:pending]" {
			t.Fatalf("v1 on 60,000: version %d, tasks %v", running.FlowVersion, taskStates(running))
		}

		raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "flows", "order-approval.json"))
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(raw), `"amount >= 100000"`, `"amount >= 50000"`, 1)
		if changed == string(raw) {
			t.Fatal("the example's threshold is not where this test expects it")
		}
		if r := app.Do(t, "POST", "/api/v1/definitions", changed, nil); r.Status >= 300 {
			t.Fatalf("save draft: %d %s", r.Status, r.Body)
		}
		app.Expect(t, 200, "POST", "/api/v1/definitions/flow/order_approval/publish", `{"note": "threshold 50,000"}`, nil)
		settled(t, "order_approval v2", func() bool {
			cf, ok := app.Engine.Snapshot().Flow("order_approval")
			return ok && cf.Version == 2
		})

		w.approve(t, w.sd, running.ID)
		done := w.instance(t, running.ID)
		wantState(t, done, store.FlowApproved)
		if decided := decisions(done); done.FlowVersion != 1 || len(decided) != 1 || decided[0].Assignee.Email != w.sd.Email {
			t.Errorf("the running instance left its version: v%d, tasks %v", done.FlowVersion, taskStates(done))
		}

		next := w.submit(t, w.rep, "order", w.order(t, "60000.00", "0"), "order_approval")
		if next.FlowVersion != 2 || fmt.Sprint(taskStates(next)) != "map[fd@example.com:pending sd@example.com:pending]" {
			t.Errorf("v2 on 60,000: version %d, tasks %v", next.FlowVersion, taskStates(next))
		}
	})
}

// decisions are v's approval tasks, leaving out notices.
func decisions(v engine.InstanceView) []engine.TaskView {
	var out []engine.TaskView
	for _, task := range v.Tasks {
		if task.State != store.TaskCC {
			out = append(out, task)
		}
	}
	return out
}

// A form published after its flow: the flow runs against the new form
// version (compiled again), also inside the transaction of a create.
func TestFlowAfterItsFormChanged(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		key := w.publishFlow(t, "customer", "", oneStep(`"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]`))
		onCreate := `{"kind": "flow", "key": "on_create", "title": "On create", "form": "customer", "triggers": [{"on": "create", "when": "level == \"A\""}],
			"nodes": [{"id": "start", "type": "start", "next": "ask"}, ` + approval("ask", "done", `"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]`) + `,
			{"id": "done", "type": "end"}]}`
		if _, err := app.Engine.Import(context.Background(), [][]byte{[]byte(onCreate)}, engine.PublishOptions{}, forms.Actor{}); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "forms", "customer.json"))
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(raw), `"fields": [`, `"fields": [{"key": "segment", "type": "text", "label": "Segment"},`, 1)
		if _, err := app.Engine.Import(context.Background(), [][]byte{[]byte(changed)}, engine.PublishOptions{}, forms.Actor{}); err != nil {
			t.Fatalf("publish the changed form: %v", err)
		}
		settled(t, "the flow and the changed form", func() bool {
			_, flow := app.Engine.Snapshot().Flow("on_create")
			form, ok := app.Engine.Snapshot().Form("customer")
			return flow && ok && form.Version == 2
		})
		created := w.app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name": "New", "region": "east", "level": "A", "segment": "smb"}`, nil).Map(t)
		if created["flow_status"] != "running: ask" {
			t.Fatalf("created %v", created)
		}
		v := w.submit(t, w.rep, "customer", int64(created["id"].(float64)), key)
		w.approve(t, w.fd, v.ID)
		wantState(t, w.instance(t, v.ID), store.FlowApproved)
		if got := w.record(t, "customer", int64(created["id"].(float64))); got["segment"] != "smb" || got["form_version"] != 2.0 {
			t.Errorf("the record lost the new field or its version: %v", got)
		}
	})
}

// Concurrent submits of one record: one instance starts, the others get a
// conflict.
func TestSubmitConcurrently(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		order := w.order(t, "100.00", "0")
		ctx := context.Background()
		p, err := app.Engine.Authenticate(ctx, w.rep.Token)
		if err != nil {
			t.Fatal(err)
		}
		f, err := app.Engine.Form("order")
		if err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		started, conflicts := 0, 0
		var wg sync.WaitGroup
		for i := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := app.Engine.SubmitRecord(ctx, p, f, order, "order_approval")
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					started++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("submit %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if started != 1 || conflicts != 9 {
			t.Errorf("%d started, %d conflicts; want 1 and 9", started, conflicts)
		}
	})
}
