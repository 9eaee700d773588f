package flows_test

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// memRecords keeps records in memory, validated by their forms as the
// record store would.
// recordIDs keeps the records of every runtimeFor apart, as they share one
// database.
var recordIDs atomic.Int64

type memRecords struct {
	mu   sync.Mutex
	next int64
	recs map[int64]forms.Record
	gets int // reads, for tests of what a transition reads
}

func (m *memRecords) Get(_ context.Context, c *forms.Compiled, id int64) (forms.Record, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.gets++
	r, ok := m.recs[id]
	if !ok {
		return nil, fmt.Errorf("%w: %s record %d", store.ErrNotFound, c.Form.Key, id)
	}
	return maps.Clone(r), nil
}

func (m *memRecords) Create(_ context.Context, c *forms.Compiled, w forms.Write) (forms.Record, error) {
	rec, err := c.Validate(w)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.next++
	rec["id"], rec["owner"] = m.next, w.Actor.ID
	m.recs[m.next] = rec
	return maps.Clone(rec), nil
}

func (m *memRecords) Update(ctx context.Context, c *forms.Compiled, id, _ int64, w forms.Write) (forms.Record, error) {
	prev, err := m.Get(ctx, c, id)
	if err != nil {
		return nil, err
	}
	w.Prev = prev
	rec, err := c.Validate(w)
	if err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[id] = rec
	return maps.Clone(rec), nil
}

func (m *memRecords) SetFlowStatus(_ context.Context, _ string, id int64, status string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.recs[id]["flow_status"] = status
	return nil
}

// people answers assignee questions from fixed maps: user n is
// "u<n>@example.com".
type people struct {
	roles map[string][]int64
	away  map[int64]int64
}

func (p people) Users(_ context.Context, a flows.Assignee, _ forms.Actor) ([]int64, error) {
	switch a.Type {
	case flows.AssignUser:
		var id int64
		if _, err := fmt.Sscanf(a.Value, "u%d@example.com", &id); err == nil {
			return []int64{id}, nil
		}
	case flows.AssignRole:
		return p.roles[a.Value], nil
	}
	return nil, nil
}

func (p people) ActiveUsers(_ context.Context, ids []int64) ([]int64, error) { return ids, nil }

func (p people) DelegateOf(_ context.Context, id int64, _ time.Time) (int64, bool, error) {
	d, ok := p.away[id]
	return d, ok, nil
}

func (p people) Actor(_ context.Context, id int64) (forms.Actor, error) {
	return forms.Actor{ID: id}, nil
}

type oneVersion struct{ cf *flows.Compiled }

func (v oneVersion) FlowVersion(context.Context, string, int) (*flows.Compiled, error) {
	return v.cf, nil
}

func (v oneVersion) LiveFlow(context.Context, string) (*flows.Compiled, error) { return v.cf, nil }

// jobLog keeps the jobs a runtime enqueues, for tests that run them by hand.
type jobLog struct{ jobs []flows.JobArgs }

func (l *jobLog) Enqueue(_ context.Context, a flows.JobArgs, _ time.Time) error {
	l.jobs = append(l.jobs, a)
	return nil
}

func (l *jobLog) Mail() bool { return false }

// runtimeFor compiles a flow on customers with nodes and returns a runtime
// for it over db, with a customer record to run it on. Without a directory,
// the finance role is users 1, 2 and 3 and nobody is away.
func runtimeFor(t *testing.T, db *store.DB, nodes string, dir ...people) (*flows.Runtime, *flows.Compiled, int64) {
	t.Helper()
	d := people{roles: map[string][]int64{"finance": {1, 2, 3}}}
	if len(dir) > 0 {
		d = dir[0]
	}
	return runtimeWith(t, db, nodes, flows.Deps{Directory: d})
}

// runtimeWith is runtimeFor with the directory and clock of deps.
func runtimeWith(t *testing.T, db *store.DB, nodes string, deps flows.Deps) (*flows.Runtime, *flows.Compiled, int64) {
	t.Helper()
	l := exampleLookup(t)
	f, err := flows.ParseFlow([]byte(`{"kind": "flow", "key": "t", "title": "T", "form": "customer",
		"triggers": [{"on": "submit"}], "nodes": ` + nodes + `}`))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := flows.Compile(f, 1, l, l)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	recs := &memRecords{recs: map[int64]forms.Record{}, next: recordIDs.Add(1000)}
	rec, err := recs.Create(context.Background(), cf.Form, forms.Write{Input: map[string]any{"name": "Acme", "region": "east"}, Actor: forms.Actor{ID: 100}})
	if err != nil {
		t.Fatal(err)
	}
	deps.Records, deps.Versions, deps.Jobs = recs, oneVersion{cf}, &jobLog{}
	return flows.NewRuntime(db, deps), cf, rec.ID()
}

