package flows

import (
	"context"
	"errors"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Deadline outcomes (Deadline.Then).
const (
	ThenRemind   = "remind"
	ThenEscalate = "escalate"
	ThenApprove  = "approve"
	ThenReject   = "reject"
)

// scheduleDeadlines enqueues the deadline job of every task that has one.
func (t *transition) scheduleDeadlines(tasks []*store.FlowTask) error {
	for _, task := range tasks {
		if task.DueAt != nil {
			if err := t.enqueue(DeadlineArgs{Task: task.ID, Due: *task.DueAt}, *task.DueAt); err != nil {
				return err
			}
		}
	}
	return nil
}

// restartDeadline gives a sequential signer whose turn has come the node's
// full time, counted from now.
func (t *transition) restartDeadline(n *cnode, task *store.FlowTask) error {
	if n.Approval.Deadline == nil {
		return nil
	}
	d, err := ParseDuration(n.Approval.Deadline.After)
	if err != nil {
		return nil //nolint:nilerr // note: compile rejected it; a stored flow that still has one runs without the deadline.
	}
	due := t.now.Add(d)
	task.DueAt = &due
	if err := t.r.db.SetFlowTaskDue(t.ctx, task.ID, &due); err != nil {
		return err
	}
	return t.scheduleDeadlines([]*store.FlowTask{task})
}

// Deadline acts on a task whose deadline has passed, as its node says:
// remind the assignee, escalate the task to their manager, or decide it.
// A task decided, moved or given a new deadline since does nothing.
func (r *Runtime) Deadline(ctx context.Context, a DeadlineArgs) error {
	return r.db.WithTx(ctx, func(ctx context.Context) error {
		task, err := r.db.FlowTask(ctx, a.Task)
		if errors.Is(err, store.ErrNotFound) {
			return nil
		}
		if err != nil || !dueNow(task, a) {
			return err
		}
		t, live, err := r.jobTransition(ctx, task.InstanceID)
		if err != nil || !live {
			return err
		}
		task = t.task(a.Task)
		if task == nil || !dueNow(task, a) {
			return nil
		}
		n, ok := t.cf.nodes[task.NodeID]
		p := t.data.path(task.PathID)
		if !ok || n.Approval == nil || n.Approval.Deadline == nil || p == nil || p.State != PathPending || p.Activation != task.Activation {
			return nil
		}
		then := n.Approval.Deadline.Then
		switch then {
		case ThenApprove, ThenReject:
			err = t.decideOverdue(p, n, task, then)
		case ThenEscalate:
			err = t.escalate(p, n, task)
		default:
			err = t.remind(p, n, task, "")
		}
		if err != nil {
			return err
		}
		return t.finish("flow.deadline", fmt.Sprintf("deadline of task %d at %s of flow %s on %s #%d: %s",
			task.ID, n.ID, t.inst.FlowKey, t.inst.FormKey, t.inst.RecordID, then), map[string]any{"task": task.ID, "then": then})
	})
}

func dueNow(task *store.FlowTask, a DeadlineArgs) bool {
	return task.State == store.TaskPending && task.DueAt != nil && task.DueAt.Equal(a.Due)
}

// remind sends the assignee of an overdue task a notice.
func (t *transition) remind(p *path, n *cnode, task *store.FlowTask, note string) error {
	msg := fmt.Sprintf("Reminder: your decision on %s #%d (%s) was due %s.", t.inst.FormKey, t.inst.RecordID,
		orWord(n.Title, n.ID), task.DueAt.Format("2006-01-02 15:04 MST"))
	t.engineStep(n.ID, StepReminded, task.ID, note, map[string]any{"assignee": task.AssigneeID, "due_at": task.DueAt})
	return t.notify(p, n, []int64{task.AssigneeID}, msg, nil, "")
}

// escalate gives an overdue task to its assignee's manager; with no
// manager to give it to, the assignee is reminded instead.
func (t *transition) escalate(p *path, n *cnode, task *store.FlowTask) error {
	got, err := t.r.deps.Directory.Users(t.ctx, Assignee{Type: AssignManager, Levels: 1}, forms.Actor{ID: task.AssigneeID})
	if err != nil {
		return err
	}
	got, err = t.r.deps.Directory.ActiveUsers(t.ctx, got)
	if err != nil {
		return err
	}
	if len(got) == 0 || got[0] == task.AssigneeID {
		return t.remind(p, n, task, "the assignee has no active manager to escalate to, so they were reminded")
	}
	manager := got[0]
	if ok, err := t.r.db.TransferFlowTask(t.ctx, task.ID, manager, nil); err != nil || !ok {
		return err
	}
	from := task.AssigneeID
	task.AssigneeID, task.OnBehalfOf = manager, nil
	t.engineStep(n.ID, StepEscalated, task.ID, "no decision by the deadline, so the task went to the assignee's manager",
		map[string]any{"from": from, "to": manager, "due_at": task.DueAt})
	return nil
}

// decideOverdue approves or rejects an overdue task for nobody: the engine
// decides, as the node says, and the instance goes on.
func (t *transition) decideOverdue(p *path, n *cnode, task *store.FlowTask, then string) error {
	state := store.TaskApproved
	if then == ThenReject {
		state = store.TaskRejected
	}
	comment := fmt.Sprintf("decided automatically: no decision within %s", n.Approval.Deadline.After)
	ok, err := t.r.db.DecideFlowTask(t.ctx, task.ID, store.TaskDecision{State: state, At: t.now, Comment: comment,
		Node: task.NodeID, Instance: t.inst})
	if err != nil || !ok {
		return err
	}
	t.markDecided(task.ID, state, 0, comment)
	t.engineStep(n.ID, StepDecided, task.ID, comment, map[string]any{"decision": state, "for": task.AssigneeID, "automatic": true})
	if err := t.settle(p, n); err != nil {
		return err
	}
	return t.drain()
}
