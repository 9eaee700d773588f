package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// maxExprNodes bounds a derived measure's expression.
const maxExprNodes = 200

func (cc *compiler) compileMeasures() {
	if len(cc.r.Measures) > maxMeasures {
		cc.ps.add("/measures", forms.CodeInvalidSetting, "a report has at most %d measures", maxMeasures)
		return
	}
	for i, m := range cc.r.Measures {
		ptr := fmt.Sprintf("/measures/%d", i)
		if !cc.claim(ptr, m.Key) {
			continue
		}
		cm := &cmeasure{Measure: m, ptr: ptr, agg: -1, count: -1, rank: -1}
		switch {
		case (m.Agg == "") == (m.Expr == ""):
			cc.ps.add(ptr, CodeUnsupportedAggregate, "a measure is either an aggregate (agg, with a field) or a derived measure (expr), not both or neither")
			continue
		case m.Expr != "" && m.Field != "":
			cc.ps.add(ptr+"/field", CodeUnsupportedAggregate, "a derived measure reads other measures, not a field; remove field")
			continue
		case m.Expr != "" && m.Filter != "":
			cc.ps.add(ptr+"/filter", CodeUnsupportedAggregate, "a derived measure reads other measures; put the filter on the measures it reads")
			continue
		case m.Expr == "" && !cc.compileAggregate(cm):
			continue
		}
		cc.out.measures = append(cc.out.measures, cm)
	}
	cc.compileDerived()
}

// compileAggregate resolves an aggregate measure's field and adds the
// aggregates it needs to the statement.
func (cc *compiler) compileAggregate(m *cmeasure) bool {
	fields, ok := cc.checkFilter(m.ptr+"/filter", m.Filter)
	if !ok {
		return false
	}
	m.filterFields = fields
	if !slices.Contains([]string{AggCount, AggCountDistinct, AggSum, AggAvg, AggMin, AggMax}, m.Agg) {
		cc.ps.add(m.ptr+"/agg", CodeUnsupportedAggregate, "unknown aggregate %q; use count, count_distinct, sum, avg, min or max", m.Agg)
		return false
	}
	if m.Field == "" {
		if m.Agg != AggCount {
			cc.ps.add(m.ptr+"/field", CodeUnsupportedAggregate, "%s needs a field", m.Agg)
			return false
		}
		m.agg = cc.aggFor(m, store.ReportAgg{Func: store.AggCount})
		return true
	}
	p := cc.path(m.ptr+"/field", m.Field)
	if p == nil {
		return false
	}
	m.path = p
	col := store.ReportAgg{Column: p.column, Type: columnType(p)}
	switch m.Agg {
	case AggSum, AggAvg:
		if p.vt != vtDecimal && p.field.ValueType() != "integer" {
			cc.ps.add(m.ptr+"/field", CodeNotNumeric, "%s adds up numbers, and %s is %s field", m.Agg, m.Field, article(p.field.ValueType()))
			return false
		}
	case AggMin, AggMax:
		if p.vt != vtDecimal && p.vt != vtDate && p.vt != vtDatetime && p.field.ValueType() != "integer" {
			cc.ps.add(m.ptr+"/field", CodeUnsupportedAggregate, "%s works on numbers, dates and date-times, and %s is %s field",
				m.Agg, m.Field, article(p.field.ValueType()))
			return false
		}
	}
	switch m.Agg {
	case AggCount:
		col.Func = store.AggCount
	case AggCountDistinct:
		col.Func = store.AggCountDistinct
	case AggSum, AggAvg:
		col.Func = store.AggSum
	case AggMin:
		col.Func = store.AggMin
	case AggMax:
		col.Func = store.AggMax
	}
	m.agg = cc.aggFor(m, col)
	if m.Agg == AggAvg {
		col.Func = store.AggCount
		m.count = cc.aggFor(m, col)
	}
	return true
}

// aggFor returns the index of aggregate a of measure m: shared with other
// measures, unless m has a filter of its own, set per run.
func (cc *compiler) aggFor(m *cmeasure, a store.ReportAgg) int {
	if m.Filter == "" {
		return cc.aggIndex(a)
	}
	cc.out.aggs = append(cc.out.aggs, a)
	m.filtered = append(m.filtered, len(cc.out.aggs)-1)
	return len(cc.out.aggs) - 1
}

