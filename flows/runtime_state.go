package flows

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Path states. A path is one place an instance is at; a split gives its
// path one child path per target, and the join gives it back.
const (
	PathRunning = "running" // moving on within the current transition
	PathPending = "pending" // at an approval, waiting for its tasks
	PathWaiting = "waiting" // at a wait or subflow node, until a job moves it on
	PathArrived = "arrived" // at its join, waiting for the other paths
	PathForked  = "forked"  // its split's paths are running
	PathStuck   = "stuck"   // failed; an admin must look at it
	// PathReturned waits for the submitter to fix a returned record and
	// resubmit it.
	PathReturned = "returned"
)

// runData is the runtime's own state of an instance, kept as JSON in the
// instance row.
type runData struct {
	Paths       []*path           `json:"paths"`
	LastPath    int               `json:"last_path"`
	Activations int64             `json:"activations"`
	Decisions   map[string]string `json:"decisions"`
	// Parent is where the instance that started this one as a subflow
	// waits for it.
	Parent *parentLink `json:"parent,omitempty"`
}

// parentLink is the subflow node of a parent instance a child resumes.
type parentLink struct {
	Instance   int64  `json:"instance"`
	Path       int    `json:"path"`
	Node       string `json:"node"`
	Activation int64  `json:"activation"`
}

// path is one place an instance is at.
type path struct {
	ID int `json:"id"`
	// Parent is the path whose split started this one (0: the root), Split
	// that split.
	Parent int    `json:"parent,omitempty"`
	Split  string `json:"split,omitempty"`
	Node   string `json:"node"`
	State  string `json:"state"`
	// Activation identifies this entry into an approval node; its tasks
	// carry it. Need is how many approvals the node needs.
	Activation int64  `json:"activation,omitempty"`
	Need       int    `json:"need,omitempty"`
	Reason     string `json:"reason,omitempty"`
	// Back are the approvals that returned the record and wait to be asked
	// again once it has been fixed, the latest last.
	Back []string `json:"back,omitempty"`
}

func (d *runData) newPath(parent int, split, node string) *path {
	d.LastPath++
	p := &path{ID: d.LastPath, Parent: parent, Split: split, Node: node, State: PathRunning}
	d.Paths = append(d.Paths, p)
	return p
}

func (d *runData) path(id int) *path {
	for _, p := range d.Paths {
		if p.ID == id {
			return p
		}
	}
	return nil
}

// children lists the paths parent's split started.
func (d *runData) children(parent int) []*path {
	var out []*path
	for _, p := range d.Paths {
		if p.Parent == parent && parent != 0 {
			out = append(out, p)
		}
	}
	return out
}

func (d *runData) remove(id int) {
	d.Paths = slices.DeleteFunc(d.Paths, func(p *path) bool { return p.ID == id })
}

func decodeRunData(raw string) (*runData, error) {
	d := &runData{}
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), d); err != nil {
			return nil, fmt.Errorf("instance state: %w", err)
		}
	}
	if d.Decisions == nil {
		d.Decisions = map[string]string{}
	}
	return d, nil
}

// PathInfo is where an instance is: a node and the state of the path there.
type PathInfo struct {
	Node   string `json:"node"`
	State  string `json:"state"`
	Reason string `json:"reason,omitempty"`
}

// Where lists the places a running instance is at, leaving out the paths
// that only wait for their children (forked).
func Where(inst *store.FlowInstance) []PathInfo {
	out := []PathInfo{}
	d, err := decodeRunData(inst.Data)
	if err != nil {
		return out
	}
	for _, p := range d.Paths {
		if p.State != PathForked {
			out = append(out, PathInfo{Node: p.Node, State: p.State, Reason: p.Reason})
		}
	}
	return out
}

