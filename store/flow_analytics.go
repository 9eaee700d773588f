package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// note: the queries below aggregate in the database with plain GROUP BY,
// COUNT, SUM and AVG, which both dialects run alike. Only the seconds
// between two timestamps differ per dialect (secondsBetween). Every value
// is bound; the SQL text is fixed.

// stepTaskCreated is the timeline step written when a task is handed to its
// assignee: at creation, and again when a queued signer of a sequential
// approval gets their turn (flows.StepTaskCreated).
const stepTaskCreated = "task_created"

// FlowStatsFilter selects what flow statistics are taken over: the
// instances of Flow (empty: every flow) started in [From, To) (a zero time
// leaves that end open), and their tasks.
type FlowStatsFilter struct {
	Flow     string
	From, To time.Time
	// Now is the time a pending task is overdue after its due time.
	Now time.Time
}

// FlowStateCount counts the instances of one flow in one state.
// EndedSeconds sums, over the Ended ones, the seconds from start to end.
type FlowStateCount struct {
	FlowKey      string
	State        string
	Instances    int64
	Ended        int64
	EndedSeconds float64
}

// FlowNodeCount sums up the tasks of one node of one flow (notices of cc
// nodes are not tasks here): how many instances had one, how they were
// decided, how many wait and how many of those are overdue, and the average
// seconds from a task being handed to its approver to its decision.
type FlowNodeCount struct {
	FlowKey            string
	NodeID             string
	Instances          int64
	Tasks              int64
	Approved           int64
	Rejected           int64
	Returned           int64
	Pending            int64
	Overdue            int64
	AvgDecisionSeconds *float64 // nil when nothing was decided
}

// Decided is how many of the node's tasks were approved, rejected or
// returned.
func (c FlowNodeCount) Decided() int64 { return c.Approved + c.Rejected + c.Returned }

// FlowAssigneeCount sums up one person's tasks in one flow.
type FlowAssigneeCount struct {
	FlowKey            string
	AssigneeID         int64
	Tasks              int64
	Pending            int64
	Overdue            int64
	Decided            int64
	AvgDecisionSeconds *float64 // nil when nothing was decided
}

// FlowStateCounts counts the instances f selects by flow and state.
func (db *DB) FlowStateCounts(ctx context.Context, f FlowStatsFilter) ([]FlowStateCount, error) {
	var out []FlowStateCount
	q := db.conn(ctx).Table("mosaic_flow_instances AS i").
		Select("i.flow_key, i.state, COUNT(*) AS instances, " +
			"SUM(CASE WHEN i.ended_at IS NULL THEN 0 ELSE 1 END) AS ended, " +
			"COALESCE(SUM(" + db.secondsBetween("i.started_at", "i.ended_at") + "), 0) AS ended_seconds").
		Group("i.flow_key, i.state").Order("i.flow_key, i.state")
	err := f.instances(q).Scan(&out).Error
	return out, translate(err)
}

// FlowNodeCounts sums up the tasks of the instances f selects by flow and
// node.
func (db *DB) FlowNodeCounts(ctx context.Context, f FlowStatsFilter) ([]FlowNodeCount, error) {
	var out []FlowNodeCount
	q := db.flowTasks(ctx, f).
		Select("i.flow_key, t.node_id, COUNT(DISTINCT t.instance_id) AS instances, COUNT(*) AS tasks, "+
			"SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END) AS approved, "+
			"SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END) AS rejected, "+
			"SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END) AS returned, "+
			"SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END) AS pending, "+
			"SUM(CASE WHEN t.state = ? AND t.due_at < ? THEN 1 ELSE 0 END) AS overdue, "+
			"AVG(CASE WHEN t.state IN (?, ?, ?) THEN "+db.decisionSeconds()+" END) AS avg_decision_seconds",
			TaskApproved, TaskRejected, TaskReturned, TaskPending, TaskPending, f.now(),
			TaskApproved, TaskRejected, TaskReturned).
		Group("i.flow_key, t.node_id").Order("i.flow_key, t.node_id")
	err := q.Scan(&out).Error
	return out, translate(err)
}

