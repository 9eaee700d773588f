package reports_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

func quarter(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d-Q%d", t.Year(), (int(t.Month())+2)/3)
}

func TestRunPivot(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "stage_by_quarter", "title": "Stages by quarter", "source": "order",
		"dimensions": [{"key": "stage", "field": "stage"}, {"key": "quarter", "field": "closed_at", "bucket": "quarter"}],
		"measures": [{"key": "n", "agg": "count"}, {"key": "revenue", "agg": "sum", "field": "amount"}],
		"sort": [{"key": "n", "desc": true}], "pivot": {"rows": "stage", "columns": "quarter"}, "totals": {"grand": true},
		"chart": {"type": "pivot"}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		res := run(t, fx, c, reports.Request{}, admin)
		p := res.Pivot
		if p == nil {
			t.Fatal("no pivot")
		}
		cells := map[[2]string]*agg{}
		rowT, colT := map[string]*agg{}, map[string]*agg{}
		all := &agg{}
		for _, o := range fx.orders {
			k := [2]string{o.stage, quarter(o.closed)}
			get(cells, k).add(o)
			get(rowT, k[0]).add(o)
			get(colT, k[1]).add(o)
			all.add(o)
		}
		var cols []string
		for _, h := range p.ColumnValues {
			cols = append(cols, show(h.Value))
		}
		wantCols := slices.Sorted(mapKeys(colT))
		if strings.Join(cols, ",") != strings.Join(wantCols, ",") {
			t.Errorf("columns %v, want %v (time order)", cols, wantCols)
		}
		for i, h := range p.RowValues {
			stage, _ := h.Value.(string)
			if h.Value != nil && h.Label == "" {
				t.Errorf("row %v has no label", h.Value)
			}
			for j, ch := range p.ColumnValues {
				a := cells[[2]string{stage, show(ch.Value)}]
				got := p.Cells[i][j]
				switch {
				case a == nil && got != nil:
					t.Errorf("cell %s × %s = %v, want none", stage, show(ch.Value), got)
				case a != nil && (show(got["n"]) != fmt.Sprint(a.count) || show(got["revenue"]) != a.sumText()):
					t.Errorf("cell %s × %s = %v, want %d, %s", stage, show(ch.Value), got, a.count, a.sumText())
				}
			}
			if a := rowT[stage]; show(p.RowTotals[i]["n"]) != fmt.Sprint(a.count) || show(p.RowTotals[i]["revenue"]) != a.sumText() {
				t.Errorf("row total %s = %v, want %d, %s", stage, p.RowTotals[i], a.count, a.sumText())
			}
		}
		for j, ch := range p.ColumnValues {
			if a := colT[show(ch.Value)]; show(p.ColumnTotals[j]["n"]) != fmt.Sprint(a.count) {
				t.Errorf("column total %v = %v, want %d", ch.Value, p.ColumnTotals[j], a.count)
			}
		}
		if show(p.Total["n"]) != fmt.Sprint(all.count) || show(p.Total["revenue"]) != all.sumText() {
			t.Errorf("total %v, want %d, %s", p.Total, all.count, all.sumText())
		}
		// note: the rows follow the report's sort: most orders first.
		for i := 1; i < len(p.RowValues); i++ {
			if rowT[str(p.RowValues[i-1].Value)].count < rowT[str(p.RowValues[i].Value)].count {
				t.Errorf("pivot rows are not in the report's order: %v", p.RowValues)
			}
		}
	})
}

func str(v any) string { s, _ := v.(string); return s }

