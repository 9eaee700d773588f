package flows

import (
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// note: every expression of a flow is compiled against the bound form's
// typed environment (forms.CompileCondition and friends). When that form is
// unknown, its absence is already reported and expressions are not checked.

// condition compiles src (at path) as a condition; nil when it does not.
func (c *compiler) condition(path, src string) *vm.Program {
	if !c.exprGiven(path, src) {
		return nil
	}
	prog, err := c.scope.CompileCondition(src)
	return c.kept(path, src, prog, err)
}

// value compiles src (at path) as a value of any type.
func (c *compiler) value(path, src string) *vm.Program {
	if !c.exprGiven(path, src) {
		return nil
	}
	prog, err := c.scope.CompileValue(src)
	return c.kept(path, src, prog, err)
}

// fieldValue compiles src (at path) as the value of target, a field of the
// flow's form or of another form.
func (c *compiler) fieldValue(path, src string, target *forms.CField) *vm.Program {
	if !c.exprGiven(path, src) {
		return nil
	}
	prog, err := c.scope.CompileFieldValue(src, target)
	prog = c.kept(path, src, prog, err)
	if prog != nil {
		c.checkConstant(path, src, target)
	}
	return prog
}

// updateValue compiles src (at path) as the value an update_record action
// stores in target, a field of into; src may read the record being updated
// as target.
func (c *compiler) updateValue(path, src string, into *forms.Compiled, target *forms.CField) *vm.Program {
	if !c.exprGiven(path, src) {
		return nil
	}
	prog, err := c.scope.CompileUpdateValue(src, into, target)
	prog = c.kept(path, src, prog, err)
	if prog == nil {
		return nil
	}
	if ps := checkTargetFields(path, src, into); len(ps) > 0 {
		c.ps = append(c.ps, ps...)
		return nil
	}
	c.checkConstant(path, src, target)
	return prog
}

// checkTargetFields reports target.<key> where key is neither id nor a
// field of into, at its position in src. expr cannot: target is a map.
func checkTargetFields(path, src string, into *forms.Compiled) []forms.Problem {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &memberVisitor{root: "target"}
	ast.Walk(&tree.Node, v)
	var ps []forms.Problem
	for _, ref := range v.refs {
		if _, ok := into.Field(ref.id); ok || ref.id == "id" {
			continue
		}
		line, col := position(src, ref.at)
		ps = append(ps, forms.Problem{Path: path, Code: forms.CodeUnknownFieldRef, Line: line, Column: col,
			Message: fmt.Sprintf("target.%s: %s has no field %q", ref.id, into.Form.Key, ref.id)})
	}
	return ps
}

// readsTarget reports whether prog reads the name target.
func readsTarget(prog *vm.Program) bool {
	v := &identVisitor{name: "target"}
	node := prog.Node()
	ast.Walk(&node, v)
	return v.found
}

type identVisitor struct {
	name  string
	found bool
}

func (v *identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok && id.Value == v.name {
		v.found = true
	}
}

// idValue compiles src (at path) as a record or user id, or with list a list
// of them.
func (c *compiler) idValue(path, src string, list bool, what string) *vm.Program {
	prog := c.value(path, src)
	if prog == nil {
		return nil
	}
	t := prog.Node().Type()
	if t == nil || t.Kind() == reflect.Interface || isInteger(t) ||
		(list && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array)) {
		return prog
	}
	c.ps = append(c.ps, forms.Problem{Path: path, Code: forms.CodeInvalidExpr, Line: 1, Column: 1,
		Message: fmt.Sprintf("the expression gives %s, but it must give %s", t, what)})
	return nil
}

func isInteger(t reflect.Type) bool {
	return t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
}

// exprGiven reports whether src can be compiled: the form is known and src
// is not empty (which is reported).
func (c *compiler) exprGiven(path, src string) bool {
	if c.form == nil {
		return false
	}
	if strings.TrimSpace(src) == "" {
		c.add(path, CodeMissingSetting, "the expression is empty")
		return false
	}
	return true
}

// kept reports a compile error, or checks the decisions src reads, and
// returns the program when src is usable.
func (c *compiler) kept(path, src string, prog *vm.Program, err error) *vm.Program {
	if err != nil {
		c.ps = append(c.ps, forms.ExprProblem(path, err))
		return nil
	}
	if ps := c.checkDecisions(path, src); len(ps) > 0 {
		c.ps = append(c.ps, ps...)
		return nil
	}
	if strings.Contains(src, "related") {
		if ps := c.checkRelated(path, src); len(ps) > 0 {
			c.ps = append(c.ps, ps...)
			return nil
		}
		c.out.readsRelated = true
	}
	return prog
}

