package flows_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// step is one approval (settings as JSON) between start and an end.
func step(settings string) string {
	return `[{"id": "start", "type": "start", "next": "a"},
		{"id": "a", "type": "approval", "approval": {` + settings + `}, "next": "done"},
		{"id": "done", "type": "end"}]`
}

func TestAddSigner(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		finance := `"assignees": [{"type": "role", "value": "finance"}]`
		// act is one thing a user does to the open task of a user at node a.
		type act struct {
			who      int64  // who acts
			on       int64  // whose open task
			decision string // approve or reject; empty with signer
			signer   int64  // add this signer…
			position string // …before or after
		}
		cases := []struct {
			name     string
			settings string
			acts     []act
			// asked is who has a pending task after the acts; state the
			// instance's.
			asked []string
			state string
		}{
			{"before: the signer first, then the approver again", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "before"}}, []string{"a:5"}, store.FlowRunning},
			{"before: once the signer approves, the approver is asked", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "before"}, {who: 5, on: 5, decision: flows.Approve}}, []string{"a:1"}, store.FlowRunning},
			{"before: then the approver decides the step", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "before"}, {who: 5, on: 5, decision: flows.Approve}, {who: 1, on: 1, decision: flows.Approve}},
				nil, store.FlowApproved},
			{"before: the signer's reject rejects the step", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "before"}, {who: 5, on: 5, decision: flows.Reject}}, nil, store.FlowRejected},
			{"after: the approver's approval waits for the signer", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Approve}}, []string{"a:5"}, store.FlowRunning},
			{"after: the signer's approval settles the step", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Approve}, {who: 5, on: 5, decision: flows.Approve}},
				nil, store.FlowApproved},
			{"after: the signer's reject rejects the step", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Approve}, {who: 5, on: 5, decision: flows.Reject}},
				nil, store.FlowRejected},
			{"after: an approver's reject leaves the signer out", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Reject}}, nil, store.FlowRejected},
			{"countersign: everyone approved, the step still waits for the signer", `"mode": "all", ` + finance,
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Approve}, {who: 2, on: 2, decision: flows.Approve},
					{who: 3, on: 3, decision: flows.Approve}}, []string{"a:5"}, store.FlowRunning},
			{"threshold: a signer's reject is one vote against", `"mode": "threshold", "threshold": 2, ` + finance,
				[]act{{who: 1, on: 1, signer: 5, position: "before"}, {who: 5, on: 5, decision: flows.Reject}, {who: 2, on: 2, decision: flows.Approve}},
				[]string{"a:3"}, store.FlowRunning},
			{"threshold: the others can still carry it", `"mode": "threshold", "threshold": 2, ` + finance,
				[]act{{who: 1, on: 1, signer: 5, position: "before"}, {who: 5, on: 5, decision: flows.Reject}, {who: 2, on: 2, decision: flows.Approve},
					{who: 3, on: 3, decision: flows.Approve}}, nil, store.FlowApproved},
			{"sequential: the next signer waits for the one added after", `"mode": "sequential", ` + finance,
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Approve}}, []string{"a:5"}, store.FlowRunning},
			{"sequential: then the next signer's turn", `"mode": "sequential", ` + finance,
				[]act{{who: 1, on: 1, signer: 5, position: "after"}, {who: 1, on: 1, decision: flows.Approve}, {who: 5, on: 5, decision: flows.Approve}},
				[]string{"a:2"}, store.FlowRunning},
			{"an admin adds a signer to someone's task", `"mode": "single", "assignees": ` + user(1),
				[]act{{who: 9, on: 1, signer: 5, position: "before"}}, []string{"a:5"}, store.FlowRunning},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rt, cf, rec := runtimeFor(t, db, step(c.settings))
				inst, err := rt.Start(ctx, cf, rec, forms.Actor{ID: 100}, "submit")
				if err != nil {
					t.Fatal(err)
				}
				for i, a := range c.acts {
					task := taskOf(t, db, inst.ID, a.on)
					actor := forms.Actor{ID: a.who}
					if a.decision != "" {
						_, err = rt.Decide(ctx, flows.Decision{TaskID: task, Actor: actor, Decision: a.decision, Comment: "because"})
					} else {
						_, err = rt.AddSigner(ctx, flows.AddSigner{TaskID: task, Actor: actor, Admin: a.who == 9, User: a.signer, Position: a.position, Comment: "please check"})
					}
					if err != nil {
						t.Fatalf("act %d %+v: %v; timeline %v", i, a, err, timeline(t, db, inst.ID))
					}
				}
				if a := asked(t, db, inst.ID); !slices.Equal(a, c.asked) {
					t.Errorf("asked %v, want %v; timeline %v", a, c.asked, timeline(t, db, inst.ID))
				}
				if s := instanceState(t, db, inst.ID); s != c.state {
					t.Errorf("instance %s, want %s", s, c.state)
				}
				if !slices.Contains(timeline(t, db, inst.ID), "a:signer_added") {
					t.Errorf("no signer_added step: %v", timeline(t, db, inst.ID))
				}
			})
		}

		t.Run("refused", func(t *testing.T) {
			rt, cf, rec := runtimeFor(t, db, step(`"mode": "all", `+finance))
			inst, err := rt.Start(ctx, cf, rec, forms.Actor{ID: 100}, "submit")
			if err != nil {
				t.Fatal(err)
			}
			task := taskOf(t, db, inst.ID, 1)
			bad := []struct {
				name string
				a    flows.AddSigner
				path string
			}{
				{"no position", flows.AddSigner{User: 5}, "/position"},
				{"an unknown position", flows.AddSigner{User: 5, Position: "beside"}, "/position"},
				{"the submitter", flows.AddSigner{User: 100, Position: "before"}, "/user"},
				{"oneself", flows.AddSigner{User: 1, Position: "before"}, "/user"},
				{"someone with a task at the step", flows.AddSigner{User: 2, Position: "after"}, "/user"},
				{"a comment too long", flows.AddSigner{User: 5, Position: "after", Comment: strings.Repeat("x", flows.MaxCommentLength+1)}, "/comment"},
			}
			for _, b := range bad {
				b.a.TaskID, b.a.Actor = task, forms.Actor{ID: 1}
				_, err := rt.AddSigner(ctx, b.a)
				if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Path != b.path {
					t.Errorf("%s: %v, want a problem at %s", b.name, err, b.path)
				}
			}
			if _, err := rt.AddSigner(ctx, flows.AddSigner{TaskID: task, Actor: forms.Actor{ID: 2}, User: 5, Position: "before"}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("adding to another approver's task: %v", err)
			}
			if _, err := rt.AddSigner(ctx, flows.AddSigner{TaskID: 99999999, Actor: forms.Actor{ID: 1}, User: 5, Position: "before"}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("no such task: %v", err)
			}
			signer, err := rt.AddSigner(ctx, flows.AddSigner{TaskID: task, Actor: forms.Actor{ID: 1}, User: 5, Position: "before"})
			if err != nil {
				t.Fatal(err)
			}
			if signer.Kind != store.TaskKindSignerBefore || signer.HostID != task || signer.AssigneeID != 5 {
				t.Errorf("signer's task %+v", signer)
			}
			if _, err := rt.AddSigner(ctx, flows.AddSigner{TaskID: signer.ID, Actor: forms.Actor{ID: 5}, User: 6, Position: "before"}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("a signer adds a signer: %v", err)
			}
			if _, err := rt.Decide(ctx, flows.Decision{TaskID: task, Actor: forms.Actor{ID: 1}, Decision: flows.Approve}); !errors.Is(err, store.ErrConflict) {
				t.Errorf("deciding while the signer before has not: %v", err)
			}
		})
	})
}

// taskOf is the open (pending) task of user in an instance.
func taskOf(t *testing.T, db *store.DB, inst, user int64) int64 {
	t.Helper()
	ts, err := db.FlowTasksOf(context.Background(), inst)
	if err != nil {
		t.Fatal(err)
	}
	for _, task := range ts {
		if task.AssigneeID == user && task.State == store.TaskPending {
			return task.ID
		}
	}
	t.Fatalf("user %d has no open task in instance %d", user, inst)
	return 0
}
