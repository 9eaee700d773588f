package engine_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// world is a test app with the people of an order pipeline: a sales rep who
// submits, their sales director (the rep's manager), a general manager above
// the director, a finance director and three finance clerks.
type world struct {
	app                  *enginetest.App
	rep, sd, gm, fd      *enginetest.User
	fin1, fin2, fin3     *enginetest.User
	outsider             *enginetest.User
	customer, product    int64
	flowsSeq, recordsSeq int
}

func newWorld(t *testing.T, app *enginetest.App) *world {
	t.Helper()
	w := &world{app: app}
	user := func(email string, roles ...string) *enginetest.User {
		return app.NewUser(t, enginetest.UserSpec{Email: email, Name: strings.Split(email, "@")[0], Roles: roles})
	}
	w.gm = user("gm@example.com")
	w.sd = user("sd@example.com", "sales_director")
	w.rep = user("rep@example.com", "sales_rep")
	w.fd = user("fd@example.com", "finance_director")
	w.fin1 = user("fin1@example.com", "finance")
	w.fin2 = user("fin2@example.com", "finance")
	w.fin3 = user("fin3@example.com", "finance")
	w.outsider = user("service@example.com", "service")
	w.setManager(t, w.rep, w.sd)
	w.setManager(t, w.sd, w.gm)
	w.customer = w.create(t, nil, "customer", `{"name": "Acme Ltd", "region": "east", "credit_limit": "50000.00"}`)
	w.product = w.create(t, nil, "product", `{"sku": "SRV", "name": "Server", "product_line": "hardware", "unit_price": "1000.00"}`)
	return w
}

func (w *world) setManager(t *testing.T, u, manager *enginetest.User) {
	t.Helper()
	w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", u.ID), fmt.Sprintf(`{"manager_id": %d}`, manager.ID), nil)
}

// as returns the request headers of u; nil is the admin.
func as(u *enginetest.User) map[string]string {
	if u == nil {
		return nil
	}
	return u.Headers()
}

// create posts a record of form as u and returns its id.
func (w *world) create(t *testing.T, u *enginetest.User, form, body string) int64 {
	t.Helper()
	var rec struct {
		ID int64 `json:"id"`
	}
	w.app.Expect(t, 201, "POST", "/api/v1/forms/"+form+"/records", body, as(u)).JSON(t, &rec)
	return rec.ID
}