// checkDecisions reports decisions.<id> (and decisions["id"]) where id is not
// an approval node of the flow, at its position in src.
func (c *compiler) checkDecisions(path, src string) []forms.Problem {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &memberVisitor{root: "decisions"}
	ast.Walk(&tree.Node, v)
	var ps []forms.Problem
	for _, ref := range v.refs {
		if c.approvals[ref.id] {
			continue
		}
		line, col := position(src, ref.at)
		ps = append(ps, forms.Problem{Path: path, Code: CodeUnknownNode, Line: line, Column: col,
			Message: fmt.Sprintf("decisions.%s: there is no approval or subflow node %q in this flow", ref.id, ref.id)})
	}
	return ps
}

// decisionRef is a member read of a root name (decisions.x, target.x).
type decisionRef struct {
	id string
	at int // rune offset in the source
}

// memberVisitor finds root.<name> and root["name"].
type memberVisitor struct {
	root string
	refs []decisionRef
}

func (v *memberVisitor) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	id, ok := m.Node.(*ast.IdentifierNode)
	if !ok || id.Value != v.root {
		return
	}
	if prop, ok := m.Property.(*ast.StringNode); ok {
		v.refs = append(v.refs, decisionRef{id: prop.Value, at: id.Location().From})
	}
}

// position turns a rune offset in src into a 1-based line and column.
func position(src string, offset int) (line, col int) {
	line, col = 1, 1
	i := 0
	for _, r := range src {
		if i == offset {
			break
		}
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i++
	}
	return line, col
}

// checkConstant checks a constant value (such as "approved" for a select)
// against the field it is stored in, so a misspelt option is found at
// publish rather than when the action runs.
func (c *compiler) checkConstant(path, src string, target *forms.CField) {
	tree, err := parser.Parse(src)
	if err != nil {
		return
	}
	var v any
	switch n := tree.Node.(type) {
	case *ast.StringNode:
		v = n.Value
	case *ast.IntegerNode:
		v = n.Value
	case *ast.FloatNode:
		v = n.Value
	case *ast.BoolNode:
		v = n.Value
	default:
		return
	}
	canon, err := target.Kind.Prepare(target.Field, v)
	if err != nil {
		c.ps = append(c.ps, forms.Problem{Path: path, Code: forms.CodeInvalidValue, Line: 1, Column: 1,
			Message: fmt.Sprintf("%s cannot hold %s: %v", target.Key, src, err)})
		return
	}
	ck, ok := target.Kind.(forms.Constrained)
	if !ok || canon == nil {
		return
	}
	if code, msg := ck.Check(target.Field, canon); code != "" {
		c.ps = append(c.ps, forms.Problem{Path: path, Code: code, Line: 1, Column: 1,
			Message: fmt.Sprintf("%s %s, not %s", target.Key, msg, src)})
	}
}

// template is a message: text with {{ expression }} placeholders.
type template []segment

// segment is literal text, or an expression when prog is set. field is set
// when the expression is just a field of the record, which is then written
// as the API shows it (money with its decimals, dates as 2026-03-31).
type segment struct {
	text  string
	prog  *vm.Program
	field *forms.CField
}

// compileTemplate splits src (at path) into text and compiled placeholders.
// Positions of mistakes are given in src.
func (c *compiler) compileTemplate(path, src string) template {
	var out template
	rest, offset := src, 0 // offset: runes of src before rest
	for {
		open := strings.Index(rest, "{{")
		if open < 0 {
			return append(out, segment{text: rest})
		}
		out = append(out, segment{text: rest[:open]})
		start := offset + utf8.RuneCountInString(rest[:open])
		closeAt := strings.Index(rest[open+2:], "}}")
		if closeAt < 0 {
			c.templateProblem(path, src, start, "this {{ is not closed by }}")
			return nil
		}
		inner := rest[open+2 : open+2+closeAt]
		innerStart := start + 2
		if strings.TrimSpace(inner) == "" {
			c.templateProblem(path, src, start, "{{ }} holds no expression")
		} else if c.form != nil {
			prog, err := c.scope.CompileValue(inner)
			if err == nil && strings.Contains(inner, "related") {
				c.out.readsRelated = true
			}
			if err != nil {
				p := forms.ExprProblem(path, err)
				p.Line, p.Column = shift(src, innerStart, p.Line, p.Column)
				c.ps = append(c.ps, p)
			} else {
				f, ok := c.form.Field(strings.TrimSpace(inner))
				if !ok || f.Child != nil {
					f = nil
				}
				out = append(out, segment{prog: prog, field: f})
			}
		}
		consumed := rest[:open+2+closeAt+2]
		offset += utf8.RuneCountInString(consumed)
		rest = rest[len(consumed):]
	}
}

func (c *compiler) templateProblem(path, src string, at int, msg string) {
	line, col := position(src, at)
	c.ps = append(c.ps, forms.Problem{Path: path, Code: CodeInvalidTemplate, Message: msg, Line: line, Column: col})
}

// shift turns a line and column inside a placeholder that starts at rune
// offset start of src into a line and column of src.
func shift(src string, start, line, col int) (int, int) {
	l0, c0 := position(src, start)
	if line <= 1 {
		return l0, c0 + col - 1
	}
	return l0 + line - 1, col
}
