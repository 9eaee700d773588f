package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

var t0 = time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)

func addInstance(t *testing.T, db *store.DB, flow, state string, started time.Duration, ended *time.Duration) int64 {
	t.Helper()
	i := &store.FlowInstance{FlowKey: flow, FlowVersion: 1, FormKey: "order", RecordID: 1, State: state, SubmitterID: 1,
		Data: "{}", StartedAt: t0.Add(started), Version: 1}
	if ended != nil {
		at := t0.Add(*ended)
		i.EndedAt = &at
	}
	if err := db.CreateFlowInstance(context.Background(), i); err != nil {
		t.Fatal(err)
	}
	return i.ID
}

func addTask(t *testing.T, db *store.DB, inst int64, node string, assignee int64, state string, created time.Duration, decided *time.Duration) {
	t.Helper()
	task := &store.FlowTask{InstanceID: inst, NodeID: node, AssigneeID: assignee, State: state, CreatedAt: t0.Add(created), Version: 1}
	if decided != nil {
		at := t0.Add(*decided)
		task.DecidedAt = &at
	}
	if err := db.CreateFlowTasks(context.Background(), []*store.FlowTask{task}); err != nil {
		t.Fatal(err)
	}
}

func dur(d time.Duration) *time.Duration { return &d }

// Durations come out exact to the millisecond on both dialects, whatever
// the timestamps' fractions.
func TestFlowStatsDurations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		i := addInstance(t, db, "f", store.FlowApproved, 0, dur(2*time.Hour+500*time.Millisecond))
		addTask(t, db, i, "a", 7, store.TaskApproved, 250*time.Millisecond, dur(1500*time.Millisecond))
		addTask(t, db, i, "a", 8, store.TaskRejected, time.Hour, dur(3*time.Hour))
		addTask(t, db, i, "a", 9, store.TaskCC, 0, nil)

		states, err := db.FlowStateCounts(ctx, store.FlowStatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(states) != 1 || states[0].FlowKey != "f" || states[0].State != store.FlowApproved || states[0].Instances != 1 ||
			states[0].Ended != 1 || fmt.Sprintf("%.3f", states[0].EndedSeconds) != "7200.500" {
			t.Errorf("states %+v", states)
		}
		nodes, err := db.FlowNodeCounts(ctx, store.FlowStatsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		// note: the cc notice is no task; (1.25 + 7200) / 2 = 3600.625.
		if len(nodes) != 1 || nodes[0].Tasks != 2 || nodes[0].Decided() != 2 || fmt.Sprintf("%.3f", *nodes[0].AvgDecisionSeconds) != "3600.625" {
			t.Errorf("nodes %+v", nodes)
		}
		for rank, want := range map[int64]string{1: "1.250", 2: "7200.000"} {
			got, err := db.FlowNodeDecisionSeconds(ctx, store.FlowStatsFilter{}, "f", "a", rank)
			if err != nil || fmt.Sprintf("%.3f", got) != want {
				t.Errorf("rank %d: %v %v, want %s", rank, got, err, want)
			}
		}
		if _, err := db.FlowNodeDecisionSeconds(ctx, store.FlowStatsFilter{}, "f", "a", 3); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("rank 3 of 2: %v", err)
		}
		people, err := db.FlowAssigneeCounts(ctx, store.FlowStatsFilter{Flow: "f"})
		if err != nil {
			t.Fatal(err)
		}
		if len(people) != 2 || people[0].AssigneeID != 7 || people[0].Decided != 1 || people[1].AssigneeID != 8 {
			t.Errorf("assignees %+v", people)
		}
		none, err := db.FlowNodeCounts(ctx, store.FlowStatsFilter{Flow: "g"})
		if err != nil || len(none) != 0 {
			t.Errorf("another flow: %+v %v", none, err)
		}
	})
}
