package forms

import (
	"fmt"
	"reflect"
	"time"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"

	"github.com/mosaic-lowcode/mosaic/store"
)

// maxExprNodes bounds the size of any expression in a definition.
const maxExprNodes = 400

// Compiled is a form ready to run: every key checked, every expression
// compiled against its typed environment, the table names resolved. It is
// immutable and safe for concurrent use.
type Compiled struct {
	Form    *Form
	Version int
	Table   store.Ident

	fields   []*CField
	byKey    map[string]*CField
	formulas []*CField // in dependency order
	rules    []compiledRule
	parent   *Compiled // set on sub-table rows
	subKey   string    // the sub-table field's key, on sub-table rows

	conversions []*CConversion
	indexes     []store.Index // declared in the definition; root forms only
	fills       []*CField     // filled fields, each after the fill of the relation it follows
}

// CField is a compiled field.
type CField struct {
	*Field
	Kind   FieldType   // the behaviour of Field.Type
	Column store.Ident // empty for sub-tables
	Child  *Compiled   // the row form of a sub-table

	defaultProg *vm.Program
	visibleProg *vm.Program
	formulaProg *vm.Program

	fillFrom  *CField // the relation a Fill follows
	fillRound int     // 0, or 1 + the round of fillFrom's own fill
}

type compiledRule struct {
	Rule
	prog *vm.Program
}

// FormSet tells the compiler which forms exist, to check relation targets.
type FormSet interface {
	HasForm(key string) bool
}

// Fields returns the compiled fields in definition order.
func (c *Compiled) Fields() []*CField { return c.fields }

// Field returns the field with key.
func (c *Compiled) Field(key string) (*CField, bool) {
	f, ok := c.byKey[key]
	return f, ok
}

// Computed reports whether the engine computes the field's value.
func (f *CField) Computed() bool {
	c, ok := f.Kind.(Computed)
	return ok && c.IsComputed()
}

// Compile checks form and compiles its expressions. version is the number the
// form will be published as. Every mistake is reported, each with its JSON
// pointer, in a *ProblemList.
func Compile(form *Form, version int, forms FormSet, types Types) (*Compiled, error) {
	var ps []Problem
	if msg := CheckKey(form.Key, false); msg != "" {
		ps = append(ps, problem("/key", CodeInvalidKey, "%s", msg))
		return nil, &ProblemList{Subject: "form/" + form.Key, Problems: ps}
	}
	table, err := TableName(form.Key)
	if err != nil {
		return nil, err
	}
	c := &Compiled{Form: form, Version: version, Table: table}
	// note: expressions are compiled even when some fields are wrong, so one
	// publish attempt reports every mistake; a field that failed is simply
	// absent from the environment.
	ps = append(ps, c.compileFields(form.Fields, "/fields", forms, types)...)
	ps = append(ps, c.compileIndexes()...)
	ps = append(ps, c.compileFills("/fields")...)
	ps = append(ps, c.compileExprs("/fields")...)
	ps = append(ps, c.compileRules()...)
	ps = append(ps, c.checkLayout()...)
	if len(ps) > 0 {
		return nil, &ProblemList{Subject: "form/" + form.Key, Problems: ps}
	}
	return c, nil
}

