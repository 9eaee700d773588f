package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CreateFlowInstance inserts i and sets its ID. A second running instance of
// the same flow on the same record fails with ErrConflict (RunningKey).
func (db *DB) CreateFlowInstance(ctx context.Context, i *FlowInstance) error {
	return translate(db.conn(ctx).Create(i).Error)
}

// FlowInstance reads one instance without locking it.
func (db *DB) FlowInstance(ctx context.Context, id int64) (*FlowInstance, error) {
	var i FlowInstance
	err := db.conn(ctx).Where("id = ?", id).Take(&i).Error
	return &i, translate(err)
}

// LockFlowInstance takes the instance's row lock for the rest of the
// transaction in ctx (by bumping its version, which works the same on both
// dialects) and returns the instance as it is now. Every transition of an
// instance starts here, so concurrent transitions of one instance take
// turns and each sees what the one before it committed.
func (db *DB) LockFlowInstance(ctx context.Context, id int64) (*FlowInstance, error) {
	// note: RETURNING (both dialects have it) reads the row in the same
	// statement that locks it.
	var is []FlowInstance
	res := db.conn(ctx).Model(&is).Clauses(clause.Returning{}).Where("id = ?", id).
		Update("version", gorm.Expr("version + 1"))
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if len(is) == 0 {
		return nil, ErrNotFound
	}
	return &is[0], nil
}

// LockFlowInstanceOfTask is LockFlowInstance for the instance of task
// taskID, found in the same statement; ErrNotFound when there is no such
// task.
func (db *DB) LockFlowInstanceOfTask(ctx context.Context, taskID int64) (*FlowInstance, error) {
	var is []FlowInstance
	res := db.conn(ctx).Model(&is).Clauses(clause.Returning{}).
		Where("id = (SELECT t.instance_id FROM mosaic_flow_tasks t WHERE t.id = ?)", taskID).
		Update("version", gorm.Expr("version + 1"))
	if res.Error != nil {
		return nil, translate(res.Error)
	}
	if len(is) == 0 {
		return nil, ErrNotFound
	}
	return &is[0], nil
}

// SaveFlowInstance writes the state, running key, data and end of i, which
// the caller has locked.
func (db *DB) SaveFlowInstance(ctx context.Context, i *FlowInstance) error {
	return translate(db.conn(ctx).Model(&FlowInstance{}).Where("id = ?", i.ID).Updates(map[string]any{
		"state": i.State, "running_key": i.RunningKey, "data": i.Data, "ended_at": i.EndedAt,
	}).Error)
}

// SetFlowInstanceVersion repins instance id, which the caller has locked, to
// another version of its flow: an admin's migration, never a transition.
func (db *DB) SetFlowInstanceVersion(ctx context.Context, id int64, version int) error {
	return translate(db.conn(ctx).Model(&FlowInstance{}).Where("id = ?", id).Update("flow_version", version).Error)
}

// FlowInstancesOfRecord lists the instances of every flow on one record,
// newest first.
func (db *DB) FlowInstancesOfRecord(ctx context.Context, form string, recordID int64) ([]FlowInstance, error) {
	var is []FlowInstance
	err := db.conn(ctx).Where("form_key = ? AND record_id = ?", form, recordID).Order("id DESC").Find(&is).Error
	return is, translate(err)
}

// FlowInstancesByID returns the instances with the given ids that exist.
func (db *DB) FlowInstancesByID(ctx context.Context, ids []int64) ([]FlowInstance, error) {
	var is []FlowInstance
	if len(ids) == 0 {
		return is, nil
	}
	err := db.conn(ctx).Where("id IN ?", ids).Find(&is).Error
	return is, translate(err)
}

// RunningFlowInstance finds the running (or stuck) instance of flow on a
// record.
func (db *DB) RunningFlowInstance(ctx context.Context, runningKey string) (*FlowInstance, error) {
	var i FlowInstance
	err := db.conn(ctx).Where("running_key = ?", runningKey).Take(&i).Error
	return &i, translate(err)
}

