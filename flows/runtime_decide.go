package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Decision is an approver's decision on a task.
type Decision struct {
	TaskID int64
	Actor  forms.Actor
	// Admin lets the actor decide a task assigned to someone else.
	Admin bool
	// Decision is Approve or Reject.
	Decision string
	Comment  string
	// Changes are edits to the record, allowed only for the node's editable
	// fields and only with an approval.
	Changes map[string]any
	// ReadAccess is the actor's read access to the flow's form; ok false when
	// their roles grant none. It decides what else they see, not what they
	// may edit.
	ReadAccess func(form *forms.Compiled) (*forms.Access, bool)
	// Version, when not zero, must be the task's version.
	Version int64
}

// Decided is what a decision did.
type Decided struct {
	Task     *store.FlowTask
	Instance *store.FlowInstance
}

// checkDecision checks the parts of d that do not need the task.
func checkDecision(d *Decision) error {
	var ps []forms.Problem
	if d.Decision != Approve && d.Decision != Reject {
		ps = append(ps, forms.Problem{Path: "/decision", Code: CodeInvalidDecision,
			Message: fmt.Sprintf("decision must be %q or %q", Approve, Reject)})
	}
	if len(d.Comment) > MaxCommentLength || !utf8.ValidString(d.Comment) {
		ps = append(ps, forms.Problem{Path: "/comment", Code: forms.CodeTooLong,
			Message: fmt.Sprintf("the comment must be valid text of at most %d bytes", MaxCommentLength)})
	}
	if len(d.Changes) > 0 && d.Decision == Reject {
		ps = append(ps, forms.Problem{Path: "/changes", Code: forms.CodeInvalidValue,
			Message: "changes go with an approval; a reject leaves the record as it is"})
	}
	if len(ps) > 0 {
		return &forms.ProblemList{Subject: "decision", Problems: ps}
	}
	return nil
}

// Decide records d on its task and moves the instance on, in one
// transaction. Exactly one of several concurrent decisions on a task wins;
// the others fail with store.ErrConflict. Only the assignee (or an admin)
// may decide; a user who takes no part in the instance is told the task
// does not exist.
func (r *Runtime) Decide(ctx context.Context, d Decision) (*Decided, error) {
	if err := checkDecision(&d); err != nil {
		return nil, err
	}
	var out *Decided
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		task, inst, tasks, err := r.lockTaskOf(ctx, d.TaskID, d.Actor.ID, d.Admin)
		if err != nil {
			return err
		}
		if d.Version != 0 && task.Version != d.Version {
			return fmt.Errorf("%w: task %d has changed (version %d, you sent %d); reload it", store.ErrConflict, task.ID, task.Version, d.Version)
		}
		if err := requireKind(task, "", store.TaskKindSignerBefore, store.TaskKindSignerAfter); err != nil {
			return err
		}
		t, p, n, err := r.taskTransition(ctx, inst, task, d.Actor, tasks)
		if err != nil {
			return err
		}
		if d.Decision == Reject && n.Approval.RejectCommentRequired && strings.TrimSpace(d.Comment) == "" {
			return &forms.ProblemList{Subject: "decision", Problems: []forms.Problem{{Path: "/comment", Code: CodeCommentRequired,
				Message: "this step needs a comment to reject: say why"}}}
		}
		state := store.TaskApproved
		if d.Decision == Reject {
			state = store.TaskRejected
		}
		changed, err := t.applyChanges(n, d)
		if err != nil {
			return err
		}
		ok, err := r.db.DecideFlowTask(ctx, task.ID, store.TaskDecision{State: state, By: d.Actor.ID, At: t.now,
			Comment: d.Comment, Changes: changed, Node: task.NodeID, Instance: t.inst})
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: this task was already decided", store.ErrConflict)
		}
		t.markDecided(task.ID, state, d.Actor.ID, d.Comment)
		data := map[string]any{"decision": state}
		if task.AssigneeID != d.Actor.ID {
			data["for"] = task.AssigneeID
		}
		if task.OnBehalfOf != nil {
			data["on_behalf_of"] = *task.OnBehalfOf
		}
		if task.Kind != "" {
			data["signer"] = task.Kind
		}
		if changed != "" {
			data["changes"] = json.RawMessage(changed)
		}
		t.step(n.ID, StepDecided, task.ID, d.Comment, data)
		if err := t.afterDecision(n, task.ID); err != nil {
			return err
		}
		if err := t.settle(p, n); err != nil {
			return err
		}
		if err := t.drain(); err != nil {
			return err
		}
		summary := fmt.Sprintf("%s task %d at %s of flow %s on %s #%d", state, task.ID, n.ID, inst.FlowKey, inst.FormKey, inst.RecordID)
		if err := t.finish("flow.decide", summary, map[string]any{"task": task.ID, "node": n.ID, "decision": state}); err != nil {
			return err
		}
		for _, tk := range t.tasks {
			if tk.ID == task.ID {
				out = &Decided{Task: tk, Instance: inst}
			}
		}
		return nil
	})
	return out, err
}

