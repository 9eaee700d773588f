package main

import (
	"context"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// exampleDashboards are the dashboards timed, in the order shown.
var exampleDashboards = []string{"sales", "finance", "delivery", "operations"}

// dashboardRun is one dashboard's response time: every widget of it, for
// the admin, on both sides.
type dashboardRun struct {
	key          string
	widgets      int
	engine, hand stats
	mismatches   []string
}

// widgetRun is a widget's report as a dashboard runs it: its report with
// the request the dashboard's shared filters (at their defaults) and the
// widget's own settings give it.
type widgetRun struct {
	key, report string
	req         reports.Request
}

// runDashboard runs dashboard key for p as one request of it does
// (Engine.RunDashboard: every widget, concurrently on PostgreSQL), its
// shared filters at their defaults, and returns the widgets' results.
func runDashboard(ctx context.Context, e *engine.Engine, p *engine.Principal, key string) (map[string]*reports.Result, error) {
	run, err := e.RunDashboard(ctx, p, key, reports.DashboardRequest{})
	if err != nil {
		return nil, err
	}
	out := make(map[string]*reports.Result, len(run.Widgets))
	for _, w := range run.Widgets {
		if w.Err != nil {
			return nil, fmt.Errorf("widget %s: %w", w.Key, w.Err)
		}
		out[w.Key] = w.Result
	}
	return out, nil
}

// dashboardWidgets are the widgets of the published dashboard key with
// the requests a run with the shared filters at their defaults gives them,
// for the hand-written side.
func dashboardWidgets(e *engine.Engine, key string) ([]widgetRun, error) {
	d, ok := e.Snapshot().Dashboard(key)
	if !ok {
		return nil, fmt.Errorf("there is no published dashboard %q", key)
	}
	plan, err := d.Plan(reports.DashboardRequest{})
	if err != nil {
		return nil, err
	}
	out := make([]widgetRun, len(d.Widgets))
	for i, w := range d.Widgets {
		out[i] = widgetRun{key: w.Key, report: w.Report.Report.Key, req: plan.Requests[i]}
	}
	return out, nil
}

// handWidget is the hand-written query of a widget's report with its
// parameters.
func handWidget(w widgetRun) (func(ctx context.Context, h *handDB) (*figures, error), error) {
	if len(w.req.Where) > 0 || w.req.Level > 0 {
		return nil, fmt.Errorf("widget %s: no hand-written query for a narrowed or drilled widget", w.key)
	}
	text := func(k string) string {
		switch v := w.req.Params[k].(type) {
		case string:
			return v
		case time.Time:
			return v.Format(forms.DateLayout)
		}
		return ""
	}
	switch w.report {
	case "sales_revenue":
		return func(ctx context.Context, h *handDB) (*figures, error) {
			return h.salesRevenue(ctx, text("from"), text("to"), 0)
		}, nil
	case "sales_average_order":
		return func(ctx context.Context, h *handDB) (*figures, error) {
			return h.averageOrder(ctx, text("from"), text("to"))
		}, nil
	case "sales_funnel":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.funnel(ctx, 0) }, nil
	case "sales_top_customers":
		return func(ctx context.Context, h *handDB) (*figures, error) {
			return h.topCustomers(ctx, text("from"), text("to"))
		}, nil
	case "finance_receivables":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.receivables(ctx) }, nil
	case "finance_unpaid":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.unpaid(ctx, text("before")) }, nil
	case "finance_payment_cycle":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.paymentCycle(ctx) }, nil
	case "delivery_orders_by_status":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.ordersByStatus(ctx) }, nil
	case "delivery_margin":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.margin(ctx) }, nil
	case "operations_approval_time":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.approvalTime(ctx) }, nil
	case "operations_bottlenecks":
		return func(ctx context.Context, h *handDB) (*figures, error) { return h.bottlenecks(ctx, time.Now().UTC()) }, nil
	}
	return nil, fmt.Errorf("no hand-written query for report %s", w.report)
}

// handDashboard runs the hand-written queries of the widgets concurrently.
func handDashboard(ctx context.Context, h *handDB, widgets []widgetRun) (map[string]*figures, error) {
	out := make(map[string]*figures, len(widgets))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(widgets))
	for i, w := range widgets {
		fn, err := handWidget(w)
		if err != nil {
			return nil, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			f, err := fn(ctx, h)
			if err != nil {
				errs[i] = fmt.Errorf("widget %s: %w", w.key, err)
				return
			}
			mu.Lock()
			out[w.key] = f
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// measureDashboard checks that both sides give every widget the same
// figures, then times the whole dashboard on each.
func measureDashboard(ctx context.Context, rd *reportData, h *handDB, key string, t timing) (dashboardRun, error) {
	out := dashboardRun{key: key}
	widgets, err := dashboardWidgets(rd.engine, key)
	if err != nil {
		return out, err
	}
	out.widgets = len(widgets)
	start := time.Now()
	got, err := runDashboard(ctx, rd.engine, rd.admin, key)
	if err != nil {
		return out, fmt.Errorf("dashboard %s: engine: %w", key, err)
	}
	took := time.Since(start)
	start = time.Now()
	want, err := handDashboard(ctx, h, widgets)
	if err != nil {
		return out, fmt.Errorf("dashboard %s: hand-written: %w", key, err)
	}
	rounds, runs := t.runsFor(max(took, time.Since(start)))
	for _, w := range widgets {
		for _, m := range diffFigures(engineFigures(got[w.key]), want[w.key]) {
			out.mismatches = append(out.mismatches, w.key+": "+m)
		}
	}
	for _, m := range out.mismatches {
		log.Printf("WARNING dashboard %s on %s: the figures differ: %s", key, h.dialect(), m)
	}
	out.engine, out.hand, err = measurePair(ctx, timedPair{
		engine: func(ctx context.Context) error { _, err := runDashboard(ctx, rd.engine, rd.admin, key); return err },
		hand:   func(ctx context.Context) error { _, err := handDashboard(ctx, h, widgets); return err },
	}, rounds, runs)
	if err != nil {
		return out, fmt.Errorf("dashboard %s: %w", key, err)
	}
	return out, nil
}
