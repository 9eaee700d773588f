package flows_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// threeSteps is a flow of three approvals in a row: a (user 1), b (user 2)
// and c (user 3).
var threeSteps = `[{"id": "start", "type": "start", "next": "a"},
	{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": ` + user(1) + `}, "next": "b"},
	{"id": "b", "type": "approval", "approval": {"mode": "single", "assignees": ` + user(2) + `}, "next": "c"},
	{"id": "c", "type": "approval", "approval": {"mode": "single", "assignees": ` + user(3) + `}, "next": "done"},
	{"id": "done", "type": "end"}]`

// asked lists the nodes with pending tasks, and who has them, as
// "node:user" in task order.
func asked(t *testing.T, db *store.DB, inst int64) []string {
	t.Helper()
	ts, err := db.FlowTasksOf(context.Background(), inst)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, task := range ts {
		if task.State == store.TaskPending {
			out = append(out, fmt.Sprintf("%s:%d", task.NodeID, task.AssigneeID))
		}
	}
	return out
}

// timeline lists an instance's steps as "node:kind".
func timeline(t *testing.T, db *store.DB, inst int64) []string {
	t.Helper()
	ss, err := db.FlowSteps(context.Background(), inst)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, s := range ss {
		out = append(out, s.NodeID+":"+s.Kind)
	}
	return out
}

