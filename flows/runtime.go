package flows

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: every node runs inside the transaction of the transition that
// reaches it. What must happen later — a wait's time, a deadline, a
// subflow's end, a webhook, an e-mail — is a job enqueued in that same
// transaction (see jobs.go) and run by the engine's worker, which calls
// back into Wake, Deadline, Resume and RecordWebhook.

// Records is what the runtime needs of the record store. Every call runs
// in the transaction carried by ctx; writes are the engine's own (full
// access) unless the Write carries an Access.
type Records interface {
	Get(ctx context.Context, c *forms.Compiled, id int64) (forms.Record, error)
	Create(ctx context.Context, c *forms.Compiled, w forms.Write) (forms.Record, error)
	Update(ctx context.Context, c *forms.Compiled, id, expectVersion int64, w forms.Write) (forms.Record, error)
	// SetFlowStatus writes the record's flow status column.
	SetFlowStatus(ctx context.Context, form string, id int64, status string) error
}

// Directory answers who the people behind assignees are. Its calls run in
// the transaction carried by ctx.
type Directory interface {
	// Users finds the active users a user (by e-mail), role,
	// department_head or manager assignee stands for, relative to the
	// submitter, of whom only the ID may be set. Field and expression
	// assignees are read by the runtime.
	Users(ctx context.Context, a Assignee, submitter forms.Actor) ([]int64, error)
	// ActiveUsers keeps the ids of users who exist and are active, in order.
	ActiveUsers(ctx context.Context, ids []int64) ([]int64, error)
	// DelegateOf says who acts for an out-of-office user at a time.
	DelegateOf(ctx context.Context, userID int64, at time.Time) (int64, bool, error)
	// Actor describes a user as expressions see them (submitter.x).
	Actor(ctx context.Context, userID int64) (forms.Actor, error)
}

// Versions finds the compiled flow an instance is pinned to: the live
// version, or an older published one compiled against the live forms.
type Versions interface {
	FlowVersion(ctx context.Context, key string, version int) (*Compiled, error)
	// LiveFlow is the published flow key that new instances start on, or
	// store.ErrNotFound.
	LiveFlow(ctx context.Context, key string) (*Compiled, error)
}

// Links makes signed links for people outside Mosaic.
type Links interface {
	// Sign is a link that lets the holder of address sign record id of
	// form, until it expires.
	Sign(form string, id int64, address string) (string, error)
}

// Deps are the runtime's collaborators.
type Deps struct {
	Records   Records
	Directory Directory
	Versions  Versions
	Jobs      Jobs
	// Links makes the signed links notices may carry; nil leaves them out.
	Links Links
	// Documents prints records for generate_document actions; nil makes
	// them fail.
	Documents Documents
	// Events hears decisions and ends in their transaction; nil tells no one.
	Events Events
	// Poll is how often a wait for a condition checks it again (it is also
	// checked whenever the record changes); zero is a minute.
	Poll time.Duration
	// Now is the clock; nil is time.Now in UTC.
	Now func() time.Time
}

// Documents prints a record with a document template and attaches the PDF
// to it, in the transaction of ctx; it returns the record as stored after,
// and the file's id and SHA-256.
type Documents interface {
	Generate(ctx context.Context, c *forms.Compiled, key string, rec forms.Record, actor forms.Actor) (forms.Record, string, string, error)
}

// Runtime runs flow instances: it starts them, routes them through their
// nodes, creates and settles tasks and runs actions. Every transition —
// the instance, its tasks, its timeline, the record changes and the audit
// entry — is written in one transaction. It is safe for concurrent use.
type Runtime struct {
	db   *store.DB
	deps Deps
}

// NewRuntime returns a runtime over db.
func NewRuntime(db *store.DB, d Deps) *Runtime {
	if d.Poll == 0 {
		d.Poll = time.Minute
	}
	if d.Now == nil {
		d.Now = func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
	}
	return &Runtime{db: db, deps: d}
}

// Step kinds of an instance's timeline.
const (
	StepStarted     = "started"
	StepRouted      = "routed"
	StepTaskCreated = "task_created"
	StepDecided     = "decided"
	StepJoined      = "joined"
	StepAction      = "action"
	StepNotified    = "notified"
	StepWaiting     = "waiting"
	StepWaited      = "waited"
	StepReminded    = "reminded"
	StepEscalated   = "escalated"
	StepSubflow     = "subflow"
	StepWebhook     = "webhook"
	StepStuck       = "stuck"
	StepCancelled   = "cancelled"
	StepTransferred = "transferred"
	StepWithdrawn   = "withdrawn"
	StepEnded       = "ended"
)

// Task decisions.
const (
	Approve = "approve"
	Reject  = "reject"
)

// Validation codes of task actions.
const (
	// CodeCommentRequired means a node requires a comment to reject.
	CodeCommentRequired = forms.CodeRequired
	// CodeInvalidDecision means a decision is neither approve nor reject.
	CodeInvalidDecision = "validation_invalid_decision"
	// CodeTriggerNotMet means a flow's trigger condition does not hold for
	// the record it was asked to start on.
	CodeTriggerNotMet = "flow_trigger_not_met"
	// CodeNotSubmittable means a flow has no submit trigger.
	CodeNotSubmittable = "flow_not_submittable"
	// CodeInvalidTransfer means a task cannot go to the user named.
	CodeInvalidTransfer = "flow_invalid_transfer"
)

// MaxCommentLength bounds a decision's comment, in bytes.
const MaxCommentLength = 4000

// maxVisits bounds the nodes one transition passes, so a branch that keeps
// sending a record round a loop parks the instance instead of spinning.
const maxVisits = 1000

