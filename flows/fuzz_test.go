package flows_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// FuzzCompile feeds arbitrary documents to ParseFlow and Compile. The only
// acceptable failures are a decode error from ParseFlow and a
// *forms.ProblemList from Compile, whose problems all have a code, a message
// and a JSON pointer; a flow that compiles must dry-run to an end or a
// reason it stopped. A panic fails.
func FuzzCompile(f *testing.F) {
	example, err := os.ReadFile(filepath.Join(exampleDir, "flows", "order-approval.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{string(example), base, `{}`, `[]`, `null`, `{"kind":"flow","nodes":[{}]}`,
		`{"key":"x","form":"order","triggers":[{"on":"submit"}],"nodes":[{"id":"s","type":"start","next":"s"},{"id":"e","type":"end"}]}`,
		`{"key":"x","form":"order","triggers":[{"on":"schedule","cron":"*/0 * * * *"}],"nodes":[{"id":"s","type":"split","targets":["s","s"]}]}`,
		`{"key":"x","form":"order","triggers":[{"on":"submit"}],"nodes":[{"id":"s","type":"start","next":"j"},{"id":"j","type":"join","join":"n","n":-1,"next":"e"},{"id":"e","type":"end"}]}`,
		`{"key":"x","form":"order","triggers":[{"on":"submit","when":"decisions[\"a\"] == \"\"; {{"}],"nodes":[{"id":"a","type":"approval","approval":{"mode":"threshold","threshold":-3,"assignees":[{"type":"expression","value":"[1, 2.5, \"x\"]"}]}}]}`,
		`{"key":"x","form":"order","triggers":[{"on":"submit"}],"nodes":[{"id":"s","type":"start","next":"b"},{"id":"b","type":"branch","branches":[{"when":"true","next":"b"}],"default":"e"},{"id":"e","type":"end"}]}`,
		strings.Replace(base, `"join": "all"`, `"join": "any"`, 1),
		strings.Replace(base, `{{`, `{{ now() }}`, 1),
	} {
		f.Add([]byte(s))
	}
	l := exampleLookup(f)
	rec := forms.Record{"amount": nil}
	f.Fuzz(func(t *testing.T, raw []byte) {
		flow, err := flows.ParseFlow(raw)
		if err != nil {
			return // a decode error: the document is not a flow at all
		}
		c, err := flows.Compile(flow, 1, l, l)
		if err != nil {
			pl, ok := err.(*forms.ProblemList)
			if !ok {
				t.Fatalf("Compile: %T %v; want a *forms.ProblemList", err, err)
			}
			for _, p := range pl.Problems {
				if p.Code == "" || p.Message == "" || !strings.HasPrefix(p.Path, "/") {
					t.Fatalf("malformed problem %+v", p)
				}
			}
			return
		}
		p, err := c.DryRun(rec, forms.Actor{ID: repID}, newResolver())
		if err != nil {
			t.Fatalf("DryRun: %v", err)
		}
		if p.Outcome == "" && p.Stopped == "" {
			t.Fatalf("dry run ended without an outcome or a reason: %+v", p)
		}
	})
}
