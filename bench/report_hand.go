package main

import (
	"context"
	"database/sql"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the hand-written side is what a Go developer would write for each
// example report without the engine: one plain SQL query over the same
// tables (pgx on PostgreSQL, database/sql on SQLite), the same joins,
// filters and grouping, scanned into Go values; totals, subtotals and
// derived figures (ratios) are added up in Go from the grouped rows, as
// such code usually does. Where the SQL of the two databases differs (date
// buckets, the seconds between two times) each has its own text; elsewhere
// the SQLite text is the PostgreSQL one with ?1, ?2 … for $1, $2 ….

// handDB is the hand-written side's connection to the report data.
type handDB struct {
	pg   *pgxpool.Pool
	lite *sql.DB
	// explain, when set, collects the PostgreSQL plans of the statements
	// instead of running them (for results.md).
	explain *handExplain
}

// rowScanner is what a row gives: pgx.Rows.Scan or sql.Rows.Scan.
type rowScanner func(dest ...any) error

// each runs pgQ on PostgreSQL, or liteQ on SQLite ("" for pgQ with ?n
// placeholders), and calls scan for every row.
func (h *handDB) each(ctx context.Context, pgQ, liteQ string, args []any, scan func(rowScanner) error) error {
	if h.explain != nil {
		plan, err := explainPG(ctx, h.pg, pgQ, args)
		h.explain.sqls, h.explain.plans = append(h.explain.sqls, pgQ), append(h.explain.plans, plan)
		return err
	}
	if h.pg != nil {
		// note: planned with its values every run, as the engine's report
		// statements are; see report_results.go.
		rows, err := h.pg.Query(ctx, pgQ, append([]any{pgx.QueryExecModeDescribeExec}, args...)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows.Scan); err != nil {
				return err
			}
		}
		return rows.Err()
	}
	if liteQ == "" {
		liteQ = litePlaceholders(pgQ)
	}
	rows, err := h.lite.QueryContext(ctx, liteQ, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows.Scan); err != nil {
			return err
		}
	}
	return rows.Err()
}

// liteScan is the SQLite text of q with from written as to.
//
// note: grouping the whole table by an indexed column, SQLite reads the
// rows in the index's order to skip a sort, one page at a time all over
// the file: two to three times slower than a scan and a sort here. A
// developer who looked at the plan would write the column as +column,
// SQLite's documented way to keep a term from using an index.
func liteScan(q, from, to string) string {
	if !strings.Contains(q, from) {
		panic("bench: " + from + " is not in " + q)
	}
	return litePlaceholders(strings.Replace(q, from, to, 1))
}

var pgPlaceholder = regexp.MustCompile(`\$([0-9]+)`)

// litePlaceholders turns $n into ?n, which SQLite reads the same way.
func litePlaceholders(q string) string { return pgPlaceholder.ReplaceAllString(q, "?$1") }

// date is a date parameter: a time on PostgreSQL (a date column), the
// stored text on SQLite.
func (h *handDB) date(s string) any {
	t, err := time.Parse(forms.DateLayout, s)
	if err != nil {
		panic("bench: bad date " + s)
	}
	if h.pg != nil {
		return t
	}
	return s
}

// figures are a report's numbers in a form both sides give: rows of values
// by column key, in the report's order.
type figures struct {
	rows      []figRow
	subtotals []figRow
	totals    figRow
	others    figRow
	previous  figRow
	change    figRow
	// rowTotals and colTotals are a pivot's totals, each with its header
	// value under the dimension's key.
	rowTotals, colTotals []figRow
}

// figRow is one row of figures: dimension values (strings, ids), counts
// (int64), exact sums (decimal), averages and derived figures (float64),
// nil for none.
type figRow map[string]any

// decimalValue is an exact figure.
type decimalValue = decimal.Decimal

// asFloat reads a figure as a float.
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, true
	case decimal.Decimal:
		return x.InexactFloat64(), true
	}
	return 0, false
}

// money is a sum of minor units as the currency amount it is.
func money(minor int64) decimal.Decimal { return decimal.New(minor, -2) }

// ratio is a / b, nil when b is zero.
func ratioOf(a, b float64) any {
	if b == 0 {
		return nil
	}
	return a / b
}

func float(d decimal.Decimal) float64 { return d.InexactFloat64() }

// sumRows adds up keys over rows into one row; counts and sums stay exact.
func sumRows(rows []figRow, keys ...string) figRow {
	out := figRow{}
	for _, k := range keys {
		var acc any
		for _, r := range rows {
			acc = addFigure(acc, r[k])
		}
		out[k] = acc
	}
	return out
}

func addFigure(acc, v any) any {
	switch x := v.(type) {
	case int64:
		n, _ := acc.(int64)
		return n + x
	case decimal.Decimal:
		d, _ := acc.(decimal.Decimal)
		return d.Add(x)
	}
	return acc
}

// groupRows splits rows by the value of key, in first-seen order.
func groupRows(rows []figRow, key string) ([]any, map[any][]figRow) {
	var order []any
	by := map[any][]figRow{}
	for _, r := range rows {
		v := r[key]
		if _, ok := by[v]; !ok {
			order = append(order, v)
		}
		by[v] = append(by[v], r)
	}
	return order, by
}

// sortedValues are the distinct values of key in rows, ascending.
func sortedValues(rows []figRow, key string) []string {
	var out []string
	for _, r := range rows {
		if s, ok := r[key].(string); ok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return out
}

// nullString is a scanned text value: nil for NULL or empty text, as
// reports group them.
func nullString(s *string) any {
	if s == nil || *s == "" {
		return nil
	}
	return *s
}

// handDialect is the store dialect of the hand-written side.
func (h *handDB) dialect() store.Dialect {
	if h.pg != nil {
		return store.Postgres
	}
	return store.SQLite
}
