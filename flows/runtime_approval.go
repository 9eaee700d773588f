package flows

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/store"
)

// assignment is one task to create: who gets it and for whom.
type assignment struct {
	user       int64
	onBehalfOf int64
	note       string
}

// resolve finds the active users behind assignees, in order, duplicates
// merged. Field and expression assignees are read from the record; the rest
// ask the directory. It returns why a value was unusable in notes.
func (t *transition) resolve(as []cassignee) ([]int64, []string, error) {
	var ids []int64
	var notes []string
	for _, a := range as {
		switch a.Type {
		case AssignField:
			if id, ok := t.record()[a.Value].(int64); ok && id > 0 {
				ids = append(ids, id)
			} else {
				notes = append(notes, fmt.Sprintf("the field %s names nobody", a.Value))
			}
		case AssignExpression:
			out, err := expr.Run(a.prog, t.env())
			if err != nil {
				notes = append(notes, fmt.Sprintf("the expression %q failed: %v", a.Value, err))
				continue
			}
			ids = append(ids, idsOf(out)...)
		default:
			got, err := t.r.deps.Directory.Users(t.ctx, a.Assignee, t.submitter)
			if err != nil {
				return nil, nil, err
			}
			if len(got) == 0 {
				notes = append(notes, fmt.Sprintf("%s %s resolves to nobody", a.Type, assigneeWords(a.Assignee)))
			}
			ids = append(ids, got...)
		}
	}
	active, err := t.r.deps.Directory.ActiveUsers(t.ctx, dedupe(ids))
	if err != nil {
		return nil, nil, err
	}
	if len(active) < len(dedupe(ids)) {
		notes = append(notes, "deactivated users were left out")
	}
	return active, notes, nil
}

func assigneeWords(a Assignee) string {
	switch {
	case a.Type == AssignManager:
		return fmt.Sprintf("(%d level(s) up)", max(a.Levels, 1))
	case a.Value == "":
		return "(the submitter's)"
	}
	return a.Value
}

// approvers resolves who decides at approval n: the assignees without the
// submitter (unless the flow allows self-approval), else the fallback
// assignee, else the admins; each sent to their delegate when out of office.
func (t *transition) approvers(n *cnode) ([]assignment, []string, error) {
	ids, notes, err := t.resolve(n.assignees)
	if err != nil {
		return nil, nil, err
	}
	ids, removed := t.withoutSubmitter(ids)
	if removed {
		notes = append(notes, "the submitter was left out: nobody approves their own record")
	}
	if len(ids) == 0 {
		fb := Assignee{Type: AssignRole, Value: "admin"}
		if t.cf.Flow.FallbackAssignee != "" {
			fb = Assignee{Type: AssignUser, Value: t.cf.Flow.FallbackAssignee}
		}
		got, err := t.r.deps.Directory.Users(t.ctx, fb, t.submitter)
		if err != nil {
			return nil, nil, err
		}
		ids, _ = t.withoutSubmitter(dedupe(got))
		if len(ids) > 0 {
			notes = append(notes, fmt.Sprintf("nobody was found, so the task went to the fallback (%s %s)", fb.Type, fb.Value))
		}
	}
	var out []assignment
	for _, id := range ids {
		a, err := t.delegated(id)
		if err != nil {
			return nil, nil, err
		}
		if !slices.ContainsFunc(out, func(b assignment) bool { return b.user == a.user && b.onBehalfOf == a.onBehalfOf }) {
			out = append(out, a)
		}
	}
	return out, notes, nil
}

func (t *transition) withoutSubmitter(ids []int64) ([]int64, bool) {
	if t.cf.Flow.AllowSelfApproval || !slices.Contains(ids, t.submitter.ID) {
		return ids, false
	}
	return slices.DeleteFunc(slices.Clone(ids), func(id int64) bool { return id == t.submitter.ID }), true
}

// delegated sends a task for user to their out-of-office delegate, unless
// that delegate is the submitter of a flow that forbids self-approval.
func (t *transition) delegated(user int64) (assignment, error) {
	d, away, err := t.r.deps.Directory.DelegateOf(t.ctx, user, t.now)
	if err != nil || !away {
		return assignment{user: user}, err
	}
	if d == t.submitter.ID && !t.cf.Flow.AllowSelfApproval {
		return assignment{user: user, note: "out of office, but their delegate is the submitter, so the task stays with them"}, nil
	}
	return assignment{user: d, onBehalfOf: user, note: fmt.Sprintf("on behalf of user %d, who is out of office", user)}, nil
}

