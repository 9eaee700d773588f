// Package flows holds flow definitions (kind "flow"), their compiler and, in
// time, the runtime that moves records through them: instances, tasks,
// routing, actions and timers. It knows nothing of HTTP.
package flows

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Flow is the body of a definition of kind "flow": a graph of nodes bound to
// one form.
type Flow struct {
	Kind        string    `json:"kind"`
	Key         string    `json:"key"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Form        string    `json:"form"`
	Triggers    []Trigger `json:"triggers"`
	// FallbackAssignee is the user (by e-mail) who gets a task when an
	// approval node's assignees resolve to nobody.
	FallbackAssignee string `json:"fallback_assignee,omitempty"`
	// AllowSelfApproval lets the submitter approve their own record; by
	// default they never get a task on it, even through a role.
	AllowSelfApproval bool   `json:"allow_self_approval,omitempty"`
	Nodes             []Node `json:"nodes"`
}

// Trigger says when an instance starts.
type Trigger struct {
	// On is "create", "update" (when When holds), "submit" (on demand, a
	// button) or "schedule" (Cron, for every record matching When).
	On   string `json:"on"`
	When string `json:"when,omitempty"`
	Cron string `json:"cron,omitempty"`
}

// Node is one step of a flow. Which settings apply depends on Type:
// start, approval, cc, branch, split, join, action, wait, subflow, end.
type Node struct {
	ID    string `json:"id"`
	Type  string `json:"type"`
	Title string `json:"title,omitempty"`
	// Next is the following node of start, approval (on approve), cc,
	// action, wait, subflow and join.
	Next string `json:"next,omitempty"`
	// Branches are tried in order by a branch node; Default is taken when
	// none holds.
	Branches []Branch `json:"branches,omitempty"`
	Default  string   `json:"default,omitempty"`
	// Targets are the parallel paths a split starts.
	Targets []string `json:"targets,omitempty"`
	// Join waits for "all" its incoming paths, "any" one, or "n" of them.
	Join string `json:"join,omitempty"`
	N    int    `json:"n,omitempty"`

	Approval *Approval `json:"approval,omitempty"`
	Actions  []Action  `json:"actions,omitempty"`
	Wait     *Wait     `json:"wait,omitempty"`
	Subflow  *Subflow  `json:"subflow,omitempty"`
	// Outcome of an end node: "approved" (default), "rejected" or
	// "cancelled"; it becomes the record's flow status.
	Outcome string `json:"outcome,omitempty"`
}

// Branch is one conditional path out of a branch node.
type Branch struct {
	When  string `json:"when"`
	Next  string `json:"next"`
	Label string `json:"label,omitempty"`
}

// Approval configures an approval (or, with type cc, a notify-only) node.
type Approval struct {
	// Mode is single, any (or-sign), all (countersign), sequential or
	// threshold (Threshold approvals needed). A cc node has no mode.
	Mode      string     `json:"mode,omitempty"`
	Threshold int        `json:"threshold,omitempty"`
	Assignees []Assignee `json:"assignees"`
	// Visible and Editable list the fields the approver sees and may change
	// at this node (empty Visible: what their roles allow).
	Visible  []string `json:"visible,omitempty"`
	Editable []string `json:"editable,omitempty"`
	// RejectCommentRequired makes a reject without a comment an error.
	RejectCommentRequired bool `json:"reject_comment_required,omitempty"`
	// OnReject is the node a reject goes to; empty ends the flow rejected.
	OnReject string    `json:"on_reject,omitempty"`
	Deadline *Deadline `json:"deadline,omitempty"`
}

// Assignee is one way of finding approvers.
type Assignee struct {
	// Type is user (Value: e-mail), role (Value: role key),
	// department_head (Value: department id, empty for the submitter's),
	// manager (of the submitter, Levels up: 1 to 5, absent is 1), field
	// (Value: a user field of the record) or expression (Value: an
	// expression giving a user id or a list of them).
	Type   string `json:"type"`
	Value  string `json:"value,omitempty"`
	Levels int    `json:"levels,omitempty"`
}

// Deadline is how long a task may wait, and what happens then.
type Deadline struct {
	// After is a duration such as "48h", "2d" or "1d12h" (see ParseDuration).
	After string `json:"after"`
	// Then is remind, escalate (to the approver's manager), approve or
	// reject.
	Then string `json:"then"`
}

// Action is one thing an action node does.
type Action struct {
	// Type is set_fields, create_record, update_record, notify, webhook,
	// generate_document or convert.
	Type string `json:"type"`
	// Set maps fields (of the record, or of the created/updated record) to
	// expressions over the flow's record. Those of update_record also read
	// the record they update as target (target.received_amount + amount).
	Set map[string]string `json:"set,omitempty"`
	// Form is the target form of create_record/update_record; Record an
	// expression giving the id to update.
	Form   string `json:"form,omitempty"`
	Record string `json:"record,omitempty"`
	// To lists notify recipients (as assignees); Message is its text, in
	// which each {{ expression }} is replaced by the expression's value.
	To      []Assignee `json:"to,omitempty"`
	Message string     `json:"message,omitempty"`
	// Email is an expression giving the e-mail addresses (a text or a list)
	// of people outside Mosaic a notify action writes to, such as the
	// customer's contact; they get the message by e-mail only.
	Email string `json:"email,omitempty"`
	// Link adds a signed link to a notify action's message: "sign" invites
	// the recipient to sign the record, without an account, until it
	// expires.
	Link string `json:"link,omitempty"`
	// Template names the e-mail template a notify action's copies are
	// written with (notice, ticket_update); empty is notice.
	Template string `json:"template,omitempty"`
	// URL of a webhook; the payload is signed with the flow's secret.
	URL string `json:"url,omitempty"`
	// Document is the document template a generate_document action prints
	// the record with.
	Document string `json:"document,omitempty"`
	// Conversion is the conversion of Form a convert action runs on the
	// flow's record.
	Conversion string `json:"conversion,omitempty"`
}

// Wait pauses a path for a duration (see ParseDuration), until a date
// field, or until a condition holds: exactly one of the three.
type Wait struct {
	Duration  string `json:"duration,omitempty"`
	UntilDate string `json:"until_date,omitempty"`
	Until     string `json:"until,omitempty"`
}

// Subflow starts another flow on a related record and waits for it.
type Subflow struct {
	Flow string `json:"flow"`
	// Record is an expression giving the id of the related record.
	Record string `json:"record"`
}

// ParseFlow decodes a flow definition, rejecting unknown properties.
func ParseFlow(raw []byte) (*Flow, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f Flow
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode flow: %w", err)
	}
	return &f, nil
}
