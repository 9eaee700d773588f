package engine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// FuzzCheckDefinition feeds arbitrary documents to the definition checker:
// it must either accept them or explain why with problems; any other error,
// or a panic, is a bug.
func FuzzCheckDefinition(f *testing.F) {
	app := enginetest.New(f, store.SQLite)
	files, _ := filepath.Glob(filepath.Join(enginetest.ExampleDir(), "forms", "*.json"))
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{noteV1, noteV2, `{}`, `[]`, `null`, `{"kind":"form"}`,
		`{"kind":"form","key":"x","title":"X","fields":[{"key":"f","type":"formula","label":"F","formula":"f"}]}`,
		`{"kind":"form","key":"x","title":"X","fields":[{"key":"s","type":"sub_table","label":"S","fields":[{"key":"q","type":"formula","label":"Q","formula":"sum(1..1000000)"}]}]}`,
		`{"kind":"form","key":"x","title":"X","fields":[{"key":"a","type":"text","label":"A","pattern":"(a*)*$","default":"repeat(\"x\", 1000000000)"}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, doc []byte) {
		_, err := app.Engine.Check(doc, 1, app.Engine.Snapshot())
		if err == nil {
			return
		}
		if _, ok := forms.AsProblems(err); !ok {
			t.Fatalf("error that is not a problem list: %v", err)
		}
	})
}
