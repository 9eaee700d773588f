package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

const (
	revenueReport = `{"kind": "report", "key": "revenue_by_region", "title": "Revenue by region", "source": "order",
		"params": [{"key": "from", "type": "date", "default": "2026-01-01"}],
		"filter": "order_date >= params.from",
		"dimensions": [{"key": "region", "field": "customer.region"}],
		"measures": [{"key": "orders", "agg": "count"}, {"key": "revenue", "agg": "sum", "field": "amount"}],
		"sort": [{"key": "revenue", "desc": true}], "totals": {"grand": true}, "chart": {"type": "bar", "x": "region"},
		"drill": [{"key": "rep", "field": "sales_rep"}]}`
	marginReport = `{"kind": "report", "key": "margin_by_region", "title": "Margin by region", "source": "order",
		"dimensions": [{"key": "region", "field": "region"}], "measures": [{"key": "margin", "agg": "sum", "field": "margin"}]}`
	tasksReport = `{"kind": "report", "key": "approval_times", "title": "Approval times", "source": "mosaic.flow_tasks",
		"dimensions": [{"key": "node", "field": "node"}],
		"measures": [{"key": "tasks", "agg": "count"}, {"key": "decided", "agg": "count", "field": "decided_at"},
			{"key": "approved", "agg": "count", "filter": "state == \"approved\""}, {"key": "pass_rate", "expr": "approved / decided"},
			{"key": "avg_seconds", "agg": "avg", "field": "decision_seconds"}]}`
	instancesReport = `{"kind": "report", "key": "cycle_times", "title": "Cycle times", "source": "mosaic.flow_instances",
		"dimensions": [{"key": "flow", "field": "flow"}, {"key": "state", "field": "state"}],
		"measures": [{"key": "n", "agg": "count"}, {"key": "avg_cycle", "agg": "avg", "field": "cycle_seconds"}]}`
	salesDashboard = `{"kind": "dashboard", "key": "sales", "title": "Sales", "linked": true,
		"filters": [{"key": "since", "type": "date", "default": "2026-01-01"}],
		"widgets": [{"key": "revenue", "report": "revenue_by_region", "x": 0, "y": 0, "w": 6, "h": 4, "bind": {"since": {"param": "from"}}},
			{"key": "margin", "report": "margin_by_region", "x": 6, "y": 0, "w": 6, "h": 4}]}`
)

func importDefs(t *testing.T, app *enginetest.App, defs ...string) error {
	t.Helper()
	bodies := make([][]byte, len(defs))
	for i, d := range defs {
		bodies[i] = []byte(d)
	}
	_, err := app.Engine.Import(context.Background(), bodies, engine.PublishOptions{}, forms.Actor{})
	return err
}

