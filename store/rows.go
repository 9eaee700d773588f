package store

import (
	"context"
	"database/sql"
	"slices"

	"gorm.io/gorm/clause"
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
	var b condBuilder
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
	b.sql.WriteString(" FROM ?")
	b.vars = append(b.vars, clause.Table{Name: string(q.Table)})
	if q.Where != nil {
		b.sql.WriteString(" WHERE ")
		q.Where.render(db, &b)
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
		b.sql.WriteString(" LIMIT ?")
		b.vars = append(b.vars, q.Limit)
	}
	if q.Offset > 0 {
		b.sql.WriteString(" OFFSET ?")
		b.vars = append(b.vars, q.Offset)
	}
	rows, err := db.conn(ctx).Raw(tagged(ctx, b.sql.String()), b.vars...).Rows()
	if err != nil {
		return nil, translate(err)
	}
	defer rows.Close()
	return scanRows(rows)
}

func scanRows(rows *sql.Rows) ([]Row, error) {
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var out []Row
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		r := make(Row, len(cols))
		for i, c := range cols {
			if bs, ok := vals[i].([]byte); ok {
				vals[i] = string(bs)
			}
			r[c] = vals[i]
		}
		out = append(out, r)
	}
	return out, translate(rows.Err())
}

// Count counts the rows of table matching where (nil matches all).
func (db *DB) Count(ctx context.Context, table Ident, where Cond) (int64, error) {
	var b condBuilder
	b.sql.WriteString("SELECT COUNT(*) FROM ?")
	b.vars = append(b.vars, clause.Table{Name: string(table)})
	if where != nil {
		b.sql.WriteString(" WHERE ")
		where.render(db, &b)
	}
	var n int64
	err := db.conn(ctx).Raw(tagged(ctx, b.sql.String()), b.vars...).Row().Scan(&n)
	return n, translate(err)
}

// Insert writes one row and returns its new id.
func (db *DB) Insert(ctx context.Context, table Ident, values []Value) (int64, error) {
	var b condBuilder
	b.sql.WriteString("INSERT INTO ?")
	b.vars = append(b.vars, clause.Table{Name: string(table)})
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
	err := db.conn(ctx).Raw(tagged(ctx, b.sql.String()), b.vars...).Row().Scan(&id)
	return id, translate(err)
}

// InsertMany writes several rows with the same columns in one statement and
// returns their new ids in order.
func (db *DB) InsertMany(ctx context.Context, table Ident, columns []Ident, rows [][]any) ([]int64, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	var b condBuilder
	b.sql.WriteString("INSERT INTO ? (")
	b.vars = append(b.vars, clause.Table{Name: string(table)})
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
	res, err := db.conn(ctx).Raw(tagged(ctx, b.sql.String()), b.vars...).Rows()
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
	var b condBuilder
	b.sql.WriteString("UPDATE ? SET ")
	b.vars = append(b.vars, clause.Table{Name: string(table)})
	for i, v := range values {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.col(v.Column)
		b.sql.WriteString(" = ")
		b.val(db, v.Value)
	}
	b.sql.WriteString(" WHERE ")
	where.render(db, &b)
	res := db.conn(ctx).Exec(tagged(ctx, b.sql.String()), b.vars...)
	return res.RowsAffected, translate(res.Error)
}

// Delete removes the rows matching where and returns how many went.
func (db *DB) Delete(ctx context.Context, table Ident, where Cond) (int64, error) {
	var b condBuilder
	b.sql.WriteString("DELETE FROM ? WHERE ")
	b.vars = append(b.vars, clause.Table{Name: string(table)})
	where.render(db, &b)
	res := db.conn(ctx).Exec(tagged(ctx, b.sql.String()), b.vars...)
	return res.RowsAffected, translate(res.Error)
}
