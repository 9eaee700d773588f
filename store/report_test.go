package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// seedReportTables creates f_team (name, region) and f_sale (team, day,
// at, amount, ok, tag) with a few rows; reports are checked against them.
func seedReportTables(t *testing.T, db *store.DB) {
	t.Helper()
	ctx := context.Background()
	team := store.Table{Name: "f_team", Columns: []store.Column{{Name: "name", Type: store.TypeText}, {Name: "region", Type: store.TypeText}}}
	sale := store.Table{Name: "f_sale", Columns: []store.Column{
		{Name: "team", Type: store.TypeBigInt, References: "f_team"}, {Name: "day", Type: store.TypeDate},
		{Name: "at", Type: store.TypeTimestamp}, {Name: "amount", Type: store.TypeBigInt},
		{Name: "ok", Type: store.TypeBool}, {Name: "tag", Type: store.TypeText}}}
	for _, tb := range []store.Table{team, sale} {
		if err := db.CreateTable(ctx, tb); err != nil {
			t.Fatal(err)
		}
	}
	for _, tm := range [][]any{{"red", "east"}, {"blue", "west"}, {"green", nil}} {
		if _, err := db.Insert(ctx, "f_team", []store.Value{{Column: "name", Value: tm[0]}, {Column: "region", Value: tm[1]}}); err != nil {
			t.Fatal(err)
		}
	}
	// team, day, at, amount, ok, tag
	sales := [][]any{
		{1, "2026-01-05", "2026-01-05T23:30:00Z", 100, true, "a"},
		{1, "2026-02-10", "2026-02-10T01:00:00Z", 250, false, "b"},
		{2, "2026-02-11", "2026-03-31T23:59:59Z", -30, nil, ""},
		{2, "2026-04-01", "2026-04-01T00:00:00Z", 70, true, "a"},
		{3, "2026-12-31", "2027-01-01T00:00:00Z", 5, true, nil},
		{nil, nil, nil, nil, nil, "c"},
	}
	for _, s := range sales {
		var at any
		if s[2] != nil {
			tm, _ := time.Parse(time.RFC3339, s[2].(string))
			at = tm
		}
		vals := []store.Value{{Column: "team", Value: s[0]}, {Column: "day", Value: s[1]}, {Column: "at", Value: at},
			{Column: "amount", Value: s[3]}, {Column: "ok", Value: s[4]}, {Column: "tag", Value: s[5]}}
		if _, err := db.Insert(ctx, "f_sale", vals); err != nil {
			t.Fatal(err)
		}
	}
}

// showRows prints report rows compactly: "set|dims|aggs" per line.
func showRows(rows []store.ReportRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%d|", r.Set)
		for i, d := range r.Dims {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(showValue(d))
		}
		b.WriteString("|")
		for i, a := range r.Aggs {
			if i > 0 {
				b.WriteString(",")
			}
			b.WriteString(showValue(a))
		}
		b.WriteString("\n")
	}
	return b.String()
}

func showValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case bool:
		if x {
			return "1"
		}
		return "0"
	case string:
		// note: PostgreSQL's NUMERIC sums come as text; "12" either way.
		return x
	}
	return fmt.Sprint(v)
}

