package store

import (
	"fmt"
	"math/bits"
	"strconv"
)

// maxReportDims bounds the dimensions of one statement (grouping masks are
// 64-bit, and GROUPING() takes at most 31 arguments on PostgreSQL).
const maxReportDims = 16

// reportStatement checks q and writes its statement.
func (db *DB) reportStatement(q ReportQuery) (*condBuilder, error) {
	if err := checkReport(&q); err != nil {
		return nil, err
	}
	b := db.builder()
	b.sql.WriteString(`WITH "base" AS `)
	if db.dialect == SQLite && q.Source.Builtin != "" && sharesValues(q) {
		// note: SQLite computes a view's column at every reference of the
		// grouping query, and a built-in view's column may be costly (a
		// correlated subquery): read by two aggregates, the rows are worth
		// computing once into a temporary table.
		b.sql.WriteString("MATERIALIZED ")
	}
	b.sql.WriteString("(")
	stored := db.groupsStored(q)
	if err := db.reportBase(b, q, stored); err != nil {
		return nil, err
	}
	b.sql.WriteString(")")
	if q.Limit > 0 {
		db.reportTop(b, q)
	} else {
		from := `"base"`
		if (len(q.Sets) > 1 && foldable(q)) || stored {
			db.reportGroups(b, q, stored)
			from = `"g"`
		}
		b.sql.WriteString(" ")
		db.reportSets(b, q, q.Sets, 0, false, from)
		b.sql.WriteString(` ORDER BY "s"`)
		db.reportOrder(b, q, ", ")
	}
	maxRows := q.MaxRows
	if maxRows <= 0 {
		maxRows = DefaultReportRows
	}
	b.sql.WriteString(" LIMIT ")
	b.val(db, maxRows+1)
	return b, nil
}

// checkReport rejects a malformed query (a planner's mistake, never a
// user's) and fills in the default set.
func checkReport(q *ReportQuery) error {
	if len(q.Dims) > maxReportDims {
		return fmt.Errorf("%w: a report statement groups by at most %d dimensions", ErrInvalid, maxReportDims)
	}
	full := uint64(1)<<len(q.Dims) - 1
	if len(q.Sets) == 0 {
		q.Sets = []uint64{full}
	}
	if q.Sets[0] != full {
		return fmt.Errorf("%w: the first grouping set must group by every dimension", ErrInvalid)
	}
	for _, s := range q.Sets {
		if s&^full != 0 {
			return fmt.Errorf("%w: grouping set %b names a missing dimension", ErrInvalid, s)
		}
	}
	for _, d := range q.Dims {
		if d.Bucket != "" && bucketSQLite[d.Bucket] == "" {
			return fmt.Errorf("%w: unknown date bucket %q", ErrInvalid, d.Bucket)
		}
		if d.Bin < 0 || (d.Bin > 0 && d.Bucket != "") {
			return fmt.Errorf("%w: a bin needs a positive width and no bucket", ErrInvalid)
		}
	}
	for _, a := range q.Aggs {
		switch a.Func {
		case AggCount:
		case AggCountDistinct, AggSum, AggMin, AggMax, AggAvg:
			if a.Column == "" {
				return fmt.Errorf("%w: %s needs a column", ErrInvalid, a.Func)
			}
		default:
			return fmt.Errorf("%w: unknown aggregate %q", ErrInvalid, a.Func)
		}
	}
	for _, o := range q.Order {
		if (o.Agg && (o.Index < 0 || o.Index >= len(q.Aggs))) || (!o.Agg && (o.Index < 0 || o.Index >= len(q.Dims))) {
			return fmt.Errorf("%w: sort key %d is out of range", ErrInvalid, o.Index)
		}
	}
	if q.Limit < 0 || (q.Limit > 0 && len(q.Dims) == 0) {
		return fmt.Errorf("%w: a limit needs dimensions to rank", ErrInvalid)
	}
	return nil
}

