package flows_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func TestDelegate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		start := func(t *testing.T, settings string) (*flows.Runtime, int64, int64) {
			rt, cf, rec := runtimeFor(t, db, step(settings))
			inst, err := rt.Start(ctx, cf, rec, forms.Actor{ID: 100}, "submit")
			if err != nil {
				t.Fatal(err)
			}
			return rt, inst.ID, taskOf(t, db, inst.ID, 1)
		}

		t.Run("the delegate decides on behalf of the approver", func(t *testing.T) {
			rt, inst, task := start(t, `"mode": "single", "assignees": `+user(1))
			got, err := rt.Delegate(ctx, task, forms.Actor{ID: 1}, false, 7, "I am in meetings all day")
			if err != nil {
				t.Fatal(err)
			}
			if got.AssigneeID != 7 || got.OnBehalfOf == nil || *got.OnBehalfOf != 1 {
				t.Fatalf("delegated task %+v", got)
			}
			if _, err := rt.Decide(ctx, flows.Decision{TaskID: task, Actor: forms.Actor{ID: 1}, Decision: flows.Approve}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("the approver still decides: %v", err)
			}
			decide(t, rt, task, 7, flows.Approve)
			ss, _ := db.FlowSteps(ctx, inst)
			var trail []string
			for _, s := range ss {
				if s.Kind == flows.StepDelegated || s.Kind == flows.StepDecided {
					trail = append(trail, s.Kind+" "+s.Data)
				}
			}
			if len(trail) != 2 || !strings.Contains(trail[0], `"on_behalf_of":1`) || !strings.Contains(trail[1], `"on_behalf_of":1`) {
				t.Errorf("the trail does not say on whose behalf: %v", trail)
			}
			if s := instanceState(t, db, inst); s != store.FlowApproved {
				t.Errorf("instance %s", s)
			}
		})

		t.Run("passed on, it stays on the approver's behalf; given back, it is theirs again", func(t *testing.T) {
			rt, _, task := start(t, `"mode": "single", "assignees": `+user(1))
			if _, err := rt.Delegate(ctx, task, forms.Actor{ID: 1}, false, 7, ""); err != nil {
				t.Fatal(err)
			}
			got, err := rt.Delegate(ctx, task, forms.Actor{ID: 7}, false, 8, "")
			if err != nil {
				t.Fatal(err)
			}
			if got.AssigneeID != 8 || got.OnBehalfOf == nil || *got.OnBehalfOf != 1 {
				t.Errorf("passed on: %+v", got)
			}
			if got, err = rt.Delegate(ctx, task, forms.Actor{ID: 8}, false, 1, ""); err != nil || got.AssigneeID != 1 || got.OnBehalfOf != nil {
				t.Errorf("given back: %+v, %v", got, err)
			}
		})

		t.Run("refused", func(t *testing.T) {
			rt, _, task := start(t, `"mode": "all", "assignees": [{"type": "role", "value": "finance"}]`)
			bad := []struct {
				name    string
				to      int64
				comment string
				path    string
			}{
				{"to the submitter", 100, "", "/to"},
				{"to oneself", 1, "", "/to"},
				{"to someone with a task at the step", 2, "", "/to"},
				{"a comment too long", 7, strings.Repeat("x", flows.MaxCommentLength+1), "/comment"},
			}
			for _, b := range bad {
				_, err := rt.Delegate(ctx, task, forms.Actor{ID: 1}, false, b.to, b.comment)
				if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Path != b.path {
					t.Errorf("delegate %s: %v, want a problem at %s", b.name, err, b.path)
				}
			}
			if _, err := rt.Transfer(ctx, task, forms.Actor{ID: 1}, false, 3, ""); len(problemsOf(t, err)) != 1 {
				t.Errorf("transfer to someone with a task at the step: %v", err)
			}
			if _, err := rt.Delegate(ctx, task, forms.Actor{ID: 2}, false, 7, ""); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("delegating another approver's task: %v", err)
			}
			if _, err := rt.Delegate(ctx, 99999999, forms.Actor{ID: 1}, false, 7, ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("no such task: %v", err)
			}
		})
	})
}

// Concurrent actions on one task: exactly one wins, the others are told
// of the conflict.
func TestConcurrentTaskActions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rt, cf, rec := runtimeFor(t, db, threeSteps)
		inst, err := rt.Start(ctx, cf, rec, forms.Actor{ID: 100}, "submit")
		if err != nil {
			t.Fatal(err)
		}
		task := taskOf(t, db, inst.ID, 1)
		me := forms.Actor{ID: 1}
		actions := []func(i int) error{
			func(int) error {
				_, err := rt.Decide(ctx, flows.Decision{TaskID: task, Actor: me, Decision: flows.Approve})
				return err
			},
			func(int) error {
				_, err := rt.Decide(ctx, flows.Decision{TaskID: task, Actor: me, Decision: flows.Reject})
				return err
			},
			func(int) error {
				_, err := rt.Return(ctx, flows.Return{TaskID: task, Actor: me, To: flows.ReturnToSubmitter, Comment: "fix it"})
				return err
			},
			func(i int) error {
				_, err := rt.AddSigner(ctx, flows.AddSigner{TaskID: task, Actor: me, User: int64(200 + i), Position: flows.SignerBefore})
				return err
			},
		}
		const workers = 24
		var mu sync.Mutex
		wins, conflicts := 0, 0
		var wg sync.WaitGroup
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := actions[i%len(actions)](i)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					wins++
				case errors.Is(err, store.ErrConflict):
					conflicts++
				default:
					t.Errorf("worker %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if wins != 1 || conflicts != workers-1 {
			t.Errorf("%d won and %d conflicted, want 1 and %d", wins, conflicts, workers-1)
		}
		ss, _ := db.FlowSteps(ctx, inst.ID)
		n := 0
		for _, s := range ss {
			if s.TaskID == task && (s.Kind == flows.StepDecided || s.Kind == flows.StepReturned || s.Kind == flows.StepSignerAdded) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d actions on the task are on the timeline, want 1: %v", n, fmt.Sprint(timeline(t, db, inst.ID)))
		}
	})
}
