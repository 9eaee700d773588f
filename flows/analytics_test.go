package flows_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// The p90 is the nearest rank: of ten decisions taking 1 to 10 minutes,
// the ninth.
func TestAnalyzeP90IsTheNearestRank(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		t0 := time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)
		inst := &store.FlowInstance{FlowKey: "f", FlowVersion: 1, FormKey: "order", RecordID: 1, State: store.FlowRunning,
			SubmitterID: 1, Data: "{}", StartedAt: t0, Version: 1}
		if err := db.CreateFlowInstance(ctx, inst); err != nil {
			t.Fatal(err)
		}
		var tasks []*store.FlowTask
		for i := 10; i >= 1; i-- {
			at := t0.Add(time.Duration(i) * time.Minute)
			tasks = append(tasks, &store.FlowTask{InstanceID: inst.ID, NodeID: "a", AssigneeID: int64(i), State: store.TaskApproved,
				CreatedAt: t0, DecidedAt: &at, Version: 1})
		}
		tasks = append(tasks, &store.FlowTask{InstanceID: inst.ID, NodeID: "b", AssigneeID: 1, State: store.TaskPending, CreatedAt: t0, Version: 1})
		if err := db.CreateFlowTasks(ctx, tasks); err != nil {
			t.Fatal(err)
		}
		a, err := flows.Analyze(ctx, db, flows.AnalyticsQuery{})
		if err != nil {
			t.Fatal(err)
		}
		if len(a.Nodes) != 2 {
			t.Fatalf("nodes %+v", a.Nodes)
		}
		n := a.Nodes[0]
		if n.Node != "a" || *n.PassRate != 1 || *n.AvgDecisionSeconds != 330 || *n.P90DecisionSeconds != 540 {
			t.Errorf("node a: pass %v, avg %v, p90 %v", *n.PassRate, *n.AvgDecisionSeconds, *n.P90DecisionSeconds)
		}
		// note: nothing decided at b: no rates and no times, rather than 0.
		b := a.Nodes[1]
		if b.PassRate != nil || b.RejectRate != nil || b.ReturnRate != nil || b.AvgDecisionSeconds != nil || b.P90DecisionSeconds != nil || b.Pending != 1 {
			t.Errorf("node b: %+v", b)
		}
		if got := fmt.Sprintf("%d %d %v", a.Flows[0].Instances, a.Flows[0].Running, a.Flows[0].AvgCycleSeconds); got != "1 1 <nil>" {
			t.Errorf("flow row %s", got)
		}
		// note: the approver of b has a pending task, so comes first.
		if a.Assignees[0].UserID != 1 || a.Assignees[0].Pending != 1 || a.Assignees[1].UserID != 10 {
			t.Errorf("assignees not bottleneck first: %+v", a.Assignees[:2])
		}
	})
}
