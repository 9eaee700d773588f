package reports

import (
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// DashboardRequest is one run of a dashboard: the values of its shared
// filters and, with linked filtering, a value selected in one widget.
type DashboardRequest struct {
	// Filters are the shared filters' values by key, in their JSON form:
	// a value of the filter's type (a list when it is multiple), or
	// {"from": "2026-01-01", "to": "2026-04-01"} for a date range (to
	// excluded; a side left out is open). A filter left out takes its
	// default; a filter without a value (null, an empty list) applies to
	// no widget, which then shows what its report shows alone.
	Filters map[string]any `json:"filters,omitempty"`
	// Selection narrows the widgets linked to the selected one.
	Selection *Selection `json:"selection,omitempty"`
}

// Selection is a value selected in one widget (a bar, a slice, a row) as
// the widget's result shows it, such as "east" for a region or "2026-03"
// for a month.
type Selection struct {
	Widget    string `json:"widget"`
	Dimension string `json:"dimension"`
	Value     any    `json:"value"`
}

// DashboardPlan is a dashboard run resolved into one report request per
// widget.
type DashboardPlan struct {
	// Requests are the widgets' requests, in the order of the widgets.
	Requests []Request
	// Filters are the shared filters' values in force, in their JSON form
	// (nil for a filter without a value).
	Filters map[string]any
	// Linked are the widgets the selection narrows: widget key to the
	// dimension narrowed.
	Linked map[string]string
}

// Plan resolves a run of dashboard d: each widget's fixed parameters, the
// shared filters applied through its bindings (a parameter set, or a
// dimension narrowed), and the selection applied to the widgets Links
// names. A bound filter's value overrides a widget's fixed parameter.
// Problems are at /filters/<key> and /selection/…, in a *forms.ProblemList.
//
// Example:
//
//	plan, err := d.Plan(reports.DashboardRequest{
//		Filters:   map[string]any{"period": map[string]any{"from": "2026-01-01", "to": "2026-04-01"}},
//		Selection: &reports.Selection{Widget: "by_region", Dimension: "region", Value: "east"}})
//	for i, w := range d.Widgets { res, err := reports.Run(ctx, db, w.Report, plan.Requests[i], viewer) }
func (d *CompiledDashboard) Plan(req DashboardRequest) (*DashboardPlan, error) {
	var ps problems
	values := d.filterValues(req.Filters, &ps)
	linked := d.selection(req.Selection, &ps)
	if err := ps.err("request"); err != nil {
		return nil, err
	}
	plan := &DashboardPlan{Filters: map[string]any{}, Linked: map[string]string{}}
	for _, f := range d.Dashboard.Filters {
		plan.Filters[f.Key] = jsonFilterValue(values[f.Key])
	}
	for _, w := range d.Widgets {
		r := Request{Params: map[string]any{}}
		for k, v := range w.Params {
			r.Params[k] = jsonValue(v)
		}
		for _, key := range sortedKeys(w.Bind) {
			if v := values[key]; v != nil {
				w.apply(&r, w.Bind[key], v)
			}
		}
		if dim, ok := linked[w.Key]; ok {
			r.Where = append(r.Where, DimFilter{Key: dim, Values: []any{req.Selection.Value}})
			plan.Linked[w.Key] = dim
		}
		plan.Requests = append(plan.Requests, r)
	}
	return plan, nil
}

// dateRange is the value of a date_range filter.
type dateRange struct {
	from, to any // time.Time or nil
}

// filterValues converts the given values (or the defaults) of the shared
// filters; a filter without a value is left out.
func (d *CompiledDashboard) filterValues(given map[string]any, ps *problems) map[string]any {
	out := map[string]any{}
	for key := range given {
		if findFilter(d.Dashboard, key) == nil {
			ps.add("/filters/"+pointerEscape(key), forms.CodeUnknownField, "the dashboard has no filter %q", key)
		}
	}
	for i := range d.Dashboard.Filters {
		f := &d.Dashboard.Filters[i]
		raw, ok := given[f.Key]
		if !ok {
			raw, _ = rawJSON(f.Default) // note: checked at publish.
		}
		ptr := "/filters/" + f.Key
		if f.Type == FilterDateRange {
			if r, ok := rangeValue(raw, ptr, ps); ok && (r.from != nil || r.to != nil) {
				out[f.Key] = r
			}
			continue
		}
		v, msg := convertParam(Param{Type: f.Type, Multiple: f.Multiple}, raw)
		if msg != "" {
			ps.add(ptr, forms.CodeInvalidValue, "%s %s", f.Key, msg)
			continue
		}
		if l, isList := v.([]any); v != nil && (!isList || len(l) > 0) {
			out[f.Key] = v
		}
	}
	return out
}

func findFilter(d *Dashboard, key string) *DashboardFilter {
	for i := range d.Filters {
		if d.Filters[i].Key == key {
			return &d.Filters[i]
		}
	}
	return nil
}

// rangeValue reads {"from": date, "to": date} (either may be absent or
// null); ok is false after a problem.
func rangeValue(raw any, ptr string, ps *problems) (dateRange, bool) {
	var r dateRange
	if raw == nil {
		return r, true
	}
	obj, isObj := raw.(map[string]any)
	if !isObj {
		ps.add(ptr, forms.CodeInvalidValue, `a date range is an object such as {"from": "2026-01-01", "to": "2026-04-01"}`)
		return r, false
	}
	ok := true
	for k, v := range obj {
		if k != "from" && k != "to" {
			ps.add(ptr+"/"+pointerEscape(k), forms.CodeInvalidValue, "a date range has from and to, not %q", k)
			ok = false
			continue
		}
		if v == nil {
			continue
		}
		t, msg := convertValue(ParamDate, v)
		if msg != "" {
			ps.add(ptr+"/"+k, forms.CodeInvalidValue, "%s %s", k, msg)
			ok = false
			continue
		}
		if k == "from" {
			r.from = t
		} else {
			r.to = t
		}
	}
	if ok && r.from != nil && r.to != nil && !r.from.(time.Time).Before(r.to.(time.Time)) {
		ps.add(ptr+"/to", forms.CodeInvalidValue, "the range must end after it starts (to is excluded)")
		ok = false
	}
	return r, ok
}

func jsonFilterValue(v any) any {
	if r, ok := v.(dateRange); ok {
		return map[string]any{"from": jsonValue(r.from), "to": jsonValue(r.to)}
	}
	return jsonValue(v)
}

// selection checks a selection and returns the widgets it narrows, each
// with the dimension narrowed.
func (d *CompiledDashboard) selection(sel *Selection, ps *problems) map[string]string {
	if sel == nil {
		return nil
	}
	if !d.Dashboard.Linked {
		ps.add("/selection", forms.CodeInvalidValue, "dashboard %s does not link its widgets, so a selection filters nothing; leave it out", d.Dashboard.Key)
		return nil
	}
	var from *CompiledWidget
	for _, w := range d.Widgets {
		if w.Key == sel.Widget {
			from = w
		}
	}
	if from == nil {
		ps.add("/selection/widget", forms.CodeInvalidValue, "the dashboard has no widget %q", sel.Widget)
		return nil
	}
	dim, ok := from.Report.dimByKey(sel.Dimension)
	if !ok {
		ps.add("/selection/dimension", forms.CodeInvalidValue, "%q is not a dimension of widget %s", sel.Dimension, sel.Widget)
		return nil
	}
	if _, err := dim.span(sel.Value); err != nil {
		ps.add("/selection/value", forms.CodeInvalidValue, "%s", err.Error())
		return nil
	}
	out := map[string]string{}
	for _, l := range d.Links(sel.Widget, sel.Dimension) {
		out[l.Widget] = l.Dimension
	}
	return out
}

// apply sets what binding b gives value v in the widget's request r.
func (w *CompiledWidget) apply(r *Request, b Binding, v any) {
	rng, isRange := v.(dateRange)
	switch {
	case b.Param != "" && isRange:
		r.Params[b.Param], r.Params[b.To] = jsonValue(rng.from), jsonValue(rng.to)
	case b.Param != "":
		r.Params[b.Param] = jsonValue(v)
	case isRange:
		d, _ := w.Report.dimByKey(b.Dimension)
		r.Where = append(r.Where, DimFilter{Key: b.Dimension, From: rangeSide(d, rng.from), To: rangeSide(d, rng.to)})
	default:
		values, isList := v.([]any)
		if !isList {
			values = []any{v}
		}
		out := make([]any, len(values))
		for i, x := range values {
			out[i] = jsonValue(x)
		}
		r.Where = append(r.Where, DimFilter{Key: b.Dimension, Values: out})
	}
}

// rangeSide is one end of a date range in the terms of dimension d's
// field: a date, or midnight UTC for a date-time.
func rangeSide(d *cdim, v any) any {
	t, ok := v.(time.Time)
	if !ok {
		return nil
	}
	if d.path.vt == vtDatetime {
		return t.Format(time.RFC3339)
	}
	return t.Format(forms.DateLayout)
}
