package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log"
	"sync"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
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
// the parameters the dashboard's shared filters (at their defaults) and
// the widget's own settings give it.
type widgetRun struct {
	key, report string
	req         reports.Request
}

// HOOK(issue 5): engine.RunDashboard (one request returning every widget,
// run concurrently) is being added on another branch. Until it is on main,
// runDashboard stands in for it with what it will do for a request without
// filter values: each widget's report through RunReport, concurrently,
// with the shared filters' defaults bound as the dashboard says. Once
// RunDashboard lands, call it here instead and read the widgets' results
// from its answer; dashboardWidgets then only serves the hand-written side.
func runDashboard(ctx context.Context, e *engine.Engine, p *engine.Principal, key string) (map[string]*reports.Result, error) {
	widgets, err := dashboardWidgets(e, key)
	if err != nil {
		return nil, err
	}
	out := make(map[string]*reports.Result, len(widgets))
	var mu sync.Mutex
	var wg sync.WaitGroup
	errs := make([]error, len(widgets))
	for i, w := range widgets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := e.RunReport(ctx, p, w.report, w.req)
			if err != nil {
				errs[i] = fmt.Errorf("widget %s: %w", w.key, err)
				return
			}
			mu.Lock()
			out[w.key] = res
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

// dashboardWidgets resolves the widgets of the published dashboard key
// with the shared filters at their defaults.
func dashboardWidgets(e *engine.Engine, key string) ([]widgetRun, error) {
	d, ok := e.Snapshot().Dashboard(key)
	if !ok {
		return nil, fmt.Errorf("there is no published dashboard %q", key)
	}
	defaults := map[string]json.RawMessage{}
	kinds := map[string]string{}
	for _, f := range d.Dashboard.Filters {
		defaults[f.Key], kinds[f.Key] = f.Default, f.Type
	}
	var out []widgetRun
	for _, w := range d.Widgets {
		params := map[string]any{}
		for k, v := range w.Params {
			params[k] = v
		}
		for fk, b := range w.Bind {
			raw := bytes.TrimSpace(defaults[fk])
			if len(raw) == 0 || string(raw) == "null" || b.Param == "" {
				continue
			}
			if kinds[fk] == reports.FilterDateRange {
				var r struct{ From, To any }
				if err := json.Unmarshal(raw, &r); err != nil {
					return nil, fmt.Errorf("dashboard %s filter %s: %w", key, fk, err)
				}
				params[b.Param], params[b.To] = r.From, r.To
				continue
			}
			var v any
			if err := json.Unmarshal(raw, &v); err != nil {
				return nil, fmt.Errorf("dashboard %s filter %s: %w", key, fk, err)
			}
			params[b.Param] = v
		}
		out = append(out, widgetRun{key: w.Key, report: w.Report.Report.Key, req: reports.Request{Params: params}})
	}
	return out, nil
}

// handWidget is the hand-written query of a widget's report with its
// parameters.
func handWidget(w widgetRun) (func(ctx context.Context, h *handDB) (*figures, error), error) {
	text := func(k string) string { s, _ := w.req.Params[k].(string); return s }
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