func TestRunKPIComparesWithThePreviousPeriod(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "revenue_kpi", "title": "Revenue", "source": "order",
		"params": [{"key": "from", "type": "date", "default": "2026-02-01"}, {"key": "to", "type": "date", "default": "2026-03-01"},
			{"key": "stage", "type": "text"}],
		"filter": "order_date >= params.from && order_date < params.to && (params.stage == nil || stage == params.stage)",
		"measures": [{"key": "revenue", "agg": "sum", "field": "amount"}, {"key": "orders", "agg": "count"}],
		"chart": {"type": "kpi", "y": ["revenue"], "compare": {"from": "from", "to": "to"}}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		for _, sc := range []struct {
			params   map[string]any
			from, to string
			stage    string
		}{
			{nil, "2026-02-01", "2026-03-01", ""},
			{map[string]any{"from": "2026-01-10", "to": "2026-01-20", "stage": "won"}, "2026-01-10", "2026-01-20", "won"},
		} {
			res := run(t, fx, c, reports.Request{Params: sc.params}, admin)
			from, _ := time.Parse("2006-01-02", sc.from)
			to, _ := time.Parse("2006-01-02", sc.to)
			prevFrom := from.Add(-to.Sub(from))
			cur, prev := &agg{}, &agg{}
			for _, o := range fx.orders {
				if o.date.IsZero() || (sc.stage != "" && o.stage != sc.stage) {
					continue
				}
				switch {
				case !o.date.Before(from) && o.date.Before(to):
					cur.add(o)
				case !o.date.Before(prevFrom) && o.date.Before(from):
					prev.add(o)
				}
			}
			if len(res.Rows) != 1 || res.Previous == nil {
				t.Fatalf("kpi rows %v previous %v", res.Rows, res.Previous)
			}
			if got, want := line(res.Rows[0], "revenue", "orders"), fmt.Sprintf("%s|%d", cur.sumText(), cur.count); got != want {
				t.Errorf("%v: current %s, want %s", sc.params, got, want)
			}
			if got, want := line(*res.Previous, "revenue", "orders"), fmt.Sprintf("%s|%d", prev.sumText(), prev.count); got != want {
				t.Errorf("%v: previous %s, want %s", sc.params, got, want)
			}
			c, _ := cur.sum.Float64()
			p, _ := prev.sum.Float64()
			want := "-" // note: a sum of nothing is empty, and so is its change.
			if prev.nonEmpty > 0 && cur.nonEmpty > 0 {
				want = show((c - p) / p)
			}
			if got := show(res.Change["revenue"]); got != want {
				t.Errorf("%v: change %s, want %s", sc.params, got, want)
			}
		}
	})
}

func TestRunParams(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "by_stage", "title": "By stage", "source": "order",
		"params": [{"key": "min", "type": "number", "default": 0}, {"key": "stages", "type": "text", "multiple": true},
			{"key": "urgent", "type": "boolean"}],
		"filter": "amount >= params.min && (params.stages == nil || stage in params.stages) && (params.urgent == nil || urgent == params.urgent)",
		"dimensions": [{"key": "stage", "field": "stage"}], "measures": [{"key": "n", "agg": "count"}]}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		for _, sc := range []map[string]any{
			nil,
			{"min": json.Number("5000.5"), "stages": []any{"won", "lost"}},
			{"min": "-1000", "urgent": false},
			{"min": 1e4, "stages": []any{}, "urgent": true},
		} {
			res := run(t, fx, c, reports.Request{Params: sc}, admin)
			min := decimal.Zero
			if sc["min"] != nil {
				min = decimal.RequireFromString(fmt.Sprint(sc["min"]))
			}
			stages, _ := sc["stages"].([]any)
			counts := map[string]int{}
			for _, o := range fx.orders {
				if o.amount == nil || o.amount.LessThan(min) {
					continue
				}
				if len(stages) > 0 && !slices.Contains(stages, any(o.stage)) {
					continue
				}
				if u, ok := sc["urgent"].(bool); ok && (u != (o.urgent != nil && *o.urgent)) {
					continue
				}
				counts[o.stage]++
			}
			var want strings.Builder
			for _, s := range slices.SortedFunc(mapKeys(counts), cmpText) {
				fmt.Fprintf(&want, "%s|%d\n", opt(s), counts[s])
			}
			if got := lines(res.Rows, "stage", "n"); got != want.String() {
				t.Errorf("%v:\n%s\nwant:\n%s", sc, got, want.String())
			}
		}
		for _, bad := range []struct {
			params map[string]any
			path   string
		}{
			{map[string]any{"min": "lots"}, "/params/min"},
			{map[string]any{"stages": "won"}, "/params/stages"},
			{map[string]any{"urgent": "yes"}, "/params/urgent"},
			{map[string]any{"nope": 1}, "/params/nope"},
			{map[string]any{"min": nil}, "/params"},
		} {
			_, err := reports.Run(t.Context(), fx.db, c, reports.Request{Params: bad.params}, admin)
			pl, ok := forms.AsProblems(err)
			if !ok || pl.Problems[0].Path != bad.path {
				t.Errorf("params %v: %v, want a problem at %s", bad.params, err, bad.path)
			}
		}
	})
}