// transition is one change of an instance, inside one transaction.
type transition struct {
	r         *Runtime
	ctx       context.Context
	cf        *Compiled
	inst      *store.FlowInstance
	data      *runData
	rec       forms.Record
	actor     forms.Actor // who caused the transition
	submitter forms.Actor
	now       time.Time
	tasks     []*store.FlowTask // of the instance, as they are now
	steps     []*store.FlowStep
	queue     []int
	visits    int
	ended     bool
	// loadRec reads rec on first use (record), loadSubmitter the
	// submitter's details (submitterActor); loadErr is the first failure of
	// either, which finish reports so the transition rolls back.
	loadRec       func() (forms.Record, error)
	loadSubmitter func() (forms.Actor, error)
	loadErr       error
}

// record is the instance's record, read on first use when the transition
// was set up without it: a decision that only moves on to the next
// approver never needs it.
func (t *transition) record() forms.Record {
	if t.rec == nil && t.loadRec != nil {
		load := t.loadRec
		t.loadRec = nil
		rec, err := load()
		if err != nil {
			t.loadErr = cmp.Or(t.loadErr, err)
			return nil
		}
		t.rec = rec
	}
	return t.rec
}

// submitterActor is the submitter with their details, which expressions
// and record writes see, read on first use when the transition was set up
// with the submitter's id alone (t.submitter).
func (t *transition) submitterActor() forms.Actor {
	if t.loadSubmitter != nil {
		load := t.loadSubmitter
		t.loadSubmitter = nil
		a, err := load()
		if err != nil {
			t.loadErr = cmp.Or(t.loadErr, err)
			return t.submitter
		}
		t.submitter = a
	}
	return t.submitter
}

func (r *Runtime) newTransition(ctx context.Context, cf *Compiled, inst *store.FlowInstance, rec forms.Record, actor, submitter forms.Actor) *transition {
	return &transition{r: r, ctx: ctx, cf: cf, inst: inst, rec: rec, actor: actor, submitter: submitter, now: r.deps.Now()}
}

// step adds a line to the timeline.
func (t *transition) step(node, kind string, taskID int64, comment string, data map[string]any) {
	s := &store.FlowStep{InstanceID: t.inst.ID, NodeID: node, Kind: kind, ActorID: t.actor.ID, TaskID: taskID,
		At: t.now, Comment: comment}
	if len(data) > 0 {
		s.Data = stepData(data)
	}
	t.steps = append(t.steps, s)
}

