package reports

import (
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/shopspring/decimal"
)

// bindFilter is a filter of the report (its own, or a measure's) with the
// parameters written in as values, in the records-list filter language: what the records list runs
// to show the records behind a cell. Comparisons of a parameter with a
// value are decided and the conditions simplified, so an optional filter
// left unset (params.region == nil || region == params.region)
// disappears. The parameters are substituted in the parsed filter, never
// in its text.
func (c *Compiled) bindFilter(src string, params map[string]any) (string, error) {
	if src == "" {
		return "", nil
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return "", err
	}
	b := &binder{params: params, bound: map[ast.Node]bool{}}
	ast.Walk(&tree.Node, b)
	n, constant := b.simplify(tree.Node)
	switch {
	case constant == nil:
		return n.String(), nil
	case *constant:
		return "", nil
	}
	return "id == nil", nil // note: ids are never empty: no record.
}

// binder replaces params.<key> with literal nodes.
type binder struct {
	params map[string]any
	// bound are the literal nodes that replaced a parameter.
	bound map[ast.Node]bool
}

func (b *binder) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	prop, isStr := m.Property.(*ast.StringNode)
	if !ok || !isStr || id.Value != "params" {
		return
	}
	lit := literalNode(b.params[prop.Value])
	b.bound[lit] = true
	*n = lit
}

// literalNode is a parameter value as a literal of the filter language.
func literalNode(v any) ast.Node {
	switch x := v.(type) {
	case nil:
		return &ast.NilNode{}
	case string:
		return &ast.StringNode{Value: x}
	case bool:
		return &ast.BoolNode{Value: x}
	case int64:
		return &ast.IntegerNode{Value: int(x)}
	case decimal.Decimal:
		if x.IsInteger() && x.Abs().LessThan(decimal.NewFromInt(1<<53)) {
			return &ast.IntegerNode{Value: int(x.IntPart())}
		}
		return &numberNode{text: x.String()}
	case []any:
		arr := &ast.ArrayNode{}
		for _, it := range x {
			arr.Nodes = append(arr.Nodes, literalNode(it))
		}
		return arr
	}
	// note: times are written as the list filter reads them, in quotes.
	s := literal(v)
	return &ast.StringNode{Value: s[1 : len(s)-1]}
}

// numberNode is an exact decimal number, printed as written.
type numberNode struct {
	ast.FloatNode
	text string
}

// String prints the number without the float's rounding.
func (n *numberNode) String() string { return n.text }

// simplify decides comparisons between a parameter and a value and folds
// the conditions they decide; constant is nil unless n is always true or
// always false.
func (b *binder) simplify(n ast.Node) (ast.Node, *bool) {
	switch x := n.(type) {
	case *ast.BinaryNode:
		switch x.Operator {
		case "&&", "and", "||", "or":
			return b.logic(x)
		case "==", "!=":
			if b.bound[x.Left] || b.bound[x.Right] {
				if isValue(x.Left) && isValue(x.Right) {
					eq := sameLiteral(x.Left, x.Right)
					return n, ptr(eq == (x.Operator == "=="))
				}
			}
		}
	case *ast.UnaryNode:
		if x.Operator == "!" || x.Operator == "not" {
			inner, c := b.simplify(x.Node)
			if c != nil {
				return n, ptr(!*c)
			}
			return &ast.UnaryNode{Operator: x.Operator, Node: inner}, nil
		}
	}
	return n, nil
}

func (b *binder) logic(x *ast.BinaryNode) (ast.Node, *bool) {
	and := x.Operator == "&&" || x.Operator == "and"
	l, lc := b.simplify(x.Left)
	r, rc := b.simplify(x.Right)
	switch {
	case lc != nil && *lc != and, rc != nil && *rc != and:
		return x, ptr(!and) // false && …, true || …
	case lc != nil && rc != nil:
		return x, ptr(and)
	case lc != nil:
		return r, nil
	case rc != nil:
		return l, nil
	}
	return &ast.BinaryNode{Operator: x.Operator, Left: l, Right: r}, nil
}

func ptr(v bool) *bool { return &v }

// isValue reports whether n is a literal (not a field).
func isValue(n ast.Node) bool {
	switch n.(type) {
	case *ast.NilNode, *ast.StringNode, *ast.BoolNode, *ast.IntegerNode, *ast.FloatNode, *numberNode, *ast.ArrayNode:
		return true
	case *ast.UnaryNode:
		u := n.(*ast.UnaryNode)
		return u.Operator == "-" && isValue(u.Node)
	}
	return false
}

// sameLiteral compares two literals as forms compares a parameter with a
// value: nil, "" and an empty list are alike.
func sameLiteral(a, b ast.Node) bool {
	if isEmptyLiteral(a) || isEmptyLiteral(b) {
		return isEmptyLiteral(a) && isEmptyLiteral(b)
	}
	return a.String() == b.String()
}

func isEmptyLiteral(n ast.Node) bool {
	switch x := n.(type) {
	case *ast.NilNode:
		return true
	case *ast.StringNode:
		return x.Value == ""
	case *ast.ArrayNode:
		return len(x.Nodes) == 0
	}
	return false
}
