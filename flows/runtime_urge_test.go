package flows_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// clock is a settable time for the runtime.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestUrge(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		clk := &clock{now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
		rt, cf, rec := runtimeWith(t, db, `[{"id": "start", "type": "start", "next": "a"},
			{"id": "a", "type": "approval", "approval": {"mode": "all", "assignees": [{"type": "role", "value": "finance"}]}, "next": "b"},
			{"id": "b", "type": "approval", "approval": {"mode": "single", "assignees": `+user(4)+`}, "next": "done"},
			{"id": "done", "type": "end"}]`, flows.Deps{Directory: people{roles: map[string][]int64{"finance": {1, 2, 3}}}, Now: clk.Now})
		submitter := forms.Actor{ID: 100, Name: "Rep"}
		inst, err := rt.Start(ctx, cf, rec, submitter, "submit")
		if err != nil {
			t.Fatal(err)
		}
		urge := func(actor forms.Actor, admin bool, msg string) (*flows.Urged, error) {
			return rt.Urge(ctx, flows.Urge{InstanceID: inst.ID, Actor: actor, Admin: admin, Message: msg})
		}
		notified := func(u *flows.Urged) []int64 {
			var out []int64
			for _, n := range u.Notices {
				out = append(out, n.AssigneeID)
			}
			return out
		}

		got, err := urge(submitter, false, "")
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(notified(got), []int64{1, 2, 3}) || len(got.Skipped) != 0 {
			t.Fatalf("urged %v, skipped %v", notified(got), got.Skipped)
		}
		n := got.Notices[0]
		if n.State != store.TaskCC || n.Kind != store.TaskKindUrge || n.HostID != taskOf(t, db, inst.ID, 1) || !strings.Contains(n.Message, "Rep is waiting") {
			t.Errorf("notice %+v", n)
		}

		_, err = urge(submitter, false, "")
		var soon *flows.TooSoonError
		if !errors.As(err, &soon) || !soon.RetryAt.Equal(clk.Now().Add(flows.UrgeInterval)) {
			t.Fatalf("urging again at once: %v", err)
		}
		clk.add(30 * time.Minute)
		decide(t, rt, taskOf(t, db, inst.ID, 1), 1, flows.Approve)
		if _, err := urge(submitter, false, ""); !errors.As(err, &soon) {
			t.Errorf("urging again within the hour: %v", err)
		}

		clk.add(31 * time.Minute)
		if got, err = urge(submitter, false, "the customer is calling"); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(notified(got), []int64{2, 3}) || got.Notices[0].Message != "the customer is calling" {
			t.Errorf("an hour on: urged %v", notified(got))
		}

		// note: a task asked since the last urge is urged; the others wait.
		decide(t, rt, taskOf(t, db, inst.ID, 2), 2, flows.Approve)
		decide(t, rt, taskOf(t, db, inst.ID, 3), 3, flows.Approve)
		if got, err = urge(forms.Actor{ID: 9}, true, ""); err != nil || !slices.Equal(notified(got), []int64{4}) {
			t.Errorf("an admin urges the next step: %v, %v", got, err)
		}

		refused := []struct {
			name  string
			actor forms.Actor
			want  error
		}{
			{"an approver", forms.Actor{ID: 4}, store.ErrForbidden},
			{"an outsider", forms.Actor{ID: 77}, store.ErrNotFound},
		}
		for _, r := range refused {
			if _, err := urge(r.actor, false, ""); !errors.Is(err, r.want) {
				t.Errorf("%s urges: %v, want %v", r.name, err, r.want)
			}
		}
		if _, err := urge(submitter, false, strings.Repeat("x", flows.MaxCommentLength+1)); len(problemsOf(t, err)) != 1 {
			t.Errorf("a message too long: %v", err)
		}
		if _, err := rt.Urge(ctx, flows.Urge{InstanceID: 99999999, Actor: submitter}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no such instance: %v", err)
		}
		decide(t, rt, taskOf(t, db, inst.ID, 4), 4, flows.Approve)
		if _, err := urge(submitter, false, ""); !errors.Is(err, store.ErrConflict) {
			t.Errorf("urging an ended instance: %v", err)
		}
		urged := 0
		for _, s := range timeline(t, db, inst.ID) {
			if s == ":"+flows.StepUrged {
				urged++
			}
		}
		if urged != 3 {
			t.Errorf("%d urges on the timeline, want 3: %v", urged, timeline(t, db, inst.ID))
		}
	})
}
