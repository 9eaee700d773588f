package engine

import (
	"context"
	"fmt"
	"runtime/debug"

	"golang.org/x/sync/errgroup"

	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// maxWidgetRuns bounds the widgets of one dashboard run that query
// PostgreSQL at once, leaving most of the pool's connections to other
// requests.
const maxWidgetRuns = 6

// DashboardRun is a dashboard run: every widget's result, or what went
// wrong with it.
type DashboardRun struct {
	DashboardSummary
	// Filters are the shared filters' values in force (null: none).
	Filters   map[string]any     `json:"filters"`
	Selection *reports.Selection `json:"selection,omitempty"`
	Widgets   []*WidgetRun       `json:"widgets"`
}

// WidgetRun is one widget of a dashboard run.
type WidgetRun struct {
	WidgetPlace
	// Linked is the dimension the selection narrowed in this widget.
	Linked string `json:"linked,omitempty"`
	// Request is what the widget ran: drilling into it starts from it.
	Request reports.Request `json:"request"`
	Result  *reports.Result `json:"result,omitempty"`
	// Err is why the widget has no result: a field the viewer may not
	// read, a parameter its report cannot take…
	Err error `json:"-"`
}

// RunDashboard runs every widget of the live dashboard key for p in one
// go: the shared filters applied through each widget's bindings, and the
// selection to the widgets linked to the selected one. The widgets run
// concurrently on PostgreSQL (at most maxWidgetRuns at once) and in
// sequence on SQLite, whose one connection would only queue them. A
// widget that fails (p may not read a field its report uses) carries its
// error; the others are unaffected. Bad filter values or a bad selection
// fail the run with a *forms.ProblemList.
//
// Example:
//
//	run, err := e.RunDashboard(ctx, p, "sales", reports.DashboardRequest{
//		Filters: map[string]any{"period": map[string]any{"from": "2026-01-01", "to": "2026-04-01"}}})
func (e *Engine) RunDashboard(ctx context.Context, p *Principal, key string, req reports.DashboardRequest) (*DashboardRun, error) {
	d, _, err := e.liveDashboard(p, key)
	if err != nil {
		return nil, err
	}
	return e.runDashboard(ctx, p, d, req)
}

// runDashboard runs every widget of d for p, as RunDashboard describes.
func (e *Engine) runDashboard(ctx context.Context, p *Principal, d *reports.CompiledDashboard, req reports.DashboardRequest) (*DashboardRun, error) {
	key := d.Dashboard.Key
	plan, err := d.Plan(req)
	if err != nil {
		return nil, err
	}
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	out := &DashboardRun{DashboardSummary: summaryOf(d), Filters: plan.Filters, Selection: req.Selection,
		Widgets: make([]*WidgetRun, len(d.Widgets))}
	for i, w := range d.Widgets {
		out.Widgets[i] = &WidgetRun{WidgetPlace: placeOf(w), Linked: plan.Linked[w.Key], Request: plan.Requests[i]}
	}
	_, inTx := e.db.SQLTx(ctx)
	snap := e.Snapshot()
	runAll(len(d.Widgets), widgetLimit(e.db.Dialect(), inTx), func(i int) {
		wr := out.Widgets[i]
		defer func() {
			if r := recover(); r != nil {
				e.log.Error("dashboard widget panicked", "dashboard", key, "widget", wr.Key, "panic", r, "stack", string(debug.Stack()))
				wr.Err = fmt.Errorf("widget %s: %v", wr.Key, r)
			}
		}()
		c, err := freshReport(snap, d.Widgets[i].Report)
		if err == nil {
			wr.Result, err = reports.Run(ctx, e.db, c, wr.Request, v)
		}
		wr.Err = err
	})
	return out, nil
}

// widgetLimit is how many widgets run at once. SQLite has one connection,
// and a transaction (in ctx) is one connection that must not be used by
// two goroutines at once: there the widgets run in sequence.
func widgetLimit(d store.Dialect, inTx bool) int {
	if d == store.SQLite || inTx {
		return 1
	}
	return maxWidgetRuns
}

// runAll calls fn(i) for every i below n, at most limit at once, and
// returns when all are done. fn records its own failure.
func runAll(n, limit int, fn func(i int)) {
	if limit <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var g errgroup.Group
	g.SetLimit(limit)
	for i := range n {
		g.Go(func() error { fn(i); return nil })
	}
	_ = g.Wait() // note: fn reports on its widget; nothing fails the run.
}