func TestReportDefinitionsLifecycle(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		// a draft is saved with the problems that stop its publish
		_, ps, err := e.SaveDraft(ctx, []byte(strings.Replace(marginReport, `"field": "margin"`, `"field": "notes"`, 1)), forms.Actor{})
		if err != nil || len(ps) != 1 || ps[0].Path != "/measures/0/field" || ps[0].Code != reports.CodeNotNumeric {
			t.Fatalf("draft problems %+v, %v", ps, err)
		}
		// a dashboard can be imported with the reports it shows, in any order
		example := len(e.Snapshot().Reports())
		if err := importDefs(t, app, salesDashboard, marginReport, revenueReport); err != nil {
			t.Fatalf("import: %v", err)
		}
		if _, ok := e.Snapshot().Dashboard("sales"); !ok {
			t.Fatal("the dashboard is not live")
		}
		if got := len(e.Snapshot().Reports()); got != example+2 {
			t.Errorf("%d live reports, want the example's %d and 2", got, example)
		}
		err = importDefs(t, app, strings.Replace(salesDashboard, `"report": "margin_by_region"`, `"report": "nope"`, 1))
		pl, ok := forms.AsProblems(err)
		if !ok || pl.Problems[0].Path != "/dashboard/sales/widgets/1/report" || pl.Problems[0].Code != reports.CodeUnknownReport {
			t.Errorf("a dashboard of a missing report: %v", err)
		}
		err = importDefs(t, app, `{"kind": "report", "key": "bad", "title": "Bad", "source": "order", "measures": [{"key": "x", "agg": "sum", "field": "customer.name"}]}`)
		if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/report/bad/measures/0/field" {
			t.Errorf("a bad report: %v", err)
		}
		// exported with the rest, reloaded as published
		dir := t.TempDir()
		if _, err := e.Export(ctx, dir); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"reports/revenue_by_region.json", "reports/margin_by_region.json", "dashboards/sales.json"} {
			if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
				t.Errorf("export: %v", err)
			}
		}
		if err := e.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if _, ok := e.Snapshot().Dashboard("sales"); !ok {
			t.Error("the dashboard is gone after a reload")
		}
		// a report keeps working when a form it reads gets a new version
		raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "forms", "order.json"))
		if err != nil {
			t.Fatal(err)
		}
		changed := strings.Replace(string(raw), `"fields": [`, `"fields": [{"key": "channel", "type": "text", "label": "Channel"},`, 1)
		if err := importDefs(t, app, changed); err != nil {
			t.Fatal(err)
		}
		if order, _ := e.Form("order"); order.Version != 2 {
			t.Fatalf("order is v%d, want 2", order.Version)
		}
		if r, _ := e.Snapshot().Report("revenue_by_region"); r.Stale(e.Snapshot()) {
			t.Error("the report was not compiled against order v2")
		}
		if d, _ := e.Snapshot().Dashboard("sales"); d.Widgets[0].Report != first(e.Snapshot().Report("revenue_by_region")) {
			t.Error("the dashboard does not show the report compiled against order v2")
		}
		if _, err := e.RunReport(ctx, principal(t, app, app.AdminUser()), "revenue_by_region", reports.Request{}); err != nil {
			t.Errorf("run after order v2: %v", err)
		}
		d, err := e.DiffDraft(ctx, engine.KindReport, "margin_by_region")
		if err != nil || len(d.Problems) != 1 {
			t.Errorf("diff of a report draft: %+v, %v", d, err)
		}
	})
}

func first[T any](v T, _ bool) T { return v }

// principal signs u in as the engine sees them.
func principal(t *testing.T, app *enginetest.App, u *enginetest.User) *engine.Principal {
	t.Helper()
	p, err := app.Engine.Authenticate(context.Background(), u.Token)
	if err != nil {
		t.Fatalf("authenticate %s: %v", u.Email, err)
	}
	return p
}

