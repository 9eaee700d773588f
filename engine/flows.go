package engine

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the flow runtime runs inside the engine's transactions. Everything
// it asks the engine — records, users, delegates, pinned flow versions —
// goes through the transaction's context. The access model is taken before
// the transaction starts: rebuilding it inside one would wait for the only
// SQLite connection, which the transaction holds.

// flowRuntime returns the runtime wired to the engine, answering access
// questions from model.
func (e *Engine) flowRuntime(model *rbac.Model) *flows.Runtime {
	return flows.NewRuntime(e.db, flows.Deps{
		Records:   flowRecords{e},
		Directory: flowDirectory{e: e, m: model},
		Versions:  flowVersions{e},
		Jobs:      e.jobs,
		Links:     signLinks{e},
		Documents: flowDocuments{e},
		Events:    flowEvents{e},
		Poll:      e.cfg.Jobs.ConditionPoll,
	})
}

// flowRecords is the record store as the runtime needs it.
type flowRecords struct{ e *Engine }

func (r flowRecords) Get(ctx context.Context, c *forms.Compiled, id int64) (forms.Record, error) {
	return r.e.records.Get(ctx, c, id)
}

func (r flowRecords) Create(ctx context.Context, c *forms.Compiled, w forms.Write) (forms.Record, error) {
	return r.e.records.Create(ctx, c, w)
}

func (r flowRecords) Update(ctx context.Context, c *forms.Compiled, id, expect int64, w forms.Write) (forms.Record, error) {
	return r.e.records.Update(ctx, c, id, expect, w)
}

func (r flowRecords) SetFlowStatus(ctx context.Context, form string, id int64, status string) error {
	c, err := r.e.Form(form)
	if err != nil {
		return err
	}
	return r.e.db.SetFlowStatus(ctx, c.Table, id, status)
}

// flowDirectory finds the people behind assignees.
type flowDirectory struct {
	e *Engine
	m *rbac.Model
}

func (d flowDirectory) Users(ctx context.Context, a flows.Assignee, submitter forms.Actor) ([]int64, error) {
	switch a.Type {
	case flows.AssignUser:
		u, err := d.e.db.UserByEmail(ctx, strings.ToLower(strings.TrimSpace(a.Value)))
		if errors.Is(err, store.ErrNotFound) || (err == nil && !u.Active) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []int64{u.ID}, nil
	case flows.AssignRole:
		return d.m.UsersWithRole(a.Value), nil
	case flows.AssignManager:
		if id, ok := d.m.ManagerOf(submitter.ID, a.Levels); ok {
			return []int64{id}, nil
		}
	case flows.AssignDepartmentHead:
		return d.heads(a.Value, submitter.ID), nil
	}
	return nil, nil
}

// heads are the head of department dept, or of the submitter's
// departments when dept is empty.
func (d flowDirectory) heads(dept string, submitter int64) []int64 {
	var depts []int64
	if dept == "" {
		depts = d.m.DepartmentsOf(submitter)
	} else if id, err := strconv.ParseInt(dept, 10, 64); err == nil {
		depts = []int64{id}
	}
	var out []int64
	for _, id := range depts {
		if h, ok := d.m.HeadOf(id); ok {
			out = append(out, h)
		}
	}
	return out
}

func (d flowDirectory) ActiveUsers(ctx context.Context, ids []int64) ([]int64, error) {
	out := make([]int64, 0, len(ids))
	for _, id := range ids {
		if d.m.IsActive(id) {
			out = append(out, id)
		}
	}
	return out, nil
}

func (d flowDirectory) DelegateOf(ctx context.Context, userID int64, at time.Time) (int64, bool, error) {
	return d.e.DelegateOf(ctx, userID, at)
}

func (d flowDirectory) Actor(ctx context.Context, userID int64) (forms.Actor, error) {
	u, err := d.e.db.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return forms.Actor{ID: userID}, nil
	}
	if err != nil {
		return forms.Actor{}, err
	}
	return Principal{User: *u}.Actor(), nil
}

// flowVersions finds the version of a flow an instance is pinned to.
type flowVersions struct{ e *Engine }

// FlowVersion returns version of flow key compiled against the live forms:
// the live compiled flow when it is that version and current, otherwise the
// stored version compiled again.
//
// note: compiling an older version takes a few milliseconds and happens only
// for instances started before the latest publish; keep a cache here if
// that ever shows in profiles.
func (v flowVersions) FlowVersion(ctx context.Context, key string, version int) (*flows.Compiled, error) {
	snap := v.e.Snapshot()
	if live, ok := snap.Flow(key); ok && live.Version == version && live.UsesForms(snap) {
		return live, nil
	}
	dv, err := v.e.db.Version(ctx, KindFlow, key, version)
	if err != nil {
		return nil, fmt.Errorf("flow %s version %d: %w", key, version, err)
	}
	f, err := flows.ParseFlow([]byte(dv.Body))
	if err != nil {
		return nil, fmt.Errorf("stored flow %s v%d: %w", key, version, err)
	}
	cf, err := flows.Compile(f, version, snap, snap)
	if err != nil {
		return nil, fmt.Errorf("%w: flow %s version %d, which this instance runs on, no longer fits the published forms and roles; an admin must cancel it",
			store.ErrConflict, key, version)
	}
	return cf, nil
}

