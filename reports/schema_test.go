package reports_test

import (
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/schemas"
)

// TestSchemaAcceptsTheTestDefinitions keeps the JSON Schemas in step with
// what the compiler accepts: every report and dashboard the tests compile
// is valid, and the schema catches the plainest mistakes.
func TestSchemaAcceptsTheTestDefinitions(t *testing.T) {
	t.Parallel()
	v, err := schemas.New()
	if err != nil {
		t.Fatal(err)
	}
	var defs []string
	for _, g := range sqlGoldens {
		defs = append(defs, g.def)
	}
	for _, dc := range drillCases {
		defs = append(defs, dc.def)
	}
	defs = append(defs, dashboard(shared, good))
	for _, def := range defs {
		ps, err := v.Validate([]byte(def))
		if err != nil || len(ps) > 0 {
			t.Errorf("%v %+v\n%s", err, ps, def)
		}
	}
	for def, path := range map[string]string{
		report(byRegion, `[]`):                                                                 "/measures",
		report(`[{"key": "d", "field": "a..b"}]`, count):                                       "/dimensions/0/field",
		report(`[{"key": "d", "field": "order_date", "bucket": "hour"}]`, count):               "/dimensions/0/bucket",
		report(byRegion, `[{"key": "m", "agg": "median", "field": "amount"}]`):                 "/measures/0/agg",
		report(byRegion, count, `"limit": {"rows": 0}`):                                        "/limit/rows",
		report(byRegion, count, `"chart": {"type": "radar"}`):                                  "/chart/type",
		dashboard(shared, `[{"key": "w", "report": "sales", "x": 0, "y": 0, "w": 0, "h": 1}]`): "/widgets/0/w",
	} {
		ps, err := v.Validate([]byte(def))
		if err != nil || len(ps) == 0 || ps[0].Path != path {
			t.Errorf("%v %+v, want a problem at %s\n%s", err, ps, path, def)
		}
	}
}