// open lists the pending tasks of an instance by node.
func open(t *testing.T, db *store.DB, inst int64) map[string]int64 {
	t.Helper()
	ts, err := db.FlowTasksOf(context.Background(), inst)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int64{}
	for _, task := range ts {
		if task.State == store.TaskPending {
			out[task.NodeID] = task.ID
		}
	}
	return out
}

func decide(t *testing.T, rt *flows.Runtime, task, user int64, decision string) {
	t.Helper()
	if _, err := rt.Decide(context.Background(), flows.Decision{TaskID: task, Actor: forms.Actor{ID: user}, Decision: decision}); err != nil {
		t.Fatalf("user %d %ss task %d: %v", user, decision, task, err)
	}
}

func user(id int64) string { return fmt.Sprintf(`[{"type": "user", "value": "u%d@example.com"}]`, id) }

func TestRejectRouting(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		submitter := forms.Actor{ID: 100}

		t.Run("a reject back into its own parallel path leaves the other paths running", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, `[{"id": "start", "type": "start", "next": "both"},
				{"id": "both", "type": "split", "targets": ["a", "b"]},
				{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": `+user(1)+`, "on_reject": "fix"}, "next": "meet"},
				{"id": "fix", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"fixed\""}}], "next": "a"},
				{"id": "b", "type": "approval", "approval": {"mode": "single", "assignees": `+user(2)+`}, "next": "meet"},
				{"id": "meet", "type": "join", "join": "all", "next": "done"},
				{"id": "done", "type": "end"}]`)
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			first := open(t, db, inst.ID)
			decide(t, rt, first["a"], 1, flows.Reject)
			again := open(t, db, inst.ID)
			if again["b"] != first["b"] || again["a"] == 0 || again["a"] == first["a"] {
				t.Fatalf("after the reject: %v (before %v)", again, first)
			}
			decide(t, rt, again["b"], 2, flows.Approve)
			decide(t, rt, again["a"], 1, flows.Approve)
			if got, _ := db.FlowInstance(ctx, inst.ID); got.State != store.FlowApproved {
				t.Errorf("instance %s", got.State)
			}
		})

		t.Run("a reject out of nested parallel paths cancels them all", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, `[{"id": "start", "type": "start", "next": "outer"},
				{"id": "outer", "type": "split", "targets": ["p", "inner"]},
				{"id": "p", "type": "approval", "approval": {"mode": "single", "assignees": `+user(1)+`}, "next": "outer_join"},
				{"id": "inner", "type": "split", "targets": ["q", "r"]},
				{"id": "q", "type": "approval", "approval": {"mode": "single", "assignees": `+user(2)+`, "on_reject": "no"}, "next": "inner_join"},
				{"id": "r", "type": "approval", "approval": {"mode": "single", "assignees": `+user(3)+`}, "next": "inner_join"},
				{"id": "inner_join", "type": "join", "join": "all", "next": "outer_join"},
				{"id": "outer_join", "type": "join", "join": "all", "next": "yes"},
				{"id": "yes", "type": "end"},
				{"id": "no", "type": "end", "outcome": "rejected"}]`)
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			tasks := open(t, db, inst.ID)
			if len(tasks) != 3 {
				t.Fatalf("open tasks %v", tasks)
			}
			decide(t, rt, tasks["r"], 3, flows.Approve)
			decide(t, rt, tasks["q"], 2, flows.Reject)
			got, _ := db.FlowInstance(ctx, inst.ID)
			if got.State != store.FlowRejected || len(open(t, db, inst.ID)) != 0 || len(flows.Where(got)) != 0 {
				t.Errorf("instance %s, open %v, at %v", got.State, open(t, db, inst.ID), flows.Where(got))
			}
			_, err = rt.Decide(ctx, flows.Decision{TaskID: tasks["p"], Actor: forms.Actor{ID: 1}, Decision: flows.Approve})
			if !errors.Is(err, store.ErrConflict) {
				t.Errorf("deciding a cancelled task: %v", err)
			}
		})

		t.Run("a join of nested paths goes on when both levels are in", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, `[{"id": "start", "type": "start", "next": "outer"},
				{"id": "outer", "type": "split", "targets": ["p", "inner"]},
				{"id": "p", "type": "approval", "approval": {"mode": "single", "assignees": `+user(1)+`}, "next": "outer_join"},
				{"id": "inner", "type": "split", "targets": ["q", "r"]},
				{"id": "q", "type": "approval", "approval": {"mode": "single", "assignees": `+user(2)+`}, "next": "inner_join"},
				{"id": "r", "type": "approval", "approval": {"mode": "single", "assignees": `+user(3)+`}, "next": "inner_join"},
				{"id": "inner_join", "type": "join", "join": "any", "next": "outer_join"},
				{"id": "outer_join", "type": "join", "join": "all", "next": "yes"},
				{"id": "yes", "type": "end"}]`)
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			tasks := open(t, db, inst.ID)
			decide(t, rt, tasks["q"], 2, flows.Approve)
			if left := open(t, db, inst.ID); !slices.Equal(sortedKeys(left), []string{"p"}) {
				t.Fatalf("after the inner any-join: %v", left)
			}
			decide(t, rt, tasks["p"], 1, flows.Approve)
			if got, _ := db.FlowInstance(ctx, inst.ID); got.State != store.FlowApproved {
				t.Errorf("instance %s", got.State)
			}
		})

		t.Run("out of office sends the task to the delegate", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, `[{"id": "start", "type": "start", "next": "a"},
				{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": `+user(1)+`}, "next": "done"},
				{"id": "done", "type": "end"}]`, people{away: map[int64]int64{1: 7}})
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			ts, _ := db.FlowTasksOf(ctx, inst.ID)
			if len(ts) != 1 || ts[0].AssigneeID != 7 || ts[0].OnBehalfOf == nil || *ts[0].OnBehalfOf != 1 {
				t.Fatalf("tasks %+v", ts)
			}
			if _, err := rt.Decide(ctx, flows.Decision{TaskID: ts[0].ID, Actor: forms.Actor{ID: 1}, Decision: flows.Approve}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("the absent approver decides the delegate's task: %v", err)
			}
			decide(t, rt, ts[0].ID, 7, flows.Approve)
		})
	})
}

