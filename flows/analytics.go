package flows

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Process analytics: what flows are doing, as rows a report can read. There
// are three sources, one row type each:
//
//   - FlowSummaryRow, one per flow: instances by state and the average
//     cycle time of those that finished.
//   - FlowNodeRow, one per approval node of a flow: tasks, pass / reject /
//     return rates, average and p90 decision time, waiting and overdue tasks.
//   - FlowAssigneeRow, one per approver of a flow: waiting, overdue and
//     decided tasks and the average decision time, the bottleneck view.
//
// Every figure is taken over the instances an AnalyticsQuery selects (a
// flow, and the period they started in) and their tasks. Notices of cc
// nodes are not tasks here. A task is decided when approved, rejected or
// returned; its decision time runs from being handed to the approver (its
// creation, or for a later signer of a sequential approval their turn) to
// the decision. Times are seconds, rounded to the millisecond; rates are
// fractions of the decided tasks (0.25 is a quarter) and null, like the
// times, when nothing was decided.

// AnalyticsQuery selects what process analytics are taken over.
type AnalyticsQuery struct {
	// Flow is a flow key; empty is every flow.
	Flow string
	// From and To bound when the instances started: From <= started < To.
	// A zero time leaves that end open.
	From, To time.Time
	// Now is when pending tasks are checked for being overdue; zero is the
	// current time.
	Now time.Time
}

// FlowSummaryRow is one flow's instances.
type FlowSummaryRow struct {
	Flow      string `json:"flow"`
	FlowTitle string `json:"flow_title"`
	// Instances is how many started in the period; the states split them.
	Instances int64 `json:"instances"`
	Running   int64 `json:"running"`
	Stuck     int64 `json:"stuck"`
	Approved  int64 `json:"approved"`
	Rejected  int64 `json:"rejected"`
	Withdrawn int64 `json:"withdrawn"`
	Cancelled int64 `json:"cancelled"`
	// AvgCycleSeconds is the average time from start to end of the
	// instances that ended approved or rejected.
	AvgCycleSeconds *float64 `json:"avg_cycle_seconds"`
}

// FlowNodeRow is the tasks of one node of a flow.
type FlowNodeRow struct {
	Flow      string `json:"flow"`
	Node      string `json:"node"`
	NodeTitle string `json:"node_title"`
	// Instances is how many instances had a task at the node; Tasks how
	// many tasks it gave out (several per instance for countersigns).
	Instances int64 `json:"instances"`
	Tasks     int64 `json:"tasks"`
	Decided   int64 `json:"decided"`
	Approved  int64 `json:"approved"`
	Rejected  int64 `json:"rejected"`
	Returned  int64 `json:"returned"`
	// PassRate, RejectRate and ReturnRate are Approved, Rejected and
	// Returned over Decided.
	PassRate   *float64 `json:"pass_rate"`
	RejectRate *float64 `json:"reject_rate"`
	ReturnRate *float64 `json:"return_rate"`
	// Pending tasks wait for a decision; Overdue ones are past their due
	// time.
	Pending int64 `json:"pending"`
	Overdue int64 `json:"overdue"`
	// AvgDecisionSeconds and P90DecisionSeconds are the mean and the 90th
	// percentile (nearest rank) of the decision times.
	AvgDecisionSeconds *float64 `json:"avg_decision_seconds"`
	P90DecisionSeconds *float64 `json:"p90_decision_seconds"`
}

