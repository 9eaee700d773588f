package forms

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Limits on one list filter.
const (
	maxFilterBytes = 4000 // length of the source
	maxFilterNodes = 300  // AST nodes, not counting the literals of in-lists
	maxFilterDepth = 32   // nesting of conditions and values
	maxFilterList  = 500  // items of one in-list
)

// filterHelp says what a filter may contain; unsupported syntax reports it.
const filterHelp = "filters support comparisons of a field with a value (== != < <= > >=), " +
	"in and not in [...], contains, startsWith, endsWith, and/or/not, == nil, " +
	"user.id, user.email, user.name, now() and today()"

// FilterError reports a list filter (or a sort, see SortError) that cannot
// be used. Message is meant for the person who wrote the filter; Column is
// the 1-based position (in characters) in the filter where the problem is,
// or 0 when it concerns the filter as a whole. It wraps store.ErrInvalid.
type FilterError struct {
	Message string
	Column  int
}

// Error renders the problem as "filter: message (column N)".
func (e *FilterError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("filter: %s (column %d)", e.Message, e.Column)
	}
	return "filter: " + e.Message
}

// Unwrap makes errors.Is(err, store.ErrInvalid) hold for a FilterError.
func (e *FilterError) Unwrap() error { return store.ErrInvalid }

// Filter translates a list filter, written as an expr expression over the
// form's fields and system columns, into a store condition. Every literal
// becomes a bound value converted through its field's type (money in minor
// units, select labels to values, dates from strings); no part of src ever
// becomes SQL text. An empty src is no filter: (nil, nil). Any problem is a
// *FilterError.
//
// Semantics: an empty value (SQL NULL, or "" for text) matches == nil and
// == "", and also !=, not in and negations, as in expr, where an empty field
// differs from every value; "not" is the exact complement of what it negates.
// A yes/no field that is empty counts as false.
//
// Example:
//
//	cond, err := c.Filter(`amount > 100000 && stage in ["won", "lost"] && owner == user.id`, actor)
//	cond, err := c.Filter(`name contains "50%" || not (tags contains "vip")`, actor)
//	cond, err := c.Filter(`due < today() && closed_at == nil`, actor)
func (c *Compiled) Filter(src string, actor Actor) (store.Cond, error) {
	if strings.TrimSpace(src) == "" {
		return nil, nil
	}
	if len(src) > maxFilterBytes {
		return nil, &FilterError{Message: fmt.Sprintf("the filter is too long (at most %d bytes)", maxFilterBytes)}
	}
	tree, err := parseFilter(src)
	if err != nil {
		return nil, err
	}
	if n := countFilterNodes(tree.Node); n > maxFilterNodes {
		return nil, &FilterError{Message: fmt.Sprintf("the filter is too complex (%d parts; at most %d)", n, maxFilterNodes)}
	}
	w := &filterWalker{c: c, actor: actor, now: time.Now().UTC()}
	return w.cond(tree.Node, false)
}

// parseFilter parses src, turning expr's positioned error into a FilterError.
func parseFilter(src string) (tree *parser.Tree, err error) {
	defer func() {
		// note: the parser is a third-party component fed with user input;
		// a panic in it must not take the request down.
		if r := recover(); r != nil {
			tree, err = nil, &FilterError{Message: "the filter could not be read"}
		}
	}()
	tree, err = parser.Parse(src)
	if err != nil {
		var fe *file.Error
		if errors.As(err, &fe) {
			return nil, &FilterError{Message: parseMessage(fe.Message), Column: fe.From + 1}
		}
		return nil, &FilterError{Message: "the filter could not be read"}
	}
	if tree == nil || tree.Node == nil {
		return nil, &FilterError{Message: "the filter could not be read"}
	}
	return tree, nil
}

// parseMessage rewords the parser's commonest complaints.
func parseMessage(msg string) string {
	switch {
	case msg == `unexpected token Operator("=")`:
		return `unexpected "="; compare with ==`
	case strings.HasPrefix(msg, "unexpected token EOF"), msg == "unexpected end of expression":
		return "the filter ends too early; something is missing at its end"
	}
	return msg
}

// nodeCounter counts AST nodes; the plain literals of a list are bounded by
// maxFilterList instead.
type nodeCounter struct{ n int }

func (v *nodeCounter) Visit(node *ast.Node) {
	v.n++
	if arr, ok := (*node).(*ast.ArrayNode); ok {
		for _, it := range arr.Nodes {
			if isLiteral(it) {
				v.n--
			}
		}
	}
}