// enterApproval creates the tasks of approval node n for path p, which then
// waits for them; nobody to ask leaves p stuck.
func (t *transition) enterApproval(p *path, n *cnode) error {
	who, notes, err := t.approvers(n)
	if err != nil {
		return err
	}
	if len(who) == 0 {
		t.stuck(p, "nobody can approve this step: the assignees, the fallback and the admins all resolve to nobody (or only to the submitter); an admin must reassign it",
			map[string]any{"notes": notes})
		return nil
	}
	t.data.Activations++
	p.State, p.Activation, p.Reason = PathPending, t.data.Activations, ""
	a := n.Approval
	mode := a.Mode
	switch mode {
	case ModeAll, ModeSequential:
		p.Need = len(who)
	case ModeThreshold:
		p.Need = min(a.Threshold, len(who))
		if p.Need < a.Threshold {
			notes = append(notes, fmt.Sprintf("only %d people were found for a threshold of %d, so all of them must approve", len(who), a.Threshold))
		}
	default:
		p.Need = 1
		if mode == ModeSingle && len(who) > 1 {
			notes = append(notes, fmt.Sprintf("%d people were found for a single approval: the first to decide decides for all", len(who)))
		}
	}
	var due *time.Time
	if a.Deadline != nil {
		if d, err := ParseDuration(a.Deadline.After); err == nil {
			at := t.now.Add(d)
			due = &at
		}
	}
	data := map[string]any{"mode": mode, "needs": p.Need}
	if len(notes) > 0 {
		data["notes"] = notes
	}
	if a.Deadline != nil {
		data["deadline"] = map[string]any{"due_at": due, "then": a.Deadline.Then}
	}
	t.engineStep(n.ID, StepRouted, 0, "", data)
	summary := t.steps[len(t.steps)-1]
	tasks := make([]*store.FlowTask, len(who))
	for i, w := range who {
		state, seq := store.TaskPending, 0
		if mode == ModeSequential {
			seq = i + 1
			if i > 0 {
				state = store.TaskQueued
			}
		}
		tasks[i] = t.newTask(p, n, w, state, seq, "")
		if state == store.TaskPending {
			tasks[i].DueAt = due
		}
	}
	if err := t.saveTasks(n, tasks, who); err != nil {
		return err
	}
	if err := t.scheduleDeadlines(tasks); err != nil {
		return err
	}
	data["tasks"] = taskIDs(tasks)
	summary.Data = stepData(data)
	return nil
}

func (t *transition) newTask(p *path, n *cnode, w assignment, state string, seq int, message string) *store.FlowTask {
	task := &store.FlowTask{InstanceID: t.inst.ID, NodeID: n.ID, Activation: p.Activation, PathID: p.ID,
		AssigneeID: w.user, State: state, Sequence: seq, Message: message, CreatedAt: t.now, Version: 1}
	if w.onBehalfOf != 0 {
		ob := w.onBehalfOf
		task.OnBehalfOf = &ob
	}
	return task
}

// saveTasks inserts tasks and writes one task_created step for each.
func (t *transition) saveTasks(n *cnode, tasks []*store.FlowTask, who []assignment) error {
	if err := t.loadTasks(); err != nil {
		return err
	}
	if err := t.r.db.CreateFlowTasksOf(t.ctx, t.inst, tasks); err != nil {
		return err
	}
	if err := t.mailTasks(n, tasks); err != nil {
		return err
	}
	t.tasks = append(t.tasks, tasks...)
	for i, task := range tasks {
		data := map[string]any{"assignee": task.AssigneeID, "state": task.State}
		if task.OnBehalfOf != nil {
			data["on_behalf_of"] = *task.OnBehalfOf
		}
		if task.Sequence > 0 {
			data["sequence"] = task.Sequence
		}
		t.engineStep(n.ID, StepTaskCreated, task.ID, who[i].note, data)
	}
	return nil
}

