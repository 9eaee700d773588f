package flows

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// values lists the names src reads — fields, system columns, user.x,
// submitter.x, prev.x, decisions.x — with their values in env, in the order
// they appear in src. Fields are shown as the API shows them (money with its
// decimals, dates as 2024-03-31).
func (r *dryRun) values(src string, env map[string]any) []Value {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	v := &nameVisitor{roots: map[*ast.IdentifierNode]bool{}}
	ast.Walk(&tree.Node, v)
	slices.SortStableFunc(v.names, func(a, b readName) int { return a.at - b.at })
	var out []Value
	for _, n := range v.names {
		if n.member == "" && v.roots[n.ident] {
			continue // note: the root of user.x; x is listed instead.
		}
		val, ok := r.valueOf(n, env)
		if ok {
			out = appendNew(out, Value{Name: n.String(), Value: val})
		}
	}
	return out
}

// readName is an identifier, or root.member, read by an expression.
type readName struct {
	ident  *ast.IdentifierNode
	member string
	at     int
}

func (n readName) String() string {
	if n.member != "" {
		return n.ident.Value + "." + n.member
	}
	return n.ident.Value
}

// memberRoots are the names whose members values lists one by one.
var memberRoots = map[string]bool{"user": true, "submitter": true, "prev": true, "decisions": true}

type nameVisitor struct {
	names []readName
	roots map[*ast.IdentifierNode]bool
}

func (v *nameVisitor) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.IdentifierNode:
		v.names = append(v.names, readName{ident: x, at: x.Location().From})
	case *ast.MemberNode:
		id, ok := x.Node.(*ast.IdentifierNode)
		prop, isName := x.Property.(*ast.StringNode)
		if ok && isName && memberRoots[id.Value] {
			v.roots[id] = true
			v.names = append(v.names, readName{ident: id, member: prop.Value, at: id.Location().From})
		}
	}
}

// valueOf renders the value of n in env; ok is false for names the
// environment does not hold (variables of the expression itself).
func (r *dryRun) valueOf(n readName, env map[string]any) (json.RawMessage, bool) {
	if n.member == "" {
		if f, ok := r.c.Form.Field(n.ident.Value); ok {
			return fieldText(f, r.rec[f.Key]), true
		}
		v, ok := env[n.ident.Value]
		return jsonText(v), ok
	}
	switch root := env[n.ident.Value].(type) {
	case map[string]any:
		return jsonText(root[n.member]), true
	case map[string]string:
		return jsonText(root[n.member]), true
	}
	return nil, false
}

// fieldText renders the canonical value v of field f as the API shows it.
func fieldText(f *forms.CField, v any) json.RawMessage {
	if v == nil {
		return json.RawMessage("null")
	}
	if f.Child != nil {
		rows, _ := v.([]forms.Record)
		out := make([]map[string]any, len(rows))
		for i, row := range rows {
			out[i] = f.Child.JSON(row, nil)
		}
		return jsonText(out)
	}
	return jsonText(f.Kind.ToJSON(f.Field, v))
}

// fieldText renders the value of the record's field key.
func (r *dryRun) fieldText(key string) json.RawMessage {
	f, ok := r.c.Form.Field(key)
	if !ok {
		return json.RawMessage("null")
	}
	return fieldText(f, r.rec[key])
}

// jsonText renders v as JSON; a value JSON cannot hold (NaN) becomes text.
func jsonText(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		b, _ = json.Marshal(fmt.Sprint(v))
	}
	return b
}

// id runs prog, which gives a record id.
func (r *dryRun) id(prog *vm.Program) (int64, error) {
	out, err := expr.Run(prog, r.env())
	if err != nil {
		return 0, err
	}
	ids := idsOf(out)
	if len(ids) != 1 {
		return 0, fmt.Errorf("%s is not a record id", jsonText(out))
	}
	return ids[0], nil
}

// appendNew appends the values whose names list does not hold yet.
func appendNew(list []Value, vs ...Value) []Value {
	for _, v := range vs {
		if !slices.ContainsFunc(list, func(w Value) bool { return w.Name == v.Name }) {
			list = append(list, v)
		}
	}
	return list
}
