package store

import "time"

// Flow instance states.
const (
	FlowRunning   = "running"
	FlowStuck     = "stuck"
	FlowApproved  = "approved"
	FlowRejected  = "rejected"
	FlowWithdrawn = "withdrawn"
	FlowCancelled = "cancelled"
)

// Flow task states.
const (
	TaskPending   = "pending"
	TaskQueued    = "queued" // a later signer of a sequential approval, not yet asked
	TaskApproved  = "approved"
	TaskRejected  = "rejected"
	TaskCancelled = "cancelled"
	TaskSkipped   = "skipped"
	TaskCC        = "cc" // notify-only: nothing to decide
	// TaskReturned is a task whose assignee sent the record back (to the
	// submitter or an earlier step) instead of deciding.
	TaskReturned = "returned"
	// TaskResubmitted is a submitter's fix-and-resubmit task, done.
	TaskResubmitted = "resubmitted"
)

// Flow task kinds. The zero kind is an approver's task (or, in state cc, a
// notice of a cc node or notify action).
const (
	// TaskKindResubmit asks the submitter to fix a returned record and
	// submit it again.
	TaskKindResubmit = "resubmit"
	// TaskKindSignerBefore is a signer added before the host task's
	// assignee: they decide first, then the host task is asked again.
	TaskKindSignerBefore = "signer_before"
	// TaskKindSignerAfter is a signer added after the host task's
	// assignee: asked once the host approves, and the step waits for them.
	TaskKindSignerAfter = "signer_after"
	// TaskKindUrge is a reminder notice (state cc) about the host task.
	TaskKindUrge = "urge"
)

// FlowInstance is one run of a flow on one record. It is pinned to the flow
// version it started on. Data holds the runtime's own state (its paths,
// join arrivals and decisions) as JSON; it is changed only while the
// instance row is locked (LockFlowInstance).
type FlowInstance struct {
	ID          int64  `gorm:"primaryKey" json:"id"`
	FlowKey     string `gorm:"size:48;not null;index:ix_flow_instance_record,priority:2" json:"flow"`
	FlowVersion int    `gorm:"not null" json:"flow_version"`
	FormKey     string `gorm:"size:48;not null;index:ix_flow_instance_record,priority:1" json:"form"`
	RecordID    int64  `gorm:"not null;index:ix_flow_instance_record,priority:3" json:"record_id"`
	State       string `gorm:"size:20;not null;index" json:"state"`
	// RunningKey is "form/record/flow" while the instance is running or
	// stuck, and NULL once it has ended: its unique index lets one record
	// run one flow once at a time, even when two submits race.
	RunningKey  *string    `gorm:"size:160;uniqueIndex:ux_flow_instance_running" json:"-"`
	Trigger     string     `gorm:"size:20;not null;default:''" json:"trigger"`
	SubmitterID int64      `gorm:"not null;index" json:"submitter_id"`
	Data        string     `gorm:"type:text;not null;default:'{}'" json:"-"`
	StartedAt   time.Time  `gorm:"not null" json:"started_at"`
	EndedAt     *time.Time `json:"ended_at"`
	Version     int64      `gorm:"not null;default:1" json:"version"`
	// ParentID is the instance whose subflow node started this one; it
	// resumes when this one ends.
	ParentID *int64 `gorm:"index" json:"parent_id,omitempty"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (FlowInstance) TableName() string { return "mosaic_flow_instances" }

// FlowTask is one person's part in an approval or cc node: a decision to
// take, or (state cc) a notice to read. Activation tells the entries of a
// node apart when a flow passes through it again.
type FlowTask struct {
	ID         int64  `gorm:"primaryKey" json:"id"`
	InstanceID int64  `gorm:"not null;index" json:"instance_id"`
	NodeID     string `gorm:"size:48;not null" json:"node"`
	Activation int64  `gorm:"not null;default:0" json:"activation"`
	PathID     int    `gorm:"not null;default:0" json:"-"`
	AssigneeID int64  `gorm:"not null;index:ix_flow_task_inbox,priority:1" json:"assignee_id"`
	// OnBehalfOf is the user the task was meant for when it went to their
	// out-of-office delegate, or when they delegated it.
	OnBehalfOf *int64     `json:"on_behalf_of"`
	State      string     `gorm:"size:20;not null;index:ix_flow_task_inbox,priority:2" json:"state"`
	Sequence   int        `gorm:"not null;default:0" json:"sequence,omitempty"`
	Message    string     `gorm:"type:text;not null;default:''" json:"message,omitempty"`
	DueAt      *time.Time `json:"due_at"`
	CreatedAt  time.Time  `gorm:"not null" json:"created_at"`
	DecidedBy  *int64     `json:"decided_by"`
	DecidedAt  *time.Time `json:"decided_at"`
	Comment    string     `gorm:"type:text;not null;default:''" json:"comment"`
	// Changes are the approver's edits to the record (JSON object).
	Changes string `gorm:"type:text;not null;default:''" json:"-"`
	Version int64  `gorm:"not null;default:1" json:"version"`

	// Kind tells special tasks apart (TaskKind…); empty for an approver's.
	Kind string `gorm:"size:20;not null;default:''" json:"kind,omitempty"`
	// HostID is the task an added signer or a reminder is about.
	HostID int64 `gorm:"not null;default:0" json:"host_id,omitempty"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (FlowTask) TableName() string { return "mosaic_flow_tasks" }

// FlowStep is one line of an instance's timeline: what happened at which
// node, who did it (0: the engine) and, in Data (JSON), the details, such as
// the condition and values behind a routing decision.
type FlowStep struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	InstanceID int64     `gorm:"not null;index" json:"-"`
	NodeID     string    `gorm:"size:48;not null;default:''" json:"node"`
	Kind       string    `gorm:"size:20;not null" json:"kind"`
	ActorID    int64     `gorm:"not null;default:0" json:"actor_id"`
	TaskID     int64     `gorm:"not null;default:0" json:"task_id,omitempty"`
	At         time.Time `gorm:"not null" json:"at"`
	Comment    string    `gorm:"type:text;not null;default:''" json:"comment"`
	Data       string    `gorm:"type:text;not null;default:''" json:"-"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (FlowStep) TableName() string { return "mosaic_flow_steps" }

// FlowSchedule remembers, per flow and schedule trigger, the last minute the
// trigger fired, so that of several replicas ticking at once exactly one
// starts the instances of that minute.
type FlowSchedule struct {
	Key     string    `gorm:"primaryKey;size:120" json:"key"`
	LastRun time.Time `gorm:"not null" json:"last_run"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (FlowSchedule) TableName() string { return "mosaic_flow_schedules" }

// Setting is one engine-wide value the engine makes for itself, such as the
// webhook signing secret when none is configured.
type Setting struct {
	Key   string `gorm:"primaryKey;size:64"`
	Value string `gorm:"type:text;not null"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (Setting) TableName() string { return "mosaic_settings" }
