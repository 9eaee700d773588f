package api_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// An admin lowers the order approval's countersign threshold from 100,000
// to 50,000 through the API — draft, dry run, publish — while an order of
// 60,000 is under way: that order finishes on the version it started on
// (the sales director alone), and the next one follows the new rule (both
// directors).
func TestPublishedThresholdRoutesTheNextOrder(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		sd := app.NewUser(t, enginetest.UserSpec{Email: "sd@example.com", Name: "Sales Director", Roles: []string{"sales_director"}})
		fd := app.NewUser(t, enginetest.UserSpec{Email: "fd@example.com", Name: "Finance Director", Roles: []string{"finance_director"}})
		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Name: "Rep", Roles: []string{"sales_rep"}})
		fx := seed(t, app)
		newOrder := func(t *testing.T) int64 {
			t.Helper()
			var rec struct {
				ID int64 `json:"id"`
			}
			app.Expect(t, 201, "POST", "/api/v1/forms/order/records", fmt.Sprintf(`{"customer": %d, "order_date": "2026-07-02", "region": "east",
				"discount": "0", "items": [{"product": %d, "qty": 1, "unit_price": "60000.00"}]}`, fx.Customer, fx.Product), rep.Headers()).JSON(t, &rec)
			return rec.ID
		}
		submit := func(t *testing.T, order int64) engine.InstanceView {
			t.Helper()
			var v engine.InstanceView
			app.Expect(t, 201, "POST", recordURL("order", order)+"/submit", `{"flow": "order_approval"}`, rep.Headers()).JSON(t, &v)
			return v
		}
		instance := func(t *testing.T, id int64) engine.InstanceView {
			t.Helper()
			var v engine.InstanceView
			app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/flows/instances/%d", id), "", nil).JSON(t, &v)
			return v
		}
		// pending lists who has a pending task in v, by e-mail.
		pending := func(v engine.InstanceView) []string {
			var out []string
			for _, task := range v.Tasks {
				if task.State == store.TaskPending && task.Assignee != nil {
					out = append(out, task.Assignee.Email)
				}
			}
			slices.Sort(out)
			return out
		}
		approve := func(t *testing.T, u *enginetest.User, v engine.InstanceView) {
			t.Helper()
			for _, task := range v.Tasks {
				if task.State == store.TaskPending && task.AssigneeID == u.ID {
					app.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/tasks/%d/decide", task.ID), `{"decision": "approve"}`, u.Headers())
					return
				}
			}
			t.Fatalf("%s has no pending task in instance %d", u.Email, v.ID)
		}

		first := submit(t, newOrder(t))
		if first.FlowVersion != 1 || fmt.Sprint(pending(first)) != "[sd@example.com]" {
			t.Fatalf("60,000 under v1: version %d, pending %v", first.FlowVersion, pending(first))
		}

		app.Expect(t, 201, "POST", "/api/v1/definitions", orderApprovalDraft(t, `"amount >= 100000"`, `"amount >= 50000"`), nil)
		var run struct {
			Draft   bool `json:"draft"`
			Version int  `json:"version"`
			Steps   []struct {
				Node string `json:"node"`
			} `json:"steps"`
		}
		app.Expect(t, 200, "POST", "/api/v1/definitions/flow/order_approval/dryrun", fmt.Sprintf(`{"record": %d}`, first.RecordID), nil).JSON(t, &run)
		if !run.Draft || run.Version != 2 || len(run.Steps) < 3 || run.Steps[2].Node != "countersign" {
			t.Errorf("the draft's dry run on the running order: %+v; want it countersigned under v2", run)
		}
		app.Expect(t, 200, "POST", "/api/v1/definitions/flow/order_approval/publish", `{"note": "countersign from 50,000"}`, nil)
		// note: a replica's poller may reload the registry a moment later;
		// wait past one tick so the check is not racing it.
		for end := time.Now().Add(3 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			if cf, ok := app.Engine.Snapshot().Flow("order_approval"); ok && cf.Version == 2 {
				break
			}
			if time.Now().After(end) {
				t.Fatal("order_approval v2 is not live")
			}
		}
		time.Sleep(1100 * time.Millisecond)

		approve(t, sd, instance(t, first.ID))
		done := instance(t, first.ID)
		if done.State != store.FlowApproved || done.FlowVersion != 1 {
			t.Errorf("the running order: %s on v%d; want approved on v1", done.State, done.FlowVersion)
		}
		for _, task := range done.Tasks {
			if task.AssigneeID == fd.ID {
				t.Errorf("the finance director got a task on the order started under v1: %+v", task.FlowTask)
			}
		}

		next := submit(t, newOrder(t))
		if next.FlowVersion != 2 || fmt.Sprint(pending(next)) != "[fd@example.com sd@example.com]" {
			t.Fatalf("60,000 under v2: version %d, pending %v; want both directors", next.FlowVersion, pending(next))
		}
		approve(t, sd, next)
		if v := instance(t, next.ID); v.State != store.FlowRunning {
			t.Errorf("after the sales director alone: %s; the finance director must sign too", v.State)
		}
		approve(t, fd, instance(t, next.ID))
		if v := instance(t, next.ID); v.State != store.FlowApproved {
			t.Errorf("after both directors: %s", v.State)
		}
	})
}