// CreateFlowTasks inserts tasks and sets their IDs.
func (db *DB) CreateFlowTasks(ctx context.Context, tasks []*FlowTask) error {
	if len(tasks) == 0 {
		return nil
	}
	if err := db.conn(ctx).Create(tasks).Error; err != nil {
		return translate(err)
	}
	return db.notifyTasks(ctx, tasks, nil)
}

// CreateFlowTasksOf is CreateFlowTasks for tasks of one instance, inst,
// which the caller holds: their notices take its form and record without
// reading it again.
func (db *DB) CreateFlowTasksOf(ctx context.Context, inst *FlowInstance, tasks []*FlowTask) error {
	if len(tasks) == 0 {
		return nil
	}
	if err := db.conn(ctx).Create(tasks).Error; err != nil {
		return translate(err)
	}
	return db.notifyTasks(ctx, tasks, inst)
}

// FlowTask reads one task.
func (db *DB) FlowTask(ctx context.Context, id int64) (*FlowTask, error) {
	var t FlowTask
	err := db.conn(ctx).Where("id = ?", id).Take(&t).Error
	return &t, translate(err)
}

// FlowTasksOf lists the tasks of an instance in the order they were made.
func (db *DB) FlowTasksOf(ctx context.Context, instanceID int64) ([]FlowTask, error) {
	var ts []FlowTask
	err := db.conn(ctx).Where("instance_id = ?", instanceID).Order("id").Find(&ts).Error
	return ts, translate(err)
}

// TaskDecision is what DecideFlowTask writes.
type TaskDecision struct {
	State     string
	By        int64
	At        time.Time
	Comment   string
	Changes   string
	ExpectVer int64 // 0: any version
	// Node and Instance are the task's node and its instance, locked by the
	// caller; when Instance is set, the notice to the submitter is made from
	// them instead of reading both again.
	Node     string
	Instance *FlowInstance
}

// DecideFlowTask records a decision on a pending task. It reports false,
// writing nothing, when the task is no longer pending (or no longer at
// ExpectVer): somebody decided first. This conditional update is what makes
// exactly one of several concurrent decisions win.
func (db *DB) DecideFlowTask(ctx context.Context, id int64, d TaskDecision) (bool, error) {
	q := db.conn(ctx).Model(&FlowTask{}).Where("id = ? AND state = ?", id, TaskPending)
	if d.ExpectVer != 0 {
		q = q.Where("version = ?", d.ExpectVer)
	}
	res := q.Updates(map[string]any{"state": d.State, "decided_by": d.By, "decided_at": d.At,
		"comment": d.Comment, "changes": d.Changes, "version": gorm.Expr("version + 1")})
	if res.Error != nil || res.RowsAffected != 1 {
		return false, translate(res.Error)
	}
	return true, db.notifyDecision(ctx, id, d)
}

// SetFlowTaskStates moves the tasks among ids that are in one of the states
// from to state to, and returns how many moved.
func (db *DB) SetFlowTaskStates(ctx context.Context, ids []int64, from []string, to string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := db.conn(ctx).Model(&FlowTask{}).Where("id IN ? AND state IN ?", ids, from).
		Updates(map[string]any{"state": to, "version": gorm.Expr("version + 1")})
	if res.Error != nil || res.RowsAffected == 0 || to != TaskPending {
		return res.RowsAffected, translate(res.Error)
	}
	return res.RowsAffected, db.notifyTaskIDs(ctx, ids)
}

