package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// loadReports compiles the stored reports, then the dashboards that show
// them, into snap (whose forms are loaded).
//
// note: a report that no longer compiles against the live forms (a field
// it reads was removed) is left out with a logged error rather than
// stopping the engine: the forms are what people work with. Running it says
// it is not published; republishing it reports what is wrong.
func (e *Engine) loadReports(snap *Snapshot, defs []store.DefinitionVersion) error {
	slices.SortStableFunc(defs, func(a, b store.DefinitionVersion) int { return kindPass(a.Kind) - kindPass(b.Kind) })
	for _, v := range defs {
		var err error
		switch v.Kind {
		case KindReport:
			var r *reports.Report
			if r, err = reports.Parse([]byte(v.Body)); err == nil {
				snap.reports[v.Key], err = reports.Compile(r, v.Version, snap)
			}
		case KindDashboard:
			var d *reports.Dashboard
			if d, err = reports.ParseDashboard([]byte(v.Body)); err == nil {
				snap.dashboards[v.Key], err = reports.CompileDashboard(d, v.Version, snap)
			}
		}
		if err != nil {
			if v.Kind == KindReport {
				delete(snap.reports, v.Key)
			} else {
				delete(snap.dashboards, v.Key)
			}
			e.log.Error("stored definition no longer compiles; republish it", "kind", v.Kind, "key", v.Key, "version", v.Version, "err", err)
		}
	}
	return nil
}

// reportAccess resolves what a principal may read for a report: the
// forms they may read, with their row scopes and field levels, and the
// built-in sources only for administrators.
type reportAccess struct {
	e *Engine
	p *Principal
}

func (a reportAccess) ReadAccess(form *forms.Compiled) (*forms.Access, error) {
	if reports.IsBuiltin(form) {
		if err := a.e.RequireAdmin(a.p); err != nil {
			return nil, err
		}
		return forms.FullAccess(), nil
	}
	return a.e.AccessFor(a.p, form, "read")
}

// viewer is p as a report viewer.
func (e *Engine) viewer(p *Principal) (reports.Viewer, error) {
	if p == nil {
		return reports.Viewer{}, fmt.Errorf("%w: sign in first", store.ErrForbidden)
	}
	return reports.Viewer{Actor: p.Actor(), Access: reportAccess{e: e, p: p}}, nil
}

// Report returns the live compiled report with key, recompiled against the
// live forms when one of them was published since, or ErrNotFound.
func (e *Engine) Report(key string) (*reports.Compiled, error) {
	snap := e.Snapshot()
	c, ok := snap.Report(key)
	if !ok {
		return nil, fmt.Errorf("%w: there is no published report %q", store.ErrNotFound, key)
	}
	return freshReport(snap, c)
}

// freshReport is c, compiled again when a form it reads was published
// since.
func freshReport(snap *Snapshot, c *reports.Compiled) (*reports.Compiled, error) {
	if !c.Stale(snap) {
		return c, nil
	}
	fresh, err := reports.Compile(c.Report, c.Version, snap)
	if err != nil {
		return nil, fmt.Errorf("%w: report %s no longer fits the forms it reads; republish it to see why", store.ErrConflict, c.Report.Key)
	}
	return fresh, nil
}

// RunReport runs the live report key for p: the rows p may read, filtered
// and grouped in the database in one statement. A report using a field p
// may not read fails with a *reports.ForbiddenError (store.ErrForbidden),
// bad parameters with a *forms.ProblemList.
//
// Example:
//
//	res, err := e.RunReport(ctx, p, "revenue_by_month", reports.Request{Params: map[string]any{"from": "2026-01-01"}})
func (e *Engine) RunReport(ctx context.Context, p *Principal, key string, req reports.Request) (*reports.Result, error) {
	c, err := e.Report(key)
	if err != nil {
		return nil, err
	}
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	return reports.Run(ctx, e.db, c, req, v)
}

// DrillReport returns where a click on a cell of the live report key
// leads for p: the records-list request of the records behind the cell
// (which p's record list accepts), and the next level of the drill path.
func (e *Engine) DrillReport(ctx context.Context, p *Principal, key string, req reports.Request, click reports.Click) (*reports.DrillResult, error) {
	c, err := e.Report(key)
	if err != nil {
		return nil, err
	}
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	return reports.Drill(ctx, e.db, c, req, click, v)
}
