package forms

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
)

// MaxExprString bounds every string an expression builds: a text value
// larger than this is a bomb, not a business rule.
const MaxExprString = 1 << 20

// The guard functions an expression's string-building operations are
// wrapped in. They pass their first argument through unchanged when the
// result will fit, and fail the evaluation before allocating when not.
const (
	guardSize    = "__mosaic_size"
	guardRepeat  = "__mosaic_repeat"
	guardReplace = "__mosaic_replace"
	guardJoin    = "__mosaic_join"
)

// ExprBounds are the options that keep an expression from exhausting the
// server, on top of expr's node limit and memory budget: expr's repeat
// allocates before it checks its budget (repeat(repeat("x", 900000),
// 900000) asks for 810 GB), and replace, join and + have no size bound at
// all. Every such call is wrapped, at compile time, in a guard that checks
// the size of the result first.
func ExprBounds() []expr.Option {
	return []expr.Option{
		expr.Function(guardSize, func(p ...any) (any, error) {
			if s, ok := p[0].(string); ok && len(s) > MaxExprString {
				return nil, tooBig()
			}
			return p[0], nil
		}, new(func(string) string), new(func(any) any)),
		expr.Function(guardRepeat, func(p ...any) (any, error) {
			s, ok := p[0].(string)
			n, isInt := p[1].(int)
			if ok && isInt && n > 0 && len(s) > MaxExprString/n {
				return nil, tooBig()
			}
			return p[0], nil
		}, new(func(string, int) string), new(func(any, any) any)),
		expr.Function(guardReplace, func(p ...any) (any, error) {
			s, ok1 := p[0].(string)
			old, ok2 := p[1].(string)
			repl, ok3 := p[2].(string)
			if ok1 && ok2 && ok3 {
				n := strings.Count(s, old) // note: old == "" counts len(s)+1 places
				if grow := len(repl) - len(old); grow > 0 && n > 0 && (n > MaxExprString/grow || len(s)+n*grow > MaxExprString) {
					return nil, tooBig()
				}
			}
			return p[0], nil
		}, new(func(string, string, string) string), new(func(any, any, any) any)),
		expr.Function(guardJoin, func(p ...any) (any, error) {
			glue := ""
			if len(p) > 1 {
				glue, _ = p[1].(string)
			}
			v := reflect.ValueOf(p[0])
			if v.Kind() != reflect.Slice && v.Kind() != reflect.Array {
				return p[0], nil
			}
			total := 0
			for i := range v.Len() {
				if s, ok := v.Index(i).Interface().(string); ok {
					total += len(s)
				}
				total += len(glue)
				if total > MaxExprString {
					return nil, tooBig()
				}
			}
			return p[0], nil
		}, new(func(any, string) any), new(func(any) any), new(func(any, any) any)),
		expr.Patch(sizeGuards{}),
	}
}

func tooBig() error {
	return fmt.Errorf("the expression builds a text longer than %d bytes", MaxExprString)
}

// sizeGuards wraps string-building calls and concatenations in the guards.
type sizeGuards struct{}

func (sizeGuards) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		if n.Operator != "+" || !maybeString(n.Left) || !maybeString(n.Right) {
			return
		}
		n.Left = guardCall(guardSize, n.Left)
		n.Right = guardCall(guardSize, n.Right)
	case *ast.BuiltinNode:
		guardArgs(n.Name, n.Arguments)
	case *ast.CallNode:
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			guardArgs(id.Value, n.Arguments)
		}
	}
}

// guardArgs wraps the first argument of a string-building builtin in its
// guard.
func guardArgs(name string, args []ast.Node) {
	switch {
	case name == "repeat" && len(args) == 2:
		args[0] = guardCall(guardRepeat, args[0], args[1])
	case name == "replace" && len(args) == 3:
		args[0] = guardCall(guardReplace, args[0], args[1], args[2])
	case name == "join" && len(args) >= 1:
		args[0] = guardCall(guardJoin, args...)
	}
}

func guardCall(name string, args ...ast.Node) ast.Node {
	call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: append([]ast.Node(nil), args...)}
	call.SetLocation(args[0].Location())
	call.Callee.SetLocation(args[0].Location())
	return call
}

// maybeString is whether a node may hold a string when evaluated.
func maybeString(n ast.Node) bool {
	if c, ok := n.(*ast.CallNode); ok {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok && strings.HasPrefix(id.Value, "__mosaic_") {
			return false // note: already guarded
		}
	}
	t := n.Type()
	return t == nil || t.Kind() == reflect.String || t.Kind() == reflect.Interface
}
