package main

import (
	"context"
	"slices"
	"time"
)

// The operations dashboard's reports, written by hand over the flow
// tables.

// approvalTime is operations_approval_time: per flow and step, the
// decisions taken, those approved, the average time to decide (in
// milliseconds, from when the task was last handed to its approver, which
// its task_created step records) and the pass rate, the slowest step
// first.
func (h *handDB) approvalTime(ctx context.Context) (*figures, error) {
	const pg = `SELECT i.flow_key, t.node_id, count(*), count(*) FILTER (WHERE t.state = 'approved'),
			avg(round(extract(epoch FROM t.decided_at - coalesce(
				(SELECT max(s.at) FROM mosaic_flow_steps s
				 WHERE s.instance_id = t.instance_id AND s.task_id = t.id AND s.kind = 'task_created'),
				t.created_at)) * 1000))
		FROM mosaic_flow_tasks t JOIN mosaic_flow_instances i ON i.id = t.instance_id
		WHERE t.state IN ('approved', 'rejected', 'returned')
		GROUP BY i.flow_key, t.node_id
		ORDER BY 1, 2`
	const lite = `SELECT i.flow_key, t.node_id, count(*), count(*) FILTER (WHERE t.state = 'approved'),
			avg(round((julianday(t.decided_at) - julianday(coalesce(
				(SELECT max(s.at) FROM mosaic_flow_steps s
				 WHERE s.instance_id = t.instance_id AND s.task_id = t.id AND s.kind = 'task_created'),
				t.created_at))) * 86400000))
		FROM mosaic_flow_tasks t JOIN mosaic_flow_instances i ON i.id = t.instance_id
		WHERE t.state IN ('approved', 'rejected', 'returned')
		GROUP BY i.flow_key, t.node_id
		ORDER BY 1, 2`
	f := &figures{}
	err := h.each(ctx, pg, lite, nil, func(scan rowScanner) error {
		var flow, node string
		var decided, approved int64
		var ms *float64
		if err := scan(&flow, &node, &decided, &approved, &ms); err != nil {
			return err
		}
		r := figRow{"flow": nullString(&flow), "node": nullString(&node), "decided": decided, "approved": approved,
			"seconds": nil, "hours": nil, "pass_rate": ratioOf(float64(approved), float64(decided))}
		if ms != nil {
			r["seconds"], r["hours"] = *ms/1000, *ms/1000/3600
		}
		f.rows = append(f.rows, r)
		return nil
	})
	slices.SortStableFunc(f.rows, func(a, b figRow) int { return compareFloats(b["hours"], a["hours"]) })
	return f, err
}

// bottlenecks is operations_bottlenecks: the people holding the most
// pending tasks, how many of those are past due, and everyone else
// folded into one row (the window sums give the totals in the same pass).
func (h *handDB) bottlenecks(ctx context.Context, now time.Time) (*figures, error) {
	const q = `SELECT assignee_id, count(*) AS open, count(*) FILTER (WHERE due_at < $1),
			sum(count(*)) OVER (), sum(count(*) FILTER (WHERE due_at < $1)) OVER (), count(*) OVER ()
		FROM mosaic_flow_tasks
		WHERE state = 'pending'
		GROUP BY assignee_id
		ORDER BY open DESC, assignee_id
		LIMIT 10`
	f := &figures{}
	var allOpen, allOverdue, groups int64
	err := h.each(ctx, q, "", []any{now}, func(scan rowScanner) error {
		var assignee, open, overdue int64
		if err := scan(&assignee, &open, &overdue, &allOpen, &allOverdue, &groups); err != nil {
			return err
		}
		f.rows = append(f.rows, figRow{"assignee": assignee, "open": open, "overdue": overdue})
		return nil
	})
	if err != nil {
		return nil, err
	}
	if groups > int64(len(f.rows)) {
		top := sumRows(f.rows, "open", "overdue")
		f.others = figRow{"assignee": nil, "open": allOpen - top["open"].(int64), "overdue": allOverdue - top["overdue"].(int64)}
	}
	return f, nil
}