// reportBase writes the rows the statement groups: one column per
// dimension ("d0"…) and per aggregated column ("v0"…, by aggregate index).
// With stored, the dimensions groupsStored names are the columns as
// stored; reportGroups makes them empty-as-none.
func (db *DB) reportBase(b *condBuilder, q ReportQuery, stored bool) error {
	b.sql.WriteString("SELECT ")
	n := 0
	sep := func() {
		if n > 0 {
			b.sql.WriteString(", ")
		}
		n++
	}
	for i, d := range q.Dims {
		sep()
		if stored && emptyAsNone(d) {
			b.col(d.Column)
		} else {
			db.dimInner(b, d)
		}
		b.sql.WriteString(` AS "d` + strconv.Itoa(i) + `"`)
	}
	src := valueSources(q)
	for j, a := range q.Aggs {
		if src[j] != j {
			continue
		}
		sep()
		if a.When != nil {
			// note: a conditional aggregate reads a value only where its
			// condition holds; elsewhere it is empty, which aggregates skip.
			b.sql.WriteString("CASE WHEN ")
			a.When.render(db, b)
			b.sql.WriteString(" THEN ")
			if a.Column == "" {
				b.sql.WriteString("1")
			} else {
				db.value(b, a.Column, a.Type)
			}
			b.sql.WriteString(" END")
		} else {
			db.value(b, a.Column, a.Type)
		}
		b.sql.WriteString(` AS "v` + strconv.Itoa(j) + `"`)
	}
	if n == 0 {
		b.sql.WriteString(`1 AS "one"`)
	}
	b.sql.WriteString(" FROM ")
	if err := db.reportSource(b, q.Source, q.Where); err != nil {
		return err
	}
	if q.Where != nil {
		b.sql.WriteString(" WHERE ")
		q.Where.render(db, b)
	}
	return nil
}

// valueSources maps each aggregate to the base column ("v<i>") it reads:
// its own, or that of an earlier aggregate reading the same column without
// a condition; -1 for a count of rows.
//
// note: an average reads its column twice (a sum and a count); one base
// column for both keeps the base narrow, and lets a materialized base
// compute a costly column (a built-in view's subquery) once per row.
func valueSources(q ReportQuery) []int {
	src := make([]int, len(q.Aggs))
	for j, a := range q.Aggs {
		src[j] = -1
		if a.Column == "" && a.When == nil {
			continue
		}
		src[j] = j
		for i, o := range q.Aggs[:j] {
			if a.When == nil && o.When == nil && o.Column == a.Column && o.Type == a.Type {
				src[j] = i
				break
			}
		}
	}
	return src
}

// sharesValues reports whether two aggregates of q read the same base
// column.
func sharesValues(q ReportQuery) bool {
	for j, src := range valueSources(q) {
		if src >= 0 && src != j {
			return true
		}
	}
	return false
}

// foldable reports whether the coarser grouping sets (subtotals, totals)
// of q can be added up from its detail groups: counts and sums add up,
// and the smallest and largest of groups are those of their rows; means
// and distinct counts are not.
func foldable(q ReportQuery) bool {
	for _, a := range q.Aggs {
		switch a.Func {
		case AggCount, AggSum, AggMin, AggMax:
		default:
			return false
		}
	}
	return true
}

// reportGroups writes the detail groups ("g") that the sets are folded
// from. With stored, the base rows are grouped by the stored values
// ("g0"), which the groups then make empty-as-none: the sets fold the
// groups that become one (an empty text and no text) together.
//
// note: PostgreSQL runs GROUPING SETS in one process, and SQLite reads the
// base rows once per set; grouping the rows once (in parallel where the
// database can) and folding the few groups into the coarser sets is
// several times faster on large tables.
func (db *DB) reportGroups(b *condBuilder, q ReportQuery, stored bool) {
	name := `"g"`
	if stored {
		name = `"g0"`
	}
	b.sql.WriteString(", " + name + " AS (SELECT ")
	for i := range q.Dims {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.sql.WriteString(`"d` + strconv.Itoa(i) + `"`)
	}
	aggList(b, q)
	b.sql.WriteString(` FROM "base"`)
	groupBy(b, q.Sets[0], len(q.Dims))
	b.sql.WriteString(")")
	if !stored {
		return
	}
	b.sql.WriteString(`, "g" AS (SELECT `)
	for i, d := range q.Dims {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		col := Ident("d" + strconv.Itoa(i))
		if !emptyAsNone(d) {
			b.col(col)
			continue
		}
		db.dimInner(b, ReportDim{Column: col, Type: d.Type})
		b.sql.WriteString(" AS ")
		b.col(col)
	}
	for j := range q.Aggs {
		b.sql.WriteString(`, "m` + strconv.Itoa(j) + `"`)
	}
	b.sql.WriteString(` FROM "g0")`)
}

