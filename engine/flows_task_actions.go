package engine

import (
	"context"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the runtime checks who may act on a task (its assignee, or an
// admin, which the engine decides from the roles) and tells everyone else
// the task is not theirs, or that it does not exist.

// ReturnInput is a return as the API receives it.
type ReturnInput struct {
	// To is "submitter" or "node"; Node names the earlier step.
	To, Node string
	// Resume is "back" (empty) or "flow".
	Resume  string
	Comment string
	Version int64
}

// ReturnTask sends the record of p's task back to its submitter or to an
// earlier step, for its assignee or an admin.
func (e *Engine) ReturnTask(ctx context.Context, p *Principal, taskID int64, in ReturnInput) (*TaskView, error) {
	model := e.Access()
	task, err := e.flowRuntime(model).Return(ctx, flows.Return{TaskID: taskID, Actor: p.Actor(), Admin: model.IsAdmin(p.Roles),
		To: in.To, Node: in.Node, Resume: in.Resume, Comment: in.Comment, Version: in.Version})
	if err != nil {
		return nil, err
	}
	return e.taskView(ctx, task)
}

// ResubmitInput is a submitter's resubmit as the API receives it.
type ResubmitInput struct {
	Comment string
	Changes map[string]any
	Version int64
}

// ResubmitTask sends a returned record on, for its submitter or an admin;
// changes are written with p's own update access to the form.
func (e *Engine) ResubmitTask(ctx context.Context, p *Principal, taskID int64, in ResubmitInput) (*TaskView, error) {
	model := e.Access()
	subject := p.Subject()
	task, err := e.flowRuntime(model).Resubmit(ctx, flows.Resubmit{TaskID: taskID, Actor: p.Actor(), Admin: model.IsAdmin(p.Roles),
		Comment: in.Comment, Changes: in.Changes, Version: in.Version,
		WriteAccess: func(form *forms.Compiled) (*forms.Access, bool) {
			acc, err := model.Access(subject, form, rbac.ActUpdate)
			return acc, err == nil
		}})
	if err != nil {
		return nil, err
	}
	return e.taskView(ctx, task)
}

// DelegateTask hands p's task (any task, for an admin) to user to, who
// decides it on behalf of the one it is for.
func (e *Engine) DelegateTask(ctx context.Context, p *Principal, taskID, to int64, comment string) (*TaskView, error) {
	model := e.Access()
	task, err := e.flowRuntime(model).Delegate(ctx, taskID, p.Actor(), model.IsAdmin(p.Roles), to, comment)
	if err != nil {
		return nil, err
	}
	return e.taskView(ctx, task)
}

// SignerInput asks for one more signer on a task.
type SignerInput struct {
	User     int64
	Position string
	Comment  string
}

// AddSigner adds a signer before or after p's task (any task, for an admin)
// and returns the signer's task.
func (e *Engine) AddSigner(ctx context.Context, p *Principal, taskID int64, in SignerInput) (*TaskView, error) {
	model := e.Access()
	task, err := e.flowRuntime(model).AddSigner(ctx, flows.AddSigner{TaskID: taskID, Actor: p.Actor(), Admin: model.IsAdmin(p.Roles),
		User: in.User, Position: in.Position, Comment: in.Comment})
	if err != nil {
		return nil, err
	}
	return e.taskView(ctx, task)
}

// Urged is what an urge did: the notices sent, and the tasks left out
// because they were urged within the hour.
type Urged struct {
	Notices []TaskView       `json:"notices"`
	Skipped []flows.UrgeSkip `json:"skipped"`
}

// UrgeInstance reminds everyone instance id waits for, for its submitter
// or an admin, at most once an hour per task.
func (e *Engine) UrgeInstance(ctx context.Context, p *Principal, id int64, message string) (*Urged, error) {
	model := e.Access()
	u, err := e.flowRuntime(model).Urge(ctx, flows.Urge{InstanceID: id, Actor: p.Actor(), Admin: model.IsAdmin(p.Roles), Message: message})
	if err != nil {
		return nil, err
	}
	ts := make([]store.FlowTask, len(u.Notices))
	for i, n := range u.Notices {
		ts[i] = *n
	}
	out := &Urged{Skipped: u.Skipped}
	if out.Skipped == nil {
		out.Skipped = []flows.UrgeSkip{}
	}
	out.Notices, err = e.taskViews(ctx, ts)
	return out, err
}

// taskView is one task with the names around it.
func (e *Engine) taskView(ctx context.Context, task *store.FlowTask) (*TaskView, error) {
	views, err := e.taskViews(ctx, []store.FlowTask{*task})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}
