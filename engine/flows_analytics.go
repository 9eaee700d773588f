package engine

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// FlowAnalytics is the process analytics of one query: the three row
// sources of flows.Analytics (flows, nodes, assignees) with titles, names
// and e-mails filled in, and what they were taken over.
type FlowAnalytics struct {
	*flows.Analytics
	// Flow is the flow asked for; empty for every flow.
	Flow string `json:"flow"`
	// From and To bound when the instances counted started (To excluded);
	// nil when open.
	From *time.Time `json:"from"`
	To   *time.Time `json:"to"`
	// At is when pending tasks were judged overdue.
	At time.Time `json:"at"`
}

// FlowAnalytics returns, for administrators, the process analytics q
// selects: per flow its instances by state and cycle time, per node its
// pass, reject and return rates, decision times (mean and p90) and waiting
// and overdue tasks, and per approver their waiting, overdue and decided
// tasks, bottlenecks first. Rows are typed (flows.FlowSummaryRow,
// flows.FlowNodeRow, flows.FlowAssigneeRow) so the report engine can serve
// them as data sources. Node rows follow each flow's node order.
//
// Example:
//
//	a, err := e.FlowAnalytics(ctx, admin, flows.AnalyticsQuery{Flow: "order_approval", From: monthStart})
//	for _, n := range a.Nodes { fmt.Println(n.NodeTitle, *n.PassRate) }
func (e *Engine) FlowAnalytics(ctx context.Context, p *Principal, q flows.AnalyticsQuery) (*FlowAnalytics, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	if q.Flow != "" {
		if _, ok := e.Snapshot().Flow(q.Flow); !ok {
			return nil, fmt.Errorf("%w: there is no published flow %q", store.ErrNotFound, q.Flow)
		}
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return nil, invalid("/to", "to must be later than from")
	}
	if q.Now.IsZero() {
		q.Now = time.Now().UTC()
	}
	a, err := flows.Analyze(ctx, e.db, q)
	if err != nil {
		return nil, err
	}
	if err := e.nameAnalytics(ctx, a); err != nil {
		return nil, err
	}
	out := &FlowAnalytics{Analytics: a, Flow: q.Flow, At: q.Now.UTC()}
	if !q.From.IsZero() {
		out.From = new(q.From.UTC())
	}
	if !q.To.IsZero() {
		out.To = new(q.To.UTC())
	}
	return out, nil
}

// nameAnalytics fills in flow and node titles from the live definitions,
// puts node rows in their flow's node order, and names the approvers.
func (e *Engine) nameAnalytics(ctx context.Context, a *flows.Analytics) error {
	for i := range a.Flows {
		a.Flows[i].FlowTitle = e.flowTitle(a.Flows[i].Flow)
	}
	for i := range a.Nodes {
		a.Nodes[i].NodeTitle = e.nodeTitle(a.Nodes[i].Flow, a.Nodes[i].Node)
	}
	slices.SortStableFunc(a.Nodes, func(x, y flows.FlowNodeRow) int {
		return cmp.Or(cmp.Compare(x.Flow, y.Flow), cmp.Compare(e.nodeIndex(x.Flow, x.Node), e.nodeIndex(y.Flow, y.Node)))
	})
	ids := make([]int64, len(a.Assignees))
	for i, r := range a.Assignees {
		ids[i] = r.UserID
	}
	us, err := e.users(ctx, ids)
	if err != nil {
		return err
	}
	for i := range a.Assignees {
		r := &a.Assignees[i]
		r.FlowTitle = e.flowTitle(r.Flow)
		if u, ok := us[r.UserID]; ok {
			r.Name, r.Email = u.Name, u.Email
		}
	}
	return nil
}

// nodeIndex is the place of node in the live version of flow; nodes it no
// longer has come last.
func (e *Engine) nodeIndex(flow, node string) int {
	if cf, ok := e.Snapshot().Flow(flow); ok {
		for i, n := range cf.Flow.Nodes {
			if n.ID == node {
				return i
			}
		}
	}
	return flows.MaxNodes
}
