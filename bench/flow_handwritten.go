package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// The hand-written side of the approval scenarios: the two-level order
// approval of bench/approval-flow.json (sales director, then finance
// director) as a state machine a Go developer would write for this one
// flow, with pgx on its own copies of the engine's flow tables. Each
// transition is one transaction: submit locks the order, inserts the
// instance and the first task; a decision locks the instance, decides the
// task with a conditional update, then either asks the next level or sets
// the order's status and ends the instance; every transition writes the
// order's flow status, the same timeline rows as the engine and its audit
// rows.

// The hand-written flow: its key, title and version as the engine shows
// them for bench/approval-flow.json.
const (
	handFlowKey     = "bench_two_level"
	handFlowTitle   = "Two-level order approval (benchmark)"
	handFlowVersion = 1
)

// approvalLevel is one level of the hand-written approval.
type approvalLevel struct {
	node, title, role string
}

// handLevels are the approval's levels in order (flow_test.go keeps them in
// step with bench/approval-flow.json).
var handLevels = []approvalLevel{
	{node: "sales_director", title: "Sales director", role: "sales_director"},
	{node: "finance_director", title: "Finance director", role: "finance_director"},
}

// handNodeTitles are the titles of the flow's other nodes, for the
// timeline.
var handNodeTitles = map[string]string{
	"start": "Submitted", "mark_approved": "Mark approved", "approved": "Approved",
	"mark_rejected": "Mark rejected", "rejected": "Rejected",
}

// handFlowDDL creates copies of the engine's mosaic_flow_instances,
// mosaic_flow_tasks and mosaic_flow_steps (same columns, types and indexes;
// checkParity compares them).
const handFlowDDL = `
CREATE TABLE hw_flow_instances (
	id BIGSERIAL PRIMARY KEY,
	flow_key VARCHAR(48) NOT NULL,
	flow_version BIGINT NOT NULL,
	form_key VARCHAR(48) NOT NULL,
	record_id BIGINT NOT NULL,
	state VARCHAR(20) NOT NULL,
	running_key VARCHAR(160),
	trigger VARCHAR(20) NOT NULL DEFAULT '',
	submitter_id BIGINT NOT NULL,
	data TEXT NOT NULL DEFAULT '{}',
	started_at TIMESTAMPTZ NOT NULL,
	ended_at TIMESTAMPTZ,
	version BIGINT NOT NULL DEFAULT 1,
	parent_id BIGINT
);
CREATE INDEX ix_hw_flow_instances_parent_id ON hw_flow_instances (parent_id);
CREATE INDEX ix_hw_flow_instances_state ON hw_flow_instances (state);
CREATE INDEX ix_hw_flow_instances_submitter_id ON hw_flow_instances (submitter_id);
CREATE INDEX ix_hw_flow_instance_record ON hw_flow_instances (form_key, flow_key, record_id);
CREATE UNIQUE INDEX ux_hw_flow_instance_running ON hw_flow_instances (running_key);

CREATE TABLE hw_flow_tasks (
	id BIGSERIAL PRIMARY KEY,
	instance_id BIGINT NOT NULL,
	node_id VARCHAR(48) NOT NULL,
	activation BIGINT NOT NULL DEFAULT 0,
	path_id BIGINT NOT NULL DEFAULT 0,
	assignee_id BIGINT NOT NULL,
	on_behalf_of BIGINT,
	state VARCHAR(20) NOT NULL,
	sequence BIGINT NOT NULL DEFAULT 0,
	message TEXT NOT NULL DEFAULT '',
	due_at TIMESTAMPTZ,
	created_at TIMESTAMPTZ NOT NULL,
	decided_by BIGINT,
	decided_at TIMESTAMPTZ,
	comment TEXT NOT NULL DEFAULT '',
	changes TEXT NOT NULL DEFAULT '',
	version BIGINT NOT NULL DEFAULT 1,
	kind VARCHAR(20) NOT NULL DEFAULT '',
	host_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX ix_hw_flow_tasks_instance_id ON hw_flow_tasks (instance_id);
CREATE INDEX ix_hw_flow_task_inbox ON hw_flow_tasks (assignee_id, state);

CREATE TABLE hw_flow_steps (
	id BIGSERIAL PRIMARY KEY,
	instance_id BIGINT NOT NULL,
	node_id VARCHAR(48) NOT NULL DEFAULT '',
	kind VARCHAR(20) NOT NULL,
	actor_id BIGINT NOT NULL DEFAULT 0,
	task_id BIGINT NOT NULL DEFAULT 0,
	at TIMESTAMPTZ NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	data TEXT NOT NULL DEFAULT ''
);
CREATE INDEX ix_hw_flow_steps_instance_id ON hw_flow_steps (instance_id);
`