// FlowNodeDecisionSeconds returns the decision time, in seconds, of rank
// (from 1) in the ascending order of the decided tasks of node of flow among
// the instances f selects; ErrNotFound when there are fewer. The ordering
// and the pick run in the database, so a percentile costs one row.
func (db *DB) FlowNodeDecisionSeconds(ctx context.Context, f FlowStatsFilter, flow, node string, rank int64) (float64, error) {
	if rank < 1 {
		return 0, ErrNotFound
	}
	var out []float64
	err := db.flowTasks(ctx, f).Select(db.decisionSeconds()+" AS seconds").
		Where("i.flow_key = ? AND t.node_id = ? AND t.state IN ?", flow, node, []string{TaskApproved, TaskRejected, TaskReturned}).
		Order("seconds").Offset(int(rank - 1)).Limit(1).Scan(&out).Error
	if err != nil {
		return 0, translate(err)
	}
	if len(out) == 0 {
		return 0, ErrNotFound
	}
	return out[0], nil
}

// FlowAssigneeCounts sums up the tasks of the instances f selects by flow
// and assignee.
func (db *DB) FlowAssigneeCounts(ctx context.Context, f FlowStatsFilter) ([]FlowAssigneeCount, error) {
	var out []FlowAssigneeCount
	q := db.flowTasks(ctx, f).
		Select("i.flow_key, t.assignee_id, COUNT(*) AS tasks, "+
			"SUM(CASE WHEN t.state = ? THEN 1 ELSE 0 END) AS pending, "+
			"SUM(CASE WHEN t.state = ? AND t.due_at < ? THEN 1 ELSE 0 END) AS overdue, "+
			"SUM(CASE WHEN t.state IN (?, ?, ?) THEN 1 ELSE 0 END) AS decided, "+
			"AVG(CASE WHEN t.state IN (?, ?, ?) THEN "+db.decisionSeconds()+" END) AS avg_decision_seconds",
			TaskPending, TaskPending, f.now(), TaskApproved, TaskRejected, TaskReturned,
			TaskApproved, TaskRejected, TaskReturned).
		Group("i.flow_key, t.assignee_id").Order("i.flow_key, t.assignee_id")
	err := q.Scan(&out).Error
	return out, translate(err)
}

// flowTasks is the tasks (not cc notices) of the instances f selects, as t,
// joined to their instance, as i.
func (db *DB) flowTasks(ctx context.Context, f FlowStatsFilter) *gorm.DB {
	q := db.conn(ctx).Table("mosaic_flow_tasks AS t").
		Joins("JOIN mosaic_flow_instances AS i ON i.id = t.instance_id").
		Where("t.state <> ?", TaskCC)
	return f.instances(q)
}

// instances narrows q, over instances as i, to those f selects.
func (f FlowStatsFilter) instances(q *gorm.DB) *gorm.DB {
	if f.Flow != "" {
		q = q.Where("i.flow_key = ?", f.Flow)
	}
	if !f.From.IsZero() {
		q = q.Where("i.started_at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("i.started_at < ?", f.To.UTC())
	}
	return q
}

func (f FlowStatsFilter) now() time.Time {
	if f.Now.IsZero() {
		return time.Now().UTC()
	}
	return f.Now.UTC()
}

// decisionSeconds is the SQL for the seconds from a task (t) being handed
// to its approver to its decision. A queued signer of a sequential approval
// is handed the task when their turn comes, which the latest task_created
// step of the task records; other tasks are handed over when created.
func (db *DB) decisionSeconds() string {
	handed := "COALESCE((SELECT MAX(s.at) FROM mosaic_flow_steps AS s WHERE s.instance_id = t.instance_id " +
		"AND s.task_id = t.id AND s.kind = '" + stepTaskCreated + "'), t.created_at)"
	return db.secondsBetween(handed, "t.decided_at")
}

// secondsBetween is the SQL for the seconds from timestamp from to
// timestamp to, both fixed SQL expressions (never input); NULL when either
// is NULL.
func (db *DB) secondsBetween(from, to string) string {
	if db.dialect == Postgres {
		return "CAST(EXTRACT(EPOCH FROM (" + to + " - " + from + ")) AS DOUBLE PRECISION)"
	}
	// note: SQLite keeps timestamps as text, which julianday reads with its
	// offset; a day is 86400 seconds.
	return "((julianday(" + to + ") - julianday(" + from + ")) * 86400.0)"
}