// groupsStored reports whether q groups its base rows by the stored
// values of its text and yes/no dimensions, leaving empty-as-none to the
// groups: on PostgreSQL, when the groups fold (no limit; aggregates that
// add up).
//
// note: making empty text none (NULLIF) on each of a million rows cost
// PostgreSQL about 15% more CPU than the grouping itself
// (delivery_orders_by_status at 1.47x of GROUP BY status, type): the
// aggregate then hashes a column the scan had to compute, where a stored
// column is read in place. Made empty-as-none once per group instead, the
// statement does the work of the plain GROUP BY. Not on SQLite: there NULLIF keeps the grouping off
// the column's index, whose order would make SQLite read the table page by
// page out of order, two to three times slower than a scan.
func (db *DB) groupsStored(q ReportQuery) bool {
	if db.dialect != Postgres || q.Limit > 0 || !foldable(q) {
		return false
	}
	for _, d := range q.Dims {
		if emptyAsNone(d) {
			return true
		}
	}
	return false
}

// emptyAsNone reports whether d groups a column whose stored values map
// to fewer groups: an empty text groups with no text, an empty yes/no
// with no.
func emptyAsNone(d ReportDim) bool {
	return d.When == nil && d.Bucket == "" && d.Bin == 0 && (d.Type == TypeText || d.Type == TypeBool)
}

// value writes a column as a value: empty text is no value.
func (db *DB) value(b *condBuilder, c Ident, t ColumnType) {
	if t == TypeText {
		b.sql.WriteString("NULLIF(")
		b.col(c)
		b.sql.WriteString(", '')")
		return
	}
	b.col(c)
}

// reportSource writes the FROM item of a report: the table, the derived
// table with its joins, or a built-in view, always named "src". where is
// the condition the statement puts on the source's rows (nil for none); a
// built-in view leaves out its rows where that does not.
func (db *DB) reportSource(b *condBuilder, s ReportSource, where Cond) error {
	if s.Builtin != "" {
		view, ok := builtinViews[s.Builtin]
		if !ok {
			return fmt.Errorf("%w: unknown built-in source %q", ErrInvalid, s.Builtin)
		}
		b.sql.WriteString("(")
		b.sql.WriteString(view(db.dialect))
		if o, ok := builtinOmissions[s.Builtin]; ok {
			o.render(b, where)
		}
		b.sql.WriteString(`) AS "src"`)
		return nil
	}
	if len(s.Joins) == 0 {
		b.table(s.Table)
		b.sql.WriteString(` AS "src"`)
		return nil
	}
	b.sql.WriteString(`(SELECT "t".*`)
	for i, j := range s.Joins {
		if j.From < -1 || j.From >= i {
			return fmt.Errorf("%w: join %d follows a later join", ErrInvalid, i)
		}
		for _, c := range j.Select {
			b.sql.WriteString(", " + joinAlias(i) + ".")
			b.col(c.Column)
			b.sql.WriteString(" AS ")
			b.col(c.As)
		}
	}
	b.sql.WriteString(" FROM ")
	b.table(s.Table)
	b.sql.WriteString(` AS "t"`)
	for i, j := range s.Joins {
		b.sql.WriteString(" LEFT JOIN ")
		if j.Rows == nil {
			b.table(j.Table)
		} else {
			// note: the row scope is written for the related table's own
			// columns, so it applies inside a derived table of its own.
			b.sql.WriteString("(SELECT * FROM ")
			b.table(j.Table)
			b.sql.WriteString(" WHERE ")
			j.Rows.render(db, b)
			b.sql.WriteString(")")
		}
		b.sql.WriteString(" AS " + joinAlias(i) + ` ON ` + joinAlias(i) + `."id" = `)
		if j.From < 0 {
			b.sql.WriteString(`"t".`)
		} else {
			b.sql.WriteString(joinAlias(j.From) + ".")
		}
		b.col(j.Column)
	}
	b.sql.WriteString(`) AS "src"`)
	return nil
}

func joinAlias(i int) string { return `"j` + strconv.Itoa(i) + `"` }

