package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// FilterDateRange is the dashboard filter type of a from-to period.
const FilterDateRange = "date_range"

// Dashboard limits.
const (
	defaultColumns = 12
	maxColumns     = 48
	maxWidgets     = 50
)

// ReportLookup finds the published reports a dashboard's widgets show.
type ReportLookup interface {
	Report(key string) (*Compiled, bool)
}

// CompiledDashboard is a dashboard ready to run: every widget's report
// found, its fixed parameters converted, every binding checked. It is
// immutable and safe for concurrent use.
type CompiledDashboard struct {
	Dashboard *Dashboard
	Version   int
	// Columns is the grid's width.
	Columns int
	Widgets []*CompiledWidget
}

// CompiledWidget is a widget with its report.
type CompiledWidget struct {
	Widget
	Report *Compiled
	// Params are the widget's fixed parameters, converted to their types.
	Params map[string]any
}

// Link is a widget dimension that a selection in another widget filters.
type Link struct {
	Widget    string
	Dimension string
}

// CompileDashboard checks dashboard d against the published reports and
// compiles it as the given version. Every mistake is reported, each with
// its JSON pointer, in a *forms.ProblemList.
func CompileDashboard(d *Dashboard, version int, rl ReportLookup) (*CompiledDashboard, error) {
	var ps problems
	if msg := forms.CheckKey(d.Key, false); msg != "" {
		ps.add("/key", forms.CodeInvalidKey, "%s", msg)
	}
	out := &CompiledDashboard{Dashboard: d, Version: version, Columns: d.Columns}
	if out.Columns == 0 {
		out.Columns = defaultColumns
	}
	if out.Columns < 1 || out.Columns > maxColumns {
		ps.add("/columns", forms.CodeInvalidSetting, "a dashboard is 1 to %d columns wide", maxColumns)
		out.Columns = defaultColumns
	}
	filters := checkDashboardFilters(d, &ps)
	if len(d.Widgets) > maxWidgets {
		ps.add("/widgets", forms.CodeInvalidSetting, "a dashboard has at most %d widgets", maxWidgets)
	}
	seen := map[string]bool{}
	for i, w := range d.Widgets {
		ptr := fmt.Sprintf("/widgets/%d", i)
		if msg := forms.CheckKey(w.Key, false); msg != "" {
			ps.add(ptr+"/key", forms.CodeInvalidKey, "%s", msg)
			continue
		}
		if seen[w.Key] {
			ps.add(ptr+"/key", forms.CodeDuplicateKey, "the widget key %q is used twice", w.Key)
			continue
		}
		seen[w.Key] = true
		checkPlace(out, w, i, ptr, &ps)
		r, ok := rl.Report(w.Report)
		if !ok {
			ps.add(ptr+"/report", CodeUnknownReport, "%q is not a published report; publish it first or import it together", w.Report)
			continue
		}
		cw := &CompiledWidget{Widget: w, Report: r, Params: map[string]any{}}
		checkWidgetParams(cw, ptr, &ps)
		for _, key := range sortedKeys(w.Bind) {
			checkBinding(cw, filters[key], key, w.Bind[key], ptr+"/bind/"+pointerEscape(key), &ps)
		}
		out.Widgets = append(out.Widgets, cw)
	}
	if err := ps.err("dashboard/" + d.Key); err != nil {
		return nil, err
	}
	return out, nil
}

// checkDashboardFilters checks the shared filters and returns them by key.
func checkDashboardFilters(d *Dashboard, ps *problems) map[string]*DashboardFilter {
	out := map[string]*DashboardFilter{}
	for i := range d.Filters {
		f := &d.Filters[i]
		ptr := fmt.Sprintf("/filters/%d", i)
		if msg := forms.CheckKey(f.Key, false); msg != "" {
			ps.add(ptr+"/key", forms.CodeInvalidKey, "%s", msg)
			continue
		}
		if out[f.Key] != nil {
			ps.add(ptr+"/key", forms.CodeDuplicateKey, "the filter key %q is used twice", f.Key)
			continue
		}
		if f.Type != FilterDateRange && !slices.Contains(ParamTypes, f.Type) {
			ps.add(ptr+"/type", CodeInvalidParam, "unknown filter type %q; use %s or %s", f.Type, FilterDateRange, strings.Join(ParamTypes, ", "))
			continue
		}
		if msg := checkFilterDefault(f); msg != "" {
			ps.add(ptr+"/default", CodeInvalidParam, "the default %s", msg)
		}
		out[f.Key] = f
	}
	return out
}

func checkFilterDefault(f *DashboardFilter) string {
	raw, err := rawJSON(f.Default)
	if err != nil {
		return "is not a JSON value"
	}
	if f.Type != FilterDateRange {
		_, msg := convertParam(Param{Type: f.Type, Multiple: f.Multiple}, raw)
		return msg
	}
	if raw == nil {
		return ""
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return `of a date range is an object such as {"from": "2026-01-01", "to": "2026-04-01"}`
	}
	for k, v := range obj {
		if k != "from" && k != "to" {
			return fmt.Sprintf("has %q; a date range has from and to", k)
		}
		if _, msg := convertValue(ParamDate, v); v != nil && msg != "" {
			return k + " " + msg
		}
	}
	return ""
}