// stepData renders a step's details as JSON, conditions as written (no
// \u003e for >).
func stepData(data map[string]any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(data); err != nil {
		return fmt.Sprintf(`{"error": %q}`, err.Error())
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// engineStep adds a line the engine did on its own (actor 0).
func (t *transition) engineStep(node, kind string, taskID int64, comment string, data map[string]any) {
	t.step(node, kind, taskID, comment, data)
	t.steps[len(t.steps)-1].ActorID = 0
}

// env is the environment of the flow's expressions now.
func (t *transition) env() map[string]any {
	related, err := t.cf.LoadRelated(t.record(), func(target *forms.Compiled, id int64) (forms.Record, error) {
		return t.r.deps.Records.Get(t.ctx, target, id)
	})
	if err != nil {
		// note: a store failure here shows up as an expression reading an
		// empty linked record; the transaction itself reports the failure
		// on its next statement.
		related = nil
	}
	return t.cf.flowEnv(t.record(), forms.FlowVars{User: t.actor, Submitter: t.submitterActor(), Decisions: t.data.Decisions, Related: related})
}

// readValues lists what src reads in env, by name, as the API shows it.
func (t *transition) readValues(src string, env map[string]any) map[string]json.RawMessage {
	vals := (&dryRun{c: t.cf, rec: t.record()}).values(src, env)
	out := make(map[string]json.RawMessage, len(vals))
	for _, v := range vals {
		out[v.Name] = v.Value
	}
	return out
}

func runBool(prog *vm.Program, env map[string]any) (bool, error) {
	out, err := expr.Run(prog, env)
	if err != nil {
		return false, err
	}
	b, ok := out.(bool)
	if !ok {
		return false, fmt.Errorf("the condition gave %s, not true or false", jsonText(out))
	}
	return b, nil
}

// loadTasks reads the instance's tasks once per transition.
func (t *transition) loadTasks() error {
	if t.tasks != nil {
		return nil
	}
	ts, err := t.r.db.FlowTasksOf(t.ctx, t.inst.ID)
	if err != nil {
		return err
	}
	t.tasks = make([]*store.FlowTask, len(ts))
	for i := range ts {
		t.tasks[i] = &ts[i]
	}
	return nil
}

// closeTasks moves the open tasks matching keep to cancelled (pending) or
// skipped (queued), and returns their ids.
func (t *transition) closeTasks(keep func(*store.FlowTask) bool) ([]int64, error) {
	if err := t.loadTasks(); err != nil {
		return nil, err
	}
	var pending, queued []int64
	for _, task := range t.tasks {
		if !keep(task) {
			continue
		}
		switch task.State {
		case store.TaskPending:
			pending = append(pending, task.ID)
			task.State = store.TaskCancelled
		case store.TaskQueued:
			queued = append(queued, task.ID)
			task.State = store.TaskSkipped
		}
	}
	if _, err := t.r.db.SetFlowTaskStates(t.ctx, pending, []string{store.TaskPending}, store.TaskCancelled); err != nil {
		return nil, err
	}
	if _, err := t.r.db.SetFlowTaskStates(t.ctx, queued, []string{store.TaskQueued}, store.TaskSkipped); err != nil {
		return nil, err
	}
	return append(pending, queued...), nil
}

// finish writes the instance, the record's flow status, the timeline and
// one audit entry for the transition.
func (t *transition) finish(action, summary string, extra map[string]any) error {
	if t.loadErr != nil {
		return t.loadErr
	}
	if !t.ended {
		t.inst.State = store.FlowRunning
		for _, p := range t.data.Paths {
			if p.State == PathStuck {
				t.inst.State = store.FlowStuck
			}
		}
	}
	b, err := json.Marshal(t.data)
	if err != nil {
		return err
	}
	t.inst.Data = string(b)
	if err := t.r.db.SaveFlowInstance(t.ctx, t.inst); err != nil {
		return err
	}
	if err := t.resumeParent(); err != nil {
		return err
	}
	// note: most decisions (one of several approvals) leave the status as
	// it was; the record is not written again for nothing.
	if status := t.status(); t.rec == nil || t.rec["flow_status"] != status {
		if err := t.r.deps.Records.SetFlowStatus(t.ctx, t.inst.FormKey, t.inst.RecordID, status); err != nil {
			return err
		}
	}
	if err := t.r.db.AddFlowSteps(t.ctx, t.steps); err != nil {
		return err
	}
	if err := t.tell(); err != nil {
		return err
	}
	if err := t.mailDecisions(); err != nil {
		return err
	}
	return appendAudit(t.ctx, t.r.db, t.actor.ID, action, t.inst, summary, extra)
}

// status is the record's flow status: the outcome once the instance has
// ended, otherwise its state and the nodes it is at.
func (t *transition) status() string {
	if t.ended || t.inst.EndedAt != nil {
		return t.inst.State
	}
	var at []string
	for _, p := range t.data.Paths {
		if p.State != PathForked && p.State != PathArrived && !slices.Contains(at, p.Node) {
			at = append(at, p.Node)
		}
	}
	return t.inst.State + ": " + strings.Join(at, ", ")
}

func appendAudit(ctx context.Context, db *store.DB, actor int64, action string, inst *store.FlowInstance, summary string, extra map[string]any) error {
	ch := map[string]any{"instance": inst.ID, "form": inst.FormKey, "record": inst.RecordID,
		"flow_version": inst.FlowVersion, "state": inst.State}
	for k, v := range extra {
		ch[k] = v
	}
	b, err := json.Marshal(ch)
	if err != nil {
		return err
	}
	if len(summary) > 500 {
		summary = summary[:500]
	}
	return db.Append(ctx, &store.AuditEntry{ActorID: actor, Action: action, TargetKind: "flow", TargetKey: inst.FlowKey,
		RecordID: inst.ID, Changes: string(b), Summary: summary})
}
