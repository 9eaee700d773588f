package store

import (
	"context"
	"time"
)

// Notification kinds: what a user is told about in the app.
const (
	NoticeTask     = "task"     // a task is waiting for the user
	NoticeCC       = "cc"       // the user is copied on a record's flow
	NoticeDecision = "decision" // someone decided on the user's submission
	NoticeUrge     = "urge"     // the submitter asks the user to hurry
)

// Notification is one in-app notice for one user. It holds references, not
// text, so the app words it in the reader's language.
type Notification struct {
	ID     int64  `gorm:"primaryKey" json:"id"`
	UserID int64  `gorm:"not null;index:ix_notification_user,priority:1" json:"-"`
	Kind   string `gorm:"size:20;not null" json:"kind"`
	// State is the task's state the notice is about (approved, rejected…).
	State      string     `gorm:"size:20;not null;default:''" json:"state,omitempty"`
	FormKey    string     `gorm:"size:48;not null;default:''" json:"form"`
	RecordID   int64      `gorm:"not null;default:0" json:"record_id"`
	InstanceID int64      `gorm:"not null;default:0" json:"instance_id"`
	TaskID     int64      `gorm:"not null;default:0" json:"task_id"`
	NodeID     string     `gorm:"size:48;not null;default:''" json:"node"`
	ActorID    int64      `gorm:"not null;default:0" json:"actor_id,omitempty"`
	CreatedAt  time.Time  `gorm:"not null" json:"created_at"`
	ReadAt     *time.Time `gorm:"index:ix_notification_user,priority:2" json:"read_at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (Notification) TableName() string { return "mosaic_notifications" }

// AddNotifications inserts ns in the transaction ctx carries, so a notice
// exists exactly when what it tells of was committed.
//
// In a transaction they are inserted when it ends, with the others it made.
func (db *DB) AddNotifications(ctx context.Context, ns []*Notification) error {
	if len(ns) == 0 {
		return nil
	}
	if tx, ok := db.pending(ctx); ok {
		tx.notices = append(tx.notices, ns...)
		return nil
	}
	return translate(db.conn(ctx).Create(ns).Error)
}

// NotificationFilter selects a user's notices.
type NotificationFilter struct {
	UserID     int64
	UnreadOnly bool
	// AfterID keeps only notices newer than this one (a live stream's
	// position).
	AfterID int64
	Limit   int
}

// Notifications lists a user's notices, newest first (oldest first when
// AfterID is set, the order a stream delivers them).
func (db *DB) Notifications(ctx context.Context, f NotificationFilter) ([]Notification, error) {
	q := db.conn(ctx).Where("user_id = ?", f.UserID)
	if f.UnreadOnly {
		q = q.Where("read_at IS NULL")
	}
	if f.AfterID > 0 {
		q = q.Where("id > ?", f.AfterID).Order("id")
	} else {
		q = q.Order("id DESC")
	}
	var ns []Notification
	err := q.Limit(f.Limit).Find(&ns).Error
	return ns, translate(err)
}

// LastNotificationID is the newest notice of a user, 0 if none.
func (db *DB) LastNotificationID(ctx context.Context, userID int64) (int64, error) {
	var id *int64
	err := db.conn(ctx).Model(&Notification{}).Where("user_id = ?", userID).Select("MAX(id)").Scan(&id).Error
	if id == nil {
		return 0, translate(err)
	}
	return *id, translate(err)
}

// UnreadNotifications counts a user's unread notices.
func (db *DB) UnreadNotifications(ctx context.Context, userID int64) (int64, error) {
	var n int64
	err := db.conn(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, translate(err)
}

// MarkNotificationsRead marks a user's notices read: those in ids, or all
// of them when ids is empty. Others' notices are never touched.
func (db *DB) MarkNotificationsRead(ctx context.Context, userID int64, ids []int64, at time.Time) (int64, error) {
	q := db.conn(ctx).Model(&Notification{}).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN ?", ids)
	}
	res := q.Update("read_at", at)
	return res.RowsAffected, translate(res.Error)
}

// notifyTasks tells the assignees of new tasks about them: a pending task
// is work, a cc a copy, an urge a reminder. A queued task says nothing
// until it becomes pending. inst, when not nil, is the instance of every
// task.
func (db *DB) notifyTasks(ctx context.Context, tasks []*FlowTask, inst *FlowInstance) error {
	var ns []*Notification
	for _, t := range tasks {
		kind := ""
		switch {
		case t.State == TaskPending:
			kind = NoticeTask
		case t.State == TaskCC && t.Kind == "":
			kind = NoticeCC
		case t.State == TaskCC && t.Kind == TaskKindUrge:
			kind = NoticeUrge
		}
		if kind != "" {
			ns = append(ns, &Notification{UserID: t.AssigneeID, Kind: kind, State: t.State, InstanceID: t.InstanceID,
				TaskID: t.ID, NodeID: t.NodeID, CreatedAt: t.CreatedAt})
		}
	}
	return db.addWithRecord(ctx, ns, inst)
}

// notifyDecision tells the submitter of task id's instance that someone
// decided on it. The submitter deciding their own task is told nothing.
func (db *DB) notifyDecision(ctx context.Context, id int64, d TaskDecision) error {
	inst, node := d.Instance, d.Node
	if inst == nil {
		var t FlowTask
		if err := db.conn(ctx).Where("id = ?", id).Take(&t).Error; err != nil {
			return translate(err)
		}
		inst = &FlowInstance{}
		if err := db.conn(ctx).Where("id = ?", t.InstanceID).Take(inst).Error; err != nil {
			return translate(err)
		}
		node = t.NodeID
	}
	if inst.SubmitterID == 0 || inst.SubmitterID == d.By {
		return nil
	}
	n := &Notification{UserID: inst.SubmitterID, Kind: NoticeDecision, State: d.State, FormKey: inst.FormKey,
		RecordID: inst.RecordID, InstanceID: inst.ID, TaskID: id, NodeID: node, ActorID: d.By, CreatedAt: d.At}
	return db.AddNotifications(ctx, []*Notification{n})
}

// addWithRecord fills in the form and record of each notice from its
// instance, then inserts them.
func (db *DB) addWithRecord(ctx context.Context, ns []*Notification, inst *FlowInstance) error {
	if len(ns) == 0 {
		return nil
	}
	var is []FlowInstance
	if inst != nil {
		is = []FlowInstance{*inst}
	} else {
		ids := make([]int64, 0, len(ns))
		for _, n := range ns {
			ids = append(ids, n.InstanceID)
		}
		if err := db.conn(ctx).Where("id IN ?", ids).Find(&is).Error; err != nil {
			return translate(err)
		}
	}
	byID := make(map[int64]FlowInstance, len(is))
	for _, i := range is {
		byID[i.ID] = i
	}
	for _, n := range ns {
		n.FormKey, n.RecordID = byID[n.InstanceID].FormKey, byID[n.InstanceID].RecordID
		if n.CreatedAt.IsZero() {
			n.CreatedAt = time.Now().UTC()
		}
	}
	return db.AddNotifications(ctx, ns)
}

// notifyTaskIDs tells the assignees of the tasks among ids that are now
// pending about them (a queued signer's turn, a task handed over).
func (db *DB) notifyTaskIDs(ctx context.Context, ids []int64) error {
	var ts []*FlowTask
	if err := db.conn(ctx).Where("id IN ? AND state = ?", ids, TaskPending).Find(&ts).Error; err != nil {
		return translate(err)
	}
	now := time.Now().UTC()
	for _, t := range ts {
		t.CreatedAt = now
	}
	return db.notifyTasks(ctx, ts, nil)
}

// FlowInstancesBySubmitter lists one page of the instances a user
// submitted, newest first, and how many there are in all.
func (db *DB) FlowInstancesBySubmitter(ctx context.Context, userID int64, page, perPage int) ([]FlowInstance, int64, error) {
	var total int64
	if err := db.conn(ctx).Model(&FlowInstance{}).Where("submitter_id = ?", userID).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var is []FlowInstance
	err := db.conn(ctx).Where("submitter_id = ?", userID).Order("id DESC").Offset((page - 1) * perPage).Limit(perPage).Find(&is).Error
	return is, total, translate(err)
}