func taskIDs(tasks []*store.FlowTask) []int64 {
	ids := make([]int64, len(tasks))
	for i, task := range tasks {
		ids[i] = task.ID
	}
	return ids
}

// enterCC gives everyone cc node n names a notice (a task in state cc) and
// moves p on: nothing waits for a notice.
func (t *transition) enterCC(p *path, n *cnode) error {
	ids, notes, err := t.resolve(n.assignees)
	if err != nil {
		return err
	}
	if err := t.notify(p, n, ids, "", notes, ""); err != nil {
		return err
	}
	p.Node = n.Next
	return nil
}

// notify creates notices for users at node n with message; their e-mail
// copies are written with template tmpl (empty: notice).
func (t *transition) notify(p *path, n *cnode, users []int64, message string, notes []string, tmpl string) error {
	tasks := make([]*store.FlowTask, len(users))
	who := make([]assignment, len(users))
	for i, u := range users {
		who[i] = assignment{user: u}
		tasks[i] = t.newTask(p, n, who[i], store.TaskCC, 0, message)
	}
	if err := t.saveTasks(n, tasks, who); err != nil {
		return err
	}
	data := map[string]any{"to": users}
	if err := t.mail(n, users, message, tmpl, data); err != nil {
		return err
	}
	if message != "" {
		data["message"] = message
	}
	if len(notes) > 0 {
		data["notes"] = notes
	}
	comment := ""
	if len(users) == 0 {
		comment = "nobody to notify"
	}
	t.engineStep(n.ID, StepNotified, 0, comment, data)
	return nil
}

// settle looks at the tasks of p's current entry into approval n after a
// decision, and moves p on when the node is decided: approved when enough
// approved, rejected when a reject makes that impossible. A sequential
// approval asks its next signer. An approved node goes on to its next node,
// or back to the approval that returned the record to it.
func (t *transition) settle(p *path, n *cnode) error {
	approved, rejected, open, next := t.tally(p, n)
	var outcome string
	switch {
	case approved >= p.Need:
		outcome = OutcomeApproved
	case n.Approval.Mode == ModeThreshold && approved+open < p.Need:
		outcome = OutcomeRejected
	case n.Approval.Mode != ModeThreshold && rejected > 0:
		outcome = OutcomeRejected
	}
	if outcome == "" {
		return t.askNext(n, next)
	}
	closed, err := t.closeTasks(func(task *store.FlowTask) bool { return task.Activation == p.Activation && task.PathID == p.ID })
	if err != nil {
		return err
	}
	t.data.Decisions[n.ID] = outcome
	data := map[string]any{"decision": outcome, "approvals": approved, "rejections": rejected, "needs": p.Need}
	if len(closed) > 0 {
		data["closed_tasks"] = closed
	}
	if outcome == OutcomeRejected {
		data["next"] = orWord(n.Approval.OnReject, "end (rejected)")
		t.engineStep(n.ID, StepRouted, 0, "", data)
		return t.rejectTo(p, n)
	}
	to := t.nextAfter(p, n, data)
	t.engineStep(n.ID, StepRouted, 0, "", data)
	p.Node, p.State, p.Activation, p.Need = to, PathRunning, 0, 0
	t.queue = append([]int{p.ID}, t.queue...)
	return nil
}

// askNext turns the next queued task of a sequential approval pending.
func (t *transition) askNext(n *cnode, next *store.FlowTask) error {
	if next == nil || n.Approval.Mode != ModeSequential {
		return nil
	}
	for _, task := range t.tasks {
		if task.Activation == next.Activation && task.PathID == next.PathID && task.State == store.TaskPending {
			return nil // note: someone is still deciding
		}
	}
	if _, err := t.r.db.SetFlowTaskStates(t.ctx, []int64{next.ID}, []string{store.TaskQueued}, store.TaskPending); err != nil {
		return err
	}
	next.State = store.TaskPending
	if err := t.restartDeadline(n, next); err != nil {
		return err
	}
	t.engineStep(n.ID, StepTaskCreated, next.ID, "the next signer's turn",
		map[string]any{"assignee": next.AssigneeID, "state": next.State, "sequence": next.Sequence})
	return nil
}

func orWord(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}
