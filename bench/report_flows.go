package main

import (
	"context"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the seed makes orders in their final state without running the
// approval flow, so the operations dashboard would read empty tables. The
// report data gets, here, the history the example's order_approval flow
// would have left for every order that was submitted: an instance, the
// approvers' tasks (both directors countersigning from 100,000, the
// general manager after them for a discount above 20%), and their timeline
// steps, with decision times that differ by step. It is written straight
// into the flow tables, in bulk, as the runtime's rows: the operations
// reports read only those tables.

// historyFlow is the example's flow the history is of.
const historyFlow = "order_approval"

// historyApprovers are the users the history's tasks go to, by role.
var historyApprovers = []struct {
	role  string // "" for the general managers, found by the reporting line
	n     int
	node  string
	hours [2]int // the range of hours they take to decide
}{
	{"sales_director", 6, "sales", [2]int{1, 40}},
	{"finance_director", 4, "finance", [2]int{2, 80}},
	{"", 2, "manager", [2]int{1, 120}},
}

// historyOrder is what the history of an order depends on.
type historyOrder struct {
	id, owner, amount, discount int64
	status                      string
	at                          time.Time
}

// historyRows are the rows of a batch of orders' histories.
type historyRows struct {
	instances, tasks, steps [][]any
}

var (
	instanceCols = []string{"id", "flow_key", "flow_version", "form_key", "record_id", "state", "running_key", "trigger",
		"submitter_id", "data", "started_at", "ended_at", "version"}
	taskCols = []string{"id", "instance_id", "node_id", "assignee_id", "state", "due_at", "created_at", "decided_by",
		"decided_at", "comment", "version"}
	stepCols = []string{"id", "instance_id", "node_id", "kind", "actor_id", "task_id", "at", "comment", "data"}
)

// addFlowHistory writes the history of every submitted order, its tasks
// going to approvers; it returns how many rows it wrote, by table.
func (rd *reportData) addFlowHistory(ctx context.Context, approvers map[string][]int64) (map[string]int, error) {
	// note: the example's flow is published once, as version 1.
	const version = 1
	orders, err := rd.historyOrders(ctx)
	if err != nil {
		return nil, err
	}
	h := &historyMaker{approvers: approvers, version: version}
	counts := map[string]int{}
	const batch = 20000
	for start := 0; start < len(orders); start += batch {
		rows := h.rows(orders[start:min(len(orders), start+batch)])
		for _, t := range []struct {
			table string
			cols  []string
			rows  [][]any
		}{{"mosaic_flow_instances", instanceCols, rows.instances}, {"mosaic_flow_tasks", taskCols, rows.tasks},
			{"mosaic_flow_steps", stepCols, rows.steps}} {
			if err := rd.writeRows(ctx, t.table, t.cols, t.rows); err != nil {
				return nil, fmt.Errorf("%s: %w", t.table, err)
			}
			counts[t.table] += len(t.rows)
		}
	}
	if rd.pg != nil {
		// note: the rows came with their ids; the sequences must move past them.
		for _, t := range []string{"mosaic_flow_instances", "mosaic_flow_tasks", "mosaic_flow_steps"} {
			if _, err := rd.pg.Exec(ctx, fmt.Sprintf("SELECT setval(pg_get_serial_sequence('%s', 'id'), "+
				"COALESCE((SELECT MAX(id) FROM %s), 0) + 1, false)", t, t)); err != nil {
				return nil, err
			}
		}
	}
	return counts, nil
}

// addApprovers creates the users the history's tasks go to.
func (rd *reportData) addApprovers(ctx context.Context) (map[string][]int64, error) {
	out := map[string][]int64{}
	for _, a := range historyApprovers {
		for i := 1; i <= a.n; i++ {
			var roles []string
			if a.role != "" {
				roles = append(roles, a.role)
			}
			u, err := rd.engine.CreateUser(ctx, fmt.Sprintf("approver.%s%d@example.com", a.node, i),
				fmt.Sprintf("Approver %s %d", a.node, i), adminPassword, roles...)
			if err != nil {
				return nil, fmt.Errorf("create approver: %w", err)
			}
			out[a.node] = append(out[a.node], u.ID)
		}
	}
	return out, nil
}

// historyOrders reads the submitted orders, in id order.
func (rd *reportData) historyOrders(ctx context.Context) ([]historyOrder, error) {
	const q = `SELECT id, owner, amount, discount, status, created_at FROM f_order
		WHERE status IN ('submitted', 'approved', 'rejected', 'cancelled') ORDER BY id`
	var out []historyOrder
	add := func(o historyOrder, at any) error {
		switch t := at.(type) {
		case time.Time:
			o.at = t.UTC()
		case string:
			parsed, err := time.Parse(time.RFC3339Nano, t)
			if err != nil {
				return fmt.Errorf("order %d created at %q: %w", o.id, t, err)
			}
			o.at = parsed
		default:
			return fmt.Errorf("order %d created at %T", o.id, at)
		}
		out = append(out, o)
		return nil
	}
	if rd.pg != nil {
		rows, err := rd.pg.Query(ctx, q)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var o historyOrder
			var at any
			if err := rows.Scan(&o.id, &o.owner, &o.amount, &o.discount, &o.status, &at); err != nil {
				return nil, err
			}
			if err := add(o, at); err != nil {
				return nil, err
			}
		}
		return out, rows.Err()
	}
	rows, err := rd.lite.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var o historyOrder
		var at any
		if err := rows.Scan(&o.id, &o.owner, &o.amount, &o.discount, &o.status, &at); err != nil {
			return nil, err
		}
		if err := add(o, at); err != nil {
			return nil, err
		}
	}
	return out, rows.Err()
}

