package reports_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// report writes a report definition on orders from its parts.
func report(dims, measures string, extra ...string) string {
	more := ""
	for _, e := range extra {
		more += ", " + e
	}
	return fmt.Sprintf(`{"kind": "report", "key": "r", "title": "R", "source": "order", "dimensions": %s, "measures": %s%s}`, dims, measures, more)
}

const (
	byRegion = `[{"key": "region", "field": "customer.region"}]`
	count    = `[{"key": "n", "agg": "count"}]`
)

func TestCompileReportsEveryMistake(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name   string
		def    string
		path   string
		code   string
		column int // in an expression or filter; 0: not checked
		msg    string
	}{
		{"unknown source", `{"kind": "report", "key": "r", "title": "R", "source": "lead", "measures": []}`,
			"/source", reports.CodeUnknownSource, 0, `"lead" is neither a published form nor a built-in source`},
		{"unknown field", report(`[{"key": "d", "field": "colour"}]`, count),
			"/dimensions/0/field", reports.CodeUnknownField, 0, `"colour" is not a field of order`},
		{"unknown related field", report(`[{"key": "d", "field": "customer.colour"}]`, count),
			"/dimensions/0/field", reports.CodeUnknownField, 0, `customer.colour: "colour" is not a field of customer`},
		{"path through a select", report(`[{"key": "d", "field": "stage.name"}]`, count),
			"/dimensions/0/field", reports.CodeNotARelation, 0, "stage is a select field of order, not a relation, so .name cannot follow it"},
		{"path through several records", report(`[{"key": "d", "field": "customer.partners.name"}]`, count),
			"/dimensions/0/field", reports.CodeNotARelation, 0, "partners links to several customer records"},
		{"path too long", report(`[{"key": "d", "field": "customer.partners.a.b.c"}]`, count),
			"/dimensions/0/field", reports.CodePathTooLong, 0, "follows 4 relations; a report follows at most 3"},
		{"list field", report(`[{"key": "d", "field": "tags"}]`, count),
			"/dimensions/0/field", reports.CodeUnsupportedField, 0, "tags is a multi-select field"},
		{"sum of text", report(byRegion, `[{"key": "s", "agg": "sum", "field": "note"}]`),
			"/measures/0/field", reports.CodeNotNumeric, 0, "sum adds up numbers, and note is a text field"},
		{"avg of a date", report(byRegion, `[{"key": "s", "agg": "avg", "field": "order_date"}]`),
			"/measures/0/field", reports.CodeNotNumeric, 0, "order_date is a date field"},
		{"min of a select", report(byRegion, `[{"key": "s", "agg": "min", "field": "customer.region"}]`),
			"/measures/0/field", reports.CodeUnsupportedAggregate, 0, "min works on numbers, dates and date-times"},
		{"max of yes/no", report(byRegion, `[{"key": "s", "agg": "max", "field": "urgent"}]`),
			"/measures/0/field", reports.CodeUnsupportedAggregate, 0, "urgent is a boolean field"},
		{"unknown aggregate", report(byRegion, `[{"key": "s", "agg": "median", "field": "amount"}]`),
			"/measures/0/agg", reports.CodeUnsupportedAggregate, 0, `unknown aggregate "median"`},
		{"sum without a field", report(byRegion, `[{"key": "s", "agg": "sum"}]`),
			"/measures/0/field", reports.CodeUnsupportedAggregate, 0, "sum needs a field"},
		{"agg and expr", report(byRegion, `[{"key": "s", "agg": "count", "expr": "1"}]`),
			"/measures/0", reports.CodeUnsupportedAggregate, 0, "not both or neither"},
		{"derived over an unknown measure", report(byRegion, `[{"key": "won", "agg": "count"}, {"key": "rate", "expr": "won / totl"}]`),
			"/measures/1/expr", reports.CodeUnknownMeasure, 7, `"totl" is not a measure of this report`},
		{"derived that does not parse", report(byRegion, `[{"key": "won", "agg": "count"}, {"key": "rate", "expr": "won /"}]`),
			"/measures/1/expr", forms.CodeInvalidExpr, 0, ""},
		{"derived that is not a number", report(byRegion, `[{"key": "won", "agg": "count"}, {"key": "big", "expr": "won > 3"}]`),
			"/measures/1/expr", forms.CodeInvalidExpr, 0, ""},
		{"derived cycle", report(byRegion, `[{"key": "a", "expr": "b + 1"}, {"key": "b", "expr": "a * 2"}]`),
			"/measures/0/expr", reports.CodeMeasureCycle, 0, "a depends on itself through b"},
		{"derived with a filter", report(byRegion, `[{"key": "a", "agg": "count"}, {"key": "b", "expr": "a * 2", "filter": "qty > 1"}]`),
			"/measures/1/filter", reports.CodeUnsupportedAggregate, 0, "put the filter on the measures it reads"},
		{"measure filter on an unknown field", report(byRegion, `[{"key": "won", "agg": "count", "filter": "stag == \"won\""}]`),
			"/measures/0/filter", reports.CodeInvalidFilter, 1, `unknown field "stag"`},
		{"bucket of a number", report(`[{"key": "d", "field": "amount", "bucket": "month"}]`, count),
			"/dimensions/0/bucket", reports.CodeBadBucket, 0, "amount is a money field; date buckets apply to dates and date-times"},
		{"unknown bucket", report(`[{"key": "d", "field": "order_date", "bucket": "decade"}]`, count),
			"/dimensions/0/bucket", reports.CodeBadBucket, 0, `unknown bucket "decade"`},
		{"bin of text", report(`[{"key": "d", "field": "note", "bin": 10}]`, count),
			"/dimensions/0/bin", reports.CodeBadBin, 0, "bins apply to numbers"},
		{"bin finer than the field", report(`[{"key": "d", "field": "amount", "bin": 0.001}]`, count),
			"/dimensions/0/bin", reports.CodeBadBin, 0, "does not fit amount, which has 2 decimal place(s)"},
		{"bin of zero", report(`[{"key": "d", "field": "qty", "bin": 0}]`, count),
			"/dimensions/0/bin", reports.CodeBadBin, 0, "greater than 0"},
		{"sort by an unknown key", report(byRegion, count, `"sort": [{"key": "revenue"}]`),
			"/sort/0/key", reports.CodeUnknownKey, 0, `sorts by "revenue", which is not one of its dimensions or measures: region, n`},
		{"limit without a sort", report(byRegion, count, `"limit": {"rows": 5}`),
			"/limit", reports.CodeInvalidLimit, 0, "add a sort"},
		{"limit ranked by a derived measure", report(byRegion, `[{"key": "n", "agg": "count"}, {"key": "d", "expr": "n * 2"}]`,
			`"sort": [{"key": "d"}]`, `"limit": {"rows": 5}`),
			"/sort/0/key", reports.CodeInvalidLimit, 0, "d is a derived measure"},
		{"limit without dimensions", report(`[]`, count, `"sort": [{"key": "n"}]`, `"limit": {"rows": 5}`),
			"/limit", reports.CodeInvalidLimit, 0, "needs a dimension"},
		{"subtotals of one dimension", report(byRegion, count, `"totals": {"subtotals": true}`),
			"/totals/subtotals", forms.CodeInvalidSetting, 0, "need two dimensions"},
		{"pivot of an unknown dimension", report(`[{"key": "a", "field": "stage"}, {"key": "b", "field": "rep"}]`, count, `"pivot": {"rows": "a", "columns": "c"}`),
			"/pivot/columns", reports.CodeInvalidPivot, 0, `"c", which is not a dimension`},
		{"pivot of one dimension", report(byRegion, count, `"pivot": {"rows": "region", "columns": "region"}`),
			"/pivot", reports.CodeInvalidPivot, 0, "the report has 1"},
		{"pie of two dimensions", report(`[{"key": "a", "field": "stage"}, {"key": "b", "field": "rep"}]`, count, `"chart": {"type": "pie"}`),
			"/chart/type", reports.CodeInvalidChart, 0, "a pie shows one dimension"},
		{"chart of an unknown measure", report(byRegion, count, `"chart": {"type": "bar", "x": "region", "y": ["revenue"]}`),
			"/chart/y/0", reports.CodeUnknownKey, 0, `draws "revenue"`},
		{"kpi compared on a text parameter", report(`[]`, count, `"params": [{"key": "from", "type": "text"}, {"key": "to", "type": "date"}]`,
			`"filter": "order_date < params.to && note == params.from"`, `"chart": {"type": "kpi", "compare": {"from": "from", "to": "to"}}`),
			"/chart/compare/from", reports.CodeInvalidChart, 0, "from must be a single date or date-time parameter"},
		{"kpi compared on parameters the filter ignores", report(`[]`, count, `"params": [{"key": "from", "type": "date"}, {"key": "to", "type": "date"}]`,
			`"filter": "order_date < params.to"`, `"chart": {"type": "kpi", "compare": {"from": "from", "to": "to"}}`),
			"/chart/compare/from", reports.CodeInvalidChart, 0, "the filter does not read params.from"},
		{"filter on an unknown field", report(byRegion, count, `"filter": "stage == \"won\" && colour == \"red\""`),
			"/filter", reports.CodeInvalidFilter, 19, `unknown field "colour"`},
		{"filter on an undeclared parameter", report(byRegion, count, `"filter": "amount > params.min"`),
			"/filter", reports.CodeInvalidFilter, 17, `there is no parameter "min"`},
		{"filter comparing a parameter of the wrong type", report(byRegion, count, `"params": [{"key": "min", "type": "date"}]`, `"filter": "amount > params.min"`),
			"/filter", reports.CodeInvalidFilter, 0, "amount is a money field; compare it with a number"},
		{"unknown parameter type", report(byRegion, count, `"params": [{"key": "p", "type": "colour"}]`),
			"/params/0/type", reports.CodeInvalidParam, 0, `unknown parameter type "colour"`},
		{"bad parameter default", report(byRegion, count, `"params": [{"key": "p", "type": "date", "default": "soon"}]`),
			"/params/0/default", reports.CodeInvalidParam, 0, "the default must be a date such as 2026-03-31"},
		{"a key used twice", report(`[{"key": "n", "field": "stage"}]`, count),
			"/measures/0/key", forms.CodeDuplicateKey, 0, `the key "n" is already used at /dimensions/0`},
		{"a bad key", report(`[{"key": "Region", "field": "stage"}]`, count),
			"/dimensions/0/key", forms.CodeInvalidKey, 0, "is not a valid key"},
	}
	for _, sc := range scenarios {
		r, err := reports.Parse([]byte(sc.def))
		if err != nil {
			t.Errorf("%s: parse: %v", sc.name, err)
			continue
		}
		_, err = reports.Compile(r, 1, testForms(t))
		pl, ok := forms.AsProblems(err)
		if !ok {
			t.Errorf("%s: %v, want problems", sc.name, err)
			continue
		}
		found := false
		for _, p := range pl.Problems {
			if p.Path == sc.path && p.Code == sc.code && strings.Contains(p.Message, sc.msg) && (sc.column == 0 || p.Column == sc.column) {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: got %+v, want %s %s %q (column %d)", sc.name, pl.Problems, sc.path, sc.code, sc.msg, sc.column)
		}
	}
}

