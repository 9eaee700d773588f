package reports_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// sqlGoldens are rendered per dialect and compared with
// testdata/sql/<name>.<dialect>.golden.
var sqlGoldens = []struct {
	name   string
	def    string
	req    reports.Request
	viewer reports.Viewer
}{
	{"totals_and_subtotals", `{"kind": "report", "key": "g1", "title": "G1", "source": "order",
		"dimensions": [{"key": "month", "field": "order_date", "bucket": "month"}, {"key": "region", "field": "customer.region"}],
		"measures": [{"key": "orders", "agg": "count"}, {"key": "revenue", "agg": "sum", "field": "amount"}, {"key": "avg_amount", "agg": "avg", "field": "amount"}],
		"sort": [{"key": "month"}], "totals": {"grand": true, "subtotals": true}}`, reports.Request{}, admin},
	{"top_with_others", `{"kind": "report", "key": "g2", "title": "G2", "source": "order",
		"dimensions": [{"key": "customer", "field": "customer.name"}],
		"measures": [{"key": "avg_amount", "agg": "avg", "field": "amount"}, {"key": "products", "agg": "count_distinct", "field": "product"},
			{"key": "last", "agg": "max", "field": "closed_at"}],
		"sort": [{"key": "avg_amount", "desc": true}], "limit": {"rows": 10, "others": true}, "totals": {"grand": true}}`, reports.Request{}, admin},
	{"row_scope_params_and_measure_filter", `{"kind": "report", "key": "g3", "title": "G3", "source": "order",
		"params": [{"key": "min", "type": "number", "default": 100}, {"key": "stages", "type": "text", "multiple": true}],
		"filter": "amount >= params.min && (params.stages == nil || stage in params.stages) && rep == user.id",
		"dimensions": [{"key": "week", "field": "closed_at", "bucket": "week"}, {"key": "size", "field": "amount", "bin": 1000}, {"key": "urgent", "field": "urgent"}],
		"measures": [{"key": "total", "agg": "count"}, {"key": "won", "agg": "count", "filter": "stage == \"won\""}, {"key": "rate", "expr": "won / total"}],
		"sort": [{"key": "rate", "desc": true}]}`,
		reports.Request{Params: map[string]any{"stages": []any{"won", "lost"}}, Where: []reports.DimFilter{{Key: "week", Values: []any{"2026-W03", nil}}}},
		salesRep(12, true)},
	{"two_relations_away", `{"kind": "report", "key": "g4", "title": "G4", "source": "payment",
		"dimensions": [{"key": "region", "field": "sale.customer.region"}, {"key": "line", "field": "sale.product.line"}],
		"measures": [{"key": "paid", "agg": "sum", "field": "amount"}], "pivot": {"rows": "region", "columns": "line"}, "totals": {"grand": true}}`,
		reports.Request{}, reports.Viewer{Access: accessMap{"payment": forms.FullAccess(), "customer": forms.FullAccess(), "product": forms.FullAccess(),
			"order": forms.NewAccess(store.Compare("owner", store.OpEq, int64(12)), nil, forms.ReadOnly)}}},
	{"kpi_compare", `{"kind": "report", "key": "g5", "title": "G5", "source": "order",
		"params": [{"key": "from", "type": "date", "default": "2026-03-01"}, {"key": "to", "type": "date", "default": "2026-04-01"}],
		"filter": "order_date >= params.from && order_date < params.to",
		"measures": [{"key": "revenue", "agg": "sum", "field": "amount"}],
		"chart": {"type": "kpi", "compare": {"from": "from", "to": "to"}}}`, reports.Request{}, admin},
	{"flow_tasks", `{"kind": "report", "key": "g6", "title": "G6", "source": "mosaic.flow_tasks",
		"filter": "state in [\"approved\", \"rejected\", \"returned\"]",
		"dimensions": [{"key": "flow", "field": "flow"}, {"key": "node", "field": "node"}],
		"measures": [{"key": "decided", "agg": "count"}, {"key": "avg_seconds", "agg": "avg", "field": "decision_seconds"},
			{"key": "approved", "agg": "count", "filter": "state == \"approved\""}, {"key": "pass_rate", "expr": "approved / decided"}]}`,
		reports.Request{}, admin},
}

func TestPlanGolden(t *testing.T) {
	t.Parallel()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) {
			db := storetest.Open(t, d)
			for _, g := range sqlGoldens {
				t.Run(g.name, func(t *testing.T) {
					c := compile(t, g.def)
					q, err := reports.Plan(c, g.req, g.viewer)
					if err != nil {
						t.Fatalf("plan: %v", err)
					}
					sql, vars, err := db.RenderReport(q)
					if err != nil {
						t.Fatalf("render: %v", err)
					}
					var b strings.Builder
					fmt.Fprintf(&b, "-- %s\n%s\n-- vars\n", d, sql)
					for _, v := range vars {
						fmt.Fprintf(&b, "%T(%v)\n", v, v)
					}
					checkGolden(t, filepath.Join("testdata", "sql", g.name+"."+string(d)+".golden"), b.String())
				})
			}
		})
	}
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./reports -run Golden -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
