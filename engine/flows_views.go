package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// UserRef names a user in flow views.
type UserRef struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// TaskView is a task with the names around it.
type TaskView struct {
	store.FlowTask
	NodeTitle      string          `json:"node_title"`
	Flow           string          `json:"flow"`
	FlowTitle      string          `json:"flow_title"`
	Form           string          `json:"form"`
	RecordID       int64           `json:"record_id"`
	InstanceState  string          `json:"instance_state"`
	Assignee       *UserRef        `json:"assignee"`
	OnBehalfOfUser *UserRef        `json:"on_behalf_of_user,omitempty"`
	DecidedByUser  *UserRef        `json:"decided_by_user,omitempty"`
	Submitter      *UserRef        `json:"submitter"`
	Changes        json.RawMessage `json:"changes"`
}

// InstanceView is an instance with where it is, and for its timeline its
// tasks and steps.
type InstanceView struct {
	store.FlowInstance
	FlowTitle string           `json:"flow_title"`
	Submitter *UserRef         `json:"submitter"`
	Current   []flows.PathInfo `json:"current"`
	Tasks     []TaskView       `json:"tasks,omitempty"`
	Steps     []StepView       `json:"steps,omitempty"`
}

// StepView is one line of a timeline. Actor is nil for what the engine did
// on its own.
type StepView struct {
	store.FlowStep
	NodeTitle string          `json:"node_title"`
	Actor     *UserRef        `json:"actor"`
	Data      json.RawMessage `json:"data"`
}

// TaskDetail is a task with the record as its node lets the approver see
// it.
type TaskDetail struct {
	Task     TaskView       `json:"task"`
	Instance InstanceView   `json:"instance"`
	Record   map[string]any `json:"record"`
	// Visible and Editable are the record's fields the approver sees and
	// may change with their decision.
	Visible               []string `json:"visible"`
	Editable              []string `json:"editable"`
	Mode                  string   `json:"mode"`
	RejectCommentRequired bool     `json:"reject_comment_required"`
}

// Inbox is one page of a user's tasks, with how many they have in each
// group.
type Inbox struct {
	Items   []TaskView       `json:"items"`
	Page    int              `json:"page"`
	PerPage int              `json:"per_page"`
	Total   int64            `json:"total"`
	Counts  map[string]int64 `json:"counts"`
}

// inboxGroups are the task groups of the inbox and the task states in each.
var inboxGroups = map[string][]string{
	"pending": {store.TaskPending},
	"done":    {store.TaskApproved, store.TaskRejected, store.TaskReturned, store.TaskResubmitted},
	"cc":      {store.TaskCC},
	"closed":  {store.TaskCancelled, store.TaskSkipped},
}

// IsInboxGroup reports whether group is pending, done, cc or closed.
func IsInboxGroup(group string) bool {
	_, ok := inboxGroups[group]
	return ok
}

// MyTasks lists one page of p's tasks in group (pending, done, cc, closed),
// newest first.
func (e *Engine) MyTasks(ctx context.Context, p *Principal, group string, page, perPage int) (*Inbox, error) {
	states, ok := inboxGroups[group]
	if !ok {
		return nil, invalid("/state", "state must be pending, done, cc or closed")
	}
	ts, total, err := e.db.Inbox(ctx, store.InboxFilter{UserID: p.User.ID, States: states, Page: page, PerPage: perPage})
	if err != nil {
		return nil, err
	}
	byState, err := e.db.InboxCounts(ctx, p.User.ID)
	if err != nil {
		return nil, err
	}
	counts := map[string]int64{}
	for g, states := range inboxGroups {
		for _, s := range states {
			counts[g] += byState[s]
		}
	}
	items, err := e.taskViews(ctx, ts)
	if err != nil {
		return nil, err
	}
	return &Inbox{Items: items, Page: page, PerPage: perPage, Total: total, Counts: counts}, nil
}

// Task shows one task with the record as its node lets p see it: p's read
// access, narrowed to the node's visible fields, with its editable fields
// writable. Only the assignee, the one it was meant for and admins may see
// it.
func (e *Engine) Task(ctx context.Context, p *Principal, id int64) (*TaskView, error) {
	d, err := e.TaskDetail(ctx, p, id)
	if err != nil {
		return nil, err
	}
	return &d.Task, nil
}