func TestCompileCollectsAllProblems(t *testing.T) {
	t.Parallel()
	r, _ := reports.Parse([]byte(report(`[{"key": "a", "field": "nope"}, {"key": "b", "field": "amount", "bucket": "week"}]`,
		`[{"key": "s", "agg": "sum", "field": "note"}, {"key": "d", "expr": "s / x"}]`, `"sort": [{"key": "z"}]`)))
	_, err := reports.Compile(r, 1, testForms(t))
	pl, _ := forms.AsProblems(err)
	if pl == nil || len(pl.Problems) != 5 || pl.Subject != "report/r" {
		t.Fatalf("want 5 problems of report/r, got %v", err)
	}
}

func TestCompileAcceptsEveryFeature(t *testing.T) {
	t.Parallel()
	for _, def := range []string{
		report(`[{"key": "month", "field": "created_at", "bucket": "month"}, {"key": "owner", "field": "owner"}]`,
			`[{"key": "n", "agg": "count", "field": "note"}, {"key": "first", "agg": "min", "field": "created_at"}, {"key": "d", "agg": "count_distinct", "field": "customer.industry"}]`,
			`"sort": [{"key": "n", "desc": true}, {"key": "month"}]`, `"limit": {"rows": 3, "others": true}`, `"totals": {"grand": true, "subtotals": true}`,
			`"pivot": {"rows": "owner", "columns": "month"}`, `"chart": {"type": "line", "x": "month", "y": ["n"], "series": "owner", "stacked": true}`),
		`{"kind": "report", "key": "audit", "title": "Audit", "source": "mosaic.audit", "dimensions": [{"key": "day", "field": "at", "bucket": "day"}],
			"measures": [{"key": "n", "agg": "count"}], "filter": "actor == user.id"}`,
		`{"kind": "report", "key": "tasks", "title": "Tasks", "source": "mosaic.flow_tasks", "dimensions": [{"key": "node", "field": "node"}],
			"measures": [{"key": "avg", "agg": "avg", "field": "decision_seconds"}, {"key": "p", "agg": "count", "filter": "state == \"pending\" && due_at < now()"}]}`,
		`{"kind": "report", "key": "cycles", "title": "Cycles", "source": "mosaic.flow_instances", "dimensions": [{"key": "flow", "field": "flow"}],
			"measures": [{"key": "avg", "agg": "avg", "field": "cycle_seconds"}, {"key": "late", "agg": "count", "filter": "ended_at == nil && started_at < today()"}]}`,
	} {
		compile(t, def)
	}
}
