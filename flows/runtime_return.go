package flows

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Where a return sends the record.
const (
	ReturnToSubmitter = "submitter"
	ReturnToNode      = "node"
)

// How a returned record comes back once fixed.
const (
	// ResumeBack goes straight back to the step that returned it (the
	// default): "fix this, then it comes back to me".
	ResumeBack = "back"
	// ResumeFlow goes on through the flow from where it was returned to,
	// passing the steps in between again.
	ResumeFlow = "flow"
)

// CodeInvalidReturn means a record cannot be returned where asked.
const CodeInvalidReturn = "flow_invalid_return"

// Return is an approver's sending a record back instead of deciding.
type Return struct {
	TaskID int64
	Actor  forms.Actor
	// Admin lets the actor return a task assigned to someone else.
	Admin bool
	// To is ReturnToSubmitter or ReturnToNode; Node is then an approval
	// the record passed on its way to this task.
	To   string
	Node string
	// Resume is ResumeBack (empty) or ResumeFlow.
	Resume string
	// Comment says what to fix; it is required.
	Comment string
	// Version, when not zero, must be the task's version.
	Version int64
}

func checkReturn(rt *Return) error {
	var ps []forms.Problem
	add := func(path, code, msg string) { ps = append(ps, forms.Problem{Path: path, Code: code, Message: msg}) }
	switch rt.To {
	case ReturnToSubmitter:
		if rt.Node != "" {
			add("/node", forms.CodeInvalidValue, "a return to the submitter names no node; leave node out, or return to the node")
		}
	case ReturnToNode:
		if rt.Node == "" {
			add("/node", forms.CodeRequired, "name the earlier step to return to")
		}
	default:
		add("/to", forms.CodeNotAnOption, fmt.Sprintf("to must be %q or %q", ReturnToSubmitter, ReturnToNode))
	}
	if rt.Resume == "" {
		rt.Resume = ResumeBack
	}
	if rt.Resume != ResumeBack && rt.Resume != ResumeFlow {
		add("/resume", forms.CodeNotAnOption, fmt.Sprintf("resume must be %q (straight back to this step) or %q (on through the flow)", ResumeBack, ResumeFlow))
	}
	if strings.TrimSpace(rt.Comment) == "" {
		add("/comment", forms.CodeRequired, "say what to fix: a return needs a comment")
	} else if err := checkText("/comment", rt.Comment); err != nil {
		p, _ := forms.AsProblems(err)
		ps = append(ps, p.Problems...)
	}
	if len(ps) > 0 {
		return &forms.ProblemList{Subject: "request", Problems: ps}
	}
	return nil
}

// Return sends the record of a pending approver's task back, for its
// assignee or an admin: to the submitter, who gets a task to fix and
// resubmit it, or to an approval the record passed on its way here, whose
// approvers are asked again. The step's other open tasks are closed. Once
// the record is fixed it comes straight back to this step, or with
// ResumeFlow goes on through the flow from where it went. The task ends
// returned; concurrent actions on it get store.ErrConflict.
func (r *Runtime) Return(ctx context.Context, rt Return) (*store.FlowTask, error) {
	if err := checkReturn(&rt); err != nil {
		return nil, err
	}
	var out *store.FlowTask
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		task, inst, tasks, err := r.lockTaskOf(ctx, rt.TaskID, rt.Actor.ID, rt.Admin)
		if err != nil {
			return err
		}
		if rt.Version != 0 && task.Version != rt.Version {
			return fmt.Errorf("%w: task %d has changed (version %d, you sent %d); reload it", store.ErrConflict, task.ID, task.Version, rt.Version)
		}
		if err := requireKind(task, "", store.TaskKindSignerBefore, store.TaskKindSignerAfter); err != nil {
			return err
		}
		t, p, n, err := r.taskTransition(ctx, inst, task, rt.Actor, tasks)
		if err != nil {
			return err
		}
		var level *path
		if rt.To == ReturnToNode {
			if level, err = t.passedOn(p, n, rt.Node); err != nil {
				return err
			}
		}
		ok, err := r.db.DecideFlowTask(ctx, task.ID, store.TaskDecision{State: store.TaskReturned, By: rt.Actor.ID, At: t.now, Comment: rt.Comment,
			Node: task.NodeID, Instance: t.inst})
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: this task was already decided", store.ErrConflict)
		}
		t.markDecided(task.ID, store.TaskReturned, rt.Actor.ID, rt.Comment)
		closed, err := t.closeTasks(func(o *store.FlowTask) bool { return o.Activation == p.Activation && o.PathID == p.ID })
		if err != nil {
			return err
		}
		data := map[string]any{"to": rt.To, "resume": rt.Resume}
		if rt.Node != "" {
			data["node"] = rt.Node
		}
		if task.OnBehalfOf != nil {
			data["on_behalf_of"] = *task.OnBehalfOf
		}
		if len(closed) > 0 {
			data["closed_tasks"] = closed
		}
		t.step(n.ID, StepReturned, task.ID, rt.Comment, data)
		if err := t.returnTo(p, n, level, rt); err != nil {
			return err
		}
		if err := t.drain(); err != nil {
			return err
		}
		out = t.task(task.ID)
		where := rt.To
		if rt.Node != "" {
			where = rt.Node
		}
		return t.finish("flow.return", fmt.Sprintf("returned task %d at %s of flow %s on %s #%d to %s", task.ID, n.ID, inst.FlowKey, inst.FormKey, inst.RecordID, where),
			map[string]any{"task": task.ID, "node": n.ID, "to": where, "resume": rt.Resume})
	})
	return out, err
}

