package flows

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// MaxDryRunSteps bounds a dry run, so a flow that loops on a record (a branch
// that keeps sending it back) stops instead of running forever.
const MaxDryRunSteps = 1000

// Resolver finds the users an assignee stands for; the engine implements it
// over its users, roles and departments. A dry run asks it about user, role,
// department_head and manager assignees and about the fallback; field and
// expression assignees are read from the record by the flow itself.
type Resolver interface {
	Users(a Assignee, rec forms.Record, submitter forms.Actor) ([]int64, error)
}

// RecordReader is what a Resolver may also do: read the record of form c
// with id, so that a dry run shows what an update_record action that reads
// the record it updates (target.x) would write. nil, nil reads as an empty
// record; a record that does not exist is store.ErrNotFound, which stops
// the run at that action.
type RecordReader interface {
	Record(c *forms.Compiled, id int64) (forms.Record, error)
}

// Path is what a dry run found: the steps an instance would take on a record
// if every approval were approved.
type Path struct {
	Flow    string `json:"flow"`
	Version int    `json:"version"`
	Steps   []Step `json:"steps"`
	// Outcome is the outcome of the end reached; empty when the run stopped
	// before one.
	Outcome string `json:"outcome,omitempty"`
	// Stopped says why the run stopped before an end: a loop longer than
	// MaxDryRunSteps, or an expression or action that failed on the record.
	Stopped string `json:"stopped,omitempty"`
}

// Step is one node an instance would pass.
type Step struct {
	Node  string `json:"node"`
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
	// Condition is, at a branch, the condition that held; Default is set
	// when none did. Values are what the conditions tried read from the
	// record, the users and the decisions, e.g. amount = 150000.00.
	Condition string  `json:"condition,omitempty"`
	Default   bool    `json:"default,omitempty"`
	Values    []Value `json:"values,omitempty"`
	// Assignees are who would get the task of an approval, or the
	// notification of a cc: duplicates merged, the submitter removed unless
	// the flow allows self-approval (SelfApprovalRemoved), and the fallback
	// applied when nobody was left (Fallback).
	Mode                string  `json:"mode,omitempty"`
	Assignees           []int64 `json:"assignees,omitempty"`
	SelfApprovalRemoved bool    `json:"self_approval_removed,omitempty"`
	Fallback            bool    `json:"fallback,omitempty"`
	// Effects are what an action node would do.
	Effects []Effect `json:"effects,omitempty"`
	// Detail describes a wait or a subflow.
	Detail string `json:"detail,omitempty"`
	// Next are the nodes the instance would go on to.
	Next []string `json:"next,omitempty"`
	// Warning flags something an admin should look at, such as an approval
	// nobody could be found for.
	Warning string `json:"warning,omitempty"`
	// Error is why the instance would fail here.
	Error string `json:"error,omitempty"`
}

// Value is a name an expression read, or a field an action sets, with its
// value as the API shows it (money with its decimals, dates as
// "2026-03-31").
type Value struct {
	Name  string          `json:"name"`
	Value json.RawMessage `json:"value"`
}

// String renders v as `name = value`, e.g. `amount = 150000.00`.
func (v Value) String() string { return v.Name + " = " + string(v.Value) }

// Effect is one action an action node would take.
type Effect struct {
	Action string `json:"action"`
	// Form and Record are the form and the id of the record created or
	// updated; Set the values it would get.
	Form   string  `json:"form,omitempty"`
	Record int64   `json:"record,omitempty"`
	Set    []Value `json:"set,omitempty"`
	// To and Message are a notification's recipients and text.
	To      []int64 `json:"to,omitempty"`
	Message string  `json:"message,omitempty"`
	URL     string  `json:"url,omitempty"`
}

// frame marks a token as being on the parallel paths of one run of a split.
type frame struct {
	split string
	run   int
}

// token is one place an instance is at.
type token struct {
	node   string
	frames []frame
}

// dryRun is the state of one DryRun.
type dryRun struct {
	c         *Compiled
	rec       forms.Record
	submitter forms.Actor
	resolve   Resolver
	decisions map[string]string
	path      *Path
	runs      map[string]int // split → how often it ran
	arrived   map[frame]int
	closed    map[frame]bool
}

// DryRun walks the flow on rec as submitted by submitter, without writing
// anything: every approval is taken as approved, branch conditions are
// evaluated in order, set_fields actions change a copy of the record, all
// parallel paths are followed and joins wait as they would. It returns the
// steps in order. The error is for the resolver's failures; a flow that
// fails on the record stops the path with Stopped and the step's Error.
//
// Example:
//
//	path, err := compiled.DryRun(order, forms.Actor{ID: 7}, engineResolver)
func (c *Compiled) DryRun(rec forms.Record, submitter forms.Actor, resolve Resolver) (*Path, error) {
	r := &dryRun{c: c, rec: maps.Clone(rec), submitter: submitter, resolve: resolve,
		decisions: map[string]string{}, path: &Path{Flow: c.Flow.Key, Version: c.Version, Steps: []Step{}},
		runs: map[string]int{}, arrived: map[frame]int{}, closed: map[frame]bool{}}
	if r.rec == nil {
		r.rec = forms.Record{}
	}
	queue := []token{{node: c.start.ID}}
	for len(queue) > 0 {
		t := queue[0]
		queue = queue[1:]
		if r.cancelled(t) {
			continue
		}
		if len(r.path.Steps) >= MaxDryRunSteps {
			r.path.Stopped = fmt.Sprintf("the run took more than %d steps: the flow loops on this record", MaxDryRunSteps)
			return r.path, nil
		}
		next, done, err := r.visit(t)
		if err != nil || done {
			return r.path, err
		}
		queue = append(queue, next...)
	}
	if r.path.Outcome == "" && r.path.Stopped == "" {
		r.path.Stopped = "no path reached an end"
	}
	return r.path, nil
}

