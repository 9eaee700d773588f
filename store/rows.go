package store

import (
	"context"
	"database/sql"
	"slices"
)

// Value is a column and the value to write to it.
type Value struct {
	Column Ident
	Value  any
}

// Row is one row read back: column name to driver value.
type Row map[string]any

// Order is one sort key.
type Order struct {
	Column Ident
	Desc   bool
}

// Query selects rows from one table.
type Query struct {
	Table   Ident
	Columns []Ident // nil selects every column
	Where   Cond
	OrderBy []Order
	Limit   int // 0 means no limit
	Offset  int
}

// Select runs q and returns its rows.
func (db *DB) Select(ctx context.Context, q Query) ([]Row, error) {
	var out []Row
	err := db.SelectEach(ctx, q, func(cols []string, vals []any) error {
		r := make(Row, len(cols))
		for i, c := range cols {
			r[c] = vals[i]
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// SelectEach runs q and calls fn with each row: the columns' names, the
// same for every row, and their values (text as string), in a buffer fn
// may read but not keep. Callers that turn rows into their own values use
// it to skip the map Select makes of every row.
func (db *DB) SelectEach(ctx context.Context, q Query, fn func(cols []string, vals []any) error) error {
	b := db.builder()
	b.sql.WriteString("SELECT ")
	if len(q.Columns) == 0 {
		b.sql.WriteString("*")
	}
	for i, c := range q.Columns {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.col(c)
	}
	b.sql.WriteString(" FROM ")
	b.table(q.Table)
	if q.Where != nil {
		b.sql.WriteString(" WHERE ")
		q.Where.render(db, b)
	}
	for i, o := range q.OrderBy {
		if i == 0 {
			b.sql.WriteString(" ORDER BY ")
		} else {
			b.sql.WriteString(", ")
		}
		b.col(o.Column)
		if o.Desc {
			b.sql.WriteString(" DESC")
		}
		// note: PostgreSQL sorts empty values as the largest, which lets a
		// plain index serve both directions; SQLite is told to do the same so
		// pages agree across dialects.
		if db.dialect == SQLite {
			if o.Desc {
				b.sql.WriteString(" NULLS FIRST")
			} else {
				b.sql.WriteString(" NULLS LAST")
			}
		}
	}
	if q.Limit > 0 {
		b.sql.WriteString(" LIMIT ")
		b.val(db, q.Limit)
	}
	if q.Offset > 0 {
		b.sql.WriteString(" OFFSET ")
		b.val(db, q.Offset)
	}
	rows, err := db.pool(ctx).QueryContext(ctx, db.statement(ctx, b), b.vars...)
	if err != nil {
		return translate(err)
	}
	defer rows.Close()
	return scanEach(rows, fn)
}

func scanEach(rows *sql.Rows, fn func(cols []string, vals []any) error) error {
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	// note: one scan buffer serves every row.
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		clear(vals)
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		for i := range vals {
			if bs, ok := vals[i].([]byte); ok {
				vals[i] = string(bs)
			}
		}
		if err := fn(cols, vals); err != nil {
			return err
		}
	}
	return translate(rows.Err())
}

// Count counts the rows of table matching where (nil matches all).
func (db *DB) Count(ctx context.Context, table Ident, where Cond) (int64, error) {
	b := db.builder()
	b.sql.WriteString("SELECT COUNT(*) FROM ")
	b.table(table)
	if where != nil {
		b.sql.WriteString(" WHERE ")
		where.render(db, b)
	}
	var n int64
	err := db.pool(ctx).QueryRowContext(ctx, db.statement(ctx, b), b.vars...).Scan(&n)
	return n, translate(err)
}

// Insert writes one row and returns its new id.
func (db *DB) Insert(ctx context.Context, table Ident, values []Value) (int64, error) {
	b := db.builder()
	b.sql.WriteString("INSERT INTO ")
	b.table(table)
	if len(values) == 0 {
		b.sql.WriteString(" DEFAULT VALUES")
	} else {
		b.sql.WriteString(" (")
		for i, v := range values {
			if i > 0 {
				b.sql.WriteString(", ")
			}
			b.col(v.Column)
		}
		b.sql.WriteString(") VALUES (")
		for i, v := range values {
			if i > 0 {
				b.sql.WriteString(", ")
			}
			b.val(db, v.Value)
		}
		b.sql.WriteString(")")
	}
	b.sql.WriteString(` RETURNING "id"`)
	var id int64
	err := db.pool(ctx).QueryRowContext(ctx, db.statement(ctx, b), b.vars...).Scan(&id)
	return id, translate(err)
}

// maxBound is how many values one statement binds at most: below
// PostgreSQL's 65535; on SQLite far below its 32766, because the driver
// binds in time that grows with the square of the count.
func (db *DB) maxBound() int {
	if db.dialect == SQLite {
		return 2000
	}
	return 30000
}

// InsertMany writes several rows with the same columns, in as few
// statements as the dialects' limits on bound values allow, and returns
// their new ids in order.
func (db *DB) InsertMany(ctx context.Context, table Ident, columns []Ident, rows [][]any) ([]int64, error) {
	per := max(1, db.maxBound()/max(1, len(columns)))
	if len(rows) <= per {
		return db.insertMany(ctx, table, columns, rows)
	}
	ids := make([]int64, 0, len(rows))
	for start := 0; start < len(rows); start += per {
		got, err := db.insertMany(ctx, table, columns, rows[start:min(start+per, len(rows))])
		if err != nil {
			return nil, err
		}
		ids = append(ids, got...)
	}
	return ids, nil
}

func (db *DB) insertMany(ctx context.Context, table Ident, columns []Ident, rows [][]any) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	b := db.builder()
	b.sql.WriteString("INSERT INTO ")
	b.table(table)
	b.sql.WriteString(" (")
	for i, c := range columns {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.col(c)
	}
	b.sql.WriteString(") VALUES ")
	for r, row := range rows {
		if r > 0 {
			b.sql.WriteString(", ")
		}
		b.sql.WriteString("(")
		for i, v := range row {
			if i > 0 {
				b.sql.WriteString(", ")
			}
			b.val(db, v)
		}
		b.sql.WriteString(")")
	}
	b.sql.WriteString(` RETURNING "id"`)
	res, err := db.pool(ctx).QueryContext(ctx, db.statement(ctx, b), b.vars...)
	if err != nil {
		return nil, translate(err)
	}
	defer res.Close()
	ids := make([]int64, 0, len(rows))
	for res.Next() {
		var id int64
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	// note: RETURNING order is not promised, but ids come from a sequence
	// that hands them out in VALUES order within one statement, so sorting
	// pairs each row with its id.
	slices.Sort(ids)
	return ids, translate(res.Err())
}

// Update sets values on the rows matching where and returns how many changed.
func (db *DB) Update(ctx context.Context, table Ident, where Cond, values []Value) (int64, error) {
	b := db.builder()
	b.sql.WriteString("UPDATE ")
	b.table(table)
	b.sql.WriteString(" SET ")
	for i, v := range values {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.col(v.Column)
		b.sql.WriteString(" = ")
		b.val(db, v.Value)
	}
	b.sql.WriteString(" WHERE ")
	where.render(db, b)
	res, err := db.pool(ctx).ExecContext(ctx, db.statement(ctx, b), b.vars...)
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}

// Delete removes the rows matching where and returns how many went.
func (db *DB) Delete(ctx context.Context, table Ident, where Cond) (int64, error) {
	b := db.builder()
	b.sql.WriteString("DELETE FROM ")
	b.table(table)
	b.sql.WriteString(" WHERE ")
	where.render(db, b)
	res, err := db.pool(ctx).ExecContext(ctx, db.statement(ctx, b), b.vars...)
	if err != nil {
		return 0, translate(err)
	}
	n, err := res.RowsAffected()
	return n, translate(err)
}

// statement is the text of b, tagged, and logged when Debug is on.
func (db *DB) statement(ctx context.Context, b *condBuilder) string {
	sql := tagged(ctx, b.sql.String())
	db.logStatement(ctx, sql, b.vars)
	return sql
}