func TestReportStatements(t *testing.T) {
	joinTeam := store.ReportSource{Table: "f_sale", Joins: []store.ReportJoin{{Table: "f_team", From: -1, Column: "team",
		Select: []store.ReportColumn{{Column: "region", As: "team__region"}, {Column: "name", As: "team__name"}}}}}
	scenarios := []struct {
		name string
		q    store.ReportQuery
		want string
	}{
		{"count and sum per joined region with totals", store.ReportQuery{Source: joinTeam,
			Dims: []store.ReportDim{{Column: "team__region", Type: store.TypeText}},
			Aggs: []store.ReportAgg{{Func: store.AggCount}, {Func: store.AggSum, Column: "amount"}},
			Sets: []uint64{1, 0}, Order: []store.ReportOrder{{Index: 0}}},
			"0|east|2,350\n0|west|2,40\n0|-|2,5\n1|-|6,395\n"},
		{"buckets by month, quarter and ISO week, in UTC", store.ReportQuery{Source: store.ReportSource{Table: "f_sale"},
			Where: store.IsNull("at", false),
			Dims: []store.ReportDim{{Column: "at", Type: store.TypeTimestamp, Bucket: store.BucketMonth},
				{Column: "at", Type: store.TypeTimestamp, Bucket: store.BucketQuarter},
				{Column: "at", Type: store.TypeTimestamp, Bucket: store.BucketWeek}},
			Aggs: []store.ReportAgg{{Func: store.AggCount}}},
			"0|2026-01,2026-Q1,2026-W02|1\n0|2026-02,2026-Q1,2026-W07|1\n0|2026-03,2026-Q1,2026-W14|1\n0|2026-04,2026-Q2,2026-W14|1\n0|2027-01,2027-Q1,2026-W53|1\n"},
		{"date buckets: day and year", store.ReportQuery{Source: store.ReportSource{Table: "f_sale"},
			Dims: []store.ReportDim{{Column: "day", Type: store.TypeDate, Bucket: store.BucketYear}, {Column: "day", Type: store.TypeDate, Bucket: store.BucketDay}},
			Aggs: []store.ReportAgg{{Func: store.AggMin, Column: "amount"}, {Func: store.AggMax, Column: "amount"}},
			Sets: []uint64{3, 1}, Order: []store.ReportOrder{{Index: 1, Desc: true}}},
			"0|2026,2026-12-31|5,5\n0|2026,2026-04-01|70,70\n0|2026,2026-02-11|-30,-30\n0|2026,2026-02-10|250,250\n0|2026,2026-01-05|100,100\n0|-,-|-,-\n1|2026,-|-30,250\n1|-,-|-,-\n"},
		{"bins round down below zero", store.ReportQuery{Source: store.ReportSource{Table: "f_sale"},
			Dims: []store.ReportDim{{Column: "amount", Type: store.TypeBigInt, Bin: 100}},
			Aggs: []store.ReportAgg{{Func: store.AggCount}}},
			"0|-100|1\n0|0|2\n0|100|1\n0|200|1\n0|-|1\n"},
		{"empty text is no value; empty yes/no is false", store.ReportQuery{Source: store.ReportSource{Table: "f_sale"},
			Dims: []store.ReportDim{{Column: "ok", Type: store.TypeBool}},
			Aggs: []store.ReportAgg{{Func: store.AggCountDistinct, Column: "tag", Type: store.TypeText}, {Func: store.AggCount, Column: "tag", Type: store.TypeText}}},
			"0|0|2,2\n0|1|1,2\n"},
		{"empty text and no text are one group, also when the groups are counted before", store.ReportQuery{
			Source: store.ReportSource{Table: "f_sale"},
			Dims:   []store.ReportDim{{Column: "tag", Type: store.TypeText}},
			Aggs:   []store.ReportAgg{{Func: store.AggCount}, {Func: store.AggSum, Column: "amount"}}},
			"0|a|2,170\n0|b|1,250\n0|c|1,-\n0|-|2,-25\n"},
		{"empty text and empty yes/no with subtotals and a total", store.ReportQuery{
			Source: store.ReportSource{Table: "f_sale"},
			Dims:   []store.ReportDim{{Column: "tag", Type: store.TypeText}, {Column: "ok", Type: store.TypeBool}},
			Aggs:   []store.ReportAgg{{Func: store.AggCount}, {Func: store.AggSum, Column: "amount"}}, Sets: []uint64{3, 1, 0}},
			"0|a,1|2,170\n0|b,0|1,250\n0|c,0|1,-\n0|-,0|1,-30\n0|-,1|1,5\n" +
				"1|a,-|2,170\n1|b,-|1,250\n1|c,-|1,-\n1|-,-|2,-25\n2|-,-|6,395\n"},
		{"top 1 with others", store.ReportQuery{Source: joinTeam,
			Dims: []store.ReportDim{{Column: "team__name", Type: store.TypeText}},
			Aggs: []store.ReportAgg{{Func: store.AggSum, Column: "amount"}, {Func: store.AggCount}, {Func: store.AggCountDistinct, Column: "tag", Type: store.TypeText},
				{Func: store.AggMin, Column: "amount"}, {Func: store.AggMax, Column: "amount"}},
			Sets: []uint64{1, 0}, Order: []store.ReportOrder{{Agg: true, Index: 0, Desc: true}}, Limit: 1, Others: true},
			"-1|-|45,4,2,-30,70\n0|red|350,2,2,100,250\n1|-|395,6,3,-30,250\n"},
		{"top 1 with others, the total folded from the groups, a column read once for two aggregates", store.ReportQuery{Source: joinTeam,
			Dims: []store.ReportDim{{Column: "team__name", Type: store.TypeText}},
			Aggs: []store.ReportAgg{{Func: store.AggSum, Column: "amount"}, {Func: store.AggCount, Column: "amount"},
				{Func: store.AggMin, Column: "amount"}, {Func: store.AggMax, Column: "amount"}},
			Sets: []uint64{1, 0}, Order: []store.ReportOrder{{Agg: true, Index: 0, Desc: true}}, Limit: 1, Others: true},
			"-1|-|45,3,-30,70\n0|red|350,2,100,250\n1|-|395,5,-30,250\n"},
		{"top 5 of 4 has no others row", store.ReportQuery{Source: joinTeam,
			Dims:  []store.ReportDim{{Column: "team__name", Type: store.TypeText}},
			Aggs:  []store.ReportAgg{{Func: store.AggCount}},
			Order: []store.ReportOrder{{Agg: true, Index: 0, Desc: true}}, Limit: 5, Others: true},
			"0|blue|2\n0|red|2\n0|green|1\n0|-|1\n"},
		{"a flag dimension and a related row scope", store.ReportQuery{
			Source: store.ReportSource{Table: "f_sale", Joins: []store.ReportJoin{{Table: "f_team", From: -1, Column: "team",
				Rows: store.Compare("region", store.OpEq, "east"), Select: []store.ReportColumn{{Column: "name", As: "team__name"}}}}},
			Dims: []store.ReportDim{{When: store.Compare("amount", store.OpGe, 100)}, {Column: "team__name", Type: store.TypeText}},
			Aggs: []store.ReportAgg{{Func: store.AggCount}}, Sets: []uint64{3, 2, 1, 0}},
			"0|0,-|4\n0|1,red|2\n1|-,red|2\n1|-,-|4\n2|0,-|4\n2|1,-|2\n3|-,-|6\n"},
		{"no dimensions", store.ReportQuery{Source: store.ReportSource{Table: "f_sale"}, Where: store.Compare("amount", store.OpGt, 1000),
			Aggs: []store.ReportAgg{{Func: store.AggCount}, {Func: store.AggSum, Column: "amount"}}},
			"0||0,-\n"},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportTables(t, db)
		for _, sc := range scenarios {
			rows, err := db.RunReport(context.Background(), sc.q)
			if err != nil {
				sql, vars, _ := db.RenderReport(sc.q)
				t.Fatalf("%s: %v\n%s %v", sc.name, err, sql, vars)
			}
			if got := showRows(rows); got != sc.want {
				sql, _, _ := db.RenderReport(sc.q)
				t.Errorf("%s:\n got %q\nwant %q\n%s", sc.name, got, sc.want, sql)
			}
		}
		ids, err := db.ReportIDs(context.Background(), joinTeam, store.Compare("team__region", store.OpEq, "west"), 10)
		if err != nil || fmt.Sprint(ids) != "[3 4]" {
			t.Errorf("ReportIDs = %v, %v; want [3 4]", ids, err)
		}
	})
}