// cancelled reports whether t is on parallel paths whose join already went
// on without it (a join of mode any or n).
func (r *dryRun) cancelled(t token) bool {
	for _, f := range t.frames {
		if r.closed[f] {
			return true
		}
	}
	return false
}

// visit takes one step at t's node and returns the tokens that go on; done
// is set when the run is over (an end, or a failure).
func (r *dryRun) visit(t token) (next []token, done bool, err error) {
	n := r.c.nodes[t.node]
	step := Step{Node: n.ID, Type: n.Type, Title: n.Title}
	frames := t.frames
	var to []string
	switch n.Type {
	case TypeBranch:
		to = []string{r.branch(n, &step)}
	case TypeSplit:
		to = n.Targets
		r.runs[n.ID]++
		frames = append(slices.Clone(frames), frame{split: n.ID, run: r.runs[n.ID]})
	case TypeJoin:
		var fire bool
		if frames, fire = r.join(n, frames); !fire {
			return nil, false, nil
		}
		to = []string{n.Next}
	case TypeApproval, TypeCC:
		if err := r.approval(n, &step); err != nil {
			return nil, true, err
		}
		to = []string{n.Next}
	case TypeAction:
		if err := r.actions(n, &step); err != nil {
			return nil, true, err
		}
		to = []string{n.Next}
	case TypeWait, TypeSubflow:
		r.detail(n, &step)
		to = []string{n.Next}
	case TypeEnd:
		r.path.Outcome = n.Outcome
		if r.path.Outcome == "" {
			r.path.Outcome = OutcomeApproved
		}
	default: // start
		to = []string{n.Next}
	}
	if step.Error != "" {
		r.path.Steps = append(r.path.Steps, step)
		r.path.Stopped = fmt.Sprintf("node %q: %s", n.ID, step.Error)
		return nil, true, nil
	}
	step.Next = to
	r.path.Steps = append(r.path.Steps, step)
	for _, id := range to {
		next = append(next, token{node: id, frames: frames})
	}
	return next, n.Type == TypeEnd, nil
}

// join counts an arrival at join n; it reports whether the join goes on,
// with the frames of the paths outside it.
func (r *dryRun) join(n *cnode, frames []frame) ([]frame, bool) {
	if len(frames) == 0 || frames[len(frames)-1].split != n.split {
		return frames, false // note: cannot happen in a flow that compiled.
	}
	f := frames[len(frames)-1]
	r.arrived[f]++
	need := len(r.c.nodes[n.split].Targets)
	switch n.Join {
	case JoinAny:
		need = 1
	case JoinN:
		need = n.N
	}
	if r.arrived[f] != need {
		return frames, false
	}
	r.closed[f] = true
	return frames[:len(frames)-1], true
}

// env is the environment of the flow's expressions on the current record.
func (r *dryRun) env() map[string]any {
	var related map[string]forms.Record
	if rr, ok := r.resolve.(RecordReader); ok {
		related, _ = r.c.LoadRelated(r.rec, rr.Record)
	}
	return r.c.flowEnv(r.rec, forms.FlowVars{User: r.submitter, Submitter: r.submitter, Decisions: r.decisions, Related: related})
}

// branch evaluates the conditions of n in order and returns where it goes.
func (r *dryRun) branch(n *cnode, step *Step) string {
	env := r.env()
	var read []Value
	for i, prog := range n.branches {
		read = appendNew(read, r.values(n.Branches[i].When, env)...)
		out, err := expr.Run(prog, env)
		if err != nil {
			step.Error = fmt.Sprintf("condition %q failed: %v", n.Branches[i].When, err)
			step.Values = read
			return ""
		}
		if out == true {
			step.Condition, step.Values = n.Branches[i].When, read
			return n.Branches[i].Next
		}
	}
	step.Default, step.Values = true, read
	return n.Default
}

// detail describes a wait or a subflow.
func (r *dryRun) detail(n *cnode, step *Step) {
	switch {
	case n.Wait != nil && n.Wait.Duration != "":
		step.Detail = "waits " + n.Wait.Duration
	case n.Wait != nil && n.Wait.UntilDate != "":
		step.Detail = "waits until " + n.Wait.UntilDate + " (" + string(r.fieldText(n.Wait.UntilDate)) + ")"
	case n.Wait != nil:
		step.Detail = "waits until " + n.Wait.Until
		step.Values = r.values(n.Wait.Until, r.env())
	case n.Subflow != nil:
		id, err := r.id(n.record)
		if err != nil {
			step.Error = fmt.Sprintf("the subflow's record: %v", err)
			return
		}
		step.Detail = fmt.Sprintf("starts flow %s on record %d and waits for it", n.Subflow.Flow, id)
	}
}
