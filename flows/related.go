package flows

import (
	"errors"
	"fmt"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// flowEnv is the environment the flow's programs run in on rec.
func (c *Compiled) flowEnv(rec forms.Record, v forms.FlowVars) map[string]any {
	if c.scope == nil {
		return c.Form.FlowEnv(rec, v)
	}
	return c.scope.FlowEnv(rec, v)
}

// ReadsRelated reports whether an expression of the flow reads a linked
// record (related.<field>.<key>).
func (c *Compiled) ReadsRelated() bool { return c.readsRelated }

// LoadRelated reads, with get, the records rec links to through its single
// relation fields, when the flow's expressions read them; nil otherwise. A
// link to a record that no longer exists reads as empty.
func (c *Compiled) LoadRelated(rec forms.Record, get func(target *forms.Compiled, id int64) (forms.Record, error)) (map[string]forms.Record, error) {
	if !c.readsRelated || c.scope == nil {
		return nil, nil
	}
	out := map[string]forms.Record{}
	for key, target := range c.scope.Related() {
		id, ok := rec[key].(int64)
		if !ok || id == 0 {
			continue
		}
		r, err := get(target, id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[key] = r
	}
	return out, nil
}

// checkRelated reports related.<field> where field is not a single
// relation of the form, and related.<field>.<key> where key is neither id
// nor a field of the linked form, at its position in src. expr cannot:
// related is a map.
func (c *compiler) checkRelated(path, src string) []forms.Problem {
	if c.scope == nil || !strings.Contains(src, "related") {
		return nil
	}
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &memberVisitor{root: "related"}
	ast.Walk(&tree.Node, v)
	var ps []forms.Problem
	for _, ref := range v.refs {
		if _, ok := c.scope.Related()[ref.id]; !ok {
			line, col := position(src, ref.at)
			ps = append(ps, forms.Problem{Path: path, Code: forms.CodeUnknownFieldRef, Line: line, Column: col,
				Message: fmt.Sprintf("related.%s: %s has no single relation field %q", ref.id, c.form.Form.Key, ref.id)})
		}
	}
	lv := &linkedVisitor{}
	ast.Walk(&tree.Node, lv)
	for _, ref := range lv.refs {
		target, ok := c.scope.Related()[ref.link]
		if !ok {
			continue
		}
		if _, ok := target.Field(ref.key); ok || ref.key == "id" {
			continue
		}
		line, col := position(src, ref.at)
		ps = append(ps, forms.Problem{Path: path, Code: forms.CodeUnknownFieldRef, Line: line, Column: col,
			Message: fmt.Sprintf("related.%s.%s: %s has no field %q", ref.link, ref.key, target.Form.Key, ref.key)})
	}
	return ps
}

// linkedVisitor finds related.<link>.<key>.
type linkedVisitor struct {
	refs []struct {
		link, key string
		at        int
	}
}

func (v *linkedVisitor) Visit(n *ast.Node) {
	outer, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	inner, ok := outer.Node.(*ast.MemberNode)
	if !ok {
		return
	}
	root, ok := inner.Node.(*ast.IdentifierNode)
	if !ok || root.Value != "related" {
		return
	}
	link, ok1 := inner.Property.(*ast.StringNode)
	key, ok2 := outer.Property.(*ast.StringNode)
	if ok1 && ok2 {
		v.refs = append(v.refs, struct {
			link, key string
			at        int
		}{link.Value, key.Value, root.Location().From})
	}
}
