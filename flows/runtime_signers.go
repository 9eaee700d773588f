package flows

import (
	"context"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Where an added signer goes.
const (
	SignerBefore = "before"
	SignerAfter  = "after"
)

// note: an added signer holds no vote of their own. They gate the vote of
// the task they were added to (its host): a host with a signer before it
// waits (queued) until the signer approves and is then asked again; a host
// with a signer after it counts as approved only once the signer approves
// too. A signer's reject is the host's reject. So a step's modes and
// thresholds count the same people whoever they consulted.

// AddSigner is an approver's asking one more person to sign their task.
type AddSigner struct {
	TaskID int64
	Actor  forms.Actor
	// Admin lets the actor act on a task assigned to someone else.
	Admin bool
	// User is who is added; Position is SignerBefore or SignerAfter.
	User     int64
	Position string
	// Comment says why they are asked; it is their task's message.
	Comment string
}

// AddSigner adds a signer to a pending approver's task, for its assignee
// or an admin, and returns the signer's task. The signer cannot be the
// submitter (unless the flow allows self-approval) nor anyone who already
// has a task at the step. Added signers cannot add signers.
func (r *Runtime) AddSigner(ctx context.Context, a AddSigner) (*store.FlowTask, error) {
	if a.Position != SignerBefore && a.Position != SignerAfter {
		return nil, requestProblem("/position", forms.CodeNotAnOption, fmt.Sprintf("position must be %q or %q", SignerBefore, SignerAfter))
	}
	if err := checkText("/comment", a.Comment); err != nil {
		return nil, err
	}
	var out *store.FlowTask
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		host, inst, tasks, err := r.lockTaskOf(ctx, a.TaskID, a.Actor.ID, a.Admin)
		if err != nil {
			return err
		}
		if err := requireKind(host, ""); err != nil {
			return err
		}
		t, p, n, err := r.taskTransition(ctx, inst, host, a.Actor, tasks)
		if err != nil {
			return err
		}
		if err := r.checkHandover(ctx, t.cf, inst, host, a.User, "/user", CodeInvalidSigner); err != nil {
			return err
		}
		kind, state := store.TaskKindSignerAfter, store.TaskQueued
		if a.Position == SignerBefore {
			kind, state = store.TaskKindSignerBefore, store.TaskPending
			if err := t.moveTask(host.ID, store.TaskPending, store.TaskQueued); err != nil {
				return err
			}
		}
		who, err := t.delegated(a.User)
		if err != nil {
			return err
		}
		t.step(n.ID, StepSignerAdded, host.ID, a.Comment, nil)
		added := t.steps[len(t.steps)-1]
		signer := t.newTask(p, n, who, state, 0, a.Comment)
		signer.Kind, signer.HostID = kind, host.ID
		if err := t.saveTasks(n, []*store.FlowTask{signer}, []assignment{who}); err != nil {
			return err
		}
		added.Data = stepData(map[string]any{"position": a.Position, "signer": a.User, "task": signer.ID})
		out = signer
		return t.finish("flow.add_signer", fmt.Sprintf("added user %d %s task %d at %s of flow %s on %s #%d", a.User, a.Position,
			host.ID, n.ID, inst.FlowKey, inst.FormKey, inst.RecordID), map[string]any{"task": host.ID, "signer": a.User, "position": a.Position})
	})
	return out, err
}

// moveTask moves task id from state from to state to, or fails with
// store.ErrConflict when it is no longer in from.
func (t *transition) moveTask(id int64, from, to string) error {
	n, err := t.r.db.SetFlowTaskStates(t.ctx, []int64{id}, []string{from}, to)
	if err != nil {
		return err
	}
	if n != 1 {
		return fmt.Errorf("%w: task %d is no longer %s", store.ErrConflict, id, from)
	}
	if task := t.task(id); task != nil {
		task.State, task.Version = to, task.Version+1
	}
	return nil
}

// task is the instance's task id as this transition sees it.
func (t *transition) task(id int64) *store.FlowTask {
	for _, task := range t.tasks {
		if task.ID == id {
			return task
		}
	}
	return nil
}

// tally counts the votes of p's current entry into approval n, each
// approver's task with its added signers, and finds the next queued signer
// of a sequential approval.
func (t *transition) tally(p *path, n *cnode) (approved, rejected, open int, next *store.FlowTask) {
	for _, task := range t.tasks {
		if task.Activation != p.Activation || task.PathID != p.ID || task.NodeID != n.ID || task.Kind != "" {
			continue
		}
		switch t.vote(task) {
		case store.TaskApproved:
			approved++
		case store.TaskRejected:
			rejected++
		case store.TaskPending:
			open++
		case store.TaskQueued:
			open++
			if !t.hasSigners(task, store.TaskKindSignerBefore) && (next == nil || task.Sequence < next.Sequence) {
				next = task
			}
		}
	}
	return approved, rejected, open, next
}

// vote is what host's task counts as with its added signers: rejected when
// any of them rejected, still open (pending) while a signer after it has
// not decided, else the task's own state.
func (t *transition) vote(host *store.FlowTask) string {
	var open, rejected bool
	for _, s := range t.tasks {
		if s.HostID != host.ID || (s.Kind != store.TaskKindSignerBefore && s.Kind != store.TaskKindSignerAfter) {
			continue
		}
		switch s.State {
		case store.TaskRejected:
			rejected = true
		case store.TaskPending, store.TaskQueued:
			open = true
		}
	}
	switch {
	case rejected:
		return store.TaskRejected
	case host.State == store.TaskApproved && open:
		return store.TaskPending
	}
	return host.State
}

// hasSigners reports whether host has open added signers of kind.
func (t *transition) hasSigners(host *store.FlowTask, kind string) bool {
	for _, s := range t.tasks {
		if s.HostID == host.ID && s.Kind == kind && (s.State == store.TaskPending || s.State == store.TaskQueued) {
			return true
		}
	}
	return false
}

// afterDecision moves the added signers around task id at node n on once
// it is decided: an approver's signers after them are asked when they
// approve and dropped when they reject; an approver waiting for signers
// before them is asked again once the last of those approved. A signer's
// reject needs nothing here: it counts as the host's (vote).
func (t *transition) afterDecision(n *cnode, id int64) error {
	d := t.task(id)
	if d == nil {
		return nil
	}
	switch d.Kind {
	case "":
		for _, s := range t.tasks {
			if s.HostID != d.ID || s.Kind != store.TaskKindSignerAfter || s.State != store.TaskQueued {
				continue
			}
			if d.State != store.TaskApproved {
				if err := t.moveTask(s.ID, store.TaskQueued, store.TaskSkipped); err != nil {
					return err
				}
				continue
			}
			if err := t.ask(n, s, fmt.Sprintf("user %d approved and added this signer after them", d.AssigneeID)); err != nil {
				return err
			}
		}
	case store.TaskKindSignerBefore:
		host := t.task(d.HostID)
		if d.State != store.TaskApproved || host == nil || host.State != store.TaskQueued || t.hasSigners(host, store.TaskKindSignerBefore) {
			return nil
		}
		return t.ask(n, host, "the signer added before approved: back to the approver")
	}
	return nil
}

// ask turns a queued task pending, with a task_created step saying why.
func (t *transition) ask(n *cnode, task *store.FlowTask, why string) error {
	if err := t.moveTask(task.ID, store.TaskQueued, store.TaskPending); err != nil {
		return err
	}
	t.engineStep(n.ID, StepTaskCreated, task.ID, why, map[string]any{"assignee": task.AssigneeID, "state": task.State})
	return nil
}
