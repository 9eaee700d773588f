package forms

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
)

// errConstant is what sides reports for a comparison of a parameter with a
// value, which is decided at once rather than in the database.
var errConstant = errors.New("constant comparison")

// param resolves params.<name> in a report filter.
func (w *filterWalker) param(n *ast.MemberNode) (operand, error) {
	prop, _ := n.Property.(*ast.StringNode)
	if prop == nil {
		return operand{}, errAt(n, "write a parameter as params.name")
	}
	raw, ok := w.params[prop.Value]
	if !ok {
		return operand{}, errAt(n, "there is no parameter %q; declare it in the report's params", prop.Value)
	}
	v, err := paramValue(raw, n)
	if err != nil {
		return operand{}, err
	}
	return operand{val: v, node: n, param: true}, nil
}

// paramValue turns a parameter's value into a filter value: nil, text,
// numbers, yes/no, times, and lists of those.
func paramValue(raw any, n ast.Node) (filterValue, error) {
	switch x := raw.(type) {
	case int:
		return filterValue{kind: valNumber, num: decimal.NewFromInt(int64(x))}, nil
	case int64:
		return filterValue{kind: valNumber, num: decimal.NewFromInt(x)}, nil
	case decimal.Decimal:
		return filterValue{kind: valNumber, num: x}, nil
	case time.Time:
		return filterValue{kind: valTime, t: x.UTC()}, nil
	case []any:
		return listParam(x, n)
	case []string:
		items := make([]any, len(x))
		for i, s := range x {
			items[i] = s
		}
		return listParam(items, n)
	case float64, string, bool, nil, json.Number:
		if v, ok := attrValue(x); ok {
			return v, nil
		}
	}
	return filterValue{}, errAt(n, "%s holds a value a filter cannot compare with", n)
}

func listParam(items []any, n ast.Node) (filterValue, error) {
	if len(items) > maxFilterList {
		return filterValue{}, errAt(n, "%s holds more than %d values", n, maxFilterList)
	}
	v := filterValue{kind: valList, list: make([]operand, 0, len(items))}
	for _, it := range items {
		iv, err := paramValue(it, n)
		if err != nil {
			return filterValue{}, err
		}
		if iv.kind == valList {
			return filterValue{}, errAt(n, "%s is a list of lists; a parameter list holds plain values", n)
		}
		v.list = append(v.list, operand{val: iv, node: n, param: true})
	}
	return v, nil
}

// constantCompare decides "l op r" where both sides are values and one is
// a parameter; only == and != apply. An empty list equals nil.
func constantCompare(n *ast.BinaryNode, l, r operand, op string, neg bool) (store.Cond, error) {
	if op != "==" && op != "!=" {
		return nil, errAt(n, "a parameter is compared with a value only through == and !=, as in params.region == nil")
	}
	eq := sameValue(l.val, r.val)
	return store.Bool((op == "==") == eq != neg), nil
}

// sameValue reports whether two filter values are equal.
func sameValue(a, b filterValue) bool {
	if isEmptyValue(a) || isEmptyValue(b) {
		return isEmptyValue(a) && isEmptyValue(b)
	}
	if a.kind != b.kind {
		return false
	}
	switch a.kind {
	case valNumber:
		return a.num.Equal(b.num)
	case valString:
		return a.str == b.str
	case valBool:
		return a.b == b.b
	case valTime:
		return a.t.Equal(b.t)
	case valList:
		if len(a.list) != len(b.list) {
			return false
		}
		for i := range a.list {
			if !sameValue(a.list[i].val, b.list[i].val) {
				return false
			}
		}
		return true
	}
	return false
}

// isEmptyValue is nil, "" or an empty list: what == nil matches.
func isEmptyValue(v filterValue) bool {
	return v.kind == valNil || (v.kind == valString && v.str == "") || (v.kind == valList && len(v.list) == 0)
}
