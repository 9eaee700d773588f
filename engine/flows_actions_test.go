package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

func TestTaskActions(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		fdStep := `"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}], "visible": ["name", "region", "level", "notes"], "editable": ["notes"], "reject_comment_required": true`
		key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "ask"},`+
			approval("ask", "done", fdStep+`, "on_reject": "demote"`)+`,
			{"id": "demote", "type": "action", "actions": [{"type": "set_fields", "set": {"level": "\"C\""}}], "next": "no"},
			{"id": "no", "type": "end", "outcome": "rejected"},
			{"id": "done", "type": "end"}]`)
		start := func(t *testing.T) (int64, int64, int64) {
			id := w.newCustomer(t, `, "level": "A", "notes": "first"`)
			v := w.submit(t, w.rep, "customer", id, key)
			return id, v.ID, w.task(t, w.fd, v.ID).ID
		}

		t.Run("reject needs a comment, then goes to on_reject", func(t *testing.T) {
			id, inst, task := start(t)
			r := w.decide(t, w.fd, task, `{"decision": "reject", "comment": "  "}`)
			if r.Status != 422 || !strings.Contains(r.Body, `"/comment"`) {
				t.Fatalf("reject without a comment: %d %s", r.Status, r.Body)
			}
			enginetest.CheckErrorShape(t, "reject without comment", r)
			if r := w.decide(t, w.fd, task, `{"decision": "reject", "comment": "credit too low"}`); r.Status != 200 {
				t.Fatalf("reject: %d %s", r.Status, r.Body)
			}
			v := w.instance(t, inst)
			wantState(t, v, store.FlowRejected)
			rec := w.record(t, "customer", id)
			if rec["level"] != "C" || rec["flow_status"] != "rejected" {
				t.Errorf("record after reject: level %v, flow status %v", rec["level"], rec["flow_status"])
			}
			if !slices.Contains(steps(v, "demote"), "action") || v.Steps[len(v.Steps)-1].Kind != "ended" {
				t.Errorf("timeline: %s", stepWords(v))
			}
			found := false
			for _, s := range v.Steps {
				if s.Kind == "decided" && s.Comment == "credit too low" && s.Actor != nil && s.Actor.Email == w.fd.Email {
					found = true
				}
			}
			if !found {
				t.Errorf("the decision with its comment and approver is not on the timeline: %s", stepWords(v))
			}
		})

		t.Run("reject without on_reject ends the instance rejected", func(t *testing.T) {
			k := w.publishFlow(t, "customer", "", oneStep(`"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]`))
			v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), k)
			if r := w.decide(t, w.fd, w.task(t, w.fd, v.ID).ID, `{"decision": "reject"}`); r.Status != 200 {
				t.Fatalf("reject: %d %s", r.Status, r.Body)
			}
			wantState(t, w.instance(t, v.ID), store.FlowRejected)
		})

		t.Run("only the assignee decides", func(t *testing.T) {
			_, inst, task := start(t)
			cases := []struct {
				name   string
				who    *enginetest.User
				status int
			}{
				{"the submitter is told it is not theirs", w.rep, 403},
				{"an outsider is told it does not exist", w.outsider, 404},
				{"another approver is told it is not theirs", w.fin1, 404},
			}
			for _, c := range cases {
				r := w.decide(t, c.who, task, `{"decision": "approve"}`)
				if r.Status != c.status {
					t.Errorf("%s: %d, want %d: %s", c.name, r.Status, c.status, r.Body)
				}
				enginetest.CheckErrorShape(t, c.name, r)
			}
			wantState(t, w.instance(t, inst), store.FlowRunning)
			if r := w.decide(t, w.fd, task, `{"decision": "approve"}`); r.Status != 200 {
				t.Fatalf("the assignee approves: %d %s", r.Status, r.Body)
			}
			if r := w.decide(t, w.fd, task, `{"decision": "approve"}`); r.Status != 409 || !strings.Contains(r.Body, "already decided") {
				t.Errorf("deciding twice: %d %s", r.Status, r.Body)
			}
		})

		t.Run("an admin may decide for the assignee", func(t *testing.T) {
			_, inst, task := start(t)
			if r := w.decide(t, nil, task, `{"decision": "approve", "comment": "on behalf"}`); r.Status != 200 {
				t.Fatalf("admin approves: %d %s", r.Status, r.Body)
			}
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			if v.Tasks[0].DecidedByUser == nil || v.Tasks[0].DecidedByUser.Email != enginetest.AdminEmail {
				t.Errorf("decided by %+v", v.Tasks[0].DecidedByUser)
			}
		})

		t.Run("the approver edits what the node makes editable, and nothing else", func(t *testing.T) {
			id, inst, task := start(t)
			var detail struct {
				Record   map[string]any `json:"record"`
				Visible  []string       `json:"visible"`
				Editable []string       `json:"editable"`
			}
			w.app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/tasks/%d", task), "", w.fd.Headers()).JSON(t, &detail)
			if fmt.Sprint(detail.Editable) != "[notes]" || fmt.Sprint(detail.Visible) != "[name region level notes]" {
				t.Errorf("visible %v, editable %v", detail.Visible, detail.Editable)
			}
			if _, leaked := detail.Record["credit_limit"]; leaked || detail.Record["notes"] != "first" {
				t.Errorf("record as the approver sees it: %v", detail.Record)
			}
			r := w.decide(t, w.fd, task, `{"decision": "approve", "changes": {"level": "B"}}`)
			if r.Status != 403 || !strings.Contains(r.Body, `"/level"`) {
				t.Fatalf("editing a field the node does not open: %d %s", r.Status, r.Body)
			}
			if r := w.decide(t, w.fd, task, `{"decision": "reject", "comment": "x", "changes": {"notes": "no"}}`); r.Status != 422 {
				t.Errorf("changes with a reject: %d %s", r.Status, r.Body)
			}
			if got := w.record(t, "customer", id); got["level"] != "A" || got["notes"] != "first" {
				t.Fatalf("a refused decision changed the record: %v", got)
			}
			if r := w.decide(t, w.fd, task, `{"decision": "approve", "changes": {"notes": "checked the credit"}}`); r.Status != 200 {
				t.Fatalf("editing the editable field: %d %s", r.Status, r.Body)
			}
			if got := w.record(t, "customer", id)["notes"]; got != "checked the credit" {
				t.Errorf("notes %v", got)
			}
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			if !strings.Contains(string(v.Tasks[0].Changes), "checked the credit") {
				t.Errorf("the task does not keep the change: %s", v.Tasks[0].Changes)
			}
		})

		t.Run("withdraw by the submitter while nothing is decided", func(t *testing.T) {
			id, inst, _ := start(t)
			url := fmt.Sprintf("/api/v1/flows/instances/%d/withdraw", inst)
			if r := w.app.Do(t, "POST", url, "", w.fd.Headers()); r.Status != 403 {
				t.Errorf("the approver withdraws: %d %s", r.Status, r.Body)
			}
			if r := w.app.Do(t, "POST", url, "", w.outsider.Headers()); r.Status != 404 {
				t.Errorf("an outsider withdraws: %d %s", r.Status, r.Body)
			}
			w.app.Expect(t, 200, "POST", url, `{"comment": "wrong customer"}`, w.rep.Headers())
			v := w.instance(t, inst)
			wantState(t, v, store.FlowWithdrawn)
			if taskStates(v)[w.fd.Email] != store.TaskCancelled || len(w.pending(t, w.fd, inst)) != 0 {
				t.Errorf("the approver's task was not cancelled: %v", taskStates(v))
			}
			if got := w.record(t, "customer", id)["flow_status"]; got != "withdrawn" {
				t.Errorf("flow status %v", got)
			}
			if r := w.app.Do(t, "POST", url, "", w.rep.Headers()); r.Status != 409 {
				t.Errorf("withdrawing twice: %d %s", r.Status, r.Body)
			}
			// note: withdrawn, the record can be submitted again.
			w.submit(t, w.rep, "customer", id, key)
		})

		t.Run("no withdraw once an approver decided", func(t *testing.T) {
			k := w.publishFlow(t, "customer", "", oneStep(`"mode": "all", "assignees": [{"type": "role", "value": "finance"}]`))
			v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), k)
			w.approve(t, w.fin1, v.ID)
			r := w.app.Do(t, "POST", fmt.Sprintf("/api/v1/flows/instances/%d/withdraw", v.ID), "", w.rep.Headers())
			if r.Status != 409 {
				t.Errorf("withdraw after a decision: %d %s", r.Status, r.Body)
			}
			w.app.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/flows/instances/%d/cancel", v.ID), `{"comment": "duplicate"}`, nil)
			wantState(t, w.instance(t, v.ID), store.FlowCancelled)
		})

		t.Run("transfer gives the task to someone else", func(t *testing.T) {
			_, inst, task := start(t)
			url := fmt.Sprintf("/api/v1/tasks/%d/transfer", task)
			if r := w.app.Do(t, "POST", url, fmt.Sprintf(`{"to": %d}`, w.rep.ID), w.fd.Headers()); r.Status != 422 {
				t.Errorf("transfer to the submitter: %d %s", r.Status, r.Body)
			}
			w.app.Expect(t, 200, "POST", url, fmt.Sprintf(`{"to": %d, "comment": "you know them"}`, w.fin1.ID), w.fd.Headers())
			if len(w.pending(t, w.fd, inst)) != 0 {
				t.Error("the task is still in the first approver's inbox")
			}
			w.approve(t, w.fin1, inst)
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			if !slices.Contains(steps(v, "ask"), "transferred") {
				t.Errorf("timeline: %s", stepWords(v))
			}
		})
	})
}