func TestRunReportAppliesThePrincipalsPermissions(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		if err := importDefs(t, app, revenueReport, marginReport, tasksReport); err != nil {
			t.Fatal(err)
		}
		west := w.newCustomer(t, `, "region": "west"`)
		for _, amount := range []string{"100.00", "250.50"} {
			w.order(t, amount, "0")
		}
		w.create(t, nil, "order", fmt.Sprintf(`{"customer": %d, "order_date": "2026-03-02", "items": [{"product": %d, "qty": 2, "unit_price": "40.00"}]}`, west, w.product))
		admin, rep := principal(t, app, app.AdminUser()), principal(t, app, w.rep)

		all, err := app.Engine.RunReport(ctx, admin, "revenue_by_region", reports.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if got := fmt.Sprint(all.Totals.Values["orders"], " ", all.Totals.Values["revenue"]); got != "3 430.50" {
			t.Errorf("admin totals %s, want 3 430.50", got)
		}
		own, err := app.Engine.RunReport(ctx, rep, "revenue_by_region", reports.Request{})
		if err != nil {
			t.Fatal(err)
		}
		if len(own.Rows) != 1 || fmt.Sprint(own.Rows[0].Values["region"], " ", own.Rows[0].Values["orders"], " ", own.Totals.Values["revenue"]) != "east 2 350.50" {
			t.Errorf("the rep sees %+v, want their 2 east orders only", own.Rows)
		}
		// the rep's drill-down lists the records they counted
		d, err := app.Engine.DrillReport(ctx, rep, "revenue_by_region", reports.Request{}, reports.Click{Values: map[string]any{"region": "east"}})
		if err != nil {
			t.Fatal(err)
		}
		orderForm, _ := app.Engine.Form("order")
		acc, _ := app.Engine.AccessFor(rep, orderForm, "read")
		list, err := app.Engine.Records().List(ctx, orderForm, forms.ListQuery{Filter: d.Records.Filter, Access: acc, Actor: rep.Actor()})
		if err != nil || list.Total != 2 || d.NextDimension != "rep" {
			t.Errorf("drill-down %+v lists %d records (%v), want 2", d, list.Total, err)
		}
		// margins are hidden from reps: the report is refused, naming the field
		_, err = app.Engine.RunReport(ctx, rep, "margin_by_region", reports.Request{})
		var fe *reports.ForbiddenError
		if !errors.As(err, &fe) || !errors.Is(err, store.ErrForbidden) || fe.Field != "margin" || !strings.Contains(err.Error(), "margin") {
			t.Errorf("a rep's margin report: %v, want a forbidden error naming margin", err)
		}
		if _, err := app.Engine.RunReport(ctx, admin, "margin_by_region", reports.Request{}); err != nil {
			t.Errorf("admin margin report: %v", err)
		}
		if _, err := app.Engine.RunReport(ctx, rep, "approval_times", reports.Request{}); !errors.Is(err, store.ErrForbidden) {
			t.Errorf("a rep reads flow tasks: %v", err)
		}
		if _, err := app.Engine.RunReport(ctx, admin, "nope", reports.Request{}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an unknown report: %v", err)
		}
		if _, err := app.Engine.RunReport(ctx, rep, "revenue_by_region", reports.Request{Params: map[string]any{"from": "soon"}}); !isProblemAt(err, "/params/from") {
			t.Errorf("a bad parameter: %v", err)
		}
	})
}

func isProblemAt(err error, path string) bool {
	pl, ok := forms.AsProblems(err)
	return ok && len(pl.Problems) > 0 && pl.Problems[0].Path == path
}

func TestFlowTasksAreAReportSource(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		w := newWorld(t, app)
		if err := importDefs(t, app, tasksReport); err != nil {
			t.Fatal(err)
		}
		first := w.submit(t, w.rep, "order", w.order(t, "500.00", "0"), "order_approval")
		w.approve(t, w.sd, first.ID)
		w.submit(t, w.rep, "order", w.order(t, "700.00", "0"), "order_approval")
		res, err := app.Engine.RunReport(ctx, principal(t, app, app.AdminUser()), "approval_times", reports.Request{})
		if err != nil {
			t.Fatal(err)
		}
		var lines []string
		for _, r := range res.Rows {
			lines = append(lines, fmt.Sprint(r.Values["node"], " ", r.Values["tasks"], " ", r.Values["decided"], " ", r.Values["pass_rate"], " ", r.Values["avg_seconds"] != nil))
		}
		if got := strings.Join(lines, "; "); got != "sales_director_approval 2 1 1 true" {
			t.Errorf("flow tasks: %s, want sales_director_approval 2 1 1 true", got)
		}
		if err := importDefs(t, app, instancesReport); err != nil {
			t.Fatal(err)
		}
		res, err = app.Engine.RunReport(ctx, principal(t, app, app.AdminUser()), "cycle_times", reports.Request{})
		if err != nil {
			t.Fatal(err)
		}
		lines = nil
		for _, r := range res.Rows {
			lines = append(lines, fmt.Sprint(r.Values["flow"], " ", r.Values["state"], " ", r.Values["n"], " ", r.Values["avg_cycle"] != nil))
		}
		if got := strings.Join(lines, "; "); got != "order_approval approved 1 true; order_approval running 1 false" {
			t.Errorf("flow instances: %s", got)
		}
	})
}
