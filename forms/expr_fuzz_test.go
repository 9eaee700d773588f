package forms

import (
	"testing"
	"time"

	"github.com/expr-lang/expr"
)

// FuzzExpression compiles arbitrary expressions the way a form compiles its
// formulas and rules, and runs those that compile. Any error is a fine
// answer; a panic, a run past a few seconds or a text past the size bound
// is not. Seeds are the bombs of TestExpressionBombsAreBounded and the
// corpus in testdata/fuzz/FuzzExpression.
func FuzzExpression(f *testing.F) {
	for _, s := range []string{`qty * price`, `name + " " + code`, `len(tags) > 1 ? upper(name) : lower(name)`,
		`repeat(repeat("x", 1000), 1000)`, `replace(repeat("ab", 900), "", "cd")`, `join(map(1..100, string(#)), ",")`,
		`reduce(1..20, #acc + #acc, "x")`, `today() > now()`, `filter(tags, # startsWith "v")`, `1..3 | map(# * 2) | sum()`} {
		f.Add(s)
	}
	env := map[string]any{"name": "Acme", "code": "A-1", "qty": 3, "price": 2.5, "tags": []any{"vip", "east"},
		"user": map[string]any{"id": 1, "email": "a@example.com", "name": "A"}}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 2000 {
			return // note: the definition schema refuses longer expressions
		}
		prog, err := expr.Compile(src, exprOptions(env)...)
		if err != nil {
			return
		}
		start := time.Now()
		out, err := expr.Run(prog, env)
		if took := time.Since(start); took > 3*time.Second {
			t.Fatalf("%q ran for %s", src, took)
		}
		if s, ok := out.(string); err == nil && ok && len(s) > 2*MaxExprString {
			t.Fatalf("%q built a text of %d bytes", src, len(s))
		}
	})
}