func TestRunDrillLevels(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "region_drill", "title": "Orders by region", "source": "order",
		"dimensions": [{"key": "region", "field": "customer.region"}], "measures": [{"key": "n", "agg": "count"}],
		"sort": [{"key": "n", "desc": true}], "totals": {"grand": true},
		"drill": [{"key": "rep", "field": "rep"}, {"key": "month", "field": "order_date", "bucket": "month"}]}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		req := reports.Request{Level: 1, Where: []reports.DimFilter{{Key: "region", Values: []any{"east"}}}}
		res := run(t, fx, c, req, admin)
		byRep := map[int64]int{}
		total := 0
		for _, o := range fx.orders {
			if fx.regionOf(o) == "east" {
				byRep[o.rep]++
				total++
			}
		}
		reps := slices.Collect(mapKeys(byRep))
		slices.SortFunc(reps, func(a, b int64) int {
			if byRep[a] != byRep[b] {
				return byRep[b] - byRep[a]
			}
			return int(a - b)
		})
		var want strings.Builder
		for _, r := range reps {
			fmt.Fprintf(&want, "%d|%d\n", r, byRep[r])
		}
		if got := lines(res.Rows, "rep", "n"); got != want.String() {
			t.Errorf("level 1:\n%s\nwant:\n%s", got, want.String())
		}
		if res.Level != 1 || res.Columns[0].Key != "rep" || show(res.Totals.Values["n"]) != fmt.Sprint(total) {
			t.Errorf("level %d, columns %v, totals %v; want level 1 by rep, %d in all", res.Level, res.Columns, res.Totals, total)
		}
		// the month of the empty region, for one rep, two levels down
		req = reports.Request{Level: 2, Where: []reports.DimFilter{{Key: "region", Values: []any{nil}}, {Key: "rep", Values: []any{json.Number(fmt.Sprint(reps[0]))}}}}
		res = run(t, fx, c, req, admin)
		months := map[string]int{}
		for _, o := range fx.orders {
			if fx.regionOf(o) == "" && o.rep == reps[0] {
				months[month(o.date)]++
			}
		}
		want.Reset()
		ms := slices.SortedFunc(mapKeys(months), cmpText)
		slices.SortStableFunc(ms, func(a, b string) int { return months[b] - months[a] }) // note: the report's sort holds at every level.
		for _, m := range ms {
			fmt.Fprintf(&want, "%s|%d\n", opt(m), months[m])
		}
		if got := lines(res.Rows, "month", "n"); got != want.String() {
			t.Errorf("level 2:\n%s\nwant:\n%s", got, want.String())
		}
		if _, err := reports.Run(t.Context(), fx.db, c, reports.Request{Level: 3}, admin); !isProblem(err, "/level") {
			t.Errorf("level 3: %v, want a problem at /level", err)
		}
		if _, err := reports.Run(t.Context(), fx.db, c, reports.Request{Where: []reports.DimFilter{{Key: "month", Values: []any{"March"}}}}, admin); !isProblem(err, "/filters/0/values/0") {
			t.Errorf("bad month: %v, want a problem at /filters/0/values/0", err)
		}
	})
}

func isProblem(err error, path string) bool {
	var pl *forms.ProblemList
	return errors.As(err, &pl) && len(pl.Problems) > 0 && pl.Problems[0].Path == path
}

func mustDate(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestRunRangesAndRowBound(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "by_day", "title": "By day", "source": "order",
		"dimensions": [{"key": "month", "field": "order_date", "bucket": "month"}, {"key": "size", "field": "amount", "bin": 1000}],
		"measures": [{"key": "n", "agg": "count"}], "totals": {"grand": true}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		// a dashboard's date range on a bucketed date, a number range on a bin
		req := reports.Request{Where: []reports.DimFilter{{Key: "month", From: "2026-01-15", To: "2026-02-15"}, {Key: "size", From: json.Number("0")}}}
		res := run(t, fx, c, req, admin)
		lo, hi := mustDate("2026-01-15"), mustDate("2026-02-15")
		n := 0
		for _, o := range fx.orders {
			if !o.date.IsZero() && !o.date.Before(lo) && o.date.Before(hi) && o.amount != nil && !o.amount.IsNegative() {
				n++
			}
		}
		if got := show(res.Totals.Values["n"]); got != fmt.Sprint(n) {
			t.Errorf("ranges count %s, want %d", got, n)
		}
		d, err := reports.Drill(t.Context(), fx.db, c, req, reports.Click{Values: map[string]any{}}, admin)
		if err != nil {
			t.Fatal(err)
		}
		if got := fx.list(t, "order", d.Records.Filter); len(got) != n {
			t.Errorf("drill of the ranges lists %d, want %d (%s)", len(got), n, d.Records.Filter)
		}
		// a run past its row bound fails instead of cutting rows
		_, err = reports.Run(t.Context(), fx.db, c, reports.Request{MaxRows: 5}, admin)
		if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "more than 5 rows") {
			t.Errorf("past the bound: %v", err)
		}
	})
}