// TaskDetail is Task with the record and the instance around it.
func (e *Engine) TaskDetail(ctx context.Context, p *Principal, id int64) (*TaskDetail, error) {
	model := e.Access()
	task, err := e.db.FlowTask(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: there is no task %d", store.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	inst, err := e.db.FlowInstance(ctx, task.InstanceID)
	if err != nil {
		return nil, err
	}
	admin := model.IsAdmin(p.Roles)
	mine := task.AssigneeID == p.User.ID || (task.OnBehalfOf != nil && *task.OnBehalfOf == p.User.ID)
	if !mine && !admin {
		if ok, err := e.flowRuntime(model).CanView(ctx, inst, p.User.ID, false); err != nil || !ok {
			return nil, errors.Join(fmt.Errorf("%w: there is no task %d", store.ErrNotFound, id), err)
		}
		return nil, fmt.Errorf("%w: task %d is assigned to someone else", store.ErrForbidden, id)
	}
	views, err := e.taskViews(ctx, []store.FlowTask{*task})
	if err != nil {
		return nil, err
	}
	cf, err := flowVersions{e}.FlowVersion(ctx, inst.FlowKey, inst.FlowVersion)
	if err != nil {
		return nil, err
	}
	base, berr := model.Access(p.Subject(), cf.Form, rbac.ActRead)
	acc := flows.NodeAccess(cf, task.NodeID, base, berr == nil)
	if task.Kind == store.TaskKindResubmit {
		// note: fixing a returned record, the submitter sees and edits it as
		// their roles let them, not as any step does.
		if upd, err := model.Access(p.Subject(), cf.Form, rbac.ActUpdate); err == nil {
			acc = upd
		} else if berr == nil {
			acc = base
		}
	}
	rec, err := e.records.Get(ctx, cf.Form, inst.RecordID)
	if err != nil {
		return nil, err
	}
	iv, err := e.instanceViews(ctx, []store.FlowInstance{*inst})
	if err != nil {
		return nil, err
	}
	d := &TaskDetail{Task: views[0], Instance: iv[0], Record: cf.Form.JSONAs(rec, acc, nil), Visible: []string{}, Editable: []string{}}
	for _, f := range cf.Form.Fields() {
		if acc.CanWrite(f.Key) {
			d.Editable = append(d.Editable, f.Key)
		}
		if acc.CanRead(f.Key) {
			d.Visible = append(d.Visible, f.Key)
		}
	}
	if n, ok := cf.Node(task.NodeID); ok && n.Approval != nil {
		d.Mode, d.RejectCommentRequired = n.Approval.Mode, n.Approval.RejectCommentRequired
	}
	return d, nil
}

// FlowInstance shows an instance with its tasks and timeline, to its
// submitter, anyone who has or had a task in it, and admins; to anyone else
// it does not exist. Record values in the timeline that p may not read are
// left out.
func (e *Engine) FlowInstance(ctx context.Context, p *Principal, id int64) (*InstanceView, error) {
	model := e.Access()
	inst, err := e.db.FlowInstance(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: there is no flow instance %d", store.ErrNotFound, id)
	}
	if err != nil {
		return nil, err
	}
	if ok, err := e.flowRuntime(model).CanView(ctx, inst, p.User.ID, model.IsAdmin(p.Roles)); err != nil || !ok {
		return nil, errors.Join(fmt.Errorf("%w: there is no flow instance %d", store.ErrNotFound, id), err)
	}
	return e.instanceDetail(ctx, p, model, inst)
}

// instanceDetail is FlowInstance for an instance p may see, at hand.
func (e *Engine) instanceDetail(ctx context.Context, p *Principal, model *rbac.Model, inst *store.FlowInstance) (*InstanceView, error) {
	id := inst.ID
	ts, err := e.db.FlowTasksOf(ctx, id)
	if err != nil {
		return nil, err
	}
	steps, err := e.db.FlowSteps(ctx, id)
	if err != nil {
		return nil, err
	}
	// note: one read of the people named by the instance, its tasks and its
	// timeline, instead of one per part.
	is := []store.FlowInstance{*inst}
	us, err := e.users(ctx, append(taskUserIDs(ts, is), stepActorIDs(steps)...))
	if err != nil {
		return nil, err
	}
	v := &InstanceView{FlowInstance: *inst, FlowTitle: e.flowTitle(inst.FlowKey), Submitter: us[inst.SubmitterID],
		Current: flows.Where(inst)}
	v.Tasks = e.taskViewsWith(ts, is, us)
	var read *forms.Access
	form, ferr := e.Form(inst.FormKey)
	if ferr == nil {
		if acc, err := model.Access(p.Subject(), form, rbac.ActRead); err == nil {
			read = acc
		}
	}
	v.Steps = e.stepViewsWith(inst, steps, form, read, e.fileSight(model, p.Subject()), us)
	return v, nil
}

// RecordFlows lists the flow instances of one record p may read, newest
// first.
func (e *Engine) RecordFlows(ctx context.Context, p *Principal, f *forms.Compiled, id int64) ([]InstanceView, error) {
	acc, err := e.AccessFor(p, f, rbac.ActRead)
	if err != nil {
		return nil, err
	}
	if _, err := e.records.GetAs(ctx, f, id, acc); err != nil {
		return nil, err
	}
	is, err := e.db.FlowInstancesOfRecord(ctx, f.Form.Key, id)
	if err != nil {
		return nil, err
	}
	return e.instanceViews(ctx, is)
}

// users loads the users with the given ids as references.
func (e *Engine) users(ctx context.Context, ids []int64) (map[int64]*UserRef, error) {
	slices.Sort(ids)
	us, err := e.db.UsersByID(ctx, slices.Compact(ids))
	if err != nil {
		return nil, err
	}
	out := make(map[int64]*UserRef, len(us))
	for _, u := range us {
		out[u.ID] = &UserRef{ID: u.ID, Name: u.Name, Email: u.Email}
	}
	return out, nil
}

// titles of a flow and its nodes, from its live version.
func (e *Engine) flowTitle(key string) string {
	if cf, ok := e.Snapshot().Flow(key); ok && cf.Flow.Title != "" {
		return cf.Flow.Title
	}
	return key
}

func (e *Engine) nodeTitle(flow, node string) string {
	if cf, ok := e.Snapshot().Flow(flow); ok {
		if n, ok := cf.Node(node); ok && n.Title != "" {
			return n.Title
		}
	}
	return node
}

func (e *Engine) instanceViews(ctx context.Context, is []store.FlowInstance) ([]InstanceView, error) {
	var ids []int64
	for _, i := range is {
		ids = append(ids, i.SubmitterID)
	}
	us, err := e.users(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]InstanceView, len(is))
	for k, i := range is {
		out[k] = InstanceView{FlowInstance: i, FlowTitle: e.flowTitle(i.FlowKey), Submitter: us[i.SubmitterID], Current: flows.Where(&i)}
	}
	return out, nil
}