// FlowAssigneeRow is one approver's tasks in a flow. Rows come most
// overdue first, then most pending, then slowest: the bottlenecks lead.
type FlowAssigneeRow struct {
	Flow      string `json:"flow"`
	FlowTitle string `json:"flow_title"`
	UserID    int64  `json:"user_id"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	Tasks     int64  `json:"tasks"`
	Pending   int64  `json:"pending"`
	Overdue   int64  `json:"overdue"`
	Decided   int64  `json:"decided"`
	// AvgDecisionSeconds is the mean of the approver's decision times.
	AvgDecisionSeconds *float64 `json:"avg_decision_seconds"`
}

// Analytics is the three sources over one query. Titles, names and e-mails
// are left for the caller, which knows the live definitions and the users.
type Analytics struct {
	Flows     []FlowSummaryRow  `json:"flows"`
	Nodes     []FlowNodeRow     `json:"nodes"`
	Assignees []FlowAssigneeRow `json:"assignees"`
}

// p90 is the percentile FlowNodeRow reports besides the mean.
const p90 = 0.9

// Analyze computes the process analytics q selects from the flow tables of
// db. Counts, sums and averages are aggregated in the database; the p90 of
// each node is picked there too, one row per node.
func Analyze(ctx context.Context, db *store.DB, q AnalyticsQuery) (*Analytics, error) {
	f := store.FlowStatsFilter{Flow: q.Flow, From: q.From, To: q.To, Now: q.Now}
	states, err := db.FlowStateCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	nodes, err := db.FlowNodeCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	assignees, err := db.FlowAssigneeCounts(ctx, f)
	if err != nil {
		return nil, err
	}
	out := &Analytics{Flows: summaries(states), Nodes: make([]FlowNodeRow, 0, len(nodes)),
		Assignees: make([]FlowAssigneeRow, 0, len(assignees))}
	for _, n := range nodes {
		row, err := nodeRow(ctx, db, f, n)
		if err != nil {
			return nil, err
		}
		out.Nodes = append(out.Nodes, row)
	}
	for _, a := range assignees {
		out.Assignees = append(out.Assignees, FlowAssigneeRow{Flow: a.FlowKey, UserID: a.AssigneeID, Tasks: a.Tasks,
			Pending: a.Pending, Overdue: a.Overdue, Decided: a.Decided, AvgDecisionSeconds: seconds(a.AvgDecisionSeconds)})
	}
	slices.SortStableFunc(out.Assignees, func(a, b FlowAssigneeRow) int {
		return cmp.Or(cmp.Compare(a.Flow, b.Flow), cmp.Compare(b.Overdue, a.Overdue), cmp.Compare(b.Pending, a.Pending),
			cmp.Compare(orZero(b.AvgDecisionSeconds), orZero(a.AvgDecisionSeconds)), cmp.Compare(a.UserID, b.UserID))
	})
	return out, nil
}

// summaries folds the state counts into one row per flow.
func summaries(states []store.FlowStateCount) []FlowSummaryRow {
	out := []FlowSummaryRow{}
	var ended int64
	var endedSeconds float64
	for _, s := range states {
		if len(out) == 0 || out[len(out)-1].Flow != s.FlowKey {
			finishCycle(out, ended, endedSeconds)
			out = append(out, FlowSummaryRow{Flow: s.FlowKey})
			ended, endedSeconds = 0, 0
		}
		row := &out[len(out)-1]
		row.Instances += s.Instances
		if n := stateCount(row, s.State); n != nil {
			*n += s.Instances
		}
		if s.State == store.FlowApproved || s.State == store.FlowRejected {
			ended += s.Ended
			endedSeconds += s.EndedSeconds
		}
	}
	finishCycle(out, ended, endedSeconds)
	return out
}

// finishCycle sets the average cycle time of the last row.
func finishCycle(rows []FlowSummaryRow, ended int64, total float64) {
	if len(rows) > 0 && ended > 0 {
		rows[len(rows)-1].AvgCycleSeconds = seconds(new(total / float64(ended)))
	}
}

func stateCount(row *FlowSummaryRow, state string) *int64 {
	switch state {
	case store.FlowRunning:
		return &row.Running
	case store.FlowStuck:
		return &row.Stuck
	case store.FlowApproved:
		return &row.Approved
	case store.FlowRejected:
		return &row.Rejected
	case store.FlowWithdrawn:
		return &row.Withdrawn
	case store.FlowCancelled:
		return &row.Cancelled
	}
	return nil
}

// nodeRow turns a node's counts into rates and picks its p90.
func nodeRow(ctx context.Context, db *store.DB, f store.FlowStatsFilter, n store.FlowNodeCount) (FlowNodeRow, error) {
	row := FlowNodeRow{Flow: n.FlowKey, Node: n.NodeID, Instances: n.Instances, Tasks: n.Tasks, Decided: n.Decided(),
		Approved: n.Approved, Rejected: n.Rejected, Returned: n.Returned, Pending: n.Pending, Overdue: n.Overdue,
		AvgDecisionSeconds: seconds(n.AvgDecisionSeconds)}
	if row.Decided == 0 {
		return row, nil
	}
	rate := func(k int64) *float64 { return new(float64(k) / float64(row.Decided)) }
	row.PassRate, row.RejectRate, row.ReturnRate = rate(n.Approved), rate(n.Rejected), rate(n.Returned)
	rank := int64(math.Ceil(p90 * float64(row.Decided)))
	v, err := db.FlowNodeDecisionSeconds(ctx, f, n.FlowKey, n.NodeID, rank)
	if errors.Is(err, store.ErrNotFound) {
		return row, nil // note: a decision undone between the two queries
	}
	if err != nil {
		return row, err
	}
	row.P90DecisionSeconds = seconds(&v)
	return row, nil
}

// seconds rounds a time in seconds to the millisecond: SQLite computes it
// from day fractions, which are not exact.
func seconds(v *float64) *float64 {
	if v == nil {
		return nil
	}
	return new(math.Round(*v*1000) / 1000)
}

func orZero(v *float64) float64 {
	if v == nil {
		return 0
	}
	return *v
}
