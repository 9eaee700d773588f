package forms

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

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
	// noValue marks an ordering comparison with a parameter that has no
	// value, which a term deciding the chain before it makes moot.
	noValue bool
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
	return c.FilterAs(src, actor, nil)
}

// FilterAs is Filter for a caller with access acc: fields acc hides are
// unknown to the filter.
func (c *Compiled) FilterAs(src string, actor Actor, acc *Access) (store.Cond, error) {
	return c.filter(src, actor, acc, nil)
}

// FilterParams is FilterAs for a filter with named parameters, as report
// filters have: params.<name> stands for params[name], a value bound like a
// literal and converted through the type of the field it is compared with
// (a date parameter compared with a date-time field is midnight UTC, a
// number compared with money becomes minor units). A []any value is a list
// for in (stage in params.stages). A parameter params lacks is an error.
// Comparing a parameter with a value is decided at once, so an optional
// filter reads:
//
//	params.region == nil || region == params.region
//
// params must not be nil; without parameters, "params" is an ordinary
// (unknown) field name.
func (c *Compiled) FilterParams(src string, actor Actor, acc *Access, params map[string]any) (store.Cond, error) {
	if params == nil {
		params = map[string]any{}
	}
	return c.filter(src, actor, acc, params)
}

func (c *Compiled) filter(src string, actor Actor, acc *Access, params map[string]any) (store.Cond, error) {
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
	w := &filterWalker{c: c, actor: actor, acc: acc, now: time.Now().UTC(), params: params}
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
