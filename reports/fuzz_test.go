package reports_test

import (
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// FuzzCompile feeds arbitrary documents to Parse and Compile. The only
// acceptable failures are a decode error from Parse and a
// *forms.ProblemList from Compile whose problems all have a code, a message
// and a JSON pointer; a report that compiles must plan for a viewer and
// render on both dialects. A panic fails.
func FuzzCompile(f *testing.F) {
	for _, g := range sqlGoldens {
		f.Add([]byte(g.def))
	}
	for _, dc := range drillCases {
		f.Add([]byte(dc.def))
	}
	for _, s := range []string{`{}`, `[]`, `null`, `{"measures": [{}]}`,
		report(`[{"key": "a", "field": "customer.partners.customer.x"}]`, `[{"key": "b", "expr": "b / b"}]`),
		report(`[{"key": "a", "field": "amount", "bin": 1e400}]`, `[{"key": "m", "agg": "avg", "field": "..."}]`),
		report(`[{"key": "a", "field": "order_date", "bucket": "week"}]`, count, `"limit": {"rows": -1, "others": true}`, `"sort": [{"key": "a"}, {"key": "a"}]`),
		report(byRegion, `[{"key": "m", "agg": "count", "filter": "params.x == nil || region == params.x"}]`, `"params": [{"key": "x", "type": "text", "multiple": true, "default": [1]}]`),
	} {
		f.Add([]byte(s))
	}
	fs := testForms(f)
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, err := reports.Parse(raw)
		if err != nil {
			return // not a report at all
		}
		c, err := reports.Compile(r, 1, fs)
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
		if _, err := reports.Plan(c, reports.Request{}, admin); err != nil {
			if _, ok := forms.AsProblems(err); !ok {
				t.Fatalf("Plan: %v", err)
			}
		}
	})
}