func instanceState(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	inst, err := db.FlowInstance(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return inst.State
}

func TestReturn(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		submitter := forms.Actor{ID: 100}
		// walk approves the open task of each node in order.
		walk := func(t *testing.T, rt *flows.Runtime, inst int64, nodes ...string) {
			t.Helper()
			for _, node := range nodes {
				task := open(t, db, inst)[node]
				if task == 0 {
					t.Fatalf("no open task at %s; asked %v", node, asked(t, db, inst))
				}
				ts, _ := db.FlowTask(ctx, task)
				decide(t, rt, task, ts.AssigneeID, flows.Approve)
			}
		}
		resubmit := func(t *testing.T, rt *flows.Runtime, inst int64) {
			t.Helper()
			task := open(t, db, inst)["start"]
			if _, err := rt.Resubmit(ctx, flows.Resubmit{TaskID: task, Actor: submitter, Comment: "fixed"}); err != nil {
				t.Fatalf("resubmit: %v", err)
			}
		}
		cases := []struct {
			name string
			to   string
			node string
			// resume is the return's resume setting.
			resume string
			// fixed is who is asked once the return has been dealt with.
			fixed []string
			then  []string // the nodes approved after that, to the end
		}{
			{"to the submitter, then straight back", flows.ReturnToSubmitter, "", "", []string{"c:3"}, []string{"c"}},
			{"to the submitter, then through the flow again", flows.ReturnToSubmitter, "", flows.ResumeFlow, []string{"a:1"}, []string{"a", "b", "c"}},
			{"to an earlier step, then straight back", flows.ReturnToNode, "a", flows.ResumeBack, []string{"c:3"}, []string{"c"}},
			{"to an earlier step, then through the flow again", flows.ReturnToNode, "a", flows.ResumeFlow, []string{"b:2"}, []string{"b", "c"}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rt, cf, rec := runtimeFor(t, db, threeSteps)
				inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
				if err != nil {
					t.Fatal(err)
				}
				walk(t, rt, inst.ID, "a", "b")
				task := open(t, db, inst.ID)["c"]
				got, err := rt.Return(ctx, flows.Return{TaskID: task, Actor: forms.Actor{ID: 3}, To: c.to, Node: c.node, Resume: c.resume, Comment: "the region is wrong"})
				if err != nil {
					t.Fatalf("return: %v", err)
				}
				if got.State != store.TaskReturned || got.Comment != "the region is wrong" {
					t.Errorf("returned task %+v", got)
				}
				if c.to == flows.ReturnToSubmitter {
					if a := asked(t, db, inst.ID); !slices.Equal(a, []string{"start:100"}) {
						t.Fatalf("after the return, asked %v", a)
					}
					i, _ := db.FlowInstance(ctx, inst.ID)
					if w := flows.Where(i); len(w) != 1 || w[0].State != flows.PathReturned {
						t.Errorf("where %v", w)
					}
					resubmit(t, rt, inst.ID)
				} else {
					if a := asked(t, db, inst.ID); !slices.Equal(a, []string{"a:1"}) {
						t.Fatalf("after the return, asked %v", a)
					}
					walk(t, rt, inst.ID, "a")
				}
				if a := asked(t, db, inst.ID); !slices.Equal(a, c.fixed) {
					t.Fatalf("once fixed, asked %v, want %v; timeline %v", a, c.fixed, timeline(t, db, inst.ID))
				}
				walk(t, rt, inst.ID, c.then...)
				if s := instanceState(t, db, inst.ID); s != store.FlowApproved {
					t.Errorf("instance %s; timeline %v", s, timeline(t, db, inst.ID))
				}
				if !slices.Contains(timeline(t, db, inst.ID), "c:returned") {
					t.Errorf("no returned step: %v", timeline(t, db, inst.ID))
				}
			})
		}

		t.Run("sent back, the steps after are not earlier steps", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, threeSteps)
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			walk(t, rt, inst.ID, "a", "b")
			if _, err := rt.Return(ctx, flows.Return{TaskID: open(t, db, inst.ID)["c"], Actor: forms.Actor{ID: 3}, To: flows.ReturnToNode, Node: "a",
				Resume: flows.ResumeFlow, Comment: "again"}); err != nil {
				t.Fatal(err)
			}
			_, err = rt.Return(ctx, flows.Return{TaskID: open(t, db, inst.ID)["a"], Actor: forms.Actor{ID: 1}, To: flows.ReturnToNode, Node: "b", Comment: "x"})
			if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Path != "/node" || !strings.Contains(ps[0].Message, "passed no earlier approval") {
				t.Errorf("returning to a later step: %v", err)
			}
		})

		t.Run("bad returns are refused at the field", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, threeSteps)
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			walk(t, rt, inst.ID, "a")
			task := open(t, db, inst.ID)["b"]
			bad := []struct {
				name string
				r    flows.Return
				path string
			}{
				{"nowhere", flows.Return{To: "", Comment: "x"}, "/to"},
				{"an unknown kind of target", flows.Return{To: "manager", Comment: "x"}, "/to"},
				{"no node", flows.Return{To: flows.ReturnToNode, Comment: "x"}, "/node"},
				{"a node with the submitter", flows.Return{To: flows.ReturnToSubmitter, Node: "a", Comment: "x"}, "/node"},
				{"no comment", flows.Return{To: flows.ReturnToSubmitter, Comment: "  "}, "/comment"},
				{"a comment too long", flows.Return{To: flows.ReturnToSubmitter, Comment: strings.Repeat("x", flows.MaxCommentLength+1)}, "/comment"},
				{"an unknown resume", flows.Return{To: flows.ReturnToSubmitter, Resume: "later", Comment: "x"}, "/resume"},
				{"the step itself", flows.Return{To: flows.ReturnToNode, Node: "b", Comment: "x"}, "/node"},
				{"a step not passed yet", flows.Return{To: flows.ReturnToNode, Node: "c", Comment: "x"}, "/node"},
				{"a node that does not exist", flows.Return{To: flows.ReturnToNode, Node: "nope", Comment: "x"}, "/node"},
				{"the end", flows.Return{To: flows.ReturnToNode, Node: "done", Comment: "x"}, "/node"},
			}
			for _, b := range bad {
				b.r.TaskID, b.r.Actor = task, forms.Actor{ID: 2}
				_, err := rt.Return(ctx, b.r)
				ps := problemsOf(t, err)
				if len(ps) == 0 || ps[0].Path != b.path {
					t.Errorf("%s: %v, want a problem at %s", b.name, err, b.path)
				}
			}
			wrong := []struct {
				name string
				r    flows.Return
				want error
			}{
				{"not their task", flows.Return{TaskID: task, Actor: forms.Actor{ID: 1}, To: flows.ReturnToSubmitter, Comment: "x"}, store.ErrForbidden},
				{"an outsider", flows.Return{TaskID: task, Actor: forms.Actor{ID: 77}, To: flows.ReturnToSubmitter, Comment: "x"}, store.ErrNotFound},
				{"no such task", flows.Return{TaskID: 99999999, Actor: forms.Actor{ID: 2}, To: flows.ReturnToSubmitter, Comment: "x"}, store.ErrNotFound},
				{"a stale version", flows.Return{TaskID: task, Actor: forms.Actor{ID: 2}, To: flows.ReturnToSubmitter, Comment: "x", Version: 99}, store.ErrConflict},
			}
			for _, w := range wrong {
				if _, err := rt.Return(ctx, w.r); !errors.Is(err, w.want) {
					t.Errorf("%s: %v, want %v", w.name, err, w.want)
				}
			}
			if a := asked(t, db, inst.ID); !slices.Equal(a, []string{"b:2"}) {
				t.Errorf("refused returns moved the instance: %v", a)
			}
		})

		t.Run("the resubmit task is only resubmitted, by the submitter, once", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, threeSteps)
			inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
			if err != nil {
				t.Fatal(err)
			}
			a := open(t, db, inst.ID)["a"]
			if _, err := rt.Resubmit(ctx, flows.Resubmit{TaskID: a, Actor: forms.Actor{ID: 1}}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("resubmitting an approver's task: %v", err)
			}
			if _, err := rt.Return(ctx, flows.Return{TaskID: a, Actor: forms.Actor{ID: 1}, To: flows.ReturnToSubmitter, Comment: "attach the contract"}); err != nil {
				t.Fatal(err)
			}
			fix := open(t, db, inst.ID)["start"]
			task, _ := db.FlowTask(ctx, fix)
			if task.Kind != store.TaskKindResubmit || task.AssigneeID != 100 || task.Message != "attach the contract" {
				t.Errorf("the submitter's task %+v", task)
			}
			if _, err := rt.Decide(ctx, flows.Decision{TaskID: fix, Actor: submitter, Decision: flows.Approve}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("approving the resubmit task: %v", err)
			}
			if _, err := rt.Resubmit(ctx, flows.Resubmit{TaskID: fix, Actor: forms.Actor{ID: 1}}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("an approver resubmits: %v", err)
			}
			if _, err := rt.Resubmit(ctx, flows.Resubmit{TaskID: fix, Actor: submitter, Changes: map[string]any{"notes": "x"}}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("changes without write access: %v", err)
			}
			full := func(*forms.Compiled) (*forms.Access, bool) { return nil, true }
			done, err := rt.Resubmit(ctx, flows.Resubmit{TaskID: fix, Actor: submitter, Comment: "attached", Changes: map[string]any{"notes": "contract attached"}, WriteAccess: full})
			if err != nil {
				t.Fatal(err)
			}
			if done.State != store.TaskResubmitted {
				t.Errorf("task %s", done.State)
			}
			if _, err := rt.Resubmit(ctx, flows.Resubmit{TaskID: fix, Actor: submitter}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("resubmitting twice: %v", err)
			}
			if a := asked(t, db, inst.ID); !slices.Equal(a, []string{"a:1"}) {
				t.Errorf("after the resubmit, asked %v", a)
			}
			ss, _ := db.FlowSteps(ctx, inst.ID)
			last := ss[len(ss)-3] // note: resubmitted, then a's routing and task
			if last.Kind != flows.StepResubmitted || !strings.Contains(last.Data, "contract attached") || last.ActorID != 100 {
				t.Errorf("resubmit step %+v; timeline %v", last, timeline(t, db, inst.ID))
			}
		})

		t.Run("parallel paths: back to a step of this path or before the split, never beside it", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, `[{"id": "start", "type": "start", "next": "first"},
				{"id": "first", "type": "approval", "approval": {"mode": "single", "assignees": `+user(4)+`}, "next": "both"},
				{"id": "both", "type": "split", "targets": ["p", "q"]},
				{"id": "p", "type": "approval", "approval": {"mode": "single", "assignees": `+user(1)+`}, "next": "meet"},
				{"id": "q", "type": "approval", "approval": {"mode": "single", "assignees": `+user(2)+`}, "next": "q2"},
				{"id": "q2", "type": "approval", "approval": {"mode": "single", "assignees": `+user(3)+`}, "next": "meet"},
				{"id": "meet", "type": "join", "join": "all", "next": "done"},
				{"id": "done", "type": "end"}]`)
			start := func(t *testing.T) int64 {
				inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
				if err != nil {
					t.Fatal(err)
				}
				walk(t, rt, inst.ID, "first", "p", "q")
				return inst.ID
			}
			ret := func(t *testing.T, inst int64, node, resume string) error {
				_, err := rt.Return(ctx, flows.Return{TaskID: open(t, db, inst)["q2"], Actor: forms.Actor{ID: 3}, To: flows.ReturnToNode, Node: node, Resume: resume, Comment: "check"})
				return err
			}

			inst := start(t)
			if ps := problemsOf(t, ret(t, inst, "p", "")); len(ps) != 1 || ps[0].Code != flows.CodeInvalidReturn || !strings.Contains(ps[0].Message, "first, q") {
				t.Errorf("returning to the path beside: %v", ps)
			}
			if err := ret(t, inst, "q", ""); err != nil {
				t.Fatal(err)
			}
			walk(t, rt, inst, "q", "q2")
			if s := instanceState(t, db, inst); s != store.FlowApproved {
				t.Errorf("back on its own path: instance %s; timeline %v", s, timeline(t, db, inst))
			}

			inst = start(t)
			if err := ret(t, inst, "first", flows.ResumeBack); err != nil {
				t.Fatal(err)
			}
			walk(t, rt, inst, "first")
			if a := asked(t, db, inst); !slices.Equal(a, []string{"q2:3"}) {
				t.Errorf("back from before the split: asked %v", a)
			}
			walk(t, rt, inst, "q2")
			if s := instanceState(t, db, inst); s != store.FlowApproved {
				t.Errorf("instance %s", s)
			}

			inst = start(t)
			if err := ret(t, inst, "first", flows.ResumeFlow); err != nil {
				t.Fatal(err)
			}
			if a := asked(t, db, inst); !slices.Equal(a, []string{"first:4"}) {
				t.Errorf("through the flow from before the split: asked %v", a)
			}
			walk(t, rt, inst, "first", "p", "q", "q2")
			if s := instanceState(t, db, inst); s != store.FlowApproved {
				t.Errorf("instance %s; timeline %v", s, timeline(t, db, inst))
			}
		})
	})
}