func (e *Engine) taskViews(ctx context.Context, ts []store.FlowTask) ([]TaskView, error) {
	var instIDs []int64
	for _, t := range ts {
		instIDs = append(instIDs, t.InstanceID)
	}
	is, err := e.db.FlowInstancesByID(ctx, instIDs)
	if err != nil {
		return nil, err
	}
	return e.taskViewsIn(ctx, ts, is)
}

// taskViewsIn is taskViews when the tasks' instances are at hand.
func (e *Engine) taskViewsIn(ctx context.Context, ts []store.FlowTask, is []store.FlowInstance) ([]TaskView, error) {
	us, err := e.users(ctx, taskUserIDs(ts, is))
	if err != nil {
		return nil, err
	}
	return e.taskViewsWith(ts, is, us), nil
}

// taskUserIDs are the people task views name: assignees, those tasks were
// meant for, deciders and submitters.
func taskUserIDs(ts []store.FlowTask, is []store.FlowInstance) []int64 {
	var ids []int64
	for _, t := range ts {
		ids = append(ids, t.AssigneeID)
		if t.OnBehalfOf != nil {
			ids = append(ids, *t.OnBehalfOf)
		}
		if t.DecidedBy != nil {
			ids = append(ids, *t.DecidedBy)
		}
	}
	for _, i := range is {
		ids = append(ids, i.SubmitterID)
	}
	return ids
}