// submitOrder is POST /orders/:id/submit: it starts the approval on a
// draft order of the signed-in user.
func (h *handWritten) submitOrder(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "the order id must be a positive number"}
	}
	var in struct {
		Flow string `json:"flow"`
	}
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := decodeHandBody(c.Body(), &in); err != nil {
			return err
		}
	}
	if in.Flow != "" && in.Flow != handFlowKey {
		return &handError{status: fiber.StatusNotFound, code: "not_found", message: "there is no flow " + in.Flow + " for orders"}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	out, err := h.startApproval(c.UserContext(), int64(id), c.Locals(userKey{}).(*handUser), now)
	if err != nil {
		return err
	}
	c.Location("/instances/" + itoa(out.ID))
	return c.Status(fiber.StatusCreated).JSON(out)
}

// decideInput is the body of POST /tasks/:id/decide.
type decideInput struct {
	Decision string `json:"decision"`
	Comment  string `json:"comment"`
	Version  int64  `json:"version"`
}

// decideTask is POST /tasks/:id/decide: the assignee approves or rejects
// a pending task.
func (h *handWritten) decideTask(c *fiber.Ctx) error {
	id, err := c.ParamsInt("id")
	if err != nil || id <= 0 {
		return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "the task id must be a positive number"}
	}
	var in decideInput
	if err := decodeHandBody(c.Body(), &in); err != nil {
		return err
	}
	if problems := in.problems(); len(problems) > 0 {
		return &handError{status: fiber.StatusUnprocessableEntity, code: "validation_failed",
			message: problems[0].Message, details: problems}
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	out, err := h.decide(c.UserContext(), int64(id), c.Locals(userKey{}).(*handUser), in, now)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func decodeHandBody(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &handError{status: fiber.StatusBadRequest, code: "bad_request", message: "the body is not valid: " + err.Error()}
	}
	return nil
}

func (in decideInput) problems() []problemJSON {
	var ps []problemJSON
	if in.Decision != "approve" && in.Decision != "reject" {
		ps = append(ps, problemJSON{Path: "/decision", Message: `decision must be "approve" or "reject"`})
	}
	if len(in.Comment) > 4000 || !utf8.ValidString(in.Comment) {
		ps = append(ps, problemJSON{Path: "/comment", Message: "the comment must be valid text of at most 4000 bytes"})
	}
	if in.Decision == "reject" && strings.TrimSpace(in.Comment) == "" {
		ps = append(ps, problemJSON{Path: "/comment", Message: "this step needs a comment to reject: say why"})
	}
	return ps
}

