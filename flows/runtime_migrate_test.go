package flows_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// versions holds every published version of the test flow.
type versions map[int]*flows.Compiled

func (v versions) FlowVersion(_ context.Context, key string, version int) (*flows.Compiled, error) {
	if cf, ok := v[version]; ok && cf.Flow.Key == key {
		return cf, nil
	}
	return nil, fmt.Errorf("%w: flow %s version %d", store.ErrNotFound, key, version)
}

func (v versions) LiveFlow(ctx context.Context, key string) (*flows.Compiled, error) {
	return v.FlowVersion(ctx, key, len(v))
}

// migrating is a runtime over two versions of flow "t" on customers, with
// a record to run it on.
type migrating struct {
	rt     *flows.Runtime
	v1, v2 *flows.Compiled
	db     *store.DB
	recs   *memRecords
	rec    int64
}

// twoVersions compiles v1 and v2 of flow "t" on customers from their
// nodes. The finance role is users 1, 2 and 3; role "service" has no one.
func twoVersions(t *testing.T, db *store.DB, v1, v2 string) *migrating {
	t.Helper()
	l := exampleLookup(t)
	compile := func(nodes string, version int) *flows.Compiled {
		f, err := flows.ParseFlow([]byte(`{"kind": "flow", "key": "t", "title": "T", "form": "customer",
			"triggers": [{"on": "submit"}], "nodes": ` + nodes + `}`))
		if err != nil {
			t.Fatal(err)
		}
		cf, err := flows.Compile(f, version, l, l)
		if err != nil {
			t.Fatalf("compile v%d: %v", version, err)
		}
		return cf
	}
	m := &migrating{v1: compile(v1, 1), v2: compile(v2, 2), db: db,
		recs: &memRecords{recs: map[int64]forms.Record{}, next: recordIDs.Add(1000)}}
	rec, err := m.recs.Create(context.Background(), m.v1.Form, forms.Write{Input: map[string]any{"name": "Acme", "region": "east"}, Actor: forms.Actor{ID: 100}})
	if err != nil {
		t.Fatal(err)
	}
	m.rec = rec.ID()
	d := people{roles: map[string][]int64{"finance": {1, 2, 3}}}
	m.rt = flows.NewRuntime(db, flows.Deps{Records: m.recs, Directory: d, Versions: versions{1: m.v1, 2: m.v2}, Jobs: &jobLog{}})
	return m
}

