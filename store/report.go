package store

import (
	"context"
	"fmt"
	"strconv"

	"github.com/jackc/pgx/v5"
)

// Report statements: the store's side of the report engine. The reports
// package plans a report as a ReportQuery made only of validated
// identifiers, conditions and enumerated choices (aggregate functions, date
// buckets); the store renders it into ONE parameterised statement per
// dialect and runs it. No SQL text comes from outside this package.
//
// The statement reads a source, narrowed by Where, and groups it:
//
//	WITH "base" AS (SELECT <dimension> AS "d0", …, <value> AS "v0", …
//	                FROM <source> AS "src" WHERE <Where>)
//	SELECT <set> AS "s", <d0 shown> AS "k0", …, <aggregate> AS "m0", …
//	FROM "base" GROUP BY …
//
// The source is a table, or a derived table that brings in columns of
// related tables along foreign keys (LEFT JOIN), or a built-in view over
// system tables. Either way its columns keep their names, so conditions
// written for the source table (a row scope, a list filter) apply to it
// unchanged; joined columns take names of their own ("customer__region").
//
// Several grouping sets (totals, subtotals) come from the same statement:
// GROUPING SETS on PostgreSQL, UNION ALL of one SELECT per set on SQLite.
// When every aggregate adds up (counts, sums, minimums, maximums), the
// coarser sets are folded from the detail groups ("g") instead of being
// grouped from the base rows again. On PostgreSQL those groups are first
// made of the stored values of text and yes/no dimensions ("g0"), made
// empty-as-none once per group rather than once per row.
// A top-N limit ranks the detail groups with ROW_NUMBER() and can add an
// "others" row folding the groups past N.

// Aggregate functions of a report statement.
const (
	// AggCount counts rows (without a column) or non-empty values.
	AggCount = "count"
	// AggCountDistinct counts distinct non-empty values.
	AggCountDistinct = "count_distinct"
	// AggSum adds the values; it stays exact on exact numbers (BIGINT minor
	// units), giving an integer on SQLite and a NUMERIC on PostgreSQL.
	AggSum = "sum"
	// AggMin and AggMax give the smallest and largest value.
	AggMin = "min"
	AggMax = "max"
	// AggAvg is the mean, inexact (a float on SQLite); it serves to rank
	// groups. An exact mean is a sum divided by a count.
	AggAvg = "avg"
)

// Date buckets a dimension may group a date or timestamp column by. Buckets
// are taken in UTC and read as text in the same form on both dialects,
// which sorts in time order: "2026-03-31", "2026-W14" (ISO week),
// "2026-03", "2026-Q1", "2026".
const (
	BucketDay     = "day"
	BucketWeek    = "week"
	BucketMonth   = "month"
	BucketQuarter = "quarter"
	BucketYear    = "year"
)

// Buckets lists the date buckets, from finest to coarsest.
var Buckets = []string{BucketDay, BucketWeek, BucketMonth, BucketQuarter, BucketYear}

// ReportSource is what a report statement reads.
type ReportSource struct {
	// Table is the source table, read as "src" with all its columns.
	Table Ident
	// Joins bring columns of related tables into the source.
	Joins []ReportJoin
	// Builtin names a built-in view over system tables instead of a table
	// (BuiltinAudit, BuiltinFlowTasks); Table and Joins are then unused.
	Builtin string
}

// ReportJoin brings columns of a related table into a report's source:
// LEFT JOIN Table ON Table.id = <From>.Column. Rows not matching Rows (the
// related records the viewer may not read) join as if absent, so their
// columns are empty.
type ReportJoin struct {
	Table Ident
	// From is -1 for the source table, or the index of an earlier join (to
	// follow a relation of a related table).
	From int
	// Column is the foreign-key column on From.
	Column Ident
	// Rows limits the related rows that join; nil joins them all.
	Rows Cond
	// Select are the columns of Table the source gains, each under its own
	// name (which must not clash with a source column).
	Select []ReportColumn
}

// ReportColumn is a joined column and its name in the source.
type ReportColumn struct {
	Column Ident
	As     Ident
}

// ReportDim is one dimension (grouping column) of a report statement.
type ReportDim struct {
	// Column is the source column grouped by.
	Column Ident
	// Type is the column's storage type. Empty text groups with NULL, and
	// an empty yes/no with false, as list filters treat them.
	Type ColumnType
	// Bucket groups a date or timestamp column by a date bucket.
	Bucket string
	// Bin groups a BIGINT column into bins of this width, each shown by its
	// lower bound (rounded down, also below zero).
	Bin int64
	// When, if set, makes the dimension a flag: 1 where When holds and 0
	// elsewhere; Column is then unused.
	When Cond
}

