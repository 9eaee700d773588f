package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Withdraw takes an instance back on behalf of its submitter, while no
// approver has decided anything yet: its open tasks are cancelled and it
// ends withdrawn. Anyone else is refused (store.ErrForbidden, or
// store.ErrNotFound for someone who takes no part in it); an instance that
// has ended or has a decision is store.ErrConflict.
func (r *Runtime) Withdraw(ctx context.Context, instanceID int64, actor forms.Actor, comment string) (*store.FlowInstance, error) {
	return r.stop(ctx, instanceID, actor, false, comment)
}

// Cancel ends a running or stuck instance for an admin, decisions or not:
// its open tasks are cancelled and it ends cancelled.
func (r *Runtime) Cancel(ctx context.Context, instanceID int64, admin forms.Actor, comment string) (*store.FlowInstance, error) {
	return r.stop(ctx, instanceID, admin, true, comment)
}

func (r *Runtime) stop(ctx context.Context, id int64, actor forms.Actor, admin bool, comment string) (*store.FlowInstance, error) {
	if len(comment) > MaxCommentLength {
		return nil, &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: "/comment", Code: forms.CodeTooLong,
			Message: fmt.Sprintf("the comment must be at most %d bytes", MaxCommentLength)}}}
	}
	var out *store.FlowInstance
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		inst, err := r.db.FlowInstance(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return noInstance(id)
		}
		if err != nil {
			return err
		}
		if !admin && inst.SubmitterID != actor.ID {
			if seen, err := r.CanView(ctx, inst, actor.ID, false); err != nil || !seen {
				return errors.Join(noInstance(id), err)
			}
			return fmt.Errorf("%w: only the submitter may withdraw it", store.ErrForbidden)
		}
		if inst, err = r.db.LockFlowInstance(ctx, id); err != nil {
			return err
		}
		if inst.EndedAt != nil {
			return fmt.Errorf("%w: the instance has already ended (%s)", store.ErrConflict, inst.State)
		}
		data, err := decodeRunData(inst.Data)
		if err != nil {
			return err
		}
		t := r.newTransition(ctx, nil, inst, nil, actor, forms.Actor{ID: inst.SubmitterID})
		t.data = data
		if err := t.loadTasks(); err != nil {
			return err
		}
		if !admin && slices.ContainsFunc(t.tasks, func(task *store.FlowTask) bool {
			return task.State == store.TaskApproved || task.State == store.TaskRejected
		}) {
			return fmt.Errorf("%w: an approver has already decided, so it can no longer be withdrawn; ask an admin to cancel it", store.ErrConflict)
		}
		closed, err := t.closeTasks(func(*store.FlowTask) bool { return true })
		if err != nil {
			return err
		}
		kind, state, action := StepWithdrawn, store.FlowWithdrawn, "flow.withdraw"
		if admin {
			kind, state, action = StepCancelled, store.FlowCancelled, "flow.cancel"
		}
		t.step("", kind, 0, comment, map[string]any{"cancelled_tasks": closed})
		t.endAs(state)
		out = inst
		return t.finish(action, fmt.Sprintf("%s flow %s on %s #%d", state, inst.FlowKey, inst.FormKey, inst.RecordID), nil)
	})
	return out, err
}

func noInstance(id int64) error {
	return fmt.Errorf("%w: there is no flow instance %d", store.ErrNotFound, id)
}

// Transfer gives a pending task to another active user, for its assignee
// or an admin. The submitter cannot receive a task of their own record
// unless the flow allows self-approval, nor can anyone who already has a
// task at the step.
func (r *Runtime) Transfer(ctx context.Context, taskID int64, actor forms.Actor, admin bool, to int64, comment string) (*store.FlowTask, error) {
	var out *store.FlowTask
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		task, inst, cf, err := r.lockHandover(ctx, taskID, actor, admin, to, CodeInvalidTransfer)
		if err != nil {
			return err
		}
		ok, err := r.db.TransferFlowTask(ctx, task.ID, to, nil)
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: this task was already decided", store.ErrConflict)
		}
		data, err := decodeRunData(inst.Data)
		if err != nil {
			return err
		}
		t := r.newTransition(ctx, cf, inst, nil, actor, forms.Actor{ID: inst.SubmitterID})
		t.data = data
		t.step(task.NodeID, StepTransferred, task.ID, comment, map[string]any{"from": task.AssigneeID, "to": to})
		task.AssigneeID, task.OnBehalfOf, task.Version = to, nil, task.Version+1
		out = task
		return t.finish("flow.transfer", fmt.Sprintf("transferred task %d of flow %s to user %d", task.ID, inst.FlowKey, to),
			map[string]any{"task": task.ID, "to": to})
	})
	return out, err
}
