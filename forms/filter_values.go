package forms

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

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
	fc, msg := w.c.filterColumn(n.Value, w.acc)
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
	if id.Value == "params" && w.params != nil {
		return w.param(n)
	}
	if id.Value != "user" {
		if _, msg := w.c.filterColumn(id.Value, w.acc); msg != "" {
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
	case prop != nil:
		// note: other names are the user's attributes ({"region": "east"});
		// one the user lacks is nil, so `region == user.region` matches
		// nothing rather than everything.
		v, ok := attrValue(w.actor.Attrs[prop.Value])
		if !ok {
			return o, errAt(n, "user.%s is not a value a filter can compare with", prop.Value)
		}
		o.val = v
	default:
		return o, errAt(n, "the current user offers user.id, user.email, user.name and the user's attributes")
	}
	return o, nil
}

// attrValue turns a user attribute (decoded from JSON) into a filter value.
func attrValue(v any) (filterValue, bool) {
	switch x := v.(type) {
	case nil:
		return filterValue{kind: valNil}, true
	case string:
		return filterValue{kind: valString, str: x}, true
	case bool:
		return filterValue{kind: valBool, b: x}, true
	case float64:
		return filterValue{kind: valNumber, num: decimal.NewFromFloat(x)}, true
	case json.Number:
		d, err := decimal.NewFromString(string(x))
		return filterValue{kind: valNumber, num: d}, err == nil
	}
	return filterValue{}, false
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
