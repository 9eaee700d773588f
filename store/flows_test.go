package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// The lock a task action takes is its instance's, found from the task in
// the same statement; a task that does not exist locks nothing.
func TestLockFlowInstanceOfTask(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstance(t, db, "f", store.FlowRunning, 0, nil)
		other := addInstance(t, db, "g", store.FlowRunning, 0, nil)
		addTask(t, db, other, "a", 7, store.TaskPending, 0, nil)
		addTask(t, db, inst, "a", 7, store.TaskPending, 0, nil)
		tasks, err := db.FlowTasksOf(ctx, inst)
		if err != nil || len(tasks) != 1 {
			t.Fatalf("tasks %v %v", tasks, err)
		}
		var locked *store.FlowInstance
		err = db.WithTx(ctx, func(ctx context.Context) error {
			locked, err = db.LockFlowInstanceOfTask(ctx, tasks[0].ID)
			return err
		})
		if err != nil || locked.ID != inst || locked.Version != 2 || locked.FlowKey != "f" {
			t.Errorf("locked %+v, %v; want instance %d at version 2", locked, err, inst)
		}
		if _, err := db.LockFlowInstanceOfTask(ctx, tasks[0].ID+1000); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown task: %v, want not found", err)
		}
		if i, err := db.FlowInstance(ctx, other); err != nil || i.Version != 1 {
			t.Errorf("the other instance moved: %+v %v", i, err)
		}
	})
}

// Notices of new tasks name the instance's form and record, whether the
// instance is at hand or read.
func TestTaskNoticesNameTheRecord(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		inst := addInstance(t, db, "f", store.FlowRunning, 0, nil)
		i, err := db.FlowInstance(ctx, inst)
		if err != nil {
			t.Fatal(err)
		}
		task := &store.FlowTask{InstanceID: inst, NodeID: "a", AssigneeID: 7, State: store.TaskPending, CreatedAt: t0, Version: 1}
		if err := db.CreateFlowTasksOf(ctx, i, []*store.FlowTask{task}); err != nil {
			t.Fatal(err)
		}
		addTask(t, db, inst, "b", 8, store.TaskPending, 0, nil)
		for _, user := range []int64{7, 8} {
			ns, err := db.Notifications(ctx, store.NotificationFilter{UserID: user, Limit: 10})
			if err != nil || len(ns) != 1 || ns[0].FormKey != "order" || ns[0].RecordID != 1 || ns[0].InstanceID != inst {
				t.Errorf("user %d's notices %+v %v", user, ns, err)
			}
		}
	})
}
