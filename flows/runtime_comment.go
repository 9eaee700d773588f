package flows

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// MaxAttachments bounds the files of one comment.
const MaxAttachments = 10

// Attachment is a file shown with a comment. The engine finds it and
// checks that the commenter may see it; viewers of the timeline who may not
// see it are not shown it.
type Attachment struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Type  string `json:"type"`
	Size  int64  `json:"size"`
	Form  string `json:"form"`
	Field string `json:"field"`
}

// Comment is a remark on an instance, or on one of its tasks, for the
// timeline. It changes nothing else.
type Comment struct {
	// TaskID, when set, is the task commented on; otherwise InstanceID is
	// the instance.
	TaskID     int64
	InstanceID int64
	Actor      forms.Actor
	// Admin lets the actor comment on any instance or task.
	Admin       bool
	Text        string
	Attachments []Attachment
}

func checkComment(c *Comment) error {
	if strings.TrimSpace(c.Text) == "" && len(c.Attachments) == 0 {
		return requestProblem("/comment", forms.CodeRequired, "write a comment or attach a file")
	}
	if err := checkText("/comment", c.Text); err != nil {
		return err
	}
	if len(c.Attachments) > MaxAttachments {
		return requestProblem("/attachments", forms.CodeTooMany, fmt.Sprintf("attach at most %d files to one comment", MaxAttachments))
	}
	return nil
}

// Comment adds a comment to a timeline and returns its step. Anyone who may
// see the instance may comment on it, also once it has ended; a task takes
// comments from those it is for (its assignee, the one it is meant for, who
// decided it) and admins.
func (r *Runtime) Comment(ctx context.Context, c Comment) (*store.FlowStep, error) {
	if err := checkComment(&c); err != nil {
		return nil, err
	}
	var out *store.FlowStep
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		inst, task, err := r.commentTarget(ctx, c)
		if err != nil {
			return err
		}
		// note: the lock keeps a timeline's steps in the order they happened.
		if inst, err = r.db.LockFlowInstance(ctx, inst.ID); err != nil {
			return err
		}
		t := r.newTransition(ctx, nil, inst, nil, c.Actor, forms.Actor{ID: inst.SubmitterID})
		node, taskID, on := "", int64(0), fmt.Sprintf("instance %d", inst.ID)
		if task != nil {
			node, taskID, on = task.NodeID, task.ID, fmt.Sprintf("task %d", task.ID)
		}
		var data map[string]any
		ids := []string{}
		if len(c.Attachments) > 0 {
			data = map[string]any{"attachments": c.Attachments}
			for _, a := range c.Attachments {
				ids = append(ids, a.ID)
			}
		}
		t.step(node, StepCommented, taskID, c.Text, data)
		out = t.steps[0]
		return t.note("flow.comment", fmt.Sprintf("commented on %s of flow %s on %s #%d", on, inst.FlowKey, inst.FormKey, inst.RecordID),
			map[string]any{"task": taskID, "comment": c.Text, "attachments": ids})
	})
	return out, err
}

// commentTarget finds what c comments on and checks the actor may.
func (r *Runtime) commentTarget(ctx context.Context, c Comment) (*store.FlowInstance, *store.FlowTask, error) {
	if c.TaskID == 0 {
		inst, err := r.db.FlowInstance(ctx, c.InstanceID)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil, noInstance(c.InstanceID)
		}
		if err != nil {
			return nil, nil, err
		}
		if seen, err := r.CanView(ctx, inst, c.Actor.ID, c.Admin); err != nil || !seen {
			return nil, nil, errors.Join(noInstance(c.InstanceID), err)
		}
		return inst, nil, nil
	}
	task, err := r.db.FlowTask(ctx, c.TaskID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, noTask(c.TaskID)
	}
	if err != nil {
		return nil, nil, err
	}
	inst, err := r.db.FlowInstance(ctx, task.InstanceID)
	if err != nil {
		return nil, nil, err
	}
	is := func(id *int64) bool { return id != nil && *id == c.Actor.ID }
	if c.Admin || task.AssigneeID == c.Actor.ID || is(task.OnBehalfOf) || is(task.DecidedBy) {
		return inst, task, nil
	}
	if seen, err := r.CanView(ctx, inst, c.Actor.ID, false); err != nil || !seen {
		return nil, nil, errors.Join(noTask(c.TaskID), err)
	}
	return nil, nil, fmt.Errorf("%w: task %d is someone else's; comment on the instance instead", store.ErrForbidden, c.TaskID)
}

// note writes the transition's steps and its audit entry, for actions that
// change neither the instance's state nor its record.
func (t *transition) note(action, summary string, extra map[string]any) error {
	if err := t.r.db.AddFlowSteps(t.ctx, t.steps); err != nil {
		return err
	}
	return appendAudit(t.ctx, t.r.db, t.actor.ID, action, t.inst, summary, extra)
}