// lineage is p and the paths whose splits it came from, up to the root.
func (t *transition) lineage(p *path) []*path {
	line := []*path{p}
	for q := p; q.Parent != 0; {
		if q = t.data.path(q.Parent); q == nil {
			break
		}
		line = append(line, q)
	}
	return line
}

// passedOn finds the path of p's lineage on which the record passed
// approval node (someone approved it there) on its way to n, and returns
// it. Steps on parallel paths beside p, or on paths already joined, are not
// on the record's way to p and cannot be returned to; nor can a step after
// n that the record passed before it was sent back to an earlier one.
func (t *transition) passedOn(p *path, n *cnode, node string) (*path, error) {
	line := t.lineage(p)
	passed := map[string]*path{}
	var order []string
	leads := map[string]bool{}
	for _, task := range t.tasks {
		i := slices.IndexFunc(line, func(q *path) bool { return q.ID == task.PathID })
		if i < 0 || task.Kind != "" || task.State != store.TaskApproved || task.NodeID == n.ID {
			continue
		}
		up, known := leads[task.NodeID]
		if !known {
			up = t.cf.walk([]string{task.NodeID}, "", "")[n.ID]
			leads[task.NodeID] = up
		}
		if !up {
			continue
		}
		if _, seen := passed[task.NodeID]; !seen {
			order = append(order, task.NodeID)
		}
		passed[task.NodeID] = line[i]
	}
	if level, ok := passed[node]; ok {
		return level, nil
	}
	msg := fmt.Sprintf("%q is not a step this record passed on its way here", node)
	switch {
	case node == n.ID:
		msg = "that is the step the record is at; return it to an earlier step or to the submitter"
	case len(order) == 0:
		msg += "; it passed no earlier approval, so return it to the submitter"
	default:
		msg += fmt.Sprintf("; return it to one of %s, or to the submitter", strings.Join(order, ", "))
	}
	return nil, requestProblem("/node", CodeInvalidReturn, msg)
}

// returnTo moves p, returned at approval n, where rt says. Going straight
// back, only p moves, remembering n; going on through the flow, p's
// lineage is cut back to the path where the record goes (level for a
// node, the root for the submitter), closing the parallel paths below it.
func (t *transition) returnTo(p *path, n *cnode, level *path, rt Return) error {
	if rt.Resume == ResumeBack {
		p.Back = append(p.Back, n.ID)
		level = p
	} else {
		if rt.To == ReturnToSubmitter {
			line := t.lineage(p)
			level = line[len(line)-1]
		}
		for _, c := range t.data.children(level.ID) {
			if _, err := t.cancelPath(c.ID); err != nil {
				return err
			}
		}
		level.Back = nil
	}
	level.Need, level.Reason = 0, ""
	if rt.To == ReturnToSubmitter {
		level.Node = t.cf.start.ID
		return t.awaitResubmit(level, rt.Comment)
	}
	level.Node, level.State, level.Activation = rt.Node, PathRunning, 0
	t.queue = append([]int{level.ID}, t.queue...)
	return nil
}

// awaitResubmit leaves p waiting for the submitter, who gets a task to fix
// the record and resubmit it, with the returner's comment as its message.
func (t *transition) awaitResubmit(p *path, message string) error {
	t.data.Activations++
	p.State, p.Activation = PathReturned, t.data.Activations
	p.Reason = "returned to the submitter to fix and resubmit"
	who := assignment{user: t.submitter.ID, note: "returned to the submitter to fix and resubmit"}
	task := t.newTask(p, t.cf.start, who, store.TaskPending, 0, message)
	task.Kind = store.TaskKindResubmit
	return t.saveTasks(t.cf.start, []*store.FlowTask{task}, []assignment{who})
}

