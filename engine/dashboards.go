package engine

import (
	"errors"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// DashboardSummary is a dashboard in a list.
type DashboardSummary struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Version     int    `json:"version"`
	WidgetCount int    `json:"widget_count"`
}

// DashboardView is a dashboard as a viewer sees it before running it: the
// grid, the shared filters to offer, and each widget's report.
type DashboardView struct {
	DashboardSummary
	Columns int                       `json:"columns"`
	Linked  bool                      `json:"linked"`
	Filters []reports.DashboardFilter `json:"filters"`
	Widgets []WidgetView              `json:"widgets"`
}

// WidgetPlace is a widget's report and place on the grid.
type WidgetPlace struct {
	Key    string `json:"key"`
	Report string `json:"report"`
	Title  string `json:"title"`
	X      int    `json:"x"`
	Y      int    `json:"y"`
	W      int    `json:"w"`
	H      int    `json:"h"`
}

// WidgetView is one widget of a DashboardView.
type WidgetView struct {
	WidgetPlace
	Chart *reports.Chart `json:"chart,omitempty"`
	// Forbidden says what the widget's report uses that the viewer may not
	// read; the widget will show that instead of figures.
	Forbidden *reports.Refusal `json:"forbidden,omitempty"`
}

// liveDashboard is the live dashboard key with its widgets' summaries for
// p; it is refused when p may read the source of none of its widgets.
func (e *Engine) liveDashboard(p *Principal, key string) (*reports.CompiledDashboard, []*reports.Summary, error) {
	d, ok := e.Snapshot().Dashboard(key)
	if !ok {
		return nil, nil, fmt.Errorf("%w: there is no published dashboard %q", store.ErrNotFound, key)
	}
	sums, err := e.widgetSummaries(p, d)
	if err != nil {
		return nil, nil, err
	}
	for _, s := range sums {
		if s != nil && s.SourceReadable() {
			return d, sums, nil
		}
	}
	return nil, nil, fmt.Errorf("%w: dashboard %s shows only reports of forms you may not read", store.ErrForbidden, key)
}

// widgetSummaries are the summaries of d's widgets' reports for p, nil for
// a report that no longer compiles (running the widget says so).
func (e *Engine) widgetSummaries(p *Principal, d *reports.CompiledDashboard) ([]*reports.Summary, error) {
	v, err := e.viewer(p)
	if err != nil {
		return nil, err
	}
	snap := e.Snapshot()
	out := make([]*reports.Summary, len(d.Widgets))
	for i, w := range d.Widgets {
		c, err := freshReport(snap, w.Report)
		if err != nil {
			continue
		}
		if out[i], err = reports.Summarize(c, v); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// DashboardSummaries lists the live dashboards p may see: those with a
// widget whose report's source p may read.
func (e *Engine) DashboardSummaries(p *Principal) ([]DashboardSummary, error) {
	out := []DashboardSummary{}
	for _, d := range e.Snapshot().Dashboards() {
		if _, _, err := e.liveDashboard(p, d.Dashboard.Key); err != nil {
			if errors.Is(err, store.ErrForbidden) {
				continue
			}
			return nil, err
		}
		out = append(out, summaryOf(d))
	}
	return out, nil
}

func summaryOf(d *reports.CompiledDashboard) DashboardSummary {
	return DashboardSummary{Key: d.Dashboard.Key, Title: d.Dashboard.Title, Description: d.Dashboard.Description,
		Version: d.Version, WidgetCount: len(d.Widgets)}
}

// DescribeDashboard is the live dashboard key as p sees it before running
// it.
func (e *Engine) DescribeDashboard(p *Principal, key string) (*DashboardView, error) {
	d, sums, err := e.liveDashboard(p, key)
	if err != nil {
		return nil, err
	}
	out := &DashboardView{DashboardSummary: summaryOf(d), Columns: d.Columns, Linked: d.Dashboard.Linked,
		Filters: d.Dashboard.Filters, Widgets: make([]WidgetView, len(d.Widgets))}
	if out.Filters == nil {
		out.Filters = []reports.DashboardFilter{}
	}
	for i, w := range d.Widgets {
		wv := WidgetView{WidgetPlace: placeOf(w), Chart: w.Report.Report.Chart}
		if s := sums[i]; s != nil {
			wv.Forbidden = s.Forbidden
		}
		out.Widgets[i] = wv
	}
	return out, nil
}

func placeOf(w *reports.CompiledWidget) WidgetPlace {
	title := w.Title
	if title == "" {
		title = w.Report.Report.Title
	}
	return WidgetPlace{Key: w.Key, Report: w.Report.Report.Key, Title: title, X: w.X, Y: w.Y, W: w.W, H: w.H}
}