// startApproval is the submit transition, in one transaction.
func (h *handWritten) startApproval(ctx context.Context, orderID int64, u *handUser, now time.Time) (*instanceJSON, error) {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	var owner int64
	var status *string
	err = tx.QueryRow(ctx, `SELECT owner, status FROM hw_order WHERE id = $1 FOR UPDATE`, orderID).Scan(&owner, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &handError{status: fiber.StatusNotFound, code: "not_found", message: "order " + itoa(orderID) + " does not exist"}
	}
	if err != nil {
		return nil, err
	}
	if owner != u.id {
		return nil, &handError{status: fiber.StatusForbidden, code: "forbidden", message: "only the order's owner may submit it"}
	}
	if status == nil || *status != "draft" {
		return nil, &handError{status: fiber.StatusUnprocessableEntity, code: "validation_failed",
			message: "only a draft order can be submitted", details: []problemJSON{{Path: "/flow", Message: `it needs status == "draft"`}}}
	}
	level := handLevels[0]
	who, err := approversOf(ctx, tx, level.role, u.id, now)
	if err != nil {
		return nil, err
	}
	inst := &instanceJSON{Flow: handFlowKey, FlowVersion: handFlowVersion, Form: "order", RecordID: orderID, State: "running",
		Trigger: "submit", SubmitterID: u.id, StartedAt: now, Version: 1, FlowTitle: handFlowTitle,
		Submitter: u.ref(), Current: []pathJSON{{Node: level.node, State: "pending"}}}
	key := "order/" + itoa(orderID) + "/" + handFlowKey
	err = tx.QueryRow(ctx, `INSERT INTO hw_flow_instances (flow_key, flow_version, form_key, record_id, state, running_key,
			trigger, submitter_id, data, started_at, version)
		VALUES ($1, $2, 'order', $3, 'running', $4, 'submit', $5, $6, $7, 1) RETURNING id`,
		handFlowKey, handFlowVersion, orderID, key, u.id, instanceData(level.node), now).Scan(&inst.ID)
	if isUniqueViolation(err) {
		return nil, &handError{status: fiber.StatusConflict, code: "conflict", message: "the approval is already running on this order"}
	}
	if err != nil {
		return nil, err
	}
	tl := &timeline{instance: inst.ID, at: now}
	tl.add("start", "started", u.id, 0, "", map[string]any{"flow_version": handFlowVersion, "trigger": "submit"})
	if inst.Tasks, err = h.askLevel(ctx, tx, inst, 0, who, tl, now); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE hw_order SET flow_status = $2 WHERE id = $1`, orderID, "running: "+level.node); err != nil {
		return nil, err
	}
	if err := tl.insert(ctx, tx); err != nil {
		return nil, err
	}
	if err := writeFlowAudits(ctx, tx, now, flowAudit(u.id, "flow.start", inst.ID, orderID, "running", nil,
		"started flow "+handFlowKey+" v1 on order #"+itoa(orderID))); err != nil {
		return nil, err
	}
	inst.Steps = tl.views(u)
	return inst, tx.Commit(ctx)
}

// askLevel creates the tasks of level (an index into handLevels) for
// who, with their timeline rows, and returns them as the API shows them.
// Nobody to ask is a conflict the admin must resolve: the transition does
// not happen.
func (h *handWritten) askLevel(ctx context.Context, tx pgx.Tx, inst *instanceJSON, level int, who []approver,
	tl *timeline, now time.Time) ([]flowTaskJSON, error) {
	l := handLevels[level]
	if len(who) == 0 {
		return nil, &handError{status: fiber.StatusConflict, code: "conflict",
			message: "nobody can approve at " + l.title + ": give someone the role " + l.role}
	}
	users, behalf := make([]int64, len(who)), make([]int64, len(who))
	for i, w := range who {
		users[i] = w.user.ID
		if w.onBehalfOf != nil {
			behalf[i] = w.onBehalfOf.ID
		}
	}
	activation := int64(level + 1)
	rows, err := tx.Query(ctx, `INSERT INTO hw_flow_tasks (instance_id, node_id, activation, path_id, assignee_id,
			on_behalf_of, state, created_at, version)
		SELECT $1, $2, $3, 1, a, NULLIF(b, 0), 'pending', $4, 1 FROM unnest($5::bigint[], $6::bigint[]) AS w(a, b)
		RETURNING id, assignee_id`, inst.ID, l.node, activation, now, users, behalf)
	if err != nil {
		return nil, err
	}
	ids := map[int64]int64{}
	for rows.Next() {
		var id, assignee int64
		if err := rows.Scan(&id, &assignee); err != nil {
			rows.Close()
			return nil, err
		}
		ids[assignee] = id
	}
	if rows.Close(); rows.Err() != nil {
		return nil, rows.Err()
	}
	tasks := make([]flowTaskJSON, len(who))
	taskIDs := make([]int64, len(who))
	for i, w := range who {
		taskIDs[i] = ids[w.user.ID]
		tasks[i] = newTaskJSON(inst, taskIDs[i], l, activation, w, now)
	}
	tl.add(l.node, "routed", 0, 0, "", map[string]any{"mode": "single", "needs": 1, "tasks": taskIDs})
	for i, w := range who {
		data := map[string]any{"assignee": w.user.ID, "state": "pending"}
		note := ""
		if w.onBehalfOf != nil {
			data["on_behalf_of"] = w.onBehalfOf.ID
			note = "on behalf of user " + itoa(w.onBehalfOf.ID) + ", who is out of office"
		}
		tl.add(l.node, "task_created", 0, taskIDs[i], note, data)
	}
	return tasks, nil
}

// approver is who gets a task: a user, or their delegate while they are
// out of office.
type approver struct {
	user       userRefJSON
	onBehalfOf *userRefJSON
}

// approversOf finds who decides at a level now: the active users holding
// role, but the submitter (nobody approves their own order), each replaced
// by their active delegate while out of office (one hop; the engine follows
// chains).
func approversOf(ctx context.Context, tx pgx.Tx, role string, submitter int64, now time.Time) ([]approver, error) {
	rows, err := tx.Query(ctx, `SELECT u.id, u.name, u.email, d.id, d.name, d.email
		FROM mosaic_user_roles r
		JOIN mosaic_users u ON u.id = r.user_id AND u.active
		LEFT JOIN mosaic_out_of_office o ON o.user_id = u.id AND o.starts_at <= $2 AND o.ends_at > $2
		LEFT JOIN mosaic_users d ON d.id = o.delegate_id AND d.active AND d.id <> $3
		WHERE r.role = $1 AND u.id <> $3
		ORDER BY u.id`, role, now, submitter)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []approver
	seen := map[int64]bool{}
	for rows.Next() {
		var u userRefJSON
		var dID *int64
		var dName, dEmail *string
		if err := rows.Scan(&u.ID, &u.Name, &u.Email, &dID, &dName, &dEmail); err != nil {
			return nil, err
		}
		a := approver{user: u}
		if dID != nil {
			a = approver{user: userRefJSON{ID: *dID, Name: *dName, Email: *dEmail}, onBehalfOf: &u}
		}
		if !seen[a.user.ID] {
			seen[a.user.ID] = true
			out = append(out, a)
		}
	}
	return out, rows.Err()
}

// lockedTask is a task read under its instance's lock, with what a
// decision needs around it.
type lockedTask struct {
	id, instanceID, activation, assignee, version int64
	node, state                                   string
	onBehalfOf                                    *int64
	createdAt                                     time.Time
	recordID                                      int64
	submitter                                     userRefJSON
	orderStatus                                   *string
	openSiblings                                  int64
}

// decide is a decision's transition, in one transaction.
func (h *handWritten) decide(ctx context.Context, taskID int64, u *handUser, in decideInput, now time.Time) (*flowTaskJSON, error) {
	tx, err := h.pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer func() { _ = tx.Rollback(ctx) }()
	t, err := lockTask(ctx, tx, taskID, u.id)
	if err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != t.version {
		return nil, &handError{status: fiber.StatusConflict, code: "conflict", message: "the task has changed; reload it"}
	}
	level := int(t.activation) - 1
	state := "approved"
	if in.Decision == "reject" {
		state = "rejected"
	}
	// note: the conditional update is what makes one of two racing
	// decisions win; the instance lock above makes them take turns.
	tag, err := tx.Exec(ctx, `UPDATE hw_flow_tasks SET state = $2, decided_by = $3, decided_at = $4, comment = $5,
		changes = '', version = version + 1 WHERE id = $1 AND state = 'pending'`, t.id, state, u.id, now, in.Comment)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() != 1 {
		return nil, &handError{status: fiber.StatusConflict, code: "conflict", message: "this task was already decided"}
	}
	tl := &timeline{instance: t.instanceID, at: now}
	tl.add(t.node, "decided", u.id, t.id, in.Comment, map[string]any{"decision": state})
	approvals, rejections := 1, 0
	if state == "rejected" {
		approvals, rejections = 0, 1
	}
	routed := map[string]any{"decision": state, "approvals": approvals, "rejections": rejections, "needs": 1}
	if t.openSiblings > 0 {
		closed, err := closeSiblings(ctx, tx, t)
		if err != nil {
			return nil, err
		}
		routed["closed_tasks"] = closed
	}
	inst := &instanceJSON{ID: t.instanceID, RecordID: t.recordID}
	instanceState := "running"
	if state == "approved" && level+1 < len(handLevels) {
		next := handLevels[level+1]
		routed["next"] = next.node
		tl.add(t.node, "routed", 0, 0, "", routed)
		who, err := approversOf(ctx, tx, next.role, t.submitter.ID, now)
		if err != nil {
			return nil, err
		}
		if _, err := h.askLevel(ctx, tx, inst, level+1, who, tl, now); err != nil {
			return nil, err
		}
		if err := moveInstance(ctx, tx, t, next.node); err != nil {
			return nil, err
		}
	} else {
		outcome := state
		routed["next"] = "mark_" + outcome
		tl.add(t.node, "routed", 0, 0, "", routed)
		if err := endApproval(ctx, tx, t, u, outcome, tl, now); err != nil {
			return nil, err
		}
		instanceState = outcome
	}
	if err := tl.insert(ctx, tx); err != nil {
		return nil, err
	}
	if err := writeFlowAudits(ctx, tx, now, append(tl.audits, flowAudit(u.id, "flow.decide", t.instanceID, t.recordID, instanceState,
		map[string]any{"task": t.id, "node": t.node, "decision": state},
		state+" task "+itoa(t.id)+" at "+t.node+" of flow "+handFlowKey+" on order #"+itoa(t.recordID)))...); err != nil {
		return nil, err
	}
	out := t.decidedJSON(handLevels[level], state, u, in.Comment, instanceState, now)
	return &out, tx.Commit(ctx)
}

// lockTask reads task id with its instance's row lock and checks that the
// user may decide it.
func lockTask(ctx context.Context, tx pgx.Tx, id, user int64) (*lockedTask, error) {
	t := &lockedTask{id: id}
	err := tx.QueryRow(ctx, `SELECT t.instance_id, t.node_id, t.activation, t.assignee_id, t.on_behalf_of, t.state,
			t.created_at, t.version, i.record_id, s.id, s.name, s.email, o.status,
			(SELECT count(*) FROM hw_flow_tasks x WHERE x.instance_id = t.instance_id AND x.id <> t.id AND x.state = 'pending')
		FROM hw_flow_tasks t
		JOIN hw_flow_instances i ON i.id = t.instance_id
		JOIN mosaic_users s ON s.id = i.submitter_id
		JOIN hw_order o ON o.id = i.record_id
		WHERE t.id = $1
		FOR UPDATE OF i`, id).Scan(&t.instanceID, &t.node, &t.activation, &t.assignee, &t.onBehalfOf, &t.state,
		&t.createdAt, &t.version, &t.recordID, &t.submitter.ID, &t.submitter.Name, &t.submitter.Email, &t.orderStatus,
		&t.openSiblings)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &handError{status: fiber.StatusNotFound, code: "not_found", message: "there is no task " + itoa(id)}
	}
	if err != nil {
		return nil, err
	}
	if t.assignee != user {
		return nil, &handError{status: fiber.StatusForbidden, code: "forbidden", message: "this task is assigned to someone else"}
	}
	if t.state != "pending" || t.activation < 1 || int(t.activation) > len(handLevels) {
		return nil, &handError{status: fiber.StatusConflict, code: "conflict", message: "this task is no longer open (" + t.state + ")"}
	}
	return t, nil
}

// closeSiblings cancels the other open tasks of the task's level: one
// decision decides a single-approver level for everyone asked.
func closeSiblings(ctx context.Context, tx pgx.Tx, t *lockedTask) ([]int64, error) {
	rows, err := tx.Query(ctx, `UPDATE hw_flow_tasks SET state = 'cancelled', version = version + 1
		WHERE instance_id = $1 AND activation = $2 AND state = 'pending' RETURNING id`, t.instanceID, t.activation)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}

// moveInstance records that the instance now waits at node.
func moveInstance(ctx context.Context, tx pgx.Tx, t *lockedTask, node string) error {
	if _, err := tx.Exec(ctx, `UPDATE hw_flow_instances SET data = $2, version = version + 1 WHERE id = $1`,
		t.instanceID, instanceData(node)); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, `UPDATE hw_order SET flow_status = $2 WHERE id = $1`, t.recordID, "running: "+node)
	return err
}

// endApproval sets the order's status to outcome (approved or rejected),
// audits that change, and ends the instance.
func endApproval(ctx context.Context, tx pgx.Tx, t *lockedTask, u *handUser, outcome string, tl *timeline, now time.Time) error {
	if _, err := tx.Exec(ctx, `UPDATE hw_order SET status = $2, flow_status = $2, row_version = row_version + 1,
		updated_at = $3, updated_by = $4 WHERE id = $1`, t.recordID, outcome, now, u.id); err != nil {
		return err
	}
	changes, err := json.Marshal(map[string]change{"status": {Before: t.orderStatus, After: outcome}})
	if err != nil {
		return err
	}
	tl.audits = append(tl.audits, auditRow{actor: u.id, action: "record.update", kind: "form", key: "order", record: t.recordID,
		changes: string(changes), summary: "record.update order #" + itoa(t.recordID) + " (1 field(s))"})
	mark := "mark_" + outcome
	tl.add(mark, "action", 0, 0, "", map[string]any{"action": "set_fields", "index": 0, "set": map[string]string{"status": outcome}})
	tl.add(outcome, "ended", 0, 0, "", map[string]any{"outcome": outcome})
	_, err = tx.Exec(ctx, `UPDATE hw_flow_instances SET state = $2, running_key = NULL, ended_at = $3, data = '{}',
		version = version + 1 WHERE id = $1`, t.instanceID, outcome, now)
	return err
}

// instanceData is the state the hand-written machine keeps on the
// instance: the node it waits at.
func instanceData(node string) string { return `{"node":"` + node + `"}` }

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