// writeRows inserts rows into table: COPY on PostgreSQL, one prepared
// INSERT in one transaction on SQLite.
func (rd *reportData) writeRows(ctx context.Context, table string, cols []string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	if rd.pg != nil {
		_, err := rd.pg.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows))
		return err
	}
	tx, err := rd.lite.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	st, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+marks+")")
	if err != nil {
		return err
	}
	defer st.Close()
	for _, r := range rows {
		if _, err := st.ExecContext(ctx, r...); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// historyMaker writes the rows of orders' histories, numbering them.
type historyMaker struct {
	approvers                  map[string][]int64
	version                    int
	instanceID, taskID, stepID int64
}

// historyTask is one approver's part in an order's history.
type historyTask struct {
	node, role string
	after      int // the index of the task it waits for, -1 for none
}

func (h *historyMaker) rows(orders []historyOrder) historyRows {
	var out historyRows
	for _, o := range orders {
		h.order(&out, o)
	}
	return out
}

// order writes the history of one order: the tasks the example's flow
// routes it to, decided as the order's status says.
func (h *historyMaker) order(out *historyRows, o historyOrder) {
	rnd := mrand.New(mrand.NewPCG(reportSeed, uint64(o.id)))
	h.instanceID++
	inst := h.instanceID
	started := o.at.Add(time.Duration(5+rnd.IntN(120)) * time.Minute)
	plan := []historyTask{{"sales_director_approval", "sales", -1}}
	if o.amount >= 100_000_00 {
		plan = []historyTask{{"sales_director_sign", "sales", -1}, {"finance_director_sign", "finance", -1}}
	}
	if o.discount > 2000 && o.status != "cancelled" {
		plan = append(plan, historyTask{"general_manager_approval", "manager", 0})
	}
	// note: a rejected order was turned down by one of the first approvers;
	// the general manager never saw it.
	rejecter := -1
	if o.status == "rejected" {
		plan = plan[:min(len(plan), 2)]
		if plan[len(plan)-1].role == "manager" {
			plan = plan[:len(plan)-1]
		}
		rejecter = rnd.IntN(len(plan))
	}
	h.step(out, inst, "start", "started", o.owner, 0, started)
	decided := make([]time.Time, len(plan))
	end := started
	for i, t := range plan {
		at := started
		if t.after >= 0 {
			at = latest(decided[:len(decided)-1])
		}
		if o.status == "submitted" && t.after >= 0 {
			break // note: the general manager waits for both directors
		}
		h.taskID++
		task := h.taskID
		people := h.approvers[t.role]
		who := people[rnd.IntN(len(people))]
		a := historyApprovers[roleIndex(t.role)]
		took := time.Duration(a.hours[0]*60+rnd.IntN((a.hours[1]-a.hours[0])*60)) * time.Minute
		state, by, on := store.TaskApproved, any(who), any(at.Add(took))
		switch {
		case o.status == "submitted":
			state, by, on = store.TaskPending, nil, nil
		case o.status == "cancelled":
			state, by, on = store.TaskCancelled, nil, nil
		case o.status == "rejected" && i == rejecter:
			state = store.TaskRejected
		case o.status == "rejected":
			if rnd.IntN(2) == 0 {
				state, by, on = store.TaskCancelled, nil, nil
			}
		}
		out.tasks = append(out.tasks, []any{task, inst, t.node, who, state, at.Add(48 * time.Hour), at, by, on, "", int64(1)})
		h.step(out, inst, t.node, "task_created", 0, task, at)
		if d, ok := on.(time.Time); ok {
			decided[i] = d
			end = later(end, d)
			h.step(out, inst, t.node, "decided", who, task, d)
		}
	}
	state, running, ended := store.FlowApproved, any(nil), any(end)
	switch o.status {
	case "submitted":
		state, ended = store.FlowRunning, nil
		running = fmt.Sprintf("order/%d/%s", o.id, historyFlow)
	case "rejected":
		state = store.FlowRejected
	case "cancelled":
		state, end = store.FlowCancelled, started.Add(time.Duration(1+rnd.IntN(72))*time.Hour)
		ended = end
	}
	if ended != nil {
		h.step(out, inst, "", "ended", 0, 0, end)
	}
	out.instances = append(out.instances, []any{inst, historyFlow, int64(h.version), "order", o.id, state, running, "submit",
		o.owner, "{}", started, ended, int64(1)})
}

func (h *historyMaker) step(out *historyRows, inst int64, node, kind string, actor, task int64, at time.Time) {
	h.stepID++
	out.steps = append(out.steps, []any{h.stepID, inst, node, kind, actor, task, at, "", ""})
}

func roleIndex(node string) int {
	for i, a := range historyApprovers {
		if a.node == node {
			return i
		}
	}
	return 0
}

func latest(ts []time.Time) time.Time {
	var out time.Time
	for _, t := range ts {
		out = later(out, t)
	}
	return out
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