// nextAfter is where p goes from approval n once n is approved: back to
// the latest approval that returned the record and waits for it, else n's
// next node. It notes the way in a settle step's data.
func (t *transition) nextAfter(p *path, n *cnode, data map[string]any) string {
	to := n.Next
	if k := len(p.Back); k > 0 {
		to, p.Back = p.Back[k-1], p.Back[:k-1]
		data["back_to_returner"] = true
	}
	data["next"] = to
	return to
}

// Resubmit is a submitter's sending a returned record on again.
type Resubmit struct {
	TaskID int64
	Actor  forms.Actor
	// Admin lets the actor resubmit for the submitter.
	Admin   bool
	Comment string
	// Changes fix the record on the way, as the actor may update it.
	Changes map[string]any
	// WriteAccess is the actor's update access to the flow's form; ok
	// false when their roles grant none.
	WriteAccess func(form *forms.Compiled) (*forms.Access, bool)
	// Version, when not zero, must be the task's version.
	Version int64
}

// Resubmit sends a returned record on, for the submitter (or an admin):
// changes are written with the actor's own update access, and the record
// goes back to the step that returned it, or on through the flow from its
// start. The task ends resubmitted.
func (r *Runtime) Resubmit(ctx context.Context, rs Resubmit) (*store.FlowTask, error) {
	if err := checkText("/comment", rs.Comment); err != nil {
		return nil, err
	}
	var out *store.FlowTask
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		task, inst, tasks, err := r.lockTaskOf(ctx, rs.TaskID, rs.Actor.ID, rs.Admin)
		if err != nil {
			return err
		}
		if rs.Version != 0 && task.Version != rs.Version {
			return fmt.Errorf("%w: task %d has changed (version %d, you sent %d); reload it", store.ErrConflict, task.ID, task.Version, rs.Version)
		}
		if task.Kind != store.TaskKindResubmit {
			return fmt.Errorf("%w: only a record returned to its submitter is resubmitted; approve, reject or return this task", store.ErrConflict)
		}
		t, p, _, err := r.pathTransition(ctx, inst, task, rs.Actor, PathReturned, tasks)
		if err != nil {
			return err
		}
		changed, err := t.fixRecord(rs)
		if err != nil {
			return err
		}
		ok, err := r.db.DecideFlowTask(ctx, task.ID, store.TaskDecision{State: store.TaskResubmitted, By: rs.Actor.ID, At: t.now,
			Comment: rs.Comment, Changes: changed, Node: task.NodeID, Instance: t.inst})
		if err != nil {
			return err
		}
		if !ok {
			return fmt.Errorf("%w: this task was already resubmitted", store.ErrConflict)
		}
		t.markDecided(task.ID, store.TaskResubmitted, rs.Actor.ID, rs.Comment)
		data := map[string]any{}
		if changed != "" {
			data["changes"] = json.RawMessage(changed)
		}
		p.Node, p.State, p.Activation, p.Reason = t.cf.start.ID, PathRunning, 0, ""
		if k := len(p.Back); k > 0 {
			p.Node, p.Back = p.Back[k-1], p.Back[:k-1]
			data["back_to"] = p.Node
		}
		t.step(t.cf.start.ID, StepResubmitted, task.ID, rs.Comment, data)
		t.queue = append([]int{p.ID}, t.queue...)
		if err := t.drain(); err != nil {
			return err
		}
		out = t.task(task.ID)
		return t.finish("flow.resubmit", fmt.Sprintf("resubmitted %s #%d to flow %s", inst.FormKey, inst.RecordID, inst.FlowKey),
			map[string]any{"task": task.ID})
	})
	return out, err
}

// fixRecord writes a resubmit's changes with the actor's update access.
func (t *transition) fixRecord(rs Resubmit) (string, error) {
	if len(rs.Changes) == 0 {
		return "", nil
	}
	var acc *forms.Access
	ok := false
	if rs.WriteAccess != nil {
		acc, ok = rs.WriteAccess(t.cf.Form)
	}
	if !ok {
		return "", fmt.Errorf("%w: you may not change %s records; resubmit without changes", store.ErrForbidden, t.cf.Form.Form.Key)
	}
	return t.writeRecord(forms.Write{Input: rs.Changes, Actor: rs.Actor, Access: acc})
}
