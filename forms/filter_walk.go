package forms

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
)

// filterWalker turns one parsed filter into a condition.
type filterWalker struct {
	c     *Compiled
	actor Actor
	acc   *Access
	now   time.Time
	depth int
	// params are a report filter's parameters (nil in list filters, where
	// params is an ordinary field name).
	params map[string]any
}

// errAt is a FilterError positioned at n.
func errAt(n ast.Node, format string, args ...any) *FilterError {
	e := &FilterError{Message: fmt.Sprintf(format, args...)}
	if n != nil {
		e.Column = n.Location().From + 1
	}
	return e
}

// enter bounds the nesting depth; call leave when done.
func (w *filterWalker) enter(n ast.Node) error {
	w.depth++
	if w.depth > maxFilterDepth {
		return errAt(n, "the filter is nested too deeply (at most %d levels)", maxFilterDepth)
	}
	return nil
}

func (w *filterWalker) leave() { w.depth-- }

// cond translates n, a condition; with neg it translates its complement
// (negations are pushed down to the comparisons so that empty values are
// treated consistently).
func (w *filterWalker) cond(n ast.Node, neg bool) (store.Cond, error) {
	if err := w.enter(n); err != nil {
		return nil, err
	}
	defer w.leave()
	switch n := n.(type) {
	case *ast.BinaryNode:
		return w.binary(n, neg)
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			return w.cond(n.Node, !neg)
		}
	case *ast.IdentifierNode:
		return w.bareField(n, neg)
	case nil:
		return nil, &FilterError{Message: "the filter is incomplete"}
	}
	return nil, notACondition(n)
}

// notACondition explains why n cannot stand where a condition is expected.
func notACondition(n ast.Node) error {
	if msg, ok := unsupported(n); ok {
		return errAt(n, "%s", msg)
	}
	return errAt(n, "the filter must be a condition on a field, such as amount > 100")
}

// unsupported describes syntax filters do not accept; ok is false when n is
// an ordinary value.
func unsupported(n ast.Node) (string, bool) {
	switch n := n.(type) {
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok && id.Value != "today" {
			return fmt.Sprintf("%s() is not available in filters; only now() and today() are", id.Value), true
		}
		if _, ok := n.Callee.(*ast.IdentifierNode); !ok {
			return "methods are not available in filters; " + filterHelp, true
		}
	case *ast.BuiltinNode:
		if n.Name != "now" {
			return fmt.Sprintf("%s() is not available in filters; only now() and today() are", n.Name), true
		}
	case *ast.ConditionalNode:
		return "conditional expressions (?: and if/else) are not supported; " + filterHelp, true
	case *ast.VariableDeclaratorNode:
		return "variables (let) are not supported; " + filterHelp, true
	case *ast.SequenceNode:
		return "a filter is a single condition; join conditions with && or ||", true
	case *ast.PredicateNode, *ast.PointerNode:
		return "closures are not supported; " + filterHelp, true
	case *ast.MapNode, *ast.PairNode:
		return "maps are not supported; " + filterHelp, true
	case *ast.SliceNode:
		return "slices are not supported; " + filterHelp, true
	case *ast.ChainNode:
		return "optional chaining (?.) is not supported; " + filterHelp, true
	case *ast.BytesNode, *ast.ConstantNode:
		return "this kind of value is not supported; " + filterHelp, true
	case *ast.ArrayNode:
		return "a list may only follow in, as in stage in [\"won\", \"lost\"]", true
	case *ast.BinaryNode:
		return binaryUnsupported(n.Operator), true
	case *ast.UnaryNode:
		if n.Operator == "!" || n.Operator == "not" {
			return "a negated condition cannot be compared; put the condition in parentheses, as in not (amount > 100)", true
		}
	}
	return "", false
}

func binaryUnsupported(op string) string {
	switch op {
	case "matches":
		return "regular expressions (matches) are not supported; use contains, startsWith or endsWith"
	case "..":
		return "ranges (..) are not supported; write amount >= 1 && amount <= 5"
	case "??":
		return "?? is not supported; compare with nil instead"
	case "+", "-", "*", "/", "%", "**", "^":
		return fmt.Sprintf("arithmetic (%s) is not supported in filters; compare a field with a value written out", op)
	case "==", "!=", "<", "<=", ">", ">=", "in", "contains", "startsWith", "endsWith", "&&", "||", "and", "or":
		return "a condition cannot be used as a value; " + filterHelp
	}
	return fmt.Sprintf("the operator %s is not supported; %s", op, filterHelp)
}