// lockTask takes the lock of task id's instance and reads the task, now
// that nobody else can change it, and checks actor may act on it. A task no
// longer pending is store.ErrConflict.
func (r *Runtime) lockTask(ctx context.Context, id, actor int64, admin bool) (*store.FlowTask, *store.FlowInstance, error) {
	task, inst, _, err := r.lockTaskOf(ctx, id, actor, admin)
	return task, inst, err
}

// lockTaskOf is lockTask that also returns every task of the instance, as
// read under its lock: the transition that follows needs them, and they
// hold the task, so it is not read twice.
//
// note: the lock comes first and the check after, on what the lock let
// through; a refused actor's transaction rolls the lock's version bump back.
func (r *Runtime) lockTaskOf(ctx context.Context, id, actor int64, admin bool) (*store.FlowTask, *store.FlowInstance, []store.FlowTask, error) {
	inst, err := r.db.LockFlowInstanceOfTask(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil, nil, noTask(id)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := r.db.FlowTasksOf(ctx, inst.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	var task *store.FlowTask
	for i := range all {
		if all[i].ID == id {
			found := all[i]
			task = &found
		}
	}
	if task == nil {
		return nil, nil, nil, noTask(id)
	}
	if task.AssigneeID != actor && !admin {
		// note: as CanView, from the tasks at hand.
		if inst.SubmitterID != actor && !participates(all, actor) {
			return nil, nil, nil, noTask(id)
		}
		return nil, nil, nil, fmt.Errorf("%w: task %d is assigned to someone else", store.ErrForbidden, id)
	}
	switch task.State {
	case store.TaskPending:
		return task, inst, all, nil
	case store.TaskApproved, store.TaskRejected:
		return nil, nil, nil, fmt.Errorf("%w: this task was already decided (%s)", store.ErrConflict, task.State)
	case store.TaskQueued:
		return nil, nil, nil, fmt.Errorf("%w: this task is not your turn yet: an earlier signer has to decide first", store.ErrConflict)
	case store.TaskCC:
		return nil, nil, nil, fmt.Errorf("%w: this is a notice; there is nothing to decide", store.ErrConflict)
	}
	return nil, nil, nil, fmt.Errorf("%w: this task is no longer open (%s)", store.ErrConflict, task.State)
}

// participates reports whether user has, or had, one of tasks, in person or
// as the one it was meant for (store.IsFlowParticipant over tasks at hand).
func participates(tasks []store.FlowTask, user int64) bool {
	for _, t := range tasks {
		if t.AssigneeID == user || (t.OnBehalfOf != nil && *t.OnBehalfOf == user) || (t.DecidedBy != nil && *t.DecidedBy == user) {
			return true
		}
	}
	return false
}

func noTask(id int64) error { return fmt.Errorf("%w: there is no task %d", store.ErrNotFound, id) }

// taskTransition sets up the transition of a decision on task: the pinned
// flow, the path waiting for the task and its node.
//
// tasks, when not nil, are the instance's tasks as read under its lock.
func (r *Runtime) taskTransition(ctx context.Context, inst *store.FlowInstance, task *store.FlowTask, actor forms.Actor,
	tasks []store.FlowTask) (*transition, *path, *cnode, error) {
	t, p, n, err := r.pathTransition(ctx, inst, task, actor, PathPending, tasks)
	if err == nil && n.Type != TypeApproval {
		err = fmt.Errorf("%w: task %d is not at an approval of flow %s v%d", store.ErrConflict, task.ID, t.cf.Flow.Key, t.cf.Version)
	}
	return t, p, n, err
}

// pathTransition sets up the transition of an action on task: the pinned
// flow, the path waiting for the task in state, and the task's node.
func (r *Runtime) pathTransition(ctx context.Context, inst *store.FlowInstance, task *store.FlowTask, actor forms.Actor, state string,
	tasks []store.FlowTask) (*transition, *path, *cnode, error) {
	cf, err := r.deps.Versions.FlowVersion(ctx, inst.FlowKey, inst.FlowVersion)
	if err != nil {
		return nil, nil, nil, err
	}
	n, ok := cf.nodes[task.NodeID]
	if !ok {
		return nil, nil, nil, fmt.Errorf("%w: task %d is not at a node of flow %s v%d", store.ErrConflict, task.ID, cf.Flow.Key, cf.Version)
	}
	data, err := decodeRunData(inst.Data)
	if err != nil {
		return nil, nil, nil, err
	}
	p := data.path(task.PathID)
	if p == nil || p.Node != task.NodeID || p.Activation != task.Activation || p.State != state {
		return nil, nil, nil, fmt.Errorf("%w: the instance has moved on from this task", store.ErrConflict)
	}
	t := r.newTransition(ctx, cf, inst, nil, actor, forms.Actor{ID: inst.SubmitterID})
	t.loadRec = func() (forms.Record, error) { return r.deps.Records.Get(ctx, cf.Form, inst.RecordID) }
	t.loadSubmitter = func() (forms.Actor, error) { return r.deps.Directory.Actor(ctx, inst.SubmitterID) }
	t.data = data
	if tasks != nil {
		t.tasks = make([]*store.FlowTask, len(tasks))
		for i := range tasks {
			t.tasks[i] = &tasks[i]
		}
	}
	if err := t.loadTasks(); err != nil {
		return nil, nil, nil, err
	}
	return t, p, n, nil
}

func (t *transition) markDecided(id int64, state string, by int64, comment string) {
	for _, task := range t.tasks {
		if task.ID == id {
			task.State, task.Comment, task.Version = state, comment, task.Version+1
			b, at := by, t.now
			task.DecidedBy, task.DecidedAt = &b, &at
		}
	}
}

// applyChanges writes an approver's edits to the record, allowed only for
// the fields node n makes editable, and returns them as JSON for the task.
func (t *transition) applyChanges(n *cnode, d Decision) (string, error) {
	if len(d.Changes) == 0 {
		return "", nil
	}
	var base *forms.Access
	has := false
	if d.ReadAccess != nil {
		base, has = d.ReadAccess(t.cf.Form)
	}
	acc := NodeAccess(t.cf, n.ID, base, has)
	return t.writeRecord(forms.Write{Input: d.Changes, Actor: d.Actor, Trusted: true, Access: acc})
}

// writeRecord updates the instance's record with w and returns what
// changed, as JSON for the task.
func (t *transition) writeRecord(w forms.Write) (string, error) {
	// note: the record was read in this transaction; the update starts from
	// it (and reads it again only if it was written since).
	w.Stored = t.record()
	rec, err := t.r.deps.Records.Update(t.ctx, t.cf.Form, t.inst.RecordID, 0, w)
	if err != nil {
		return "", err
	}
	diff := t.cf.Form.Diff(t.record(), rec)
	t.rec = rec
	b, err := json.Marshal(diff)
	return string(b), err
}

// NodeAccess is how an approver at node sees and edits the record: what
// their roles let them read (base; has false when they grant nothing),
// narrowed to the node's visible fields when it lists some, read-only
// except the node's editable fields, which are writable. Rows are not
// limited: the task itself is the approver's reason to see the record.
func NodeAccess(cf *Compiled, node string, base *forms.Access, has bool) *forms.Access {
	var visible, editable []string
	if n, ok := cf.Node(node); ok && n.Approval != nil {
		visible, editable = n.Approval.Visible, n.Approval.Editable
	}
	level := func(p string) forms.FieldLevel {
		l := forms.Hidden
		if has {
			l = min(base.Level(p), forms.ReadOnly)
		}
		parent, _, child := strings.Cut(p, ".")
		if len(visible) > 0 && !slices.Contains(visible, p) && !(child && slices.Contains(visible, parent)) {
			l = forms.Hidden
		}
		if slices.Contains(editable, p) || (child && slices.Contains(editable, parent) && l >= forms.ReadOnly) {
			l = forms.Writable
		}
		return l
	}
	levels := map[string]forms.FieldLevel{}
	for _, f := range cf.Form.Fields() {
		levels[f.Key] = level(f.Key)
		if f.Child != nil {
			for _, col := range f.Child.Fields() {
				levels[f.Key+"."+col.Key] = level(f.Key + "." + col.Key)
			}
		}
	}
	return forms.NewAccess(nil, levels, forms.Hidden)
}

// CanView reports whether user may see instance inst: its submitter, anyone
// who has or had a task in it, and admins.
func (r *Runtime) CanView(ctx context.Context, inst *store.FlowInstance, user int64, admin bool) (bool, error) {
	if admin || inst.SubmitterID == user {
		return true, nil
	}
	return r.db.IsFlowParticipant(ctx, inst.ID, user)
}
