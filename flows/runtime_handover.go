package flows

import (
	"context"
	"fmt"
	"slices"
	"unicode/utf8"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Step kinds of the task actions beyond deciding.
const (
	StepDelegated   = "delegated"
	StepSignerAdded = "signer_added"
	StepReturned    = "returned"
	StepResubmitted = "resubmitted"
	StepCommented   = "commented"
	StepUrged       = "urged"
)

// Validation codes of handing a task over.
const (
	// CodeInvalidDelegate means a task cannot be delegated to the user named.
	CodeInvalidDelegate = "flow_invalid_delegate"
	// CodeInvalidSigner means the user named cannot be added as a signer.
	CodeInvalidSigner = "flow_invalid_signer"
)

// requestProblem is a problem with one value of a request.
func requestProblem(path, code, msg string) error {
	return &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: path, Code: code, Message: msg}}}
}

// checkText checks free text a user sends with an action.
func checkText(path, text string) error {
	if len(text) > MaxCommentLength || !utf8.ValidString(text) {
		return requestProblem(path, forms.CodeTooLong, fmt.Sprintf("%s must be valid text of at most %d bytes", path[1:], MaxCommentLength))
	}
	return nil
}

// requireKind refuses task unless it is of one of the kinds given; the
// message says what the task is for instead.
func requireKind(task *store.FlowTask, kinds ...string) error {
	if slices.Contains(kinds, task.Kind) {
		return nil
	}
	switch task.Kind {
	case store.TaskKindResubmit:
		return fmt.Errorf("%w: this task asks you to fix the record and resubmit it; there is nothing else to do with it", store.ErrConflict)
	case store.TaskKindSignerBefore, store.TaskKindSignerAfter:
		return fmt.Errorf("%w: you were added as a signer; approve or reject, and ask the one who added you for anything else", store.ErrConflict)
	}
	return fmt.Errorf("%w: this task is decided, not resubmitted: approve, reject or return it", store.ErrConflict)
}

// checkHandover checks that task may go to user to (by delegation, transfer
// or as an added signer): an active user other than its assignee, not the
// submitter of a flow that forbids self-approval, and without a task of
// their own at this step, which would give them two votes. Problems are
// reported at path with code.
func (r *Runtime) checkHandover(ctx context.Context, cf *Compiled, inst *store.FlowInstance, task *store.FlowTask, to int64, path, code string) error {
	bad := func(msg string) error { return requestProblem(path, code, msg) }
	if to == task.AssigneeID {
		return bad("the task is already theirs")
	}
	if to == inst.SubmitterID && !cf.Flow.AllowSelfApproval {
		return bad("the submitter cannot approve their own record")
	}
	active, err := r.deps.Directory.ActiveUsers(ctx, []int64{to})
	if err != nil {
		return err
	}
	if len(active) == 0 {
		return bad(fmt.Sprintf("there is no active user %d", to))
	}
	tasks, err := r.db.FlowTasksOf(ctx, inst.ID)
	if err != nil {
		return err
	}
	for _, other := range tasks {
		if other.AssigneeID == to && other.NodeID == task.NodeID && other.Activation == task.Activation &&
			(other.State == store.TaskPending || other.State == store.TaskQueued) {
			return bad(fmt.Sprintf("user %d already has a task at this step; they cannot hold two", to))
		}
	}
	return nil
}

// Delegate hands a pending task to user to, who then decides on behalf of
// the one it was meant for: unlike a transfer, the task stays theirs in the
// trail ("on behalf of"), and they can still see it. Delegating it back to
// them makes it theirs again. For its assignee or an admin.
func (r *Runtime) Delegate(ctx context.Context, taskID int64, actor forms.Actor, admin bool, to int64, comment string) (*store.FlowTask, error) {
	if err := checkText("/comment", comment); err != nil {
		return nil, err
	}
	var out *store.FlowTask
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		task, inst, cf, err := r.lockHandover(ctx, taskID, actor, admin, to, CodeInvalidDelegate)
		if err != nil {
			return err
		}
		owner := task.AssigneeID
		if task.OnBehalfOf != nil {
			owner = *task.OnBehalfOf // note: a delegate passing it on still acts for the owner
		}
		var behalf *int64
		if to != owner {
			behalf = &owner
		}
		ok, err := r.db.TransferFlowTask(ctx, task.ID, to, behalf)
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
		step := map[string]any{"from": task.AssigneeID, "to": to}
		if behalf != nil {
			step["on_behalf_of"] = owner
		}
		t.step(task.NodeID, StepDelegated, task.ID, comment, step)
		task.AssigneeID, task.OnBehalfOf, task.Version = to, behalf, task.Version+1
		out = task
		return t.finish("flow.delegate", fmt.Sprintf("delegated task %d of flow %s to user %d on behalf of user %d", task.ID, inst.FlowKey, to, owner),
			map[string]any{"task": task.ID, "to": to, "on_behalf_of": owner})
	})
	return out, err
}

// lockHandover locks a pending approval or signing task that actor may hand
// over, with its instance and flow version, and checks that user to may
// take it (code names the refusal).
func (r *Runtime) lockHandover(ctx context.Context, taskID int64, actor forms.Actor, admin bool, to int64, code string) (*store.FlowTask, *store.FlowInstance, *Compiled, error) {
	task, inst, err := r.lockTask(ctx, taskID, actor.ID, admin)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := requireKind(task, "", store.TaskKindSignerBefore, store.TaskKindSignerAfter); err != nil {
		return nil, nil, nil, err
	}
	cf, err := r.deps.Versions.FlowVersion(ctx, inst.FlowKey, inst.FlowVersion)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := r.checkHandover(ctx, cf, inst, task, to, "/to", code); err != nil {
		return nil, nil, nil, err
	}
	return task, inst, cf, nil
}