// taskViewsWith is taskViewsIn when the people are at hand too.
func (e *Engine) taskViewsWith(ts []store.FlowTask, is []store.FlowInstance, us map[int64]*UserRef) []TaskView {
	insts := make(map[int64]store.FlowInstance, len(is))
	for _, i := range is {
		insts[i.ID] = i
	}
	out := make([]TaskView, len(ts))
	for k, t := range ts {
		i := insts[t.InstanceID]
		v := TaskView{FlowTask: t, NodeTitle: e.nodeTitle(i.FlowKey, t.NodeID), Flow: i.FlowKey, FlowTitle: e.flowTitle(i.FlowKey),
			Form: i.FormKey, RecordID: i.RecordID, InstanceState: i.State, Assignee: us[t.AssigneeID],
			Submitter: us[i.SubmitterID], Changes: rawJSON(t.Changes)}
		if t.OnBehalfOf != nil {
			v.OnBehalfOfUser = us[*t.OnBehalfOf]
		}
		if t.DecidedBy != nil {
			v.DecidedByUser = us[*t.DecidedBy]
		}
		out[k] = v
	}
	return out
}

func (e *Engine) stepViews(ctx context.Context, inst *store.FlowInstance, steps []store.FlowStep, form *forms.Compiled, read *forms.Access,
	seesFile func(form, field string) bool) ([]StepView, error) {
	us, err := e.users(ctx, stepActorIDs(steps))
	if err != nil {
		return nil, err
	}
	return e.stepViewsWith(inst, steps, form, read, seesFile, us), nil
}

// stepActorIDs are the people who did the steps (0 is the engine).
func stepActorIDs(steps []store.FlowStep) []int64 {
	var ids []int64
	for _, s := range steps {
		if s.ActorID != 0 {
			ids = append(ids, s.ActorID)
		}
	}
	return ids
}

// stepViewsWith is stepViews when the people are at hand.
func (e *Engine) stepViewsWith(inst *store.FlowInstance, steps []store.FlowStep, form *forms.Compiled, read *forms.Access,
	seesFile func(form, field string) bool, us map[int64]*UserRef) []StepView {
	out := make([]StepView, len(steps))
	for k, s := range steps {
		out[k] = StepView{FlowStep: s, NodeTitle: e.nodeTitle(inst.FlowKey, s.NodeID), Actor: us[s.ActorID],
			Data: visibleStepData(s.Data, form, read, seesFile)}
	}
	return out
}

// visibleStepData leaves out of a step's data the record values a viewer
// with read access read (nil: none) may not see: the values a condition
// read, the fields an action set and the changes an approver made. Values
// written to other forms are shown only to those who read everything, and
// a comment's files only to those who may see them (seesFile).
func visibleStepData(raw string, form *forms.Compiled, read *forms.Access, seesFile func(form, field string) bool) json.RawMessage {
	if raw == "" {
		return json.RawMessage("null")
	}
	var data map[string]any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber() // note: money keeps its decimals: 150000.00
	if dec.Decode(&data) != nil {
		return rawJSON(raw)
	}
	canRead := func(name string) bool {
		key := strings.TrimPrefix(name, "prev.")
		if form == nil {
			return strings.Contains(name, ".") && !strings.HasPrefix(name, "prev.")
		}
		if _, isField := form.Field(key); !isField {
			return true // note: user.x, submitter.x, decisions.x, system columns
		}
		return read != nil && read.CanRead(key)
	}
	filter := func(m any) {
		if vals, ok := m.(map[string]any); ok {
			for k := range vals {
				if !canRead(k) {
					delete(vals, k)
				}
			}
		}
	}
	if conds, ok := data["conditions"].([]any); ok {
		for _, c := range conds {
			if cm, ok := c.(map[string]any); ok {
				filter(cm["values"])
			}
		}
	}
	if _, other := data["form"]; other && (read == nil || read.Rows != nil || read.Default < forms.ReadOnly) {
		delete(data, "set")
	}
	filter(data["set"])
	filter(data["changes"])
	if files, ok := data["attachments"].([]any); ok {
		data["attachments"] = slices.DeleteFunc(files, func(f any) bool {
			m, _ := f.(map[string]any)
			form, _ := m["form"].(string)
			field, _ := m["field"].(string)
			return seesFile == nil || !seesFile(form, field)
		})
	}
	if _, ok := data["message"]; ok && !readsAll(form, read) {
		data["message"] = "(not shown: it may quote fields you cannot read)"
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return rawJSON(raw)
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// readsAll reports whether read shows every field of form.
func readsAll(form *forms.Compiled, read *forms.Access) bool {
	if form == nil || read == nil {
		return false
	}
	for _, f := range form.Fields() {
		if !read.CanRead(f.Key) {
			return false
		}
	}
	return true
}