// order creates an order of the rep worth amount (one line) with discount.
func (w *world) order(t *testing.T, amount, discount string) int64 {
	t.Helper()
	id := w.create(t, w.rep, "order", fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-02", "region": "east",
		"discount": %q, "items": [{"product": %d, "qty": 1, "unit_price": %q}]}`, w.customer, discount, w.product, amount))
	// note: a rep may not name the sales rep of their order; their director
	// (here the admin) does.
	w.app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/order/records/%d", id), fmt.Sprintf(`{"sales_rep": %d}`, w.rep.ID), nil)
	return id
}

// newCustomer creates a customer of the rep with the given extra fields.
func (w *world) newCustomer(t *testing.T, extra string) int64 {
	t.Helper()
	w.recordsSeq++
	body := fmt.Sprintf(`{"name": "Customer %d", "region": "east"%s}`, w.recordsSeq, extra)
	return w.create(t, nil, "customer", body)
}

// publishFlow imports a flow definition; nodes is the JSON of its nodes.
// It returns the flow's key.
func (w *world) publishFlow(t *testing.T, form, header, nodes string) string {
	t.Helper()
	w.flowsSeq++
	key := fmt.Sprintf("t_flow_%d", w.flowsSeq)
	if header != "" {
		header = ", " + header
	}
	body := fmt.Sprintf(`{"kind": "flow", "key": %q, "title": "Test flow %d", "form": %q, "triggers": [{"on": "submit"}]%s, "nodes": %s}`,
		key, w.flowsSeq, form, header, nodes)
	if _, err := w.app.Engine.Import(context.Background(), [][]byte{[]byte(body)}, engine.PublishOptions{}, forms.Actor{}); err != nil {
		t.Fatalf("publish flow %s: %v\n%s", key, err, body)
	}
	return key
}

// submit starts flow on a record as u and returns the instance.
func (w *world) submit(t *testing.T, u *enginetest.User, form string, id int64, flow string) engine.InstanceView {
	t.Helper()
	url, body := fmt.Sprintf("/api/v1/forms/%s/records/%d/submit", form, id), fmt.Sprintf(`{"flow": %q}`, flow)
	r := w.app.Do(t, "POST", url, body, as(u))
	if r.Status != 201 {
		t.Fatalf("POST %s: status %d, want 201; body: %s", url, r.Status, r.Body)
	}
	var v engine.InstanceView
	r.JSON(t, &v)
	return v
}

// settled waits until live holds, then past the poller's next reload (which
// rebuilds the registry after every publish), and checks again.
func settled(t *testing.T, what string, live func() bool) {
	t.Helper()
	wait := func() {
		for end := time.Now().Add(3 * time.Second); !live(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(end) {
				t.Fatalf("%s: not live after 3s", what)
			}
		}
	}
	wait()
	time.Sleep(1100 * time.Millisecond)
	wait()
}

// instance reads an instance with its timeline as the admin.
func (w *world) instance(t *testing.T, id int64) engine.InstanceView {
	t.Helper()
	var v engine.InstanceView
	w.app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/flows/instances/%d", id), "", nil).JSON(t, &v)
	return v
}

// pending lists u's pending tasks of instance inst.
func (w *world) pending(t *testing.T, u *enginetest.User, inst int64) []engine.TaskView {
	t.Helper()
	var inbox engine.Inbox
	w.app.Expect(t, 200, "GET", "/api/v1/tasks?state=pending&per_page=200", "", as(u)).JSON(t, &inbox)
	var out []engine.TaskView
	for _, task := range inbox.Items {
		if task.InstanceID == inst {
			out = append(out, task)
		}
	}
	return out
}

// task returns u's one pending task in inst, failing the test otherwise.
func (w *world) task(t *testing.T, u *enginetest.User, inst int64) engine.TaskView {
	t.Helper()
	ts := w.pending(t, u, inst)
	if len(ts) != 1 {
		t.Fatalf("%s has %d pending tasks in instance %d, want 1", u.Email, len(ts), inst)
	}
	return ts[0]
}

// decide posts a decision as u and returns the response.
func (w *world) decide(t *testing.T, u *enginetest.User, task int64, body string) enginetest.Response {
	t.Helper()
	return w.app.Do(t, "POST", fmt.Sprintf("/api/v1/tasks/%d/decide", task), body, as(u))
}

// approve approves u's one pending task of inst.
func (w *world) approve(t *testing.T, u *enginetest.User, inst int64) {
	t.Helper()
	task := w.task(t, u, inst)
	if r := w.decide(t, u, task.ID, `{"decision": "approve"}`); r.Status != 200 {
		t.Fatalf("%s approves task %d: %d %s", u.Email, task.ID, r.Status, r.Body)
	}
}

// record reads one record as the admin.
func (w *world) record(t *testing.T, form string, id int64) map[string]any {
	t.Helper()
	return w.app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/%s/records/%d", form, id), "", nil).Map(t)
}

// steps lists the kinds of an instance's timeline steps at node ("" for
// all).
func steps(v engine.InstanceView, node string) []string {
	var out []string
	for _, s := range v.Steps {
		if node == "" || s.NodeID == node {
			out = append(out, s.Kind)
		}
	}
	return out
}

// taskStates maps each task of v to its state, by assignee e-mail (several
// tasks of one assignee are joined with a comma).
func taskStates(v engine.InstanceView) map[string]string {
	out := map[string]string{}
	for _, task := range v.Tasks {
		key := fmt.Sprint(task.AssigneeID)
		if task.Assignee != nil {
			key = task.Assignee.Email
		}
		if out[key] != "" {
			out[key] += ","
		}
		out[key] += task.State
	}
	return out
}

func wantState(t *testing.T, v engine.InstanceView, state string) {
	t.Helper()
	if v.State != state {
		t.Fatalf("instance %d is %s, want %s; steps: %s", v.ID, v.State, state, stepWords(v))
	}
}

// stepWords renders a timeline for failure messages.
func stepWords(v engine.InstanceView) string {
	var b strings.Builder
	for _, s := range v.Steps {
		fmt.Fprintf(&b, "\n  %s %s %q %s", s.NodeID, s.Kind, s.Comment, s.Data)
	}
	return b.String()
}
