package reports

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// compileFilter checks the report's filter.
func (cc *compiler) compileFilter() {
	cc.out.filterFields, _ = cc.checkFilter("/filter", cc.r.Filter)
}

// checkFilter checks a filter (at ptr) against the source form with a
// value of the right type for every parameter, and returns the fields it
// names (the viewer must be able to read them); ok is false when it does
// not compile.
func (cc *compiler) checkFilter(ptr, src string) (fields []string, ok bool) {
	if strings.TrimSpace(src) == "" {
		return nil, true
	}
	_, err := cc.out.source.FilterParams(src, sampleActor, nil, cc.out.samples())
	var fe *forms.FilterError
	if errors.As(err, &fe) {
		cc.ps.list = append(cc.ps.list, forms.Problem{Path: ptr, Code: CodeInvalidFilter, Message: fe.Message,
			Line: 1, Column: max(fe.Column, 1)})
		return nil, false
	}
	if err != nil {
		cc.ps.add(ptr, CodeInvalidFilter, "%v", err)
		return nil, false
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, false
	}
	for _, id := range names(tree.Node) {
		switch id.Value {
		case "user", "params", "now", "today":
			continue
		}
		if !slices.Contains(fields, id.Value) {
			fields = append(fields, id.Value)
		}
	}
	return fields, true
}

// sampleActor stands for the viewer when a filter is checked at publish.
var sampleActor = forms.Actor{ID: 1, Email: "viewer@example.com", Name: "Viewer"}

// filterParams lists the parameters the filter reads (params.<key>).
func filterParams(src string) []string {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &paramVisitor{}
	ast.Walk(&tree.Node, v)
	return v.keys
}

type paramVisitor struct{ keys []string }

func (v *paramVisitor) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	prop, isStr := m.Property.(*ast.StringNode)
	if ok && isStr && id.Value == "params" && !slices.Contains(v.keys, prop.Value) {
		v.keys = append(v.keys, prop.Value)
	}
}

// ChartTypes lists the chart types.
var ChartTypes = []string{ChartTable, ChartBar, ChartLine, ChartArea, ChartPie, ChartFunnel, ChartKPI, ChartPivot}

func (cc *compiler) compileChart() {
	ch := cc.r.Chart
	if ch == nil {
		return
	}
	if !slices.Contains(ChartTypes, ch.Type) {
		cc.ps.add("/chart/type", CodeInvalidChart, "unknown chart type %q; use %s", ch.Type, strings.Join(ChartTypes, ", "))
		return
	}
	if _, ok := cc.out.dimension(ch.X); ch.X != "" && !ok {
		cc.ps.add("/chart/x", CodeUnknownKey, "the chart's x is %q, which is not a dimension of the report", ch.X)
	}
	if _, ok := cc.out.dimension(ch.Series); ch.Series != "" && (!ok || ch.Series == ch.X) {
		cc.ps.add("/chart/series", CodeUnknownKey, "the chart's series is %q; it must be a dimension of the report other than x", ch.Series)
	}
	for i, y := range ch.Y {
		if _, ok := cc.out.measure(y); !ok {
			cc.ps.add(fmt.Sprintf("/chart/y/%d", i), CodeUnknownKey, "the chart draws %q, which is not a measure of the report", y)
		}
	}
	dims := len(cc.r.Dimensions)
	switch ch.Type {
	case ChartFunnel:
		// note: a funnel's stages are either the values of its one
		// dimension (one measure), or, with no dimension, the measures it
		// draws in order: leads, quoted, won.
		if dims == 0 {
			if len(ch.Y) < 2 {
				cc.ps.add("/chart/y", CodeInvalidChart, "a funnel without a dimension draws its measures as stages; name two or more in y, in order")
			}
			break
		}
		if dims != 1 {
			cc.ps.add("/chart/type", CodeInvalidChart, "a funnel shows one dimension (its stages), or none with its measures as stages; the report has %d", dims)
		}
		if len(ch.Y) > 1 || (len(ch.Y) == 0 && len(cc.r.Measures) > 1) {
			cc.ps.add("/chart/y", CodeInvalidChart, "a funnel over a dimension shows one measure; name it in y")
		}
	case ChartPie:
		if dims != 1 {
			cc.ps.add("/chart/type", CodeInvalidChart, "a %s shows one dimension (its slices or stages); the report has %d", ch.Type, dims)
		}
		if len(ch.Y) > 1 || (len(ch.Y) == 0 && len(cc.r.Measures) > 1) {
			cc.ps.add("/chart/y", CodeInvalidChart, "a %s shows one measure; name it in y", ch.Type)
		}
	case ChartBar, ChartLine, ChartArea:
		if dims == 0 {
			cc.ps.add("/chart/type", CodeInvalidChart, "a %s chart needs a dimension along its axis", ch.Type)
		}
	case ChartKPI:
		if dims != 0 {
			cc.ps.add("/chart/type", CodeInvalidChart, "a kpi shows totals, so the report has no dimensions; it has %d", dims)
		}
	case ChartPivot:
		if cc.r.Pivot == nil {
			cc.ps.add("/chart/type", CodeInvalidChart, "a pivot chart needs the report's pivot (rows and columns)")
		}
	}
	cc.compileCompare()
}

// compileCompare checks a kpi's comparison with the previous period: two
// date (or date-time) parameters the filter reads.
func (cc *compiler) compileCompare() {
	cmp := cc.r.Chart.Compare
	if cmp == nil {
		return
	}
	if cc.r.Chart.Type != ChartKPI {
		cc.ps.add("/chart/compare", CodeInvalidChart, "only a kpi compares with the previous period")
		return
	}
	read := filterParams(cc.r.Filter)
	var typ string
	for _, side := range []struct{ name, key string }{{"from", cmp.From}, {"to", cmp.To}} {
		p, ok := cc.out.param(side.key)
		switch {
		case !ok:
			cc.ps.add("/chart/compare/"+side.name, CodeInvalidChart, "%q is not a parameter of the report", side.key)
		case p.Multiple || (p.Type != ParamDate && p.Type != ParamDatetime):
			cc.ps.add("/chart/compare/"+side.name, CodeInvalidChart, "%s must be a single date or date-time parameter", side.key)
		case typ != "" && p.Type != typ:
			cc.ps.add("/chart/compare/"+side.name, CodeInvalidChart, "from and to must be of the same type")
		case !slices.Contains(read, side.key):
			cc.ps.add("/chart/compare/"+side.name, CodeInvalidChart,
				"the filter does not read params.%s, so the period it bounds would not change; write the filter as order_date >= params.%s && order_date < params.%s",
				side.key, cmp.From, cmp.To)
		default:
			typ = p.Type
		}
	}
	if cmp.From != "" && cmp.From == cmp.To {
		cc.ps.add("/chart/compare/to", CodeInvalidChart, "from and to must be different parameters")
	}
}