// RunningKey is the key that allows one running instance of a flow per
// record.
func RunningKey(form string, recordID int64, flow string) string {
	return form + "/" + strconv.FormatInt(recordID, 10) + "/" + flow
}

// Start starts flow cf on record recordID for submitter, in the transaction
// carried by ctx (or a new one), and runs it as far as it goes: to its first
// tasks, a waiting node, or an end. trigger says what started it (create,
// submit…). A flow already running on the record is store.ErrConflict.
func (r *Runtime) Start(ctx context.Context, cf *Compiled, recordID int64, submitter forms.Actor, trigger string) (*store.FlowInstance, error) {
	return r.start(ctx, cf, recordID, nil, submitter, trigger, nil)
}

// StartOn is Start when the caller has read the record, rec, in the
// transaction ctx carries: it is not read again.
func (r *Runtime) StartOn(ctx context.Context, cf *Compiled, rec forms.Record, submitter forms.Actor, trigger string) (*store.FlowInstance, error) {
	return r.start(ctx, cf, rec.ID(), rec, submitter, trigger, nil)
}

func (r *Runtime) start(ctx context.Context, cf *Compiled, recordID int64, rec forms.Record, submitter forms.Actor, trigger string,
	parent *parentLink) (*store.FlowInstance, error) {
	var out *store.FlowInstance
	err := r.db.WithTx(ctx, func(ctx context.Context) error {
		key := RunningKey(cf.Form.Form.Key, recordID, cf.Flow.Key)
		// note: the unique running key refuses a second instance anyway; a
		// subflow looks first, because on PostgreSQL the refusal would also
		// abort the parent's transition, which should only get stuck.
		if parent != nil {
			if running, err := r.db.RunningFlowInstance(ctx, key); err == nil {
				return alreadyRunning(cf, running.ID)
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
		}
		if rec == nil {
			var err error
			if rec, err = r.deps.Records.Get(ctx, cf.Form, recordID); err != nil {
				return err
			}
		}
		inst := &store.FlowInstance{FlowKey: cf.Flow.Key, FlowVersion: cf.Version, FormKey: cf.Form.Form.Key,
			RecordID: recordID, State: store.FlowRunning, RunningKey: &key, Trigger: trigger,
			SubmitterID: submitter.ID, Data: "{}", StartedAt: r.deps.Now(), Version: 1}
		if parent != nil {
			inst.ParentID = &parent.Instance
		}
		if err := r.db.CreateFlowInstance(ctx, inst); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return alreadyRunning(cf, 0)
			}
			return err
		}
		t := r.newTransition(ctx, cf, inst, rec, submitter, submitter)
		t.data = &runData{Decisions: map[string]string{}, Parent: parent}
		t.tasks = []*store.FlowTask{} // note: a new instance has none to read
		startData := map[string]any{"trigger": trigger, "flow_version": cf.Version}
		if parent != nil {
			startData["parent"] = parent.Instance
		}
		t.step(cf.start.ID, StepStarted, 0, "", startData)
		root := t.data.newPath(0, "", cf.start.ID)
		t.queue = append(t.queue, root.ID)
		if err := t.drain(); err != nil {
			return err
		}
		out = inst
		return t.finish("flow.start", fmt.Sprintf("started flow %s v%d on %s #%d", cf.Flow.Key, cf.Version, inst.FormKey, recordID), nil)
	})
	return out, err
}

func alreadyRunning(cf *Compiled, id int64) error {
	if id == 0 {
		return fmt.Errorf("%w: flow %s is already running on this record; wait for it to end or withdraw it", store.ErrConflict, cf.Flow.Key)
	}
	return fmt.Errorf("%w: flow %s is already running on this record (instance %d); wait for it to end or withdraw it",
		store.ErrConflict, cf.Flow.Key, id)
}

// Triggered reports whether the flow starts on rec for trigger on (create,
// update, submit): it has such a trigger and that trigger's condition, if
// any, holds. prev is the record before an update (nil otherwise); actor is
// who wrote or submitted it.
func (c *Compiled) Triggered(on string, rec, prev forms.Record, actor forms.Actor, related map[string]forms.Record) (bool, error) {
	for i, t := range c.Flow.Triggers {
		if t.On != on {
			continue
		}
		prog := c.triggers[i]
		if prog == nil {
			return true, nil
		}
		ok, err := runBool(prog, c.flowEnv(rec, forms.FlowVars{Prev: prev, User: actor, Submitter: actor, Related: related}))
		if err != nil {
			return false, fmt.Errorf("trigger %d of flow %s (%q): %w", i, c.Flow.Key, t.When, err)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// HasTrigger reports whether the flow has a trigger of kind on.
func (c *Compiled) HasTrigger(on string) bool {
	for _, t := range c.Flow.Triggers {
		if t.On == on {
			return true
		}
	}
	return false
}

// TriggerConditions lists the conditions of the flow's triggers of kind on
// ("" for one without a condition), for messages.
func (c *Compiled) TriggerConditions(on string) []string {
	var out []string
	for _, t := range c.Flow.Triggers {
		if t.On == on {
			out = append(out, t.When)
		}
	}
	return out
}

// UsesForms reports whether every form c was compiled against is the one
// fs holds now; when a form was published since, c must be compiled again
// before it runs.
func (c *Compiled) UsesForms(fs FormLookup) bool {
	if live, ok := lookupForm(fs, c.Flow.Form); !ok || live != c.Form {
		return false
	}
	for _, n := range c.nodes {
		for _, a := range n.actions {
			if a.target == nil || a.Type == ActionSetFields {
				continue
			}
			if live, ok := lookupForm(fs, a.Form); !ok || live != a.target {
				return false
			}
		}
	}
	return true
}
