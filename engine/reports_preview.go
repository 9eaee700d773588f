package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// PreviewOptions are how a definition not yet published is run.
type PreviewOptions struct {
	// AsRole runs it as a user holding only this role would see it (their
	// field permissions and row scopes); empty runs it as the caller. Only
	// administrators may, and each such run is audited.
	AsRole string
}

// PreviewReport runs report definition raw (a draft, not saved) for p as
// the published report would run: compiled against the live forms, then
// run with the viewer's access. Only those who may manage the report may
// preview it. Problems of the definition are in a *forms.ProblemList whose
// paths start with /definition.
//
// Example:
//
//	res, err := e.PreviewReport(ctx, p, body, reports.Request{}, PreviewOptions{AsRole: "sales_rep"})
func (e *Engine) PreviewReport(ctx context.Context, p *Principal, raw []byte, req reports.Request, opts PreviewOptions) (*reports.Result, error) {
	checked, err := e.checkPreview(p, raw, KindReport)
	if err != nil {
		return nil, err
	}
	as, err := e.previewPrincipal(ctx, p, opts, KindReport, checked.Key)
	if err != nil {
		return nil, err
	}
	v, err := e.viewer(as)
	if err != nil {
		return nil, err
	}
	return reports.Run(ctx, e.db, checked.Report, req, v)
}

// PreviewDashboard runs dashboard definition raw (a draft, not saved) for
// p: each widget's live report with the shared filters and selection of
// req, as RunDashboard does for a published one.
func (e *Engine) PreviewDashboard(ctx context.Context, p *Principal, raw []byte, req reports.DashboardRequest, opts PreviewOptions) (*DashboardRun, error) {
	checked, err := e.checkPreview(p, raw, KindDashboard)
	if err != nil {
		return nil, err
	}
	as, err := e.previewPrincipal(ctx, p, opts, KindDashboard, checked.Key)
	if err != nil {
		return nil, err
	}
	return e.runDashboard(ctx, as, checked.Dashboard, req)
}

// checkPreview checks that raw is a definition of kind that p may manage,
// and compiles it against the live definitions.
func (e *Engine) checkPreview(p *Principal, raw []byte, kind string) (*Checked, error) {
	var h Header
	if err := json.Unmarshal(raw, &h); err != nil {
		return nil, invalid("/definition", "the definition must be a JSON object")
	}
	if h.Kind != kind {
		return nil, invalid("/definition/kind", fmt.Sprintf("the definition must be of kind %s", kind))
	}
	if err := e.RequireManage(p, kind, h.Key); err != nil {
		return nil, err
	}
	checked, err := e.Check(raw, 0, e.Snapshot())
	if pl, ok := forms.AsProblems(err); ok {
		out := &forms.ProblemList{Subject: pl.Subject, Problems: make([]forms.Problem, len(pl.Problems))}
		for i, pr := range pl.Problems {
			pr.Path = "/definition" + pr.Path
			out.Problems[i] = pr
		}
		return nil, out
	}
	return checked, err
}

// previewPrincipal is whom a preview runs as: p, or with opts.AsRole a
// principal with p's identity holding only that role.
//
// note: the identity stays p's, so a row scope of "own records" shows p's
// own; what the role changes is which forms, fields and rows it may read.
func (e *Engine) previewPrincipal(ctx context.Context, p *Principal, opts PreviewOptions, kind, key string) (*Principal, error) {
	if opts.AsRole == "" {
		return p, nil
	}
	if err := e.RequireAdmin(p); err != nil {
		return nil, fmt.Errorf("%w: only administrators may preview as a role", store.ErrForbidden)
	}
	if opts.AsRole != RoleAdmin && !e.Snapshot().HasRole(opts.AsRole) {
		return nil, invalid("/as_role", fmt.Sprintf("there is no published role %q", opts.AsRole))
	}
	summary := fmt.Sprintf("previewed %s %s as role %s", kind, key, opts.AsRole)
	if err := e.audit(ctx, *p, kind+".preview_as_role", kind, key, 0, nil, summary); err != nil {
		return nil, err
	}
	as := *p
	as.Roles = []string{opts.AsRole}
	return &as, nil
}