func sortedKeys[V any](m map[string]V) []string {
	out := slices.Collect(maps.Keys(m))
	slices.Sort(out)
	return out
}

func TestNodeAccess(t *testing.T) {
	l := exampleLookup(t)
	f, err := flows.ParseFlow([]byte(`{"kind": "flow", "key": "t", "title": "T", "form": "order", "triggers": [{"on": "submit"}],
		"nodes": [{"id": "start", "type": "start", "next": "a"},
			{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "role", "value": "finance"}],
				"visible": ["amount", "discount", "items"], "editable": ["discount"]}, "next": "done"},
			{"id": "done", "type": "end"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cf, err := flows.Compile(f, 1, l, l)
	if err != nil {
		t.Fatal(err)
	}
	rep := forms.NewAccess(store.Compare("owner", store.OpEq, 1), map[string]forms.FieldLevel{
		"amount": forms.Writable, "discount": forms.ReadOnly, "notes": forms.Writable, "items.unit_cost": forms.Hidden}, forms.Writable)
	cases := []struct {
		name  string
		base  *forms.Access
		has   bool
		level map[string]forms.FieldLevel
	}{
		{"roles that read: narrowed to visible, read-only but the editable", rep, true, map[string]forms.FieldLevel{
			"amount": forms.ReadOnly, "discount": forms.Writable, "notes": forms.Hidden, "items": forms.ReadOnly,
			"items.qty": forms.ReadOnly, "items.unit_cost": forms.Hidden}},
		{"no read grant: only the editable", nil, false, map[string]forms.FieldLevel{
			"amount": forms.Hidden, "discount": forms.Writable, "notes": forms.Hidden, "items.qty": forms.Hidden}},
	}
	for _, c := range cases {
		acc := flows.NodeAccess(cf, "a", c.base, c.has)
		if acc.Rows != nil {
			t.Errorf("%s: the task's access is limited to rows", c.name)
		}
		for path, want := range c.level {
			if got := acc.Level(path); got != want {
				t.Errorf("%s: %s is %s, want %s", c.name, path, got, want)
			}
		}
	}
}