// relatedOf reads the records rec links to, when cf's expressions read them.
func (e *Engine) relatedOf(ctx context.Context, cf *flows.Compiled, rec forms.Record) (map[string]forms.Record, error) {
	return cf.LoadRelated(rec, func(target *forms.Compiled, id int64) (forms.Record, error) {
		return e.records.Get(ctx, target, id)
	})
}

// LiveFlow is the published flow key, compiled against the live forms.
func (v flowVersions) LiveFlow(ctx context.Context, key string) (*flows.Compiled, error) {
	cf, ok := v.e.Snapshot().Flow(key)
	if !ok {
		return nil, fmt.Errorf("%w: there is no published flow %q", store.ErrNotFound, key)
	}
	return v.e.currentFlow(ctx, cf)
}

// LiveFlow returns the live version of a flow bound to form, or
// store.ErrNotFound.
func (e *Engine) LiveFlow(ctx context.Context, form *forms.Compiled, key string) (*flows.Compiled, error) {
	cf, ok := e.Snapshot().Flow(key)
	if !ok || cf.Flow.Form != form.Form.Key {
		return nil, fmt.Errorf("%w: there is no published flow %q for %s records", store.ErrNotFound, key, form.Form.Key)
	}
	return e.currentFlow(ctx, cf)
}

// currentFlow is cf compiled against the live forms. ctx carries the
// transaction the caller is in, if any.
func (e *Engine) currentFlow(ctx context.Context, cf *flows.Compiled) (*flows.Compiled, error) {
	if cf.UsesForms(e.Snapshot()) {
		return cf, nil
	}
	return flowVersions{e}.FlowVersion(ctx, cf.Flow.Key, cf.Version)
}

// flowsOn lists the live flows bound to form that have a trigger of kind on.
func (e *Engine) flowsOn(form *forms.Compiled, on string) []*flows.Compiled {
	var out []*flows.Compiled
	for _, cf := range e.Snapshot().Flows() {
		if cf.Flow.Form == form.Form.Key && cf.HasTrigger(on) {
			out = append(out, cf)
		}
	}
	return out
}

// CreateRecord creates a record for p and, in the same transaction, starts
// every flow of its form whose create trigger holds for it. A flow that
// cannot start rolls the creation back.
func (e *Engine) CreateRecord(ctx context.Context, p *Principal, f *forms.Compiled, w forms.Write) (forms.Record, error) {
	starting := e.flowsOn(f, flows.OnCreate)
	if len(starting) == 0 {
		return e.records.Create(ctx, f, w)
	}
	model := e.Access()
	var rec forms.Record
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if rec, err = e.records.Create(ctx, f, w); err != nil {
			return err
		}
		started, err := e.startTriggered(ctx, e.flowRuntime(model), starting, flows.OnCreate, rec, nil, w.Actor)
		if err != nil {
			return err
		}
		if started {
			rec, err = e.records.Get(ctx, f, rec.ID())
		}
		return err
	})
	return rec, err
}

// SubmitRecord starts flow key (empty: the one flow of the form with a
// submit trigger) on record id, for p, who must be able to update or read
// the record. The flow's submit condition must hold; a flow already running
// on the record is store.ErrConflict.
func (e *Engine) SubmitRecord(ctx context.Context, p *Principal, f *forms.Compiled, id int64, key string) (*InstanceView, error) {
	acc, err := e.AccessFor(p, f, rbac.ActUpdate)
	if errors.Is(err, store.ErrForbidden) {
		acc, err = e.AccessFor(p, f, rbac.ActRead)
	}
	if err != nil {
		return nil, err
	}
	// note: the record is read once, in the transaction that starts the
	// flow on it, so the trigger holds for the values the flow starts with.
	model := e.Access()
	var inst *store.FlowInstance
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		rec, err := e.records.GetAs(ctx, f, id, acc)
		if err != nil {
			return err
		}
		cf, err := e.submittable(ctx, f, key)
		if err != nil {
			return err
		}
		related, err := e.relatedOf(ctx, cf, rec)
		if err != nil {
			return err
		}
		ok, err := cf.Triggered(flows.OnSubmit, rec, nil, p.Actor(), related)
		if err != nil {
			return fmt.Errorf("%w: %v", store.ErrInvalid, err)
		}
		if !ok {
			return &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: "/flow", Code: flows.CodeTriggerNotMet,
				Message: fmt.Sprintf("flow %s does not start on this record now: it needs %s", cf.Flow.Key,
					strings.Join(cf.TriggerConditions(flows.OnSubmit), " or "))}}}
		}
		inst, err = e.flowRuntime(model).StartOn(ctx, cf, rec, p.Actor(), flows.OnSubmit)
		return err
	})
	if err != nil {
		return nil, err
	}
	// note: inst is the instance as the transition wrote it, and p, its
	// submitter, may see it: it is not read again.
	return e.instanceDetail(ctx, p, model, inst)
}

