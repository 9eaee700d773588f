package engine_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// approval is the JSON of an approval node id going to next.
func approval(id, next, settings string) string {
	return fmt.Sprintf(`{"id": %q, "type": "approval", "next": %q, "approval": {%s}}`, id, next, settings)
}

// oneStep is a flow of one approval node between start and end.
func oneStep(settings string) string {
	return `[{"id": "start", "type": "start", "next": "ask"}, ` + approval("ask", "done", settings) + `, {"id": "done", "type": "end"}]`
}

func TestFlowNodeTypes(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)

		t.Run("branch takes the first condition that holds and records what it read", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[
				{"id": "start", "type": "start", "next": "route"},
				{"id": "route", "type": "branch", "branches": [
					{"when": "credit_limit >= 100000", "next": "big", "label": "big"},
					{"when": "level == \"A\"", "next": "key_account"}], "default": "small"},
				{"id": "big", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"big\""}}], "next": "done"},
				{"id": "key_account", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"key account\""}}], "next": "done"},
				{"id": "small", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"small\""}}], "next": "done"},
				{"id": "done", "type": "end"}]`)
			cases := []struct {
				name, fields, notes string
				tried               int
				values              []string
				isDefault           bool
			}{
				{"first condition", `, "credit_limit": "150000.00", "level": "A"`, "big", 1, []string{`"credit_limit":150000.00`}, false},
				{"second condition", `, "credit_limit": "1000.00", "level": "A"`, "key account", 2, []string{`"credit_limit":1000.00`, `"level":"A"`}, false},
				{"default", `, "credit_limit": "1000.00", "level": "B"`, "small", 2, []string{`"level":"B"`}, true},
			}
			for _, c := range cases {
				id := w.newCustomer(t, c.fields)
				v := w.instance(t, w.submit(t, w.rep, "customer", id, key).ID)
				wantState(t, v, store.FlowApproved)
				if got := w.record(t, "customer", id)["notes"]; got != c.notes {
					t.Errorf("%s: notes %v, want %q", c.name, got, c.notes)
				}
				var route struct {
					Conditions []struct {
						When   string          `json:"when"`
						Values json.RawMessage `json:"values"`
						Taken  bool            `json:"taken"`
					} `json:"conditions"`
					Default bool   `json:"default"`
					Next    string `json:"next"`
				}
				for _, s := range v.Steps {
					if s.NodeID == "route" {
						if err := json.Unmarshal(s.Data, &route); err != nil {
							t.Fatal(err)
						}
					}
				}
				if len(route.Conditions) != c.tried || route.Default != c.isDefault {
					t.Errorf("%s: tried %d conditions (default %v), want %d (%v): %s", c.name, len(route.Conditions), route.Default, c.tried, c.isDefault, stepWords(v))
				}
				all := ""
				for _, cond := range route.Conditions {
					all += string(cond.Values)
				}
				for _, want := range c.values {
					if !strings.Contains(all, want) {
						t.Errorf("%s: the route step lacks %s: %s", c.name, want, all)
					}
				}
				if !c.isDefault && !route.Conditions[len(route.Conditions)-1].Taken {
					t.Errorf("%s: the last condition tried is not marked taken", c.name)
				}
			}
		})

		t.Run("cc notifies and moves on", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "tell"},
				{"id": "tell", "type": "cc", "approval": {"assignees": [{"type": "role", "value": "finance"}]}, "next": "done"},
				{"id": "done", "type": "end"}]`)
			v := w.instance(t, w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key).ID)
			wantState(t, v, store.FlowApproved)
			got := taskStates(v)
			for _, u := range []*enginetest.User{w.fin1, w.fin2, w.fin3} {
				if got[u.Email] != store.TaskCC {
					t.Errorf("%s: task %q, want cc; all: %v", u.Email, got[u.Email], got)
				}
			}
			var inbox engine.Inbox
			w.app.Expect(t, 200, "GET", "/api/v1/tasks?state=cc", "", w.fin1.Headers()).JSON(t, &inbox)
			if inbox.Counts["cc"] < 1 || len(inbox.Items) < 1 {
				t.Errorf("fin1's inbox has no notice: %+v", inbox)
			}
		})

		split := func(join string) string {
			return `[{"id": "start", "type": "start", "next": "both"},
				{"id": "both", "type": "split", "targets": ["a", "b", "c"]},` +
				approval("a", "meet", `"mode": "single", "assignees": [{"type": "user", "value": "fd@example.com"}]`) + `,` +
				approval("b", "meet", `"mode": "single", "assignees": [{"type": "user", "value": "sd@example.com"}]`) + `,` +
				approval("c", "meet", `"mode": "single", "assignees": [{"type": "user", "value": "fin1@example.com"}]`) + `,
				{"id": "meet", "type": "join", ` + join + `, "next": "done"},
				{"id": "done", "type": "end"}]`
		}
		joins := []struct {
			name, join string
			approvers  int
			cancelled  []*enginetest.User
		}{
			{"join all waits for every path", `"join": "all"`, 3, nil},
			{"join any goes on with the first and cancels the others", `"join": "any"`, 1, []*enginetest.User{w.sd, w.fin1}},
			{"join n goes on with n paths", `"join": "n", "n": 2`, 2, []*enginetest.User{w.fin1}},
		}
		for _, c := range joins {
			t.Run(c.name, func(t *testing.T) {
				key := w.publishFlow(t, "customer", "", split(c.join))
				v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
				if len(v.Tasks) != 3 {
					t.Fatalf("the split made %d tasks, want 3", len(v.Tasks))
				}
				for i, u := range []*enginetest.User{w.fd, w.sd, w.fin1}[:c.approvers] {
					if got := w.instance(t, v.ID); got.State != store.FlowRunning {
						t.Fatalf("after %d approvals the instance is %s: %s", i, got.State, stepWords(got))
					}
					w.approve(t, u, v.ID)
				}
				got := w.instance(t, v.ID)
				wantState(t, got, store.FlowApproved)
				for _, u := range c.cancelled {
					if s := taskStates(got)[u.Email]; s != store.TaskCancelled {
						t.Errorf("%s's task is %s, want cancelled", u.Email, s)
					}
				}
				if n := strings.Count(strings.Join(steps(got, "meet"), ","), store.FlowStep{Kind: "joined"}.Kind); n != c.approvers {
					t.Errorf("%d joined steps, want %d: %s", n, c.approvers, stepWords(got))
				}
			})
		}

		t.Run("actions create and update records in other forms", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "act"},
				{"id": "act", "type": "action", "actions": [
					{"type": "create_record", "form": "product", "set": {"sku": "\"SUP-\" + string(id)", "name": "name + \" support\"",
						"product_line": "\"service\"", "unit_price": "credit_limit / 100"}},
					{"type": "update_record", "form": "customer", "record": "id", "set": {"notes": "\"checked by the flow\""}}],
				"next": "done"},
				{"id": "done", "type": "end"}]`)
			id := w.newCustomer(t, `, "credit_limit": "12345.00"`)
			v := w.instance(t, w.submit(t, w.rep, "customer", id, key).ID)
			wantState(t, v, store.FlowApproved)
			if got := w.record(t, "customer", id)["notes"]; got != "checked by the flow" {
				t.Errorf("customer notes %v", got)
			}
			var made struct {
				Record int64 `json:"record"`
			}
			for _, s := range v.Steps {
				if s.Kind == "action" && strings.Contains(string(s.Data), "create_record") {
					_ = json.Unmarshal(s.Data, &made)
				}
			}
			p := w.record(t, "product", made.Record)
			if fmt.Sprint(p["unit_price"]) != "123.45" || p["product_line"] != "service" || p["owner"] != float64(w.rep.ID) {
				t.Errorf("created product %v", p)
			}
		})

		t.Run("an action the record refuses leaves the instance stuck, not silently waiting", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "act"},
				{"id": "act", "type": "action", "actions": [{"type": "set_fields", "set": {"level": "name"}}], "next": "done"},
				{"id": "done", "type": "end"}]`)
			id := w.newCustomer(t, "")
			v := w.instance(t, w.submit(t, w.rep, "customer", id, key).ID)
			wantState(t, v, store.FlowStuck)
			if !slices.Contains(steps(v, "act"), "stuck") {
				t.Errorf("no stuck step: %s", stepWords(v))
			}
			if got := w.record(t, "customer", id)["flow_status"]; got != "stuck: act" {
				t.Errorf("flow status %v", got)
			}
		})

		t.Run("an end node's outcome becomes the instance's and the record's", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "no"}, {"id": "no", "type": "end", "outcome": "rejected"}]`)
			id := w.newCustomer(t, "")
			wantState(t, w.instance(t, w.submit(t, w.rep, "customer", id, key).ID), store.FlowRejected)
			if got := w.record(t, "customer", id)["flow_status"]; got != "rejected" {
				t.Errorf("flow status %v", got)
			}
		})
	})
}

// decisionStep is one decision of a scenario: who decides what, and the
// status the API answers.
type decisionStep struct {
	who      func(w *world) *enginetest.User
	decision string
	status   int
}

func by(pick func(w *world) *enginetest.User, decision string, status int) decisionStep {
	return decisionStep{pick, decision, status}
}

func fin1(w *world) *enginetest.User { return w.fin1 }
func fin2(w *world) *enginetest.User { return w.fin2 }
func fin3(w *world) *enginetest.User { return w.fin3 }
func fdOf(w *world) *enginetest.User { return w.fd }

func TestApprovalModes(t *testing.T) {
	finance := `"assignees": [{"type": "role", "value": "finance"}]`
	inOrder := `"assignees": [{"type": "user", "value": "fin1@example.com"}, {"type": "user", "value": "fin2@example.com"}, {"type": "user", "value": "fin3@example.com"}]`
	cases := []struct {
		name     string
		settings string
		steps    []decisionStep
		state    string
		tasks    map[string]string
	}{
		{"single: the one approver decides", `"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]`,
			[]decisionStep{by(fdOf, "approve", 200)}, store.FlowApproved, map[string]string{"fd@example.com": "approved"}},
		{"single with several people: the first decides", `"mode": "single", ` + finance,
			[]decisionStep{by(fin2, "approve", 200), by(fin1, "approve", 409)}, store.FlowApproved,
			map[string]string{"fin1@example.com": "cancelled", "fin2@example.com": "approved", "fin3@example.com": "cancelled"}},
		{"any: the first approval wins", `"mode": "any", ` + finance,
			[]decisionStep{by(fin3, "approve", 200), by(fin2, "reject", 409)}, store.FlowApproved,
			map[string]string{"fin1@example.com": "cancelled", "fin2@example.com": "cancelled", "fin3@example.com": "approved"}},
		{"any: the first reject decides too", `"mode": "any", ` + finance,
			[]decisionStep{by(fin1, "reject", 200)}, store.FlowRejected,
			map[string]string{"fin1@example.com": "rejected", "fin2@example.com": "cancelled", "fin3@example.com": "cancelled"}},
		{"all: everyone countersigns", `"mode": "all", ` + finance,
			[]decisionStep{by(fin1, "approve", 200), by(fin2, "approve", 200), by(fin3, "approve", 200)}, store.FlowApproved,
			map[string]string{"fin1@example.com": "approved", "fin2@example.com": "approved", "fin3@example.com": "approved"}},
		{"all: one reject rejects", `"mode": "all", ` + finance,
			[]decisionStep{by(fin1, "approve", 200), by(fin2, "reject", 200), by(fin3, "approve", 409)}, store.FlowRejected,
			map[string]string{"fin1@example.com": "approved", "fin2@example.com": "rejected", "fin3@example.com": "cancelled"}},
		{"sequential: one after another, in order", `"mode": "sequential", ` + inOrder,
			[]decisionStep{by(fin2, "approve", 409), by(fin1, "approve", 200), by(fin3, "approve", 409), by(fin2, "approve", 200), by(fin3, "approve", 200)},
			store.FlowApproved, map[string]string{"fin1@example.com": "approved", "fin2@example.com": "approved", "fin3@example.com": "approved"}},
		{"sequential: a reject skips the rest", `"mode": "sequential", ` + inOrder,
			[]decisionStep{by(fin1, "approve", 200), by(fin2, "reject", 200)}, store.FlowRejected,
			map[string]string{"fin1@example.com": "approved", "fin2@example.com": "rejected", "fin3@example.com": "skipped"}},
		{"threshold: 2 of 3", `"mode": "threshold", "threshold": 2, ` + finance,
			[]decisionStep{by(fin1, "approve", 200), by(fin3, "approve", 200), by(fin2, "approve", 409)}, store.FlowApproved,
			map[string]string{"fin1@example.com": "approved", "fin2@example.com": "cancelled", "fin3@example.com": "approved"}},
		{"threshold: rejected once 2 approvals cannot be reached", `"mode": "threshold", "threshold": 2, ` + finance,
			[]decisionStep{by(fin1, "reject", 200), by(fin3, "approve", 200), by(fin2, "reject", 200)}, store.FlowRejected,
			map[string]string{"fin1@example.com": "rejected", "fin2@example.com": "rejected", "fin3@example.com": "approved"}},
	}
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				key := w.publishFlow(t, "customer", "", oneStep(c.settings))
				v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
				tasks := map[int64]int64{} // assignee → task
				for _, task := range v.Tasks {
					tasks[task.AssigneeID] = task.ID
				}
				for i, s := range c.steps {
					u := s.who(w)
					r := w.decide(t, u, tasks[u.ID], fmt.Sprintf(`{"decision": %q, "comment": "step %d"}`, s.decision, i))
					if r.Status != s.status {
						t.Fatalf("step %d: %s %ss: %d, want %d: %s", i, u.Email, s.decision, r.Status, s.status, r.Body)
					}
				}
				got := w.instance(t, v.ID)
				wantState(t, got, c.state)
				if states := taskStates(got); fmt.Sprint(states) != fmt.Sprint(c.tasks) {
					t.Errorf("tasks %v, want %v", states, c.tasks)
				}
			})
		}
	})
}