// TransferFlowTask gives a pending task to another user; it reports false
// when the task is no longer pending.
func (db *DB) TransferFlowTask(ctx context.Context, id, to int64, onBehalfOf *int64) (bool, error) {
	res := db.conn(ctx).Model(&FlowTask{}).Where("id = ? AND state = ?", id, TaskPending).
		Updates(map[string]any{"assignee_id": to, "on_behalf_of": onBehalfOf, "version": gorm.Expr("version + 1")})
	if res.Error != nil || res.RowsAffected != 1 {
		return false, translate(res.Error)
	}
	return true, db.notifyTaskIDs(ctx, []int64{id})
}

// MoveFlowTasks moves the open (pending or queued) tasks among ids to node,
// keeping their assignees, and returns how many moved.
func (db *DB) MoveFlowTasks(ctx context.Context, ids []int64, node string) (int64, error) {
	if len(ids) == 0 {
		return 0, nil
	}
	res := db.conn(ctx).Model(&FlowTask{}).Where("id IN ? AND state IN ?", ids, []string{TaskPending, TaskQueued}).
		Updates(map[string]any{"node_id": node, "version": gorm.Expr("version + 1")})
	return res.RowsAffected, translate(res.Error)
}

// AddFlowSteps appends steps to timelines.
func (db *DB) AddFlowSteps(ctx context.Context, steps []*FlowStep) error {
	if len(steps) == 0 {
		return nil
	}
	return translate(db.conn(ctx).Create(steps).Error)
}

// FlowSteps lists the timeline of an instance in order.
func (db *DB) FlowSteps(ctx context.Context, instanceID int64) ([]FlowStep, error) {
	var ss []FlowStep
	err := db.conn(ctx).Where("instance_id = ?", instanceID).Order("id").Find(&ss).Error
	return ss, translate(err)
}

// InboxFilter selects the tasks of one user.
type InboxFilter struct {
	UserID        int64
	States        []string
	Page, PerPage int
}

// Inbox lists one page of a user's tasks in the given states, newest first,
// and how many there are in all.
func (db *DB) Inbox(ctx context.Context, f InboxFilter) ([]FlowTask, int64, error) {
	q := db.conn(ctx).Model(&FlowTask{}).Where("assignee_id = ? AND state IN ?", f.UserID, f.States)
	var total int64
	if err := q.Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var ts []FlowTask
	err := db.conn(ctx).Where("assignee_id = ? AND state IN ?", f.UserID, f.States).
		Order("id DESC").Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).Find(&ts).Error
	return ts, total, translate(err)
}

// InboxCounts counts a user's tasks by state.
func (db *DB) InboxCounts(ctx context.Context, userID int64) (map[string]int64, error) {
	var rows []struct {
		State string
		N     int64
	}
	err := db.conn(ctx).Model(&FlowTask{}).Select("state, COUNT(*) AS n").
		Where("assignee_id = ?", userID).Group("state").Scan(&rows).Error
	out := map[string]int64{}
	for _, r := range rows {
		out[r.State] = r.N
	}
	return out, translate(err)
}

// IsFlowParticipant reports whether a user has, or had, a task in an
// instance, in person or as the one it was meant for.
func (db *DB) IsFlowParticipant(ctx context.Context, instanceID, userID int64) (bool, error) {
	var n int64
	err := db.conn(ctx).Model(&FlowTask{}).
		Where("instance_id = ? AND (assignee_id = ? OR on_behalf_of = ? OR decided_by = ?)", instanceID, userID, userID, userID).
		Count(&n).Error
	return n > 0, translate(err)
}

// SetFlowStatus writes the flow status column of one form record, without
// touching its row version: the status is the engine's, not the user's.
func (db *DB) SetFlowStatus(ctx context.Context, table Ident, id int64, status string) error {
	_, err := db.Update(ctx, table, Compare("id", OpEq, id), []Value{{Column: "flow_status", Value: status}})
	return err
}

// SetFlowTaskDue sets when a pending task is due.
func (db *DB) SetFlowTaskDue(ctx context.Context, id int64, due *time.Time) error {
	return translate(db.conn(ctx).Model(&FlowTask{}).Where("id = ?", id).Update("due_at", due).Error)
}