func countFilterNodes(n ast.Node) int {
	v := &nodeCounter{}
	ast.Walk(&n, v)
	return v.n
}

func isLiteral(n ast.Node) bool {
	switch n.(type) {
	case *ast.IntegerNode, *ast.FloatNode, *ast.StringNode, *ast.BoolNode, *ast.NilNode:
		return true
	}
	return false
}

// colClass is how a filter treats a column.
type colClass int

const (
	classText colClass = iota
	classInteger
	classDecimal
	classBool
	classDate
	classDatetime
	classList // JSON array of option values or record ids
	classJSON // other JSON documents (attachments)
)

// filterCol is a column a filter or a sort may name.
type filterCol struct {
	key   string
	col   store.Ident
	field *Field
	kind  FieldType
	class colClass
}

// typeName is the field's type as people read it in messages.
func (fc *filterCol) typeName() string {
	if fc.field.Type == "formula" {
		if fc.field.Result == "" {
			return "decimal formula"
		}
		return fc.field.Result + " formula"
	}
	return strings.ReplaceAll(fc.field.Type, "_", "-")
}

// aTypeName is typeName with its article ("a money", "an email").
func (fc *filterCol) aTypeName() string {
	t := fc.typeName()
	if t != "" && strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}

var (
	rootFilterCols  = systemFilterCols(SystemColumns)
	childFilterCols = systemFilterCols(childSystemColumns)
)

// systemFilterCols describes system columns as fields of their storage type.
func systemFilterCols(names []string) map[string]*filterCol {
	m := make(map[string]*filterCol, len(names))
	for _, k := range names {
		var kind FieldType = integerType{}
		class := classInteger
		switch k {
		case "created_at", "updated_at":
			kind, class = datetimeType{}, classDatetime
		case "flow_status":
			kind, class = textType{name: "text"}, classText
		}
		m[k] = &filterCol{key: k, col: store.MustIdent(k), class: class, kind: kind,
			field: &Field{Key: k, Type: kind.Name(), Label: k}}
	}
	return m
}

// filterColumn resolves key through the allow-list: system columns and the
// form's fields that have a column. On failure it returns a message.
func (c *Compiled) filterColumn(key string) (*filterCol, string) {
	sys := rootFilterCols
	if c.parent != nil {
		sys = childFilterCols
	}
	if fc, ok := sys[key]; ok {
		return fc, ""
	}
	f, ok := c.byKey[key]
	if !ok {
		return nil, fmt.Sprintf("unknown field %q", key)
	}
	if f.Child != nil {
		return nil, fmt.Sprintf("%s is a sub-table; its rows cannot be filtered or sorted from here", key)
	}
	class, ok := classify(f.Field, f.Kind)
	if f.Column == "" || !ok {
		return nil, fmt.Sprintf("%s has no column of its own and cannot be filtered or sorted", key)
	}
	return &filterCol{key: key, col: f.Column, field: f.Field, kind: f.Kind, class: class}, ""
}

func classify(f *Field, kind FieldType) (colClass, bool) {
	t, ok := kind.Column(f)
	if !ok {
		return 0, false
	}
	switch t {
	case store.TypeBigInt:
		base := kind
		if ft, ok := kind.(formulaType); ok {
			base = ft.result(f)
		}
		if _, ok := base.(decimalType); ok {
			return classDecimal, true
		}
		return classInteger, true
	case store.TypeBool:
		return classBool, true
	case store.TypeDate:
		return classDate, true
	case store.TypeTimestamp:
		return classDatetime, true
	case store.TypeJSON:
		if f.Type == "multi_select" || f.Type == "relation" {
			return classList, true
		}
		return classJSON, true
	}
	return classText, true
}

// valueKind is the type of a value written in a filter.
type valueKind int

const (
	valNil valueKind = iota
	valNumber
	valString
	valBool
	valTime
)

// filterValue is a value written in a filter (a literal, user.*, now()).
type filterValue struct {
	kind valueKind
	num  decimal.Decimal
	str  string
	b    bool
	t    time.Time
}

// operand is one side of a comparison: a column or a value.
type operand struct {
	col  *filterCol
	val  filterValue
	node ast.Node
}