// aggIndex returns the index of a (without a condition) in the
// statement's aggregates, adding it the first time: two measures over the
// same sum share it.
func (cc *compiler) aggIndex(a store.ReportAgg) int {
	// note: aggregates with a condition are never compared (conditions
	// need not be comparable); they belong to one measure each.
	if i := slices.IndexFunc(cc.out.aggs, func(b store.ReportAgg) bool {
		return b.When == nil && b.Func == a.Func && b.Column == a.Column && b.Type == a.Type
	}); i >= 0 {
		return i
	}
	cc.out.aggs = append(cc.out.aggs, a)
	return len(cc.out.aggs) - 1
}

// compileDerived compiles the derived measures against the other measures
// (numbers) and orders them so each comes after those it reads.
func (cc *compiler) compileDerived() {
	// note: every measure with a good key is a name, also one that failed
	// to compile (already reported), so its name is not reported again.
	env := map[string]any{}
	for _, m := range cc.r.Measures {
		if strings.HasPrefix(cc.keys[m.Key], "/measures/") {
			env[m.Key] = float64(0)
		}
	}
	for _, m := range cc.out.measures {
		if !m.isDerived() {
			continue
		}
		ptr := m.ptr + "/expr"
		tree, err := parser.Parse(m.Expr)
		if err != nil {
			cc.ps.list = append(cc.ps.list, forms.ExprProblem(ptr, err))
			continue
		}
		ok := true
		for _, id := range names(tree.Node) {
			if _, known := env[id.Value]; known {
				if !slices.Contains(m.deps, id.Value) {
					m.deps = append(m.deps, id.Value)
				}
				continue
			}
			loc := id.Location()
			cc.ps.list = append(cc.ps.list, forms.Problem{Path: ptr, Code: CodeUnknownMeasure, Line: 1, Column: loc.From + 1,
				Message: fmt.Sprintf("%q is not a measure of this report; a derived measure reads: %s", id.Value, strings.Join(sortedKeys(env), ", "))})
			ok = false
		}
		if !ok {
			continue
		}
		prog, err := expr.Compile(m.Expr, append([]expr.Option{expr.Env(env), expr.AsFloat64(), expr.MaxNodes(maxExprNodes)}, forms.ExprBounds()...)...)
		if err != nil {
			cc.ps.list = append(cc.ps.list, forms.ExprProblem(ptr, err))
			continue
		}
		m.prog = prog
	}
	cc.orderDerived()
}

// orderDerived puts the derived measures in dependency order and reports
// a cycle.
func (cc *compiler) orderDerived() {
	state := map[string]int{} // 1 visiting, 2 done
	var visit func(m *cmeasure) bool
	visit = func(m *cmeasure) bool {
		switch state[m.Key] {
		case 1:
			return false
		case 2:
			return true
		}
		state[m.Key] = 1
		for _, d := range m.deps {
			dep, _ := cc.out.measure(d)
			if dep == nil || !dep.isDerived() {
				continue
			}
			if !visit(dep) {
				if state[m.Key] == 1 {
					cc.ps.add(m.ptr+"/expr", CodeMeasureCycle, "%s depends on itself through %s", m.Key, d)
					state[m.Key] = 2
				}
				return false
			}
		}
		state[m.Key] = 2
		if m.prog != nil {
			cc.out.derived = append(cc.out.derived, m)
		}
		return true
	}
	for _, m := range cc.out.measures {
		if m.isDerived() {
			visit(m)
		}
	}
}

// names lists the identifiers of an expression that name values (not the
// functions it calls), in order.
func names(n ast.Node) []*ast.IdentifierNode {
	v := &nameVisitor{callees: map[ast.Node]bool{}}
	ast.Walk(&n, v)
	var out []*ast.IdentifierNode
	for _, id := range v.ids {
		if !v.callees[id] {
			out = append(out, id)
		}
	}
	return out
}

type nameVisitor struct {
	ids     []*ast.IdentifierNode
	callees map[ast.Node]bool
}

func (v *nameVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		v.ids = append(v.ids, x)
	case *ast.CallNode:
		v.callees[x.Callee] = true
	case *ast.MemberNode:
		// note: in user.id and params.x only the left side is a name; the
		// property is a string node already.
	}
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