// PostgreSQL to_char patterns and SQLite strftime formats of the buckets;
// both give the same text.
var (
	bucketPG     = map[string]string{BucketDay: "YYYY-MM-DD", BucketWeek: `IYYY-"W"IW`, BucketMonth: "YYYY-MM", BucketQuarter: `YYYY-"Q"Q`, BucketYear: "YYYY"}
	bucketSQLite = map[string]string{BucketDay: "%Y-%m-%d", BucketWeek: "%G-W%V", BucketMonth: "%Y-%m", BucketQuarter: "q", BucketYear: "%Y"}
)

// dimInner writes a dimension's value per source row.
func (db *DB) dimInner(b *condBuilder, d ReportDim) {
	switch {
	case d.When != nil:
		b.sql.WriteString("CASE WHEN ")
		d.When.render(db, b)
		b.sql.WriteString(" THEN 1 ELSE 0 END")
	case d.Bucket != "" && db.dialect == Postgres:
		// note: grouping by date_trunc and formatting the groups afterwards
		// (dimOuter) formats once per group, not once per row. A timestamp
		// is taken in UTC; a date is cast so the session time zone cannot
		// shift it.
		b.sql.WriteString("date_trunc('" + d.Bucket + "', ")
		if d.Type == TypeTimestamp {
			b.sql.WriteString("(")
			b.col(d.Column)
			b.sql.WriteString(" AT TIME ZONE 'UTC'))")
		} else {
			b.sql.WriteString("CAST(")
			b.col(d.Column)
			b.sql.WriteString(" AS timestamp))")
		}
	case d.Bucket == BucketQuarter:
		b.sql.WriteString("(strftime('%Y', ")
		b.col(d.Column)
		b.sql.WriteString(") || '-Q' || ((CAST(strftime('%m', ")
		b.col(d.Column)
		b.sql.WriteString(") AS INTEGER) + 2) / 3))")
	case d.Bucket != "":
		b.sql.WriteString("strftime('" + bucketSQLite[d.Bucket] + "', ")
		b.col(d.Column)
		b.sql.WriteString(")")
	case d.Bin > 0:
		// note: the lower bound of the bin, rounded down below zero too
		// (% keeps the sign of the dividend on both dialects).
		b.sql.WriteString("(")
		b.col(d.Column)
		b.sql.WriteString(" - (((")
		b.col(d.Column)
		b.sql.WriteString(" % ")
		b.val(db, d.Bin)
		b.sql.WriteString(") + ")
		b.val(db, d.Bin)
		b.sql.WriteString(") % ")
		b.val(db, d.Bin)
		b.sql.WriteString("))")
	case d.Type == TypeBool:
		b.sql.WriteString("COALESCE(")
		b.col(d.Column)
		if db.dialect == Postgres {
			b.sql.WriteString(", FALSE)")
		} else {
			b.sql.WriteString(", 0)")
		}
	default:
		db.value(b, d.Column, d.Type)
	}
}

// dimOuter writes dimension i of a group as shown ("k<i>").
func (db *DB) dimOuter(b *condBuilder, d ReportDim, i int) {
	name := `"d` + strconv.Itoa(i) + `"`
	if d.Bucket != "" && d.When == nil && db.dialect == Postgres {
		b.sql.WriteString("to_char(" + name + ", '" + bucketPG[d.Bucket] + "')")
		return
	}
	b.sql.WriteString(name)
}

// agg writes an aggregate over the base rows, reading "v<src>".
func agg(b *condBuilder, a ReportAgg, src int) {
	v := `"v` + strconv.Itoa(src) + `"`
	switch a.Func {
	case AggCount:
		if a.Column == "" && a.When == nil {
			b.sql.WriteString("COUNT(*)")
		} else {
			b.sql.WriteString("COUNT(" + v + ")")
		}
	case AggCountDistinct:
		b.sql.WriteString("COUNT(DISTINCT " + v + ")")
	case AggSum:
		b.sql.WriteString("SUM(" + v + ")")
	case AggMin:
		b.sql.WriteString("MIN(" + v + ")")
	case AggMax:
		b.sql.WriteString("MAX(" + v + ")")
	case AggAvg:
		b.sql.WriteString("AVG(" + v + ")")
	}
}

