package flows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// UrgeInterval is how often one task may be urged.
const UrgeInterval = time.Hour

// TooSoonError is an action repeated before it may be; RetryAt says when it
// may be done again.
type TooSoonError struct {
	What    string
	RetryAt time.Time
}

func (e *TooSoonError) Error() string {
	return fmt.Sprintf("%s; you can do it again from %s", e.What, e.RetryAt.UTC().Format("2006-01-02 15:04:05 UTC"))
}

// Urge is a reminder to the approvers an instance waits for.
type Urge struct {
	InstanceID int64
	Actor      forms.Actor
	// Admin lets the actor urge any instance.
	Admin bool
	// Message is the reminder's text; empty says the actor is waiting.
	Message string
}

// UrgeSkip is a task left out of an urge: it was urged within the
// interval, and may be urged again at RetryAt.
type UrgeSkip struct {
	Task    int64     `json:"task"`
	RetryAt time.Time `json:"retry_at"`
}

// Urged is what an urge did: a notice (a task in state cc, kind urge, with
// the message) to the assignee of each pending task, and the tasks left out.
type Urged struct {
	Notices []*store.FlowTask
	Skipped []UrgeSkip
}

// Urge reminds everyone a running instance waits for, for its submitter
// or an admin. Each task may be urged once per UrgeInterval: tasks urged
// since are left out, and when that leaves none the urge fails with a
// *TooSoonError. An instance waiting for nobody is store.ErrConflict.
func (r *Runtime) Urge(ctx context.Context, u Urge) (*Urged, error) {
	if err := checkText("/message", u.Message); err != nil {
		return nil, err
	}
	var out *Urged
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		inst, err := r.urgeable(ctx, u)
		if err != nil {
			return err
		}
		t := r.newTransition(ctx, nil, inst, nil, u.Actor, forms.Actor{ID: inst.SubmitterID})
		if err := t.loadTasks(); err != nil {
			return err
		}
		msg := u.Message
		if msg == "" {
			msg = fmt.Sprintf("%s is waiting for you on this; please take a look", orWord(u.Actor.Name, fmt.Sprintf("user %d", u.Actor.ID)))
		}
		out = t.reminders(u.Actor.ID, msg)
		if len(out.Notices) == 0 {
			return t.nothingToUrge(out.Skipped)
		}
		if err := t.r.db.CreateFlowTasks(ctx, out.Notices); err != nil {
			return err
		}
		var hosts, to, ids, skipped []int64
		for _, n := range out.Notices {
			hosts, to, ids = append(hosts, n.HostID), append(to, n.AssigneeID), append(ids, n.ID)
		}
		for _, s := range out.Skipped {
			skipped = append(skipped, s.Task)
		}
		data := map[string]any{"tasks": hosts, "to": to, "notices": ids}
		if len(skipped) > 0 {
			data["skipped"] = skipped
		}
		t.step("", StepUrged, 0, msg, data)
		return t.note("flow.urge", fmt.Sprintf("urged %d task(s) of flow %s on %s #%d", len(hosts), inst.FlowKey, inst.FormKey, inst.RecordID),
			map[string]any{"tasks": hosts})
	})
	return out, err
}

// urgeable finds and locks the instance of u, checking who urges it.
func (r *Runtime) urgeable(ctx context.Context, u Urge) (*store.FlowInstance, error) {
	inst, err := r.db.FlowInstance(ctx, u.InstanceID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, noInstance(u.InstanceID)
	}
	if err != nil {
		return nil, err
	}
	if !u.Admin && inst.SubmitterID != u.Actor.ID {
		if seen, err := r.CanView(ctx, inst, u.Actor.ID, false); err != nil || !seen {
			return nil, errors.Join(noInstance(u.InstanceID), err)
		}
		return nil, fmt.Errorf("%w: only the submitter (or an admin) may urge the approvers", store.ErrForbidden)
	}
	if inst, err = r.db.LockFlowInstance(ctx, u.InstanceID); err != nil {
		return nil, err
	}
	if inst.EndedAt != nil {
		return nil, fmt.Errorf("%w: the instance has already ended (%s); nobody is waiting to be reminded", store.ErrConflict, inst.State)
	}
	return inst, nil
}

// reminders makes a notice for each pending task not urged within the
// interval, other than the urger's own.
func (t *transition) reminders(urger int64, msg string) *Urged {
	out := &Urged{}
	for _, task := range t.tasks {
		if task.State != store.TaskPending || task.AssigneeID == urger {
			continue
		}
		if last := t.lastUrge(task.ID); !last.IsZero() && t.now.Before(last.Add(UrgeInterval)) {
			out.Skipped = append(out.Skipped, UrgeSkip{Task: task.ID, RetryAt: last.Add(UrgeInterval)})
			continue
		}
		out.Notices = append(out.Notices, &store.FlowTask{InstanceID: t.inst.ID, NodeID: task.NodeID, Activation: task.Activation,
			PathID: task.PathID, AssigneeID: task.AssigneeID, State: store.TaskCC, Kind: store.TaskKindUrge, HostID: task.ID,
			Message: msg, CreatedAt: t.now, Version: 1})
	}
	return out
}

// lastUrge is when task id was last urged (zero: never).
func (t *transition) lastUrge(id int64) time.Time {
	var last time.Time
	for _, n := range t.tasks {
		if n.Kind == store.TaskKindUrge && n.HostID == id && n.CreatedAt.After(last) {
			last = n.CreatedAt
		}
	}
	return last
}

// nothingToUrge says why an urge sent no notice.
func (t *transition) nothingToUrge(skipped []UrgeSkip) error {
	if len(skipped) == 0 {
		return fmt.Errorf("%w: nobody else has a task waiting in this instance", store.ErrConflict)
	}
	retry := skipped[0].RetryAt
	for _, s := range skipped[1:] {
		if s.RetryAt.Before(retry) {
			retry = s.RetryAt
		}
	}
	return &TooSoonError{What: "the approvers were urged less than an hour ago", RetryAt: retry}
}