func (c *Compiled) compileFields(fields []Field, base string, forms FormSet, types Types) []Problem {
	var ps []Problem
	c.byKey = map[string]*CField{}
	for i := range fields {
		f := &fields[i]
		path := fmt.Sprintf("%s/%d", base, i)
		if msg := CheckKey(f.Key, true); msg != "" {
			code := CodeInvalidKey
			if reservedKeys[f.Key] || f.Key == "order" {
				code = CodeReservedKey
			}
			ps = append(ps, problem(path+"/key", code, "%s", msg))
			continue
		}
		if _, dup := c.byKey[f.Key]; dup {
			ps = append(ps, problem(path+"/key", CodeDuplicateKey, "the key %q is used by another field", f.Key))
			continue
		}
		t, ok := types[f.Type]
		if !ok {
			ps = append(ps, problem(path+"/type", CodeInvalidSetting, "unknown field type %q", f.Type))
			continue
		}
		cf := &CField{Field: f, Kind: t}
		ps = append(ps, t.CheckSettings(f, path)...)
		if _, hasCol := t.Column(f); hasCol {
			cf.Column, _ = store.NewIdent(f.Key)
		}
		switch f.Type {
		case "relation":
			if f.Target != "" && f.Target != c.rootKey() && (forms == nil || !forms.HasForm(f.Target)) {
				ps = append(ps, problem(path+"/target", CodeUnknownTarget, "relation target %q is not a form; publish it first or import it together", f.Target))
			}
		case "sub_table":
			if c.parent != nil {
				ps = append(ps, problem(path+"/type", CodeInvalidSetting, "a sub-table cannot contain another sub-table"))
				continue
			}
			child, cps := c.compileChild(f, path, forms, types)
			ps = append(ps, cps...)
			cf.Child = child
		}
		c.fields = append(c.fields, cf)
		c.byKey[f.Key] = cf
	}
	return ps
}

func (c *Compiled) rootKey() string {
	if c.parent != nil {
		return c.parent.Form.Key
	}
	return c.Form.Key
}

func (c *Compiled) compileChild(f *Field, path string, forms FormSet, types Types) (*Compiled, []Problem) {
	table, err := childTableName(c.Form.Key, f.Key)
	if err != nil {
		return nil, []Problem{problem(path+"/key", CodeInvalidKey, "form key and sub-table key together are too long (at most 59 characters)")}
	}
	child := &Compiled{Form: &Form{Kind: "form", Key: c.Form.Key, Title: f.Label, Fields: f.Fields},
		Version: c.Version, Table: table, parent: c, subKey: f.Key}
	ps := child.compileFields(f.Fields, path+"/fields", forms, types)
	ps = append(ps, child.compileFills(path+"/fields")...)
	ps = append(ps, child.compileExprs(path+"/fields")...)
	return child, ps
}

// compileExprs compiles defaults, visibility conditions and formulas, and
// orders formulas so each runs after the formulas it reads.
func (c *Compiled) compileExprs(base string) []Problem {
	var ps []Problem
	env := c.zeroEnv()
	for i, f := range c.fields {
		path := fmt.Sprintf("%s/%d", base, c.indexOf(f, i))
		if f.Default != "" {
			prog, p := compileValueExpr(f, f.Default, path+"/default", env)
			ps = append(ps, p...)
			f.defaultProg = prog
		}
		if f.VisibleIf != "" {
			prog, err := expr.Compile(f.VisibleIf, exprOptions(env, expr.AsBool())...)
			if err != nil {
				ps = append(ps, exprProblem(path+"/visible_if", err))
			}
			f.visibleProg = prog
		}
		if f.Field.Type == "formula" && f.Formula != "" {
			prog, p := compileValueExpr(f, f.Formula, path+"/formula", env)
			ps = append(ps, p...)
			f.formulaProg = prog
		}
	}
	if len(ps) == 0 {
		ps = append(ps, c.orderFormulas(base)...)
	}
	return ps
}

func (c *Compiled) indexOf(f *CField, fallback int) int {
	for i := range c.Form.Fields {
		if &c.Form.Fields[i] == f.Field {
			return i
		}
	}
	return fallback
}

// compileValueExpr compiles an expression whose value becomes field f's
// value, and checks its type fits the field.
func compileValueExpr(f *CField, src, path string, env map[string]any) (*vm.Program, []Problem) {
	prog, err := expr.Compile(src, exprOptions(env)...)
	if err != nil {
		return nil, []Problem{exprProblem(path, err)}
	}
	if t := prog.Node().Type(); t != nil && t.Kind() != reflect.Interface {
		if msg := checkResultType(f, t); msg != "" {
			return nil, []Problem{{Path: path, Code: CodeInvalidExpr, Message: msg, Line: 1, Column: 1}}
		}
	}
	return prog, nil
}

