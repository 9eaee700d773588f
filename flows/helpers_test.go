package flows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// exampleDir is the example application the flows are checked against.
const exampleDir = "../examples/order-management"

// lookup holds the example's compiled forms and its role keys; it is what
// the engine's snapshot is to flows.Compile.
type lookup struct {
	forms map[string]*forms.Compiled
	roles map[string]bool
}

func (l *lookup) Form(key string) (*forms.Compiled, bool) { c, ok := l.forms[key]; return c, ok }
func (l *lookup) HasForm(key string) bool                 { _, ok := l.forms[key]; return ok }
func (l *lookup) HasRole(key string) bool                 { return l.roles[key] || key == "admin" }

// exampleLookup compiles the example's forms and reads its role keys, or
// stops the test.
func exampleLookup(t testing.TB) *lookup {
	t.Helper()
	l := &lookup{forms: map[string]*forms.Compiled{}, roles: map[string]bool{}}
	for _, key := range []string{"customer", "product", "lead", "quote", "order", "contract", "payment", "delivery_project", "service_ticket"} {
		raw, err := os.ReadFile(filepath.Join(exampleDir, "forms", key+".json"))
		if err != nil {
			t.Fatalf("read form %s: %v", key, err)
		}
		f, err := forms.Parse(raw)
		if err != nil {
			t.Fatalf("parse form %s: %v", key, err)
		}
		c, err := forms.Compile(f, 1, l, forms.DefaultTypes())
		if err != nil {
			t.Fatalf("compile form %s: %v", key, err)
		}
		l.forms[key] = c
	}
	roles, err := filepath.Glob(filepath.Join(exampleDir, "roles", "*.json"))
	if err != nil || len(roles) == 0 {
		t.Fatalf("no example roles: %v", err)
	}
	for _, p := range roles {
		l.roles[strings.TrimSuffix(filepath.Base(p), ".json")] = true
	}
	return l
}

// exampleFlow reads and compiles the example's order approval flow, or stops
// the test.
func exampleFlow(t testing.TB, l *lookup) *flows.Compiled {
	t.Helper()
	return exampleFlowFile(t, l, "order-approval.json")
}

// exampleFlowFile reads and compiles the example's flow in file name, or
// stops the test.
func exampleFlowFile(t testing.TB, l *lookup, name string) *flows.Compiled {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(exampleDir, "flows", name))
	if err != nil {
		t.Fatalf("read flow: %v", err)
	}
	f, err := flows.ParseFlow(raw)
	if err != nil {
		t.Fatalf("parse flow: %v", err)
	}
	c, err := flows.Compile(f, 1, l, l)
	if err != nil {
		t.Fatalf("compile flow: %v", err)
	}
	return c
}

// problemsOf returns the problems in err, or stops the test if err is not a
// problem list.
func problemsOf(t *testing.T, err error) []forms.Problem {
	t.Helper()
	if err == nil {
		return nil
	}
	pl, ok := forms.AsProblems(err)
	if !ok {
		t.Fatalf("error %T %v is not a problem list", err, err)
	}
	return pl.Problems
}