// FlowRef names a live flow.
type FlowRef struct {
	Key   string `json:"key"`
	Title string `json:"title"`
}

// SubmitFlows lists the live flows a submit of form's records starts, so a
// record page offers "submit" only where there is something to submit to.
func (e *Engine) SubmitFlows(form *forms.Compiled) []FlowRef {
	out := []FlowRef{}
	for _, cf := range e.flowsOn(form, flows.OnSubmit) {
		out = append(out, FlowRef{Key: cf.Flow.Key, Title: cf.Flow.Title})
	}
	return out
}

// submittable finds the flow a submit names, or the form's only flow with a
// submit trigger.
func (e *Engine) submittable(ctx context.Context, f *forms.Compiled, key string) (*flows.Compiled, error) {
	if key == "" {
		list := e.flowsOn(f, flows.OnSubmit)
		switch len(list) {
		case 0:
			return nil, fmt.Errorf("%w: no published flow of %s records is started by submit", store.ErrNotFound, f.Form.Key)
		case 1:
			return e.currentFlow(ctx, list[0])
		}
		return nil, invalid("/flow", fmt.Sprintf("%d flows of %s records start on submit; name one", len(list), f.Form.Key))
	}
	cf, err := e.LiveFlow(ctx, f, key)
	if err != nil {
		return nil, err
	}
	if !cf.HasTrigger(flows.OnSubmit) {
		return nil, &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: "/flow", Code: flows.CodeNotSubmittable,
			Message: fmt.Sprintf("flow %s is not started by submit", key)}}}
	}
	return cf, nil
}

// DecideInput is an approver's decision as the API receives it.
type DecideInput struct {
	Decision string
	Comment  string
	Changes  map[string]any
	Version  int64
}

// DecideTask records p's decision on a task and moves its instance on.
func (e *Engine) DecideTask(ctx context.Context, p *Principal, taskID int64, in DecideInput) (*TaskView, error) {
	model := e.Access()
	subject := p.Subject()
	d := flows.Decision{TaskID: taskID, Actor: p.Actor(), Admin: model.IsAdmin(p.Roles), Decision: in.Decision,
		Comment: in.Comment, Changes: in.Changes, Version: in.Version,
		ReadAccess: func(form *forms.Compiled) (*forms.Access, bool) {
			acc, err := model.Access(subject, form, rbac.ActRead)
			return acc, err == nil
		}}
	dec, err := e.flowRuntime(model).Decide(ctx, d)
	if err != nil {
		return nil, err
	}
	// note: the answer is built from what the decision wrote; reading the
	// task back through TaskDetail would load the record and the access
	// again, only to throw them away.
	views, err := e.taskViewsIn(ctx, []store.FlowTask{*dec.Task}, []store.FlowInstance{*dec.Instance})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// WithdrawInstance takes an instance back for its submitter.
func (e *Engine) WithdrawInstance(ctx context.Context, p *Principal, id int64, comment string) (*InstanceView, error) {
	if _, err := e.flowRuntime(e.Access()).Withdraw(ctx, id, p.Actor(), comment); err != nil {
		return nil, err
	}
	return e.FlowInstance(ctx, p, id)
}

// CancelInstance ends an instance for an admin.
func (e *Engine) CancelInstance(ctx context.Context, p *Principal, id int64, comment string) (*InstanceView, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	if _, err := e.flowRuntime(e.Access()).Cancel(ctx, id, p.Actor(), comment); err != nil {
		return nil, err
	}
	return e.FlowInstance(ctx, p, id)
}

// TransferTask gives p's task (any task, for an admin) to user to.
func (e *Engine) TransferTask(ctx context.Context, p *Principal, taskID, to int64, comment string) (*TaskView, error) {
	model := e.Access()
	task, err := e.flowRuntime(model).Transfer(ctx, taskID, p.Actor(), model.IsAdmin(p.Roles), to, comment)
	if err != nil {
		return nil, err
	}
	views, err := e.taskViews(ctx, []store.FlowTask{*task})
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}