func (m *migrating) start(t *testing.T) *store.FlowInstance {
	t.Helper()
	inst, err := m.rt.Start(context.Background(), m.v1, m.rec, forms.Actor{ID: 100}, "submit")
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// migrate moves inst to v2 with mapping (JSON; "" for none).
func (m *migrating) migrate(inst int64, mapping string, dry bool) (*flows.MigrationReport, error) {
	mp := map[string]string{}
	if mapping != "" {
		if err := json.Unmarshal([]byte(mapping), &mp); err != nil {
			panic(err)
		}
	}
	return m.rt.Migrate(context.Background(), flows.Migration{Flow: "t", Instances: []int64{inst}, ToVersion: 2, Mapping: mp,
		Admin: forms.Actor{ID: 9}, Comment: "move to v2", DryRun: dry})
}

// wantProblem fails unless err is a problem list with code at path whose
// message has every word of want.
func wantProblem(t *testing.T, err error, path, code string, want ...string) {
	t.Helper()
	for _, p := range problemsOf(t, err) {
		if p.Path == path && p.Code == code {
			for _, w := range want {
				if !strings.Contains(p.Message, w) {
					t.Errorf("%s: %q does not say %q", path, p.Message, w)
				}
			}
			return
		}
	}
	t.Errorf("no %s problem at %s in %v", code, path, err)
}

func instanceOf(t *testing.T, db *store.DB, id int64) *store.FlowInstance {
	t.Helper()
	inst, err := db.FlowInstance(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

func stepKinds(t *testing.T, db *store.DB, id int64) []string {
	t.Helper()
	ss, err := db.FlowSteps(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range ss {
		out = append(out, s.Kind)
	}
	return out
}

const (
	oneApproval = `[{"id": "start", "type": "start", "next": "a"},
		{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "u1@example.com"}]}, "next": "done"},
		{"id": "done", "type": "end"}]`
	// twoApprovals adds a second approval after a: v2's routing.
	twoApprovals = `[{"id": "start", "type": "start", "next": "a"},
		{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "u1@example.com"}]}, "next": "b"},
		{"id": "b", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "u2@example.com"}]}, "next": "done"},
		{"id": "done", "type": "end"}]`
)

func TestMigrate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()

		t.Run("a running instance moves to v2, keeps its task and finishes on v2's routing", func(t *testing.T) {
			m := twoVersions(t, db, oneApproval, twoApprovals)
			inst := m.start(t)
			task := open(t, db, inst.ID)["a"]
			rep, err := m.migrate(inst.ID, "", false)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.Ready || len(rep.Instances) != 1 || len(rep.Instances[0].Tasks) != 1 || rep.Instances[0].Tasks[0].Outcome != flows.TaskKept {
				t.Fatalf("report %+v", rep)
			}
			if got := instanceOf(t, db, inst.ID); got.FlowVersion != 2 || got.State != store.FlowRunning {
				t.Fatalf("after the move: v%d %s", got.FlowVersion, got.State)
			}
			if kinds := stepKinds(t, db, inst.ID); kinds[len(kinds)-1] != flows.StepMigrated {
				t.Errorf("the timeline does not end with the migration: %v", kinds)
			}
			decide(t, m.rt, task, 1, flows.Approve)
			next := open(t, db, inst.ID)
			if next["b"] == 0 {
				t.Fatalf("v2's second approval was not reached: %v", next)
			}
			decide(t, m.rt, next["b"], 2, flows.Approve)
			if got := instanceOf(t, db, inst.ID); got.State != store.FlowApproved || got.FlowVersion != 2 {
				t.Errorf("instance v%d %s", got.FlowVersion, got.State)
			}
			audit, err := db.AuditQuery(ctx, store.AuditFilter{Action: "flow.migrate", TargetKey: "t", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			found := slices.ContainsFunc(audit, func(e store.AuditEntry) bool {
				return e.ActorID == 9 && e.RecordID == inst.ID && strings.Contains(e.Changes, `"from_version":1`) && strings.Contains(e.Changes, `"to_version":2`)
			})
			if !found {
				t.Errorf("the migration is not audited: %+v", audit)
			}
		})

		t.Run("a node v2 lacks is refused, named, until it is mapped", func(t *testing.T) {
			renamed := strings.ReplaceAll(twoApprovals, `"id": "a"`, `"id": "first"`)
			renamed = strings.ReplaceAll(renamed, `"next": "a"`, `"next": "first"`)
			m := twoVersions(t, db, oneApproval, renamed)
			inst := m.start(t)
			task := open(t, db, inst.ID)["a"]
			_, err := m.migrate(inst.ID, "", false)
			wantProblem(t, err, "/mapping/a", flows.CodeUnmappedNode, `"a"`, "version 2 does not have", "approval")
			if got := instanceOf(t, db, inst.ID); got.FlowVersion != 1 {
				t.Fatalf("a refused migration moved the instance to v%d", got.FlowVersion)
			}
			rep, err := m.migrate(inst.ID, `{"a": "b"}`, false)
			if err != nil {
				t.Fatalf("mapping a to another approval with other assignees: %v", err)
			}
			if mv := rep.Instances[0].Tasks[0]; mv.ID != task || mv.To != "b" || mv.Outcome != flows.TaskReissued {
				t.Errorf("task move %+v", mv)
			}
		})

		t.Run("a mapping to the renamed node keeps the task there", func(t *testing.T) {
			renamed := strings.ReplaceAll(twoApprovals, `"id": "a"`, `"id": "first"`)
			renamed = strings.ReplaceAll(renamed, `"next": "a"`, `"next": "first"`)
			m := twoVersions(t, db, oneApproval, renamed)
			inst := m.start(t)
			task := open(t, db, inst.ID)["a"]
			if _, err := m.migrate(inst.ID, `{"a": "first"}`, false); err != nil {
				t.Fatal(err)
			}
			if got := open(t, db, inst.ID); got["first"] != task {
				t.Fatalf("the task did not follow: %v", got)
			}
			if got := flows.Where(instanceOf(t, db, inst.ID)); len(got) != 1 || got[0].Node != "first" {
				t.Errorf("the instance stands at %v", got)
			}
			decide(t, m.rt, task, 1, flows.Approve)
			if next := open(t, db, inst.ID); next["b"] == 0 {
				t.Errorf("v2's routing after the renamed node: %v", next)
			}
		})

		t.Run("a changed assignee asks the new one and cancels the old task", func(t *testing.T) {
			changed := strings.Replace(twoApprovals, "u1@example.com", "u3@example.com", 1)
			m := twoVersions(t, db, oneApproval, changed)
			inst := m.start(t)
			old := open(t, db, inst.ID)["a"]
			rep, err := m.migrate(inst.ID, "", false)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Instances[0].Tasks[0].Outcome != flows.TaskReissued {
				t.Errorf("report %+v", rep.Instances[0].Tasks)
			}
			ts, _ := db.FlowTasksOf(ctx, inst.ID)
			states := map[int64]string{}
			for _, task := range ts {
				states[task.AssigneeID] = task.State
			}
			if states[1] != store.TaskCancelled || states[3] != store.TaskPending {
				t.Fatalf("tasks by assignee %v", states)
			}
			now := open(t, db, inst.ID)["a"]
			if now == old {
				t.Fatal("the old task is still the open one")
			}
			decide(t, m.rt, now, 3, flows.Approve)
		})

		t.Run("a mapping to a node of another type is refused", func(t *testing.T) {
			m := twoVersions(t, db, oneApproval, twoApprovals)
			inst := m.start(t)
			_, err := m.migrate(inst.ID, `{"a": "done"}`, false)
			wantProblem(t, err, "/mapping/a", flows.CodeIncompatibleNode, `"done"`, "end", "approval")
		})

		t.Run("a finished instance is refused", func(t *testing.T) {
			m := twoVersions(t, db, oneApproval, twoApprovals)
			inst := m.start(t)
			decide(t, m.rt, open(t, db, inst.ID)["a"], 1, flows.Approve)
			_, err := m.migrate(inst.ID, "", false)
			wantProblem(t, err, "/instances/0", flows.CodeInstanceEnded, "ended", "approved")
		})

		t.Run("a dry run reports and writes nothing", func(t *testing.T) {
			m := twoVersions(t, db, oneApproval, strings.Replace(twoApprovals, "u1@example.com", "u3@example.com", 1))
			inst := m.start(t)
			before, _ := db.FlowTasksOf(ctx, inst.ID)
			steps := stepKinds(t, db, inst.ID)
			rep, err := m.migrate(inst.ID, "", true)
			if err != nil {
				t.Fatal(err)
			}
			if !rep.DryRun || !rep.Ready || rep.Instances[0].Tasks[0].Outcome != flows.TaskReissued || rep.Instances[0].Paths[0].To != "a" {
				t.Errorf("report %+v", rep)
			}
			after, _ := db.FlowTasksOf(ctx, inst.ID)
			got := instanceOf(t, db, inst.ID)
			if got.FlowVersion != 1 || got.Version != inst.Version || !slices.Equal(stepKinds(t, db, inst.ID), steps) || fmt.Sprint(after) != fmt.Sprint(before) {
				t.Errorf("a dry run wrote: v%d (row version %d, was %d), tasks %v", got.FlowVersion, got.Version, inst.Version, after)
			}
			rep, err = m.migrate(inst.ID, `{"a": "done"}`, true)
			if err != nil || rep.Ready || len(rep.Instances[0].Problems) != 1 || rep.Instances[0].Problems[0].Path != "/mapping/a" {
				t.Errorf("a dry run with a bad mapping: %+v, %v", rep, err)
			}
		})

		t.Run("a stuck path runs again on v2", func(t *testing.T) {
			nobody := strings.Replace(oneApproval, `{"type": "user", "value": "u1@example.com"}`, `{"type": "role", "value": "service"}`, 1)
			m := twoVersions(t, db, nobody, twoApprovals)
			inst := m.start(t)
			if got := instanceOf(t, db, inst.ID); got.State != store.FlowStuck {
				t.Fatalf("instance %s, want stuck", got.State)
			}
			rep, err := m.migrate(inst.ID, "", false)
			if err != nil || !rep.Instances[0].Paths[0].Retry {
				t.Fatalf("%+v %v", rep, err)
			}
			if got := instanceOf(t, db, inst.ID); got.State != store.FlowRunning || open(t, db, inst.ID)["a"] == 0 {
				t.Errorf("after the move: %s, open %v", got.State, open(t, db, inst.ID))
			}
		})
	})
}

// Parallel paths move with the split they belong to: each stays on that
// split's paths, and a path waiting at the join lands on the join of the
// split it maps to.
func TestMigrateParallelPaths(t *testing.T) {
	split := func(join string) string {
		return `[{"id": "start", "type": "start", "next": "both"},
			{"id": "both", "type": "split", "targets": ["a", "b"]},
			{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "u1@example.com"}]}, "next": "` + join + `"},
			{"id": "b", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "u2@example.com"}]}, "next": "` + join + `"},
			{"id": "` + join + `", "type": "join", "join": "all", "next": "c"},
			{"id": "c", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "u3@example.com"}]}, "next": "done"},
			{"id": "done", "type": "end"}]`
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := twoVersions(t, db, split("meet"), split("meet2"))
		inst := m.start(t)
		tasks := open(t, db, inst.ID)
		decide(t, m.rt, tasks["a"], 1, flows.Approve)

		_, err := m.migrate(inst.ID, "", false)
		wantProblem(t, err, "/mapping/meet", flows.CodeUnmappedNode, `"meet"`)
		_, err = m.migrate(inst.ID, `{"meet": "c"}`, false)
		wantProblem(t, err, "/mapping/meet", flows.CodeIncompatibleNode, `"c"`)
		_, err = m.migrate(inst.ID, `{"meet": "meet2", "b": "c"}`, false)
		wantProblem(t, err, "/mapping/b", flows.CodeIncompatibleNode, "not on the parallel paths", `"both"`)

		if _, err := m.migrate(inst.ID, `{"meet": "meet2"}`, false); err != nil {
			t.Fatal(err)
		}
		decide(t, m.rt, tasks["b"], 2, flows.Approve)
		next := open(t, db, inst.ID)
		if next["c"] == 0 {
			t.Fatalf("the paths did not meet at v2's join: %v %v", next, flows.Where(instanceOf(t, db, inst.ID)))
		}
		decide(t, m.rt, next["c"], 3, flows.Approve)
		if got := instanceOf(t, db, inst.ID); got.State != store.FlowApproved {
			t.Errorf("instance %s", got.State)
		}
	})
}

func TestMigrateRequest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		m := twoVersions(t, db, oneApproval, twoApprovals)
		inst := m.start(t)
		cases := []struct {
			name       string
			mig        flows.Migration
			path, code string
		}{
			{"no instances", flows.Migration{ToVersion: 2}, "/instances", forms.CodeRequired},
			{"an instance twice", flows.Migration{Instances: []int64{inst.ID, inst.ID}, ToVersion: 2}, "/instances/1", forms.CodeInvalidValue},
			{"a negative id", flows.Migration{Instances: []int64{-1}, ToVersion: 2}, "/instances/0", forms.CodeInvalidValue},
			{"no version", flows.Migration{Instances: []int64{inst.ID}}, "/to_version", forms.CodeRequired},
			{"a version that does not exist", flows.Migration{Instances: []int64{inst.ID}, ToVersion: 7}, "/to_version", flows.CodeMigrateVersion},
			{"the version it runs on", flows.Migration{Instances: []int64{inst.ID}, ToVersion: 1}, "/instances/0", flows.CodeMigrateVersion},
			{"a mapping to nowhere", flows.Migration{Instances: []int64{inst.ID}, ToVersion: 2, Mapping: map[string]string{"a": "zzz"}}, "/mapping/a", flows.CodeUnknownNode},
			{"a mapping from no node id", flows.Migration{Instances: []int64{inst.ID}, ToVersion: 2, Mapping: map[string]string{"A/b": "a"}}, "/mapping/A~1b", forms.CodeInvalidKey},
			{"an unknown instance", flows.Migration{Instances: []int64{inst.ID, 99999999}, ToVersion: 2}, "/instances/1", flows.CodeUnknownInstance},
			{"a comment too long", flows.Migration{Instances: []int64{inst.ID}, ToVersion: 2, Comment: strings.Repeat("x", 5000)}, "/comment", forms.CodeTooLong},
		}
		for _, c := range cases {
			c.mig.Flow = "t"
			_, err := m.rt.Migrate(context.Background(), c.mig)
			if err == nil {
				t.Errorf("%s: accepted", c.name)
				continue
			}
			wantProblem(t, err, c.path, c.code)
		}
		// note: one bad instance stops the batch; the good one stays put.
		if got := instanceOf(t, db, inst.ID); got.FlowVersion != 1 {
			t.Errorf("a refused batch moved instance %d to v%d", inst.ID, got.FlowVersion)
		}
	})
}
