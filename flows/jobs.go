package flows

import (
	"context"
	"encoding/json"
	"time"
)

// note: the runtime never runs a timer, a webhook or an e-mail itself. It
// enqueues a job in the transaction of the transition that needs it, so the
// job exists exactly when the transition committed; the engine's worker
// (River) runs it later and calls back into the runtime, which checks that
// the job still applies (the path still waits at that node, the task is
// still pending) before it changes anything. A job that runs twice, or
// after its moment has passed, is a no-op.

// Jobs enqueues durable work in the transaction carried by ctx.
type Jobs interface {
	Enqueue(ctx context.Context, args JobArgs, at time.Time) error
	// Mail reports whether e-mail copies can be sent (SMTP is configured).
	Mail() bool
}

// JobArgs is the payload of one job; Kind names its worker.
type JobArgs interface{ Kind() string }

// WakeArgs moves a path on from a wait node: when its time has come, or to
// check its condition again. Activation tells this entry into the node from
// a later one.
type WakeArgs struct {
	Instance   int64  `json:"instance"`
	Path       int    `json:"path"`
	Node       string `json:"node"`
	Activation int64  `json:"activation"`
}

// Kind names the job.
func (WakeArgs) Kind() string { return "flow_wake" }

// DeadlineArgs acts on a task whose deadline has passed: remind, escalate,
// approve or reject it. Due tells this deadline from a later one.
type DeadlineArgs struct {
	Task int64     `json:"task"`
	Due  time.Time `json:"due"`
}

// Kind names the job.
func (DeadlineArgs) Kind() string { return "flow_deadline" }

// ResumeArgs moves a parent instance on from its subflow node once the
// child instance has ended.
type ResumeArgs struct {
	Parent     int64  `json:"parent"`
	Path       int    `json:"path"`
	Node       string `json:"node"`
	Activation int64  `json:"activation"`
	Child      int64  `json:"child"`
	Outcome    string `json:"outcome"`
}

// Kind names the job.
func (ResumeArgs) Kind() string { return "flow_resume" }

// WebhookArgs is one webhook delivery. Delivery is its idempotency key: the
// same on every attempt, so the receiver can drop repeats.
type WebhookArgs struct {
	Delivery string          `json:"delivery"`
	Instance int64           `json:"instance"`
	Node     string          `json:"node"`
	Action   int             `json:"action"`
	URL      string          `json:"url"`
	Payload  json.RawMessage `json:"payload"`
}

// Kind names the job.
func (WebhookArgs) Kind() string { return "flow_webhook" }

// EmailArgs is the e-mail copy of one notice, to a user or an address.
// With a Template, the engine writes the message from that template in the
// recipient's language, filled with Vars; Subject and Body are then what
// is sent when the template cannot be read.
type EmailArgs struct {
	Instance int64             `json:"instance"`
	User     int64             `json:"user,omitempty"`
	Address  string            `json:"address,omitempty"`
	Subject  string            `json:"subject"`
	Body     string            `json:"body"`
	Template string            `json:"template,omitempty"`
	Vars     map[string]string `json:"vars,omitempty"`
}

// E-mail templates the runtime writes with.
const (
	TemplateTaskAssigned    = "task_assigned"
	TemplateDecisionMade    = "decision_made"
	TemplateESignInvitation = "esign_invitation"
	TemplateTicketUpdate    = "ticket_update"
	TemplateNotice          = "notice"
)

// NotifyTemplates are the templates a notify action may name for its
// e-mail copies.
var NotifyTemplates = []string{TemplateNotice, TemplateTicketUpdate}

// Kind names the job.
func (EmailArgs) Kind() string { return "flow_email" }

// ScheduleArgs is the minute tick that starts the instances of schedule
// triggers.
type ScheduleArgs struct{}

// Kind names the job.
func (ScheduleArgs) Kind() string { return "flow_schedule" }