// filterWalker turns one parsed filter into a condition.
type filterWalker struct {
	c     *Compiled
	actor Actor
	now   time.Time
	depth int
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
	for _, t := range terms {
		c, err := w.cond(t, neg)
		if err != nil {
			return nil, err
		}
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
	if err != nil {
		return nil, err
	}
	fc := l.col
	if r.val.kind == valNil {
		if op != "==" && op != "!=" {
			return nil, errAt(n, "only == and != compare with nil")
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
	switch fc.class {
	case classList, classJSON:
		return nil, errAt(n, "%s holds a list of values; write %s", fc.key, example(fc))
	case classBool:
		return nil, errAt(n, "%s is a yes/no field; compare it with == true or == false", fc.key)
	}
	vals, hasEmpty, err := w.listValues(fc, arr)
	if err != nil {
		return nil, err
	}
	return inCond(fc, vals, hasEmpty, neg), nil
}

// listValues converts the items of an in-list; off-grid numbers are dropped
// as they can never match.
func (w *filterWalker) listValues(fc *filterCol, arr *ast.ArrayNode) ([]any, bool, error) {
	var vals []any
	hasEmpty := false
	for _, item := range arr.Nodes {
		o, err := w.operand(item)
		if err != nil {
			return nil, false, err
		}
		if o.col != nil {
			return nil, false, errAt(item, "a list holds values, not fields such as %s", o.col.key)
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

// numberInput is d as the input Prepare expects: int64 when whole and in
// range, float64 otherwise (which Prepare then reports).
func numberInput(d decimal.Decimal) any {
	if d.IsInteger() && d.Abs().LessThanOrEqual(decimal.NewFromInt(math.MaxInt64)) {
		return d.IntPart()
	}
	f, _ := d.Float64()
	return f
}

// toDB converts a value for fc through the field's behaviour (Prepare, then
// ToDB). A nil result means the value is empty.
func (w *filterWalker) toDB(fc *filterCol, v operand) (any, error) {
	raw, err := rawInput(fc, v)
	if err != nil {
		return nil, err
	}
	canon, err := fc.kind.Prepare(fc.field, raw)
	if err != nil && fc.class == classDatetime && v.val.kind == valString {
		// note: a plain date is accepted for a date-time: midnight UTC.
		if t, perr := time.Parse(DateLayout, strings.TrimSpace(v.val.str)); perr == nil {
			canon, err = fc.kind.Prepare(fc.field, t)
		}
	}
	if err != nil {
		return nil, prepareError(v.node, fc, err)
	}
	if canon == nil {
		return nil, nil
	}
	dbv, err := fc.kind.ToDB(fc.field, canon)
	if err != nil {
		return nil, errAt(v.node, "%s cannot be compared with this value", fc.key)
	}
	return dbv, nil
}

// rawInput checks that v suits fc's type and returns the input for Prepare.
func rawInput(fc *filterCol, v operand) (any, error) {
	switch {
	case fc.class == classText && v.val.kind == valString,
		(fc.class == classDate || fc.class == classDatetime) && v.val.kind == valString:
		return v.val.str, nil
	case (fc.class == classDate || fc.class == classDatetime) && v.val.kind == valTime:
		return v.val.t, nil
	case fc.class == classBool && v.val.kind == valBool:
		return v.val.b, nil
	case fc.class == classDecimal && v.val.kind == valNumber:
		return v.val.num, nil
	case fc.class == classInteger && v.val.kind == valNumber:
		if !v.val.num.IsInteger() || v.val.num.Abs().GreaterThan(decimal.NewFromInt(math.MaxInt64)) {
			return nil, errAt(v.node, "%s is too large for %s", v.val.num, fc.key)
		}
		return v.val.num.IntPart(), nil
	}
	return nil, typeMismatch(v.node, fc)
}

// typeMismatch says what fc should be compared with.
func typeMismatch(n ast.Node, fc *filterCol) error {
	var want string
	switch fc.class {
	case classInteger, classDecimal:
		want = "a number"
	case classBool:
		want = "true or false"
	case classDate:
		want = `a date in quotes, or today()`
	case classDatetime:
		want = `a date and time in quotes, or now()`
	case classList:
		want = "a value it may hold"
		if fc.field.Type == "relation" {
			want = "a record id"
		}
	default:
		want = "text in quotes"
	}
	return errAt(n, "%s is %s field; compare it with %s, as in %s", fc.key, fc.aTypeName(), want, example(fc))
}

func prepareError(n ast.Node, fc *filterCol, err error) error {
	var ev errValue
	if errors.As(err, &ev) {
		return errAt(n, "%s %s", fc.key, ev.msg)
	}
	return errAt(n, "%s cannot be compared with this value", fc.key)
}

// operand resolves n as a column or a value.
func (w *filterWalker) operand(n ast.Node) (operand, error) {
	if err := w.enter(n); err != nil {
		return operand{}, err
	}
	defer w.leave()
	o := operand{node: n}
	switch n := n.(type) {
	case *ast.IdentifierNode:
		return w.identifier(n)
	case *ast.NilNode:
		o.val.kind = valNil
	case *ast.IntegerNode:
		o.val = filterValue{kind: valNumber, num: decimal.NewFromInt(int64(n.Value))}
	case *ast.FloatNode:
		if math.IsNaN(n.Value) || math.IsInf(n.Value, 0) {
			return o, errAt(n, "the number is out of range")
		}
		o.val = filterValue{kind: valNumber, num: decimal.NewFromFloat(n.Value)}
	case *ast.StringNode:
		o.val = filterValue{kind: valString, str: n.Value}
	case *ast.BoolNode:
		o.val = filterValue{kind: valBool, b: n.Value}
	case *ast.UnaryNode:
		return w.signed(n)
	case *ast.MemberNode:
		return w.member(n)
	case *ast.CallNode, *ast.BuiltinNode:
		return w.call(n)
	case nil:
		return o, &FilterError{Message: "the filter is incomplete"}
	default:
		msg, _ := unsupported(n)
		return o, errAt(n, "%s", msg)
	}
	return o, nil
}

func (w *filterWalker) identifier(n *ast.IdentifierNode) (operand, error) {
	switch n.Value {
	case "user":
		return operand{}, errAt(n, "user is the current user; use user.id, user.email or user.name")
	case "now", "today":
		return operand{}, errAt(n, "%s is a function; write %s()", n.Value, n.Value)
	}
	fc, msg := w.c.filterColumn(n.Value)
	if fc == nil {
		return operand{}, errAt(n, "%s", msg)
	}
	return operand{col: fc, node: n}, nil
}

// signed applies unary minus or plus to a number.
func (w *filterWalker) signed(n *ast.UnaryNode) (operand, error) {
	if n.Operator != "-" && n.Operator != "+" {
		msg, _ := unsupported(n)
		return operand{}, errAt(n, "%s", msg)
	}
	o, err := w.operand(n.Node)
	if err != nil {
		return o, err
	}
	if o.col != nil || o.val.kind != valNumber {
		return o, errAt(n, "%s applies to numbers only; %s", n.Operator, "arithmetic on fields is not supported")
	}
	if n.Operator == "-" {
		o.val.num = o.val.num.Neg()
	}
	o.node = n
	return o, nil
}

// member resolves user.id, user.email and user.name.
func (w *filterWalker) member(n *ast.MemberNode) (operand, error) {
	id, ok := n.Node.(*ast.IdentifierNode)
	if !ok {
		return operand{}, errAt(n, "%s", "member access is not supported; "+filterHelp)
	}
	if id.Value != "user" {
		if _, msg := w.c.filterColumn(id.Value); msg != "" {
			return operand{}, errAt(id, "%s", msg)
		}
		return operand{}, errAt(n, "%s is a field; filters compare whole fields, not parts of them", id.Value)
	}
	prop, _ := n.Property.(*ast.StringNode)
	o := operand{node: n}
	switch {
	case prop != nil && prop.Value == "id":
		o.val = filterValue{kind: valNumber, num: decimal.NewFromInt(w.actor.ID)}
	case prop != nil && prop.Value == "email":
		o.val = filterValue{kind: valString, str: w.actor.Email}
	case prop != nil && prop.Value == "name":
		o.val = filterValue{kind: valString, str: w.actor.Name}
	default:
		return o, errAt(n, "the current user offers user.id, user.email and user.name")
	}
	return o, nil
}

// call resolves now() and today().
func (w *filterWalker) call(n ast.Node) (operand, error) {
	if msg, bad := unsupported(n); bad {
		return operand{}, errAt(n, "%s", msg)
	}
	o := operand{node: n}
	switch n := n.(type) {
	case *ast.BuiltinNode:
		if len(n.Arguments) > 0 {
			return o, errAt(n, "now() takes no arguments")
		}
		o.val = filterValue{kind: valTime, t: w.now}
	case *ast.CallNode:
		if len(n.Arguments) > 0 {
			return o, errAt(n, "today() takes no arguments")
		}
		o.val = filterValue{kind: valTime, t: time.Date(w.now.Year(), w.now.Month(), w.now.Day(), 0, 0, 0, 0, time.UTC)}
	}
	return o, nil
}
