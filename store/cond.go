package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"
)

// Cond is a WHERE condition over validated columns with bound values. Build it
// with the constructors below; it renders to SQL text made only of quoted
// identifiers, fixed keywords and placeholders.
type Cond interface {
	render(db *DB, b *condBuilder)
}

// condBuilder writes SQL text for one dialect: identifiers quoted (they are
// validated Idents, so quoting cannot be escaped), values as placeholders
// ($1… on PostgreSQL, ? on SQLite) with the values kept aside.
type condBuilder struct {
	sql     strings.Builder
	vars    []any
	dialect Dialect
}

func (db *DB) builder() *condBuilder { return &condBuilder{dialect: db.dialect} }

// col writes a quoted column or table name.
func (b *condBuilder) col(c Ident) {
	b.sql.WriteByte('"')
	b.sql.WriteString(string(c))
	b.sql.WriteByte('"')
}

// table writes a quoted table name.
func (b *condBuilder) table(t Ident) { b.col(t) }

func (b *condBuilder) val(db *DB, v any) {
	b.vars = append(b.vars, db.bindValue(v))
	if b.dialect == Postgres {
		b.sql.WriteByte('$')
		b.sql.WriteString(strconv.Itoa(len(b.vars)))
		return
	}
	b.sql.WriteByte('?')
}

// Comparison operators allowed in Compare.
const (
	OpEq = "="
	OpNe = "<>"
	OpLt = "<"
	OpLe = "<="
	OpGt = ">"
	OpGe = ">="
)

type compareCond struct {
	column Ident
	op     string
	value  any
}

// Compare is "column op value"; op is one of the Op constants. A nil value with
// OpEq or OpNe becomes IS NULL / IS NOT NULL.
func Compare(column Ident, op string, value any) Cond {
	switch op {
	case OpEq, OpNe, OpLt, OpLe, OpGt, OpGe:
	default:
		op = OpEq
	}
	if value == nil && (op == OpEq || op == OpNe) {
		return IsNull(column, op == OpEq)
	}
	return compareCond{column, op, value}
}

func (c compareCond) render(db *DB, b *condBuilder) {
	b.col(c.column)
	b.sql.WriteString(" " + c.op + " ")
	b.val(db, c.value)
}

type nullCond struct {
	column Ident
	null   bool
}

// IsNull is "column IS NULL" (null true) or "column IS NOT NULL".
func IsNull(column Ident, null bool) Cond { return nullCond{column, null} }

func (c nullCond) render(_ *DB, b *condBuilder) {
	b.col(c.column)
	if c.null {
		b.sql.WriteString(" IS NULL")
	} else {
		b.sql.WriteString(" IS NOT NULL")
	}
}

type inCond struct {
	column Ident
	values []any
	not    bool
}

// In is "column IN (values…)", or NOT IN when not is set. An empty list is
// false for IN and true for NOT IN.
func In(column Ident, values []any, not bool) Cond { return inCond{column, values, not} }

func (c inCond) render(db *DB, b *condBuilder) {
	if len(c.values) == 0 {
		if c.not {
			b.sql.WriteString("1=1")
		} else {
			b.sql.WriteString("1=0")
		}
		return
	}
	b.col(c.column)
	if c.not {
		b.sql.WriteString(" NOT")
	}
	b.sql.WriteString(" IN (")
	for i, v := range c.values {
		if i > 0 {
			b.sql.WriteString(", ")
		}
		b.val(db, v)
	}
	b.sql.WriteString(")")
}

// Text match kinds for Match.
const (
	MatchContains = "contains"
	MatchPrefix   = "prefix"
	MatchSuffix   = "suffix"
)

type matchCond struct {
	column Ident
	kind   string
	text   string
}

// Match is a case-sensitive substring, prefix or suffix test on a text column.
// The text is bound with LIKE wildcards escaped, so "%" and "_" match
// themselves.
func Match(column Ident, kind, text string) Cond { return matchCond{column, kind, text} }