// ReportAgg is one aggregate of a report statement.
type ReportAgg struct {
	Func string
	// Column is the source column aggregated; empty for a count of rows.
	Column Ident
	// Type is the column's storage type; empty text counts as no value.
	Type ColumnType
	// When, if set, limits the aggregate to the rows where it holds (a
	// conditional count or sum: the won deals among all deals).
	When Cond
}

// ReportOrder is one sort key of a report statement: a dimension or an
// aggregate, by index. Empty values sort last either way.
type ReportOrder struct {
	Agg   bool
	Index int
	Desc  bool
}

// ReportQuery is one report statement.
type ReportQuery struct {
	Source ReportSource
	// Where narrows the source rows; it is written over the source's
	// columns (joined ones by their names).
	Where Cond
	Dims  []ReportDim
	Aggs  []ReportAgg
	// Sets are the grouping sets to compute, each a bit mask of the
	// dimensions it groups by (bit i: Dims[i]). Sets[0] must group by every
	// dimension (the detail rows); later sets are coarser (subtotals, the
	// grand total as 0). Nil means the detail set only.
	Sets  []uint64
	Order []ReportOrder
	// Limit keeps the first Limit detail rows in Order (0: all); Others
	// then adds a row (set -1) aggregating the groups past the limit.
	Limit  int
	Others bool
	// MaxRows bounds the rows read back (0: DefaultReportRows). A statement
	// that would return more reads MaxRows+1, so the caller can tell.
	MaxRows int
}

// DefaultReportRows is the row bound of a report statement without MaxRows.
const DefaultReportRows = 10000

// ReportRow is one row of a report statement's result.
type ReportRow struct {
	// Set is the index in ReportQuery.Sets of the set the row belongs to;
	// -1 for the others row.
	Set int
	// Dims are the dimension values as the driver read them; nil for a
	// dimension the set does not group by. Buckets are text.
	Dims []any
	// Aggs are the aggregates as the driver read them (PostgreSQL gives
	// sums of BIGINT as NUMERIC text).
	Aggs []any
}

// RenderReport returns the statement of q as the dialect's SQL text and its
// bound values, for golden files. Nothing is executed.
func (db *DB) RenderReport(q ReportQuery) (string, []any, error) {
	b, err := db.reportStatement(q)
	if err != nil {
		return "", nil, err
	}
	return b.sql.String(), b.vars, nil
}

// RunReport runs q and returns its rows: in Order within each set, sets in
// their order, the others row first.
func (db *DB) RunReport(ctx context.Context, q ReportQuery) ([]ReportRow, error) {
	b, err := db.reportStatement(q)
	if err != nil {
		return nil, err
	}
	args := b.vars
	if db.dialect == Postgres {
		// note: planned with its values on every run. As a cached prepared
		// statement (pgx's default) PostgreSQL switches to a generic plan
		// after five runs, blind to how many rows a date range or an owner
		// selects: 1.5 to 2.5 times slower on a million orders. Describing
		// the statement first costs one round trip, a report many more.
		args = append([]any{pgx.QueryExecModeDescribeExec}, b.vars...)
	}
	rows, err := db.pool(ctx).QueryContext(ctx, db.statement(ctx, b), args...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var out []ReportRow
	width := 1 + len(q.Dims) + len(q.Aggs)
	if q.Limit > 0 {
		width++ // "rn"
	}
	for rows.Next() {
		vals := make([]any, width)
		ptrs := make([]any, width)
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		for i, v := range vals {
			if bs, ok := v.([]byte); ok {
				vals[i] = string(bs)
			}
		}
		set, err := setIndex(vals[0])
		if err != nil {
			return nil, err
		}
		out = append(out, ReportRow{Set: set, Dims: vals[1 : 1+len(q.Dims)], Aggs: vals[1+len(q.Dims) : 1+len(q.Dims)+len(q.Aggs)]})
	}
	return out, translate(rows.Err())
}

func setIndex(v any) (int, error) {
	switch n := v.(type) {
	case int64:
		return int(n), nil
	case int32:
		return int(n), nil
	case int:
		return n, nil
	case string:
		return strconv.Atoi(n)
	}
	return 0, fmt.Errorf("report statement: unexpected set %T", v)
}

// ReportIDs returns the ids of up to limit rows of src matching where, in
// id order; drill-down uses it to turn a value of a related form into the
// records that have it.
func (db *DB) ReportIDs(ctx context.Context, src ReportSource, where Cond, limit int) ([]int64, error) {
	b := db.builder()
	b.sql.WriteString(`SELECT "id" FROM `)
	if err := db.reportSource(b, src, where); err != nil {
		return nil, err
	}
	if where != nil {
		b.sql.WriteString(" WHERE ")
		where.render(db, b)
	}
	b.sql.WriteString(` ORDER BY "id" LIMIT `)
	b.val(db, limit)
	rows, err := db.pool(ctx).QueryContext(ctx, db.statement(ctx, b), b.vars...)
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, translate(rows.Err())
}