// reportSets writes the SELECTs of the grouping sets sets (indexes from
// first on) over from ("base", or the detail groups "g" to fold): one with
// GROUPING SETS on PostgreSQL, a UNION ALL of one per set on SQLite. withRN
// adds an empty "rn" column, to match the ranked rows.
func (db *DB) reportSets(b *condBuilder, q ReportQuery, sets []uint64, first int, withRN bool, from string) {
	if db.dialect == Postgres && len(sets) > 1 {
		db.groupingSets(b, q, sets, first, withRN, from)
		return
	}
	for i, set := range sets {
		if i > 0 {
			b.sql.WriteString(" UNION ALL ")
		}
		b.sql.WriteString("SELECT " + strconv.Itoa(first+i) + ` AS "s"`)
		for di, d := range q.Dims {
			b.sql.WriteString(", ")
			if set&(1<<di) != 0 {
				db.dimOuter(b, d, di)
			} else {
				b.sql.WriteString("NULL")
			}
			b.sql.WriteString(` AS "k` + strconv.Itoa(di) + `"`)
		}
		setAggList(b, q, from)
		if withRN {
			b.sql.WriteString(`, NULL AS "rn"`)
		}
		b.sql.WriteString(" FROM " + from)
		groupBy(b, set, len(q.Dims))
	}
}

// groupingSets writes one SELECT computing several sets on PostgreSQL; "s"
// is the set's index, read from GROUPING().
func (db *DB) groupingSets(b *condBuilder, q ReportQuery, sets []uint64, first int, withRN bool, from string) {
	n := len(q.Dims)
	all := make([]string, n)
	for i := range all {
		all[i] = `"d` + strconv.Itoa(i) + `"`
	}
	b.sql.WriteString("SELECT CASE GROUPING(" + join(all) + ")")
	for i, set := range sets {
		// note: GROUPING() sets bit n-1-i when dimension i is aggregated away.
		g := 0
		for di := 0; di < n; di++ {
			if set&(1<<di) == 0 {
				g |= 1 << (n - 1 - di)
			}
		}
		b.sql.WriteString(" WHEN " + strconv.Itoa(g) + " THEN " + strconv.Itoa(first+i))
	}
	b.sql.WriteString(` END AS "s"`)
	for di, d := range q.Dims {
		b.sql.WriteString(", ")
		db.dimOuter(b, d, di)
		b.sql.WriteString(` AS "k` + strconv.Itoa(di) + `"`)
	}
	setAggList(b, q, from)
	if withRN {
		b.sql.WriteString(`, NULL AS "rn"`)
	}
	b.sql.WriteString(" FROM " + from + " GROUP BY GROUPING SETS (")
	for i, set := range sets {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		var cols []string
		for di := 0; di < n; di++ {
			if set&(1<<di) != 0 {
				cols = append(cols, all[di])
			}
		}
		b.sql.WriteString("(" + join(cols) + ")")
	}
	b.sql.WriteString(")")
}

func aggList(b *condBuilder, q ReportQuery) {
	src := valueSources(q)
	for j, a := range q.Aggs {
		b.sql.WriteString(", ")
		agg(b, a, src[j])
		b.sql.WriteString(` AS "m` + strconv.Itoa(j) + `"`)
	}
}

// setAggList writes the aggregates of a grouping set: over the base rows,
// or folded from the detail groups' "m<j>" (from "g").
func setAggList(b *condBuilder, q ReportQuery, from string) {
	if from != `"g"` {
		aggList(b, q)
		return
	}
	for j, a := range q.Aggs {
		m := `"m` + strconv.Itoa(j) + `"`
		switch a.Func {
		case AggMin:
			b.sql.WriteString(", MIN(" + m + ")")
		case AggMax:
			b.sql.WriteString(", MAX(" + m + ")")
		default:
			b.sql.WriteString(", SUM(" + m + ")")
		}
		b.sql.WriteString(" AS " + m)
	}
}

func groupBy(b *condBuilder, set uint64, n int) {
	if bits.OnesCount64(set) == 0 {
		return
	}
	b.sql.WriteString(" GROUP BY ")
	first := true
	for di := 0; di < n; di++ {
		if set&(1<<di) == 0 {
			continue
		}
		if !first {
			b.sql.WriteString(", ")
		}
		first = false
		b.sql.WriteString(`"d` + strconv.Itoa(di) + `"`)
	}
}