func TestReportStatementBounds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		seedReportTables(t, db)
		q := store.ReportQuery{Source: store.ReportSource{Table: "f_sale"}, MaxRows: 2,
			Dims: []store.ReportDim{{Column: "amount", Type: store.TypeBigInt}}, Aggs: []store.ReportAgg{{Func: store.AggCount}}}
		rows, err := db.RunReport(context.Background(), q)
		if err != nil || len(rows) != 3 {
			t.Errorf("MaxRows 2: %d rows, %v; want 3 (one more than the bound)", len(rows), err)
		}
		bad := []store.ReportQuery{
			{Source: store.ReportSource{Table: "f_sale"}, Aggs: []store.ReportAgg{{Func: "median", Column: "amount"}}},
			{Source: store.ReportSource{Table: "f_sale"}, Aggs: []store.ReportAgg{{Func: store.AggSum}}},
			{Source: store.ReportSource{Table: "f_sale"}, Dims: []store.ReportDim{{Column: "day", Bucket: "decade"}}},
			{Source: store.ReportSource{Table: "f_sale"}, Dims: []store.ReportDim{{Column: "day"}}, Sets: []uint64{0}},
			{Source: store.ReportSource{Table: "f_sale"}, Order: []store.ReportOrder{{Agg: true, Index: 3}}},
			{Source: store.ReportSource{Table: "f_sale"}, Limit: 3},
			{Source: store.ReportSource{Builtin: "nope"}},
		}
		for i, q := range bad {
			if _, err := db.RunReport(context.Background(), q); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("bad query %d: %v, want ErrInvalid", i, err)
			}
		}
	})
}
