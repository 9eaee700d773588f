package forms

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/expr-lang/expr"
)

// TestExpressionBombsAreBounded evaluates expressions built to exhaust
// memory or time; each must fail quickly with an error instead of taking
// the server down. Without the guards, the first one alone asks the Go
// runtime for 810 GB and the process dies.
func TestExpressionBombsAreBounded(t *testing.T) {
	t.Parallel()
	env := map[string]any{"name": "", "n": 0, "items": []any{}}
	bombs := []string{
		`len(repeat(repeat("x", 900000), 900000))`,
		`len(repeat(repeat("ab", 1000), 1000000))`,
		`len(replace(repeat("x", 500000), "", repeat("y", 400000)))`,
		`len(replace(repeat("x", 900000), "x", repeat("y", 1000)))`,
		`len(reduce(1..64, #acc + #acc, "xxxxxxxxxxxxxxxx"))`,
		`len(reduce(1..100000, #acc + repeat("x", 1000), ""))`,
		`len(join(map(1..900000, "a"), repeat("x", 90000)))`,
		`len(join(map(1..200000, repeat("y", 4)), repeat("x", 90)))`,
		`len(map(1..100000000, #))`,
		`reduce(1..1000, reduce(1..1000, reduce(1..1000, #acc + 1, 0), 0), 0)`,
		`len(toJSON(map(1..10000000, #)))`,
		`count(1..10000000, # > 0)`,
		`len(name + repeat("x", 1048576) + repeat("x", 1048576))`,
	}
	for _, src := range bombs {
		prog, err := expr.Compile(src, exprOptions(env)...)
		if err != nil {
			continue // note: refused at compile time is bounded too
		}
		start := time.Now()
		out, err := expr.Run(prog, env)
		if err == nil {
			t.Errorf("%s ran to the end (%v)", src, out)
		}
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("%s took %s to be stopped", src, took)
		}
	}
	for _, src := range []string{strings.Repeat("1+", 500) + "1", strings.Repeat("[", 500) + strings.Repeat("]", 500)} {
		if _, err := expr.Compile(src, exprOptions(env)...); err == nil {
			t.Errorf("%.20s… (%d bytes) compiled past the node limit", src, len(src))
		}
	}
}

// TestBoundedExpressionsStillWork: the guards change nothing for the
// expressions people write.
func TestBoundedExpressionsStillWork(t *testing.T) {
	t.Parallel()
	env := map[string]any{"name": "Acme", "code": "A-1", "qty": 3, "tags": []any{"a", "b"}, "price": 2.5}
	for src, want := range map[string]any{
		`name + " / " + code`:                 "Acme / A-1",
		`repeat("ab", 3)`:                     "ababab",
		`replace(name, "c", "C")`:             "ACme",
		`join(tags, ",")`:                     "a,b",
		`join(["x", "y"])`:                    "xy",
		`qty + 1`:                             4,
		`price * qty + 1`:                     8.5,
		`reduce(1..3, #acc + string(#), "")`:  "123",
		`upper(name) + repeat("!", qty)`:      "ACME!!!",
		`len(name + code) == 7`:               true,
		`hasPrefix(name + "x", "Ac")`:         true,
		`string(qty) + name`:                  "3Acme",
		`(name + "-") + (code + "-") + "end"`: "Acme-A-1-end",
	} {
		prog, err := expr.Compile(src, exprOptions(env)...)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		got, err := expr.Run(prog, env)
		if err != nil {
			t.Errorf("%s: %v", src, err)
			continue
		}
		if s1, s2 := toS(got), toS(want); s1 != s2 {
			t.Errorf("%s = %s, want %s", src, s1, s2)
		}
	}
}

func toS(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