func join(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// reportOrder writes q's sort keys over the shown columns ("k<i>", "m<j>"),
// then every dimension not named, so the order is total; each key is
// preceded by lead on the first and ", " after.
func (db *DB) reportOrder(b *condBuilder, q ReportQuery, lead string) {
	named := map[int]bool{}
	for _, o := range q.Order {
		b.sql.WriteString(lead)
		lead = ", "
		if o.Agg {
			b.sql.WriteString(`"m` + strconv.Itoa(o.Index) + `"`)
		} else {
			b.sql.WriteString(`"k` + strconv.Itoa(o.Index) + `"`)
			named[o.Index] = true
		}
		if o.Desc {
			b.sql.WriteString(" DESC")
		}
		b.sql.WriteString(" NULLS LAST")
	}
	for i := range q.Dims {
		if !named[i] {
			b.sql.WriteString(lead + `"k` + strconv.Itoa(i) + `" NULLS LAST`)
			lead = ", "
		}
	}
}

// reportTop writes the ranked form of the statement: the detail groups
// ("g") ranked in order ("r"), the first Limit of them, the others row
// folding the rest, then the coarser sets from the base rows.
func (db *DB) reportTop(b *condBuilder, q ReportQuery) {
	b.sql.WriteString(`, "g" AS (SELECT `)
	for i, d := range q.Dims {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.sql.WriteString(`"d` + strconv.Itoa(i) + `", `)
		db.dimOuter(b, d, i)
		b.sql.WriteString(` AS "k` + strconv.Itoa(i) + `"`)
	}
	aggList(b, q)
	b.sql.WriteString(` FROM "base"`)
	groupBy(b, q.Sets[0], len(q.Dims))
	b.sql.WriteString(`), "r" AS (SELECT "g".*, ROW_NUMBER() OVER (`)
	db.reportOrder(b, q, "ORDER BY ")
	b.sql.WriteString(`) AS "rn" FROM "g") SELECT 0 AS "s"`)
	for i := range q.Dims {
		b.sql.WriteString(`, "k` + strconv.Itoa(i) + `"`)
	}
	for j := range q.Aggs {
		b.sql.WriteString(`, "m` + strconv.Itoa(j) + `"`)
	}
	b.sql.WriteString(`, "rn" FROM "r" WHERE "rn" <= `)
	b.val(db, q.Limit)
	if q.Others {
		db.reportOthers(b, q)
	}
	if len(q.Sets) > 1 {
		from := `"base"`
		if foldable(q) {
			from = `"g"`
		}
		b.sql.WriteString(" UNION ALL ")
		db.reportSets(b, q, q.Sets[1:], 1, true, from)
	}
	b.sql.WriteString(` ORDER BY "s", "rn"`)
}

// reportOthers writes the others row: the groups ranked past the limit,
// folded. A distinct count cannot be folded from groups, so it counts the
// base rows outside the first Limit groups.
func (db *DB) reportOthers(b *condBuilder, q ReportQuery) {
	b.sql.WriteString(` UNION ALL SELECT -1 AS "s"`)
	for i := range q.Dims {
		b.sql.WriteString(`, NULL AS "k` + strconv.Itoa(i) + `"`)
	}
	for j, a := range q.Aggs {
		m := `"m` + strconv.Itoa(j) + `"`
		switch a.Func {
		case AggCount, AggSum:
			b.sql.WriteString(", SUM(" + m + ")")
		case AggMin:
			b.sql.WriteString(", MIN(" + m + ")")
		case AggMax:
			b.sql.WriteString(", MAX(" + m + ")")
		case AggAvg:
			// note: a mean cannot be folded from means; the others row's
			// mean comes from its sum and count.
			b.sql.WriteString(", NULL")
		case AggCountDistinct:
			b.sql.WriteString(`, (SELECT COUNT(DISTINCT "b"."v` + strconv.Itoa(valueSources(q)[j]) + `") FROM "base" AS "b" WHERE NOT EXISTS (SELECT 1 FROM "r" AS "t" WHERE "t"."rn" <= `)
			b.val(db, q.Limit)
			for i := range q.Dims {
				d := `"d` + strconv.Itoa(i) + `"`
				if db.dialect == Postgres {
					b.sql.WriteString(` AND "t".` + d + ` IS NOT DISTINCT FROM "b".` + d)
				} else {
					b.sql.WriteString(` AND "t".` + d + ` IS "b".` + d)
				}
			}
			b.sql.WriteString("))")
		}
		b.sql.WriteString(" AS " + m)
	}
	b.sql.WriteString(`, NULL AS "rn" FROM "r" WHERE "rn" > `)
	b.val(db, q.Limit)
	b.sql.WriteString(" HAVING COUNT(*) > 0")
}