var timeType = reflect.TypeOf(time.Time{})

func checkResultType(f *CField, t reflect.Type) string {
	want := f.Kind.Name()
	if want == "formula" {
		want = f.Result
		if want == "" {
			want = "decimal"
		}
	}
	numeric := t.Kind() >= reflect.Int && t.Kind() <= reflect.Float64
	ok := true
	switch want {
	case "integer", "user", "department":
		ok = t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64
	case "decimal", "money", "percent":
		ok = numeric
	case "boolean":
		ok = t.Kind() == reflect.Bool
	case "date", "datetime":
		ok = t == timeType
	case "text", "long_text", "email", "phone", "url", "select", "auto_number":
		ok = t.Kind() == reflect.String
	case "relation":
		ok = numeric || t.Kind() == reflect.Slice
	case "multi_select":
		ok = t.Kind() == reflect.Slice
	}
	if !ok {
		return fmt.Sprintf("the expression gives %s, but the field holds %s values", t, want)
	}
	return ""
}

// orderFormulas sorts formula fields so that each comes after the formulas it
// references, and reports cycles.
func (c *Compiled) orderFormulas(base string) []Problem {
	deps := map[string][]string{}
	for _, f := range c.fields {
		if f.formulaProg == nil {
			continue
		}
		tree, err := parser.Parse(f.Formula)
		if err != nil {
			continue
		}
		for _, name := range identifiers(tree.Node) {
			if g, ok := c.byKey[name]; ok && g.formulaProg != nil {
				deps[f.Key] = append(deps[f.Key], name)
			}
		}
	}
	state := map[string]int{} // 1 visiting, 2 done
	var ps []Problem
	var visit func(f *CField) bool
	visit = func(f *CField) bool {
		switch state[f.Key] {
		case 1:
			return false
		case 2:
			return true
		}
		state[f.Key] = 1
		for _, d := range deps[f.Key] {
			if !visit(c.byKey[d]) {
				if len(ps) == 0 {
					ps = append(ps, problem(fmt.Sprintf("%s/%d/formula", base, c.indexOf(f, 0)), CodeFormulaCycle,
						"formula %q depends on itself through %q", f.Key, d))
				}
				return false
			}
		}
		state[f.Key] = 2
		c.formulas = append(c.formulas, f)
		return true
	}
	for _, f := range c.fields {
		if f.formulaProg != nil {
			visit(f)
		}
	}
	return ps
}

type identVisitor struct{ names []string }

func (v *identVisitor) Visit(n *ast.Node) {
	if id, ok := (*n).(*ast.IdentifierNode); ok {
		v.names = append(v.names, id.Value)
	}
}

func identifiers(n ast.Node) []string {
	v := &identVisitor{}
	ast.Walk(&n, v)
	return v.names
}

func (c *Compiled) compileRules() []Problem {
	var ps []Problem
	env := c.zeroEnv()
	seen := map[string]bool{}
	for i, r := range c.Form.Rules {
		path := fmt.Sprintf("/rules/%d", i)
		if msg := CheckKey(r.Key, false); msg != "" {
			ps = append(ps, problem(path+"/key", CodeInvalidKey, "%s", msg))
		}
		if seen[r.Key] {
			ps = append(ps, problem(path+"/key", CodeDuplicateKey, "the rule key %q is used twice", r.Key))
		}
		seen[r.Key] = true
		if r.Field != "" {
			if _, ok := c.byKey[r.Field]; !ok {
				ps = append(ps, problem(path+"/field", CodeUnknownFieldRef, "the rule reports on %q, which is not a field of this form", r.Field))
			}
		}
		prog, err := expr.Compile(r.Expr, exprOptions(env, expr.AsBool())...)
		if err != nil {
			ps = append(ps, exprProblem(path+"/expr", err))
			continue
		}
		c.rules = append(c.rules, compiledRule{Rule: r, prog: prog})
	}
	return ps
}