func TestAssignees(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		// one runs a one-step flow with settings (and flow header) and returns
		// who got tasks and the instance.
		one := func(t *testing.T, header, settings string) (map[string]string, int64) {
			key := w.publishFlow(t, "customer", header, oneStep(settings))
			v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
			return taskStates(v), v.ID
		}
		cases := []struct {
			name, header, settings string
			want                   map[string]string
		}{
			{"a role's members", "", `"mode": "all", "assignees": [{"type": "role", "value": "finance"}]`,
				map[string]string{"fin1@example.com": "pending", "fin2@example.com": "pending", "fin3@example.com": "pending"}},
			{"duplicates merged", "", `"mode": "all", "assignees": [{"type": "user", "value": "fd@example.com"}, {"type": "role", "value": "finance_director"}]`,
				map[string]string{"fd@example.com": "pending"}},
			{"the submitter's manager", "", `"mode": "single", "assignees": [{"type": "manager", "levels": 1}]`,
				map[string]string{"sd@example.com": "pending"}},
			{"the manager two levels up", "", `"mode": "single", "assignees": [{"type": "manager", "levels": 2}]`,
				map[string]string{"gm@example.com": "pending"}},
			{"the submitter is left out, and the fallback takes over", `"fallback_assignee": "fd@example.com"`,
				`"mode": "single", "assignees": [{"type": "role", "value": "sales_rep"}]`, map[string]string{"fd@example.com": "pending"}},
			{"no fallback: the admins", "", `"mode": "single", "assignees": [{"type": "role", "value": "sales_rep"}]`,
				map[string]string{enginetest.AdminEmail: "pending"}},
			{"self-approval allowed", `"allow_self_approval": true`, `"mode": "single", "assignees": [{"type": "role", "value": "sales_rep"}]`,
				map[string]string{"rep@example.com": "pending"}},
			{"an unknown e-mail falls back", `"fallback_assignee": "fin2@example.com"`,
				`"mode": "single", "assignees": [{"type": "user", "value": "nobody@example.com"}]`, map[string]string{"fin2@example.com": "pending"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				got, _ := one(t, c.header, c.settings)
				if fmt.Sprint(got) != fmt.Sprint(c.want) {
					t.Errorf("tasks %v, want %v", got, c.want)
				}
			})
		}

		t.Run("an expression giving user ids", func(t *testing.T) {
			got, _ := one(t, "", fmt.Sprintf(`"mode": "all", "assignees": [{"type": "expression", "value": "[%d, %d]"}]`, w.fin1.ID, w.fin3.ID))
			if fmt.Sprint(got) != fmt.Sprint(map[string]string{"fin1@example.com": "pending", "fin3@example.com": "pending"}) {
				t.Errorf("tasks %v", got)
			}
		})

		t.Run("a user field of the record", func(t *testing.T) {
			key := w.publishFlow(t, "order", "", oneStep(`"mode": "single", "assignees": [{"type": "field", "value": "sales_rep"}]`))
			order := w.create(t, nil, "order", fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-02", "sales_rep": %d,
				"items": [{"product": %d, "qty": 1, "unit_price": "10.00"}]}`, w.customer, w.fin2.ID, w.product))
			v := w.submit(t, nil, "order", order, key)
			if got := taskStates(v); fmt.Sprint(got) != "map[fin2@example.com:pending]" {
				t.Errorf("tasks %v", got)
			}
		})

		t.Run("the head of the submitter's department", func(t *testing.T) {
			dept := w.app.NewDepartment(t, "East sales", 0)
			w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/departments/%d", dept), fmt.Sprintf(`{"head_id": %d}`, w.gm.ID), nil)
			w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", w.rep.ID), fmt.Sprintf(`{"department_ids": [%d]}`, dept), nil)
			got, _ := one(t, "", `"mode": "single", "assignees": [{"type": "department_head"}]`)
			if fmt.Sprint(got) != "map[gm@example.com:pending]" {
				t.Errorf("tasks %v", got)
			}
		})

		t.Run("nobody at all leaves the instance stuck, visibly", func(t *testing.T) {
			_, inst := one(t, `"fallback_assignee": "rep@example.com"`, `"mode": "single", "assignees": [{"type": "user", "value": "rep@example.com"}]`)
			v := w.instance(t, inst)
			wantState(t, v, store.FlowStuck)
			if len(v.Current) != 1 || v.Current[0].State != "stuck" || !strings.Contains(v.Current[0].Reason, "nobody") {
				t.Errorf("current %+v", v.Current)
			}
		})

		t.Run("deactivated users are left out", func(t *testing.T) {
			w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", w.fin3.ID), `{"active": false}`, nil)
			defer w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", w.fin3.ID), `{"active": true}`, nil)
			got, _ := one(t, "", `"mode": "all", "assignees": [{"type": "role", "value": "finance"}]`)
			if fmt.Sprint(got) != "map[fin1@example.com:pending fin2@example.com:pending]" {
				t.Errorf("tasks %v", got)
			}
		})

		t.Run("out of office: the delegate gets the task, on behalf of the approver", func(t *testing.T) {
			ends := time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)
			var away struct {
				ID int64 `json:"id"`
			}
			w.app.Expect(t, 201, "POST", "/api/v1/me/out-of-office", fmt.Sprintf(`{"delegate_id": %d, "ends_at": %q}`, w.fin1.ID, ends), w.fd.Headers()).JSON(t, &away)
			defer w.app.Expect(t, 204, "DELETE", fmt.Sprintf("/api/v1/me/out-of-office/%d", away.ID), "", w.fd.Headers())
			got, inst := one(t, "", `"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]`)
			if fmt.Sprint(got) != "map[fin1@example.com:pending]" {
				t.Fatalf("tasks %v", got)
			}
			task := w.task(t, w.fin1, inst)
			if task.OnBehalfOf == nil || *task.OnBehalfOf != w.fd.ID || task.OnBehalfOfUser == nil || task.OnBehalfOfUser.Email != w.fd.Email {
				t.Errorf("on behalf of %v", task.OnBehalfOf)
			}
			v := w.instance(t, inst)
			noted := false
			for _, s := range v.Steps {
				noted = noted || (s.Kind == "task_created" && strings.Contains(s.Comment, "out of office"))
			}
			if !noted {
				t.Errorf("the timeline does not say why: %s", stepWords(v))
			}
			// note: the one it was meant for can still see it.
			w.app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/tasks/%d", task.ID), "", w.fd.Headers())
			w.approve(t, w.fin1, inst)
			wantState(t, w.instance(t, inst), store.FlowApproved)
		})
	})
}