func (c matchCond) render(db *DB, b *condBuilder) {
	esc := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(c.text)
	switch c.kind {
	case MatchPrefix:
		esc += "%"
	case MatchSuffix:
		esc = "%" + esc
	default:
		esc = "%" + esc + "%"
	}
	if db.dialect == SQLite {
		// note: SQLite's LIKE ignores ASCII case; GLOB would not escape as simply,
		// so we add an instr()/substr() check to keep it case-sensitive.
		b.sql.WriteString("(")
		b.col(c.column)
		b.sql.WriteString(` LIKE `)
		b.val(db, esc)
		b.sql.WriteString(` ESCAPE '\' AND instr(`)
		b.col(c.column)
		b.sql.WriteString(", ")
		b.val(db, c.text)
		b.sql.WriteString(") > 0)")
		return
	}
	b.col(c.column)
	b.sql.WriteString(` LIKE `)
	b.val(db, esc)
	b.sql.WriteString(` ESCAPE '\'`)
}

type jsonHasCond struct {
	column Ident
	value  any
	// byID matches objects whose "id" is value instead of value itself.
	byID bool
}

// JSONHas is true when the JSON array in column has value as an element.
func JSONHas(column Ident, value any) Cond { return jsonHasCond{column: column, value: value} }

func (c jsonHasCond) render(db *DB, b *condBuilder) {
	if db.dialect == Postgres {
		// note: a one-element JSON array bound as text keeps the element's
		// type (string or number) without a cast per type.
		var elem []byte
		if c.byID {
			elem, _ = json.Marshal([]map[string]any{{"id": c.value}})
		} else {
			elem, _ = json.Marshal([]any{c.value})
		}
		b.sql.WriteString("(")
		b.col(c.column)
		b.sql.WriteString(" @> CAST(")
		b.val(db, string(elem))
		b.sql.WriteString(" AS jsonb))")
		return
	}
	b.sql.WriteString("EXISTS (SELECT 1 FROM json_each(")
	b.col(c.column)
	if c.byID {
		b.sql.WriteString(") WHERE json_extract(value, '$.id') = ")
	} else {
		b.sql.WriteString(") WHERE value = ")
	}
	b.val(db, c.value)
	b.sql.WriteString(")")
}

type listCond struct {
	op    string
	conds []Cond
}

// And joins conds with AND; with none it is true.
func And(conds ...Cond) Cond { return listCond{"AND", conds} }

// Or joins conds with OR; with none it is false.
func Or(conds ...Cond) Cond { return listCond{"OR", conds} }

func (c listCond) render(db *DB, b *condBuilder) {
	if len(c.conds) == 0 {
		if c.op == "AND" {
			b.sql.WriteString("1=1")
		} else {
			b.sql.WriteString("1=0")
		}
		return
	}
	b.sql.WriteString("(")
	for i, sub := range c.conds {
		if i > 0 {
			b.sql.WriteString(" " + c.op + " ")
		}
		sub.render(db, b)
	}
	b.sql.WriteString(")")
}

type notCond struct{ inner Cond }

// Not negates c.
func Not(c Cond) Cond { return notCond{c} }

func (c notCond) render(db *DB, b *condBuilder) {
	b.sql.WriteString("NOT (")
	c.inner.render(db, b)
	b.sql.WriteString(")")
}

type boolCond bool

// Bool is a constant condition.
func Bool(v bool) Cond { return boolCond(v) }

func (c boolCond) render(_ *DB, b *condBuilder) {
	if c {
		b.sql.WriteString("1=1")
	} else {
		b.sql.WriteString("1=0")
	}
}

// RenderCond returns c as the dialect's SQL text (with its own placeholders,
// such as $1 on PostgreSQL) and the bound variables, for tests and golden
// files. Nothing is executed.
func (db *DB) RenderCond(c Cond) (string, []any) {
	b := db.builder()
	c.render(db, b)
	return b.sql.String(), b.vars
}

// TimestampLayout is how timestamps are stored as text on SQLite: fixed width,
// UTC, so text order is time order.
const TimestampLayout = "2006-01-02T15:04:05.000000Z"

// bindValue converts a Go value to what the dialect stores.
func (db *DB) bindValue(v any) any {
	if t, ok := v.(time.Time); ok {
		if db.dialect == SQLite {
			return t.UTC().Format(TimestampLayout)
		}
		return t.UTC()
	}
	return v
}

// JSONHasID is true when the JSON array of objects in column has one whose
// "id" is id, as an attachment field holds its files.
func JSONHasID(column Ident, id string) Cond {
	return jsonHasCond{column: column, value: id, byID: true}
}