func (w *filterWalker) binary(n *ast.BinaryNode, neg bool) (store.Cond, error) {
	switch n.Operator {
	case "&&", "and", "||", "or":
		return w.logic(n, neg)
	case "==", "!=", "<", "<=", ">", ">=":
		return w.compare(n, neg)
	case "in":
		return w.in(n, neg)
	case "contains", "startsWith", "endsWith":
		return w.match(n, neg)
	}
	return nil, errAt(n, "%s", binaryUnsupported(n.Operator))
}

func isAnd(op string) bool { return op == "&&" || op == "and" }
func isOr(op string) bool  { return op == "||" || op == "or" }

// logic translates a chain of && or || (flattened, so long chains neither nest
// deeply nor render deeply), applying De Morgan under negation.
func (w *filterWalker) logic(n *ast.BinaryNode, neg bool) (store.Cond, error) {
	and := isAnd(n.Operator)
	terms := flattenLogic(n, and, nil)
	conds := make([]store.Cond, 0, len(terms))
	absorbing, decided := store.Bool(and == neg), false
	for _, t := range terms {
		c, err := w.cond(t, neg)
		var fe *FilterError
		if err != nil && decided && errors.As(err, &fe) && fe.noValue {
			// note: expr stops at the term that decides the chain, so an
			// optional bound (params.to == nil || due < params.to) holds
			// with no value; every later term is still checked otherwise.
			continue
		}
		if err != nil {
			return nil, err
		}
		decided = decided || c == absorbing
		conds = append(conds, c)
	}
	return joinConds(and != neg, conds), nil
}

// joinConds joins conds with AND (or OR), leaving out constants that do not
// change the result and stopping at one that decides it.
func joinConds(and bool, conds []store.Cond) store.Cond {
	identity, absorbing := store.Bool(and), store.Bool(!and)
	kept := conds[:0]
	for _, c := range conds {
		// note: comparing interfaces is safe here: Bool's type is comparable,
		// and values of other types simply differ.
		switch c {
		case identity:
			continue
		case absorbing:
			return absorbing
		}
		kept = append(kept, c)
	}
	switch {
	case len(kept) == 0:
		return identity
	case len(kept) == 1:
		return kept[0]
	case and:
		return store.And(kept...)
	}
	return store.Or(kept...)
}

func flattenLogic(n ast.Node, and bool, out []ast.Node) []ast.Node {
	b, ok := n.(*ast.BinaryNode)
	if !ok || (and && !isAnd(b.Operator)) || (!and && !isOr(b.Operator)) {
		return append(out, n)
	}
	out = flattenLogic(b.Left, and, out)
	return flattenLogic(b.Right, and, out)
}

// bareField translates a field used as a condition: a yes/no field is true.
func (w *filterWalker) bareField(n *ast.IdentifierNode, neg bool) (store.Cond, error) {
	o, err := w.operand(n)
	if err != nil {
		return nil, err
	}
	if o.col.class != classBool {
		return nil, errAt(n, "%s is %s field, not a yes/no one; write a condition such as %s",
			o.col.key, o.col.aTypeName(), example(o.col))
	}
	return w.boolCompare(o.col, "==", filterValue{kind: valBool, b: true}, neg, n)
}

// example is a sample condition on fc, for messages.
func example(fc *filterCol) string {
	switch fc.class {
	case classInteger, classDecimal:
		return fc.key + " > 100"
	case classBool:
		return fc.key + " == true"
	case classDate:
		return fc.key + ` >= "2026-01-01"`
	case classDatetime:
		return fc.key + ` >= "2026-01-01T09:00:00Z"`
	case classList:
		if fc.field.Type == "relation" {
			return fc.key + " contains 12"
		}
		return fc.key + ` contains "vip"`
	case classJSON:
		return fc.key + " != nil"
	}
	return fc.key + ` == "abc"`
}

