package engine

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// DrillView is where a click on a report leads, ready to show: the next
// level of the drill path run, or at its end the records behind the cell.
type DrillView struct {
	// Level is the level clicked at.
	Level int `json:"level"`
	// Next is the next level of the drill path; nil at its end.
	Next *DrillLevel `json:"next,omitempty"`
	// Records are the records behind the cell: always the request, and at
	// the end of the path the first page.
	Records DrillRecords `json:"records"`
}

// DrillLevel is one level of a drill path, run.
type DrillLevel struct {
	// Dimension is what the level groups by.
	Dimension string `json:"dimension"`
	// Request runs the level again; a click on it is drilled with it.
	Request reports.Request `json:"request"`
	Result  *reports.Result `json:"result"`
}

// DrillRecords are the records behind a cell.
type DrillRecords struct {
	reports.RecordsRequest
	// Page is the first page of those records as the viewer may read them
	// (their row scope and fields), at the end of the drill path; nil for
	// a built-in source, whose rows are not records.
	Page *RecordPage `json:"page,omitempty"`
}

// RecordPage is one page of a records list in API form.
type RecordPage struct {
	Items   []json.RawMessage `json:"items"`
	Page    int               `json:"page"`
	PerPage int               `json:"per_page"`
	Total   int64             `json:"total"`
}

// PageRequest asks for one page of a list.
type PageRequest struct {
	Page, PerPage int
}

// DrillDown follows a click on a cell of the live report key for p: at a
// level with a drill level below, it runs that level for the cell; at the
// end of the path it reads the first page of the records behind the cell,
// with p's access, as the records list would. A click on something p may
// not read is refused with a *reports.ForbiddenError.
func (e *Engine) DrillDown(ctx context.Context, p *Principal, key string, req reports.Request, click reports.Click, page PageRequest) (*DrillView, error) {
	c, err := e.Report(key)
	if err != nil {
		return nil, err
	}
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	d, err := reports.Drill(ctx, e.db, c, req, click, v)
	if err != nil {
		return nil, err
	}
	out := &DrillView{Level: req.Level, Records: DrillRecords{RecordsRequest: d.Records}}
	if d.Next != nil {
		res, err := reports.Run(ctx, e.db, c, *d.Next, v)
		if err != nil {
			return nil, err
		}
		out.Next = &DrillLevel{Dimension: d.NextDimension, Request: *d.Next, Result: res}
		return out, nil
	}
	if _, builtin := reports.Builtin(d.Records.Form); builtin {
		return out, nil
	}
	out.Records.Page, err = e.recordPage(ctx, p, d.Records, page)
	return out, err
}

// recordPage reads one page of the records rr names, with p's read access.
func (e *Engine) recordPage(ctx context.Context, p *Principal, rr reports.RecordsRequest, page PageRequest) (*RecordPage, error) {
	f, acc, err := e.drillForm(p, rr, "read")
	if err != nil {
		return nil, err
	}
	page.Page, page.PerPage = max(page.Page, 1), max(page.PerPage, 1)
	list, err := e.records.List(ctx, f, forms.ListQuery{Filter: rr.Filter, Page: page.Page, PerPage: page.PerPage, Actor: p.Actor(), Access: acc})
	if err != nil {
		return nil, err
	}
	out := &RecordPage{Items: make([]json.RawMessage, len(list.Items)), Page: page.Page, PerPage: page.PerPage, Total: list.Total}
	for i, r := range list.Items {
		out.Items[i] = f.MarshalRecord(r, acc, nil, nil)
	}
	return out, nil
}

// drillForm is the form behind a drill-down and p's access to it for
// action.
func (e *Engine) drillForm(p *Principal, rr reports.RecordsRequest, action string) (*forms.Compiled, *forms.Access, error) {
	if _, builtin := reports.Builtin(rr.Form); builtin {
		return nil, nil, fmt.Errorf("%w: the rows of %s are not records of a form, so they cannot be listed or exported; export the report instead", store.ErrInvalid, rr.Form)
	}
	f, err := e.Form(rr.Form)
	if err != nil {
		return nil, nil, err
	}
	acc, err := e.AccessFor(p, f, action)
	if err != nil {
		return nil, nil, err
	}
	return f, acc, nil
}

// DrillExport is the records query behind a click on the live report key,
// with p's export access to the source form (row scope and fields), for
// ExportRecords. The query is checked (one record read) so that what is
// wrong with it is known before an export starts streaming.
func (e *Engine) DrillExport(ctx context.Context, p *Principal, key string, req reports.Request, click reports.Click) (*forms.Compiled, forms.ListQuery, error) {
	c, err := e.Report(key)
	if err != nil {
		return nil, forms.ListQuery{}, err
	}
	v, err := e.viewer(p)
	if err != nil {
		return nil, forms.ListQuery{}, err
	}
	d, err := reports.Drill(ctx, e.db, c, req, click, v)
	if err != nil {
		return nil, forms.ListQuery{}, err
	}
	f, acc, err := e.drillForm(p, d.Records, "export")
	if err != nil {
		return nil, forms.ListQuery{}, err
	}
	q := forms.ListQuery{Filter: d.Records.Filter, Actor: p.Actor(), Access: acc}
	check := q
	check.PerPage, check.SkipTotal = 1, true
	if _, err := e.records.List(ctx, f, check); err != nil {
		return nil, forms.ListQuery{}, err
	}
	return f, q, nil
}