// checkPlace checks that widget i fits the grid and overlaps no earlier
// widget.
func checkPlace(d *CompiledDashboard, w Widget, i int, ptr string, ps *problems) {
	if w.X < 0 || w.Y < 0 || w.W < 1 || w.H < 1 || w.X+w.W > d.Columns {
		ps.add(ptr, CodeOutsideGrid, "the widget (x %d, w %d) must fit the %d columns of the grid, with w and h at least 1", w.X, w.W, d.Columns)
		return
	}
	for j, o := range d.Dashboard.Widgets[:i] {
		if w.X < o.X+o.W && o.X < w.X+w.W && w.Y < o.Y+o.H && o.Y < w.Y+w.H {
			ps.add(ptr, CodeOverlap, "the widget overlaps widget %d (%q); move it or make it smaller", j, o.Key)
			return
		}
	}
}

func checkWidgetParams(cw *CompiledWidget, ptr string, ps *problems) {
	for _, key := range sortedKeys(cw.Widget.Params) {
		p, ok := cw.Report.param(key)
		if !ok {
			ps.add(ptr+"/params/"+pointerEscape(key), CodeInvalidBinding, "report %s has no parameter %q", cw.Report.Report.Key, key)
			continue
		}
		raw, err := rawJSON(cw.Widget.Params[key])
		if err != nil {
			ps.add(ptr+"/params/"+key, CodeInvalidBinding, "the value is not JSON")
			continue
		}
		v, msg := convertParam(p.Param, raw)
		if msg != "" {
			ps.add(ptr+"/params/"+key, CodeInvalidBinding, "%s %s", key, msg)
			continue
		}
		cw.Params[key] = v
	}
}

// checkBinding checks that a shared filter sets a parameter (or narrows a
// dimension) of the widget's report that suits its type.
func checkBinding(cw *CompiledWidget, f *DashboardFilter, key string, b Binding, ptr string, ps *problems) {
	r := cw.Report
	switch {
	case f == nil:
		ps.add(ptr, CodeInvalidBinding, "the dashboard has no filter %q", key)
	case (b.Param == "") == (b.Dimension == ""):
		ps.add(ptr, CodeInvalidBinding, "a binding sets a parameter (param) or narrows a dimension (dimension), one of the two")
	case b.Dimension != "":
		d, ok := r.dimByKey(b.Dimension)
		switch {
		case !ok:
			ps.add(ptr+"/dimension", CodeInvalidBinding, "report %s has no dimension %q", r.Report.Key, b.Dimension)
		case f.Type == FilterDateRange && d.path.vt != vtDate && d.path.vt != vtDatetime:
			ps.add(ptr+"/dimension", CodeInvalidBinding, "a date range narrows a date dimension, and %s is %s field", b.Dimension, article(d.path.field.ValueType()))
		case b.To != "":
			ps.add(ptr+"/to", CodeInvalidBinding, "to names the parameter that gets a date range's end; a dimension takes the whole range")
		}
	case f.Type == FilterDateRange:
		for _, side := range []struct{ name, key string }{{"param", b.Param}, {"to", b.To}} {
			p, ok := r.param(side.key)
			if !ok || p.Multiple || (p.Type != ParamDate && p.Type != ParamDatetime) {
				ps.add(ptr+"/"+side.name, CodeInvalidBinding, "a date range sets two date parameters of report %s (param, the start, and to, the end); %q is not one", r.Report.Key, side.key)
			}
		}
	default:
		p, ok := r.param(b.Param)
		switch {
		case !ok:
			ps.add(ptr+"/param", CodeInvalidBinding, "report %s has no parameter %q", r.Report.Key, b.Param)
		case p.Type != f.Type || (f.Multiple && !p.Multiple):
			ps.add(ptr+"/param", CodeInvalidBinding, "the filter gives %s values and %s takes %s ones", describeType(f.Type, f.Multiple), b.Param, describeType(p.Type, p.Multiple))
		case b.To != "":
			ps.add(ptr+"/to", CodeInvalidBinding, "only a date range sets a second parameter")
		}
	}
}

func describeType(t string, multiple bool) string {
	if multiple {
		return "lists of " + t
	}
	return t
}

// Links lists the widgets that a selection of a value of dimension in
// widget filters, with linked filtering on: the other widgets whose report
// has a dimension on the same field of the same form (and the same bucket
// or bin), by which they are narrowed.
func (d *CompiledDashboard) Links(widget, dimension string) []Link {
	if !d.Dashboard.Linked {
		return nil
	}
	var from *cdim
	for _, w := range d.Widgets {
		if w.Key == widget {
			from, _ = w.Report.dimByKey(dimension)
		}
	}
	if from == nil {
		return nil
	}
	var out []Link
	for _, w := range d.Widgets {
		if w.Key == widget {
			continue
		}
		for _, dim := range append(slices.Clone(w.Report.dims), w.Report.drill...) {
			if sameDimension(from, dim) {
				out = append(out, Link{Widget: w.Key, Dimension: dim.Key})
				break
			}
		}
	}
	return out
}

func sameDimension(a, b *cdim) bool {
	return a.path.form.Form.Key == b.path.form.Form.Key && a.path.field.Key == b.path.field.Key &&
		a.Bucket == b.Bucket && a.bin == b.bin
}
