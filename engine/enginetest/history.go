package enginetest

import (
	"context"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// History writes flow instances, tasks and timeline steps straight into the
// flow tables with exact timestamps, so tests of process analytics can
// compare durations and rates with figures worked out by hand. Every time is
// an offset from T0.
//
// Example:
//
//	h := app.History(t, "order", time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC))
//	inst := h.Instance("order_approval", store.FlowApproved, 0, h.At(3*time.Hour))
//	h.Task(inst, "sales_director_approval", sd.ID, store.TaskApproved, 0, h.At(time.Hour), nil)
type History struct {
	t    testing.TB
	db   *store.DB
	form string
	T0   time.Time
}

// History returns a writer of flow history on records of form, starting at
// t0.
func (a *App) History(t testing.TB, form string, t0 time.Time) *History {
	return &History{t: t, db: a.Engine.DB(), form: form, T0: t0.UTC()}
}

// At is the time d after T0, for the optional times of Instance and Task.
func (h *History) At(d time.Duration) *time.Time {
	at := h.T0.Add(d)
	return &at
}

// Instance stores an instance of flow on record 1 of the history's form in state, started
// at T0+started and ended at ended (nil: not ended), and returns its id.
func (h *History) Instance(flow, state string, started time.Duration, ended *time.Time) int64 {
	h.t.Helper()
	i := &store.FlowInstance{FlowKey: flow, FlowVersion: 1, FormKey: h.form, RecordID: 1, State: state,
		Trigger: "submit", SubmitterID: 1, Data: "{}", StartedAt: h.T0.Add(started), EndedAt: ended, Version: 1}
	if err := h.db.CreateFlowInstance(context.Background(), i); err != nil {
		h.t.Fatalf("store instance: %v", err)
	}
	return i.ID
}

// Task stores a task of inst at node for assignee in state, created at
// T0+created, decided at decided and due at due (nil: neither), with its
// task_created step, and returns its id.
func (h *History) Task(inst int64, node string, assignee int64, state string, created time.Duration, decided, due *time.Time) int64 {
	h.t.Helper()
	task := &store.FlowTask{InstanceID: inst, NodeID: node, AssigneeID: assignee, State: state,
		CreatedAt: h.T0.Add(created), DecidedAt: decided, DueAt: due, Version: 1}
	if decided != nil {
		task.DecidedBy = &assignee
	}
	if err := h.db.CreateFlowTasks(context.Background(), []*store.FlowTask{task}); err != nil {
		h.t.Fatalf("store task: %v", err)
	}
	h.Handed(inst, task.ID, node, created)
	return task.ID
}

// Handed stores a task_created step of task at T0+at: the moment the task
// was handed to its assignee (again, for a sequential signer's turn).
func (h *History) Handed(inst, task int64, node string, at time.Duration) {
	h.t.Helper()
	s := &store.FlowStep{InstanceID: inst, NodeID: node, Kind: flows.StepTaskCreated, TaskID: task, At: h.T0.Add(at), Data: "{}"}
	if err := h.db.AddFlowSteps(context.Background(), []*store.FlowStep{s}); err != nil {
		h.t.Fatalf("store step: %v", err)
	}
}