// sides resolves the two sides of a comparison so that the field is on the
// left, flipping op when it was on the right.
func (w *filterWalker) sides(n *ast.BinaryNode, op string) (operand, operand, string, error) {
	l, err := w.operand(n.Left)
	if err != nil {
		return operand{}, operand{}, "", err
	}
	r, err := w.operand(n.Right)
	if err != nil {
		return operand{}, operand{}, "", err
	}
	switch {
	case l.col != nil && r.col != nil:
		return l, r, "", errAt(n, "%s is compared with the field %s; a filter compares a field with a value", l.col.key, r.col.key)
	case l.col == nil && r.col == nil && (l.param || r.param):
		return l, r, op, errConstant
	case l.col == nil && r.col == nil:
		return l, r, "", errAt(n, "a comparison needs a field on one side, such as amount > 100")
	case r.col != nil:
		return r, l, flipOps[op], nil
	}
	return l, r, op, nil
}

var flipOps = map[string]string{"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}

var sqlOps = map[string]string{"==": store.OpEq, "!=": store.OpNe, "<": store.OpLt, "<=": store.OpLe,
	">": store.OpGt, ">=": store.OpGe}

var inverseOps = map[string]string{store.OpEq: store.OpNe, store.OpNe: store.OpEq, store.OpLt: store.OpGe,
	store.OpGe: store.OpLt, store.OpGt: store.OpLe, store.OpLe: store.OpGt}

func (w *filterWalker) compare(n *ast.BinaryNode, neg bool) (store.Cond, error) {
	l, r, op, err := w.sides(n, n.Operator)
	if errors.Is(err, errConstant) {
		return constantCompare(n, l, r, op, neg)
	}
	if err != nil {
		return nil, err
	}
	fc := l.col
	if r.val.kind == valList {
		return nil, errAt(n, "%s is a list of values; write %s in %s", r.node, fc.key, r.node)
	}
	if r.val.kind == valNil {
		if op != "==" && op != "!=" {
			e := errAt(n, "only == and != compare with nil")
			e.noValue = r.param
			return nil, e
		}
		return emptyCond(fc, (op == "==") != neg), nil
	}
	switch fc.class {
	case classList:
		return nil, errAt(n, "%s holds a list of values; write %s, or %s == nil", fc.key, example(fc), fc.key)
	case classJSON:
		return nil, errAt(n, "%s can only be compared with nil, as in %s", fc.key, example(fc))
	case classBool:
		return w.boolCompare(fc, op, r.val, neg, n)
	}
	// note: != matches empty values, as in expr; negating == and the ordering
	// comparisons matches them too, so that not(x) is the complement of x.
	includeNull := neg != (op == "!=")
	sqlOp := sqlOps[op]
	if neg {
		sqlOp = inverseOps[sqlOp]
	}
	c, final, err := w.compareValue(fc, sqlOp, r, n)
	if err != nil || final || !includeNull {
		return c, err
	}
	return store.Or(c, store.IsNull(fc.col, true)), nil
}

// compareValue is "fc sqlOp value" with the value converted for the column.
// final is set when the condition already decides empty values.
func (w *filterWalker) compareValue(fc *filterCol, sqlOp string, v operand, n ast.Node) (c store.Cond, final bool, err error) {
	if v.val.kind == valNumber && (fc.class == classInteger || fc.class == classDecimal) {
		d, c := offGrid(fc, sqlOp, v.val.num)
		if c != nil {
			return c, true, nil
		}
		v.val.num = d
	}
	dbv, err := w.toDB(fc, v)
	if err != nil {
		return nil, false, err
	}
	if dbv == nil {
		switch sqlOp {
		case store.OpEq:
			return emptyCond(fc, true), true, nil
		case store.OpNe:
			return emptyCond(fc, false), true, nil
		}
		return nil, false, errAt(n, "%s can only be ordered against a value, not an empty one", fc.key)
	}
	return store.Compare(fc.col, sqlOp, dbv), false, nil
}

// offGrid handles a number with more decimals than the column keeps: as the
// column holds whole minor units, "> 100.005" is "> 100.00" and "== 100.005"
// is never true. It returns the number to compare with, or a constant
// condition.
func offGrid(fc *filterCol, sqlOp string, d decimal.Decimal) (decimal.Decimal, store.Cond) {
	scale := int32(0)
	if fc.class == classDecimal {
		scale = int32(fc.field.scale())
	}
	if d.Equal(d.Round(scale)) {
		return d, nil
	}
	switch sqlOp {
	case store.OpEq:
		return d, store.Bool(false)
	case store.OpNe:
		return d, store.Bool(true) // note: != always includes empty values too
	case store.OpGt, store.OpLe:
		return d.RoundFloor(scale), nil
	}
	return d.RoundCeil(scale), nil
}

// emptyCond tests whether fc is empty (or, with empty false, has a value).
// Text is also empty when it is "".
func emptyCond(fc *filterCol, empty bool) store.Cond {
	if fc.class != classText {
		return store.IsNull(fc.col, empty)
	}
	if empty {
		return store.Or(store.IsNull(fc.col, true), store.Compare(fc.col, store.OpEq, ""))
	}
	return store.And(store.IsNull(fc.col, false), store.Compare(fc.col, store.OpNe, ""))
}

// boolCompare translates == and != on a yes/no field, where empty is false.
func (w *filterWalker) boolCompare(fc *filterCol, op string, v filterValue, neg bool, n ast.Node) (store.Cond, error) {
	if op != "==" && op != "!=" {
		return nil, errAt(n, "%s is a yes/no field; compare it with == true or == false", fc.key)
	}
	if v.kind != valBool {
		return nil, typeMismatch(n, fc)
	}
	yes, err := w.toDB(fc, operand{val: filterValue{kind: valBool, b: true}, node: n})
	if err != nil {
		return nil, err
	}
	if (op == "==") == v.b != neg {
		return store.Compare(fc.col, store.OpEq, yes), nil
	}
	return store.Or(store.Compare(fc.col, store.OpNe, yes), store.IsNull(fc.col, true)), nil
}

// in translates "field in [...]" and "value in listField".
func (w *filterWalker) in(n *ast.BinaryNode, neg bool) (store.Cond, error) {
	if arr, ok := n.Right.(*ast.ArrayNode); ok {
		l, err := w.operand(n.Left)
		if err != nil {
			return nil, err
		}
		if l.col == nil {
			return nil, errAt(n, "put a field before in, as in stage in [\"won\", \"lost\"]")
		}
		return w.inList(l.col, arr, neg, n)
	}
	r, err := w.operand(n.Right)
	if err != nil {
		return nil, err
	}
	if r.param && r.val.kind == valNil {
		r.val = filterValue{kind: valList} // note: a list parameter left unset holds no values.
	}
	if r.col == nil && r.val.kind == valList {
		l, err := w.operand(n.Left)
		if err != nil {
			return nil, err
		}
		if l.col == nil {
			return nil, errAt(n, "put a field before in, as in stage in %s", r.node)
		}
		return w.inValues(l.col, r.val.list, neg, n)
	}
	if r.col == nil || r.col.class != classList {
		return nil, errAt(n, "in needs a list, as in stage in [\"won\", \"lost\"], or a multiple-choice field")
	}
	l, err := w.operand(n.Left)
	if err != nil {
		return nil, err
	}
	if l.col != nil {
		return nil, errAt(n, "%s is compared with the field %s; a filter compares a field with a value", r.col.key, l.col.key)
	}
	return w.listHas(r.col, l, neg, n)
}

func (w *filterWalker) inList(fc *filterCol, arr *ast.ArrayNode, neg bool, n ast.Node) (store.Cond, error) {
	if len(arr.Nodes) > maxFilterList {
		return nil, errAt(arr, "a list holds at most %d values", maxFilterList)
	}
	items := make([]operand, 0, len(arr.Nodes))
	for _, item := range arr.Nodes {
		o, err := w.operand(item)
		if err != nil {
			return nil, err
		}
		if o.col != nil {
			return nil, errAt(item, "a list holds values, not fields such as %s", o.col.key)
		}
		items = append(items, o)
	}
	return w.inValues(fc, items, neg, n)
}

// inValues is "fc in items" (or not in, with neg).
func (w *filterWalker) inValues(fc *filterCol, items []operand, neg bool, n ast.Node) (store.Cond, error) {
	switch fc.class {
	case classList, classJSON:
		return nil, errAt(n, "%s holds a list of values; write %s", fc.key, example(fc))
	case classBool:
		return nil, errAt(n, "%s is a yes/no field; compare it with == true or == false", fc.key)
	}
	vals, hasEmpty, err := w.listValues(fc, items)
	if err != nil {
		return nil, err
	}
	return inCond(fc, vals, hasEmpty, neg), nil
}

// listValues converts the items of an in-list; off-grid numbers are dropped
// as they can never match.
func (w *filterWalker) listValues(fc *filterCol, items []operand) ([]any, bool, error) {
	var vals []any
	hasEmpty := false
	for _, o := range items {
		if o.val.kind == valList {
			return nil, false, errAt(o.node, "a list cannot hold another list")
		}
		if o.val.kind == valNil {
			hasEmpty = true
			continue
		}
		if o.val.kind == valNumber && (fc.class == classInteger || fc.class == classDecimal) {
			if _, c := offGrid(fc, store.OpEq, o.val.num); c != nil {
				continue
			}
		}
		dbv, err := w.toDB(fc, o)
		if err != nil {
			return nil, false, err
		}
		if dbv == nil {
			hasEmpty = true
			continue
		}
		vals = append(vals, dbv)
	}
	return vals, hasEmpty, nil
}

func inCond(fc *filterCol, vals []any, hasEmpty, neg bool) store.Cond {
	switch {
	case len(vals) == 0 && hasEmpty:
		return emptyCond(fc, !neg)
	case len(vals) == 0:
		return store.Bool(neg)
	case !neg && hasEmpty:
		return store.Or(store.In(fc.col, vals, false), emptyCond(fc, true))
	case !neg:
		return store.In(fc.col, vals, false)
	case hasEmpty:
		return store.And(store.In(fc.col, vals, true), emptyCond(fc, false))
	}
	return store.Or(store.In(fc.col, vals, true), store.IsNull(fc.col, true))
}

// match translates contains, startsWith and endsWith.
func (w *filterWalker) match(n *ast.BinaryNode, neg bool) (store.Cond, error) {
	l, err := w.operand(n.Left)
	if err != nil {
		return nil, err
	}
	r, err := w.operand(n.Right)
	if err != nil {
		return nil, err
	}
	switch {
	case l.col != nil && r.col != nil:
		return nil, errAt(n, "%s is compared with the field %s; a filter compares a field with a value", l.col.key, r.col.key)
	case l.col == nil && r.col != nil:
		return nil, errAt(n, "put the field first, as in %s %s \"abc\"", r.col.key, n.Operator)
	case l.col == nil:
		return nil, errAt(n, "%s needs a field on its left, as in name %s \"abc\"", n.Operator, n.Operator)
	}
	if n.Operator == "contains" && l.col.class == classList {
		return w.listHas(l.col, r, neg, n)
	}
	if l.col.class != classText {
		return nil, errAt(n, "%s works on text fields, and %s is %s field; write %s", n.Operator, l.col.key, l.col.aTypeName(), example(l.col))
	}
	if r.val.kind != valString {
		return nil, errAt(n, "%s needs text in quotes, as in %s %s \"abc\"", n.Operator, l.col.key, n.Operator)
	}
	if msg := checkFilterText(r.val.str); msg != "" {
		return nil, errAt(r.node, "%s", msg)
	}
	if r.val.str == "" {
		return store.Bool(!neg), nil // note: every text contains "", as in expr
	}
	c := store.Match(l.col.col, matchKinds[n.Operator], r.val.str)
	if neg {
		return store.Or(store.Not(c), store.IsNull(l.col.col, true)), nil
	}
	return c, nil
}

var matchKinds = map[string]string{"contains": store.MatchContains, "startsWith": store.MatchPrefix,
	"endsWith": store.MatchSuffix}

func checkFilterText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "the text is not valid UTF-8"
	case strings.ContainsRune(s, 0):
		return "the text must not contain NUL characters"
	}
	return ""
}

// listHas tests whether a multi-select or multiple-relation field holds v.
func (w *filterWalker) listHas(fc *filterCol, v operand, neg bool, n ast.Node) (store.Cond, error) {
	var raw any
	switch {
	case fc.field.Type == "relation" && v.val.kind == valNumber:
		raw = numberInput(v.val.num)
	case fc.field.Type != "relation" && v.val.kind == valString:
		raw = v.val.str
	default:
		return nil, typeMismatch(n, fc)
	}
	canon, err := fc.kind.Prepare(fc.field, []any{raw})
	if err != nil {
		return nil, prepareError(v.node, fc, err)
	}
	var el any
	switch c := canon.(type) {
	case []string:
		if len(c) == 1 {
			el = c[0]
		}
	case []int64:
		if len(c) == 1 {
			el = c[0]
		}
	}
	if el == nil {
		return nil, errAt(n, "give %s a value to look for, as in %s", fc.key, example(fc))
	}
	c := store.JSONHas(fc.col, el)
	if neg {
		return store.Or(store.Not(c), store.IsNull(fc.col, true)), nil
	}
	return c, nil
}
