package store

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"
)

// logStatement writes a statement the store ran itself (not through gorm)
// to slog when Debug is on, with its values inlined the way gorm's own log
// shows them, so one log reads the same for both kinds of statement.
//
// NB! For reading only: the inlined text is never executed by the engine.
func (db *DB) logStatement(ctx context.Context, sql string, vars []any) {
	if !db.debug.Load() {
		return
	}
	db.log.Load().InfoContext(ctx, "sql", slog.Group("statement", slog.String("sql", db.inline(sql, vars))))
}

func (db *DB) inline(sql string, vars []any) string {
	lit := make([]string, len(vars))
	for i, v := range vars {
		lit[i] = literal(v)
	}
	if db.dialect == Postgres {
		for i := len(lit); i >= 1; i-- {
			sql = strings.ReplaceAll(sql, "$"+strconv.Itoa(i), lit[i-1])
		}
		return sql
	}
	var b strings.Builder
	n := 0
	for _, r := range sql {
		if r == '?' && n < len(lit) {
			b.WriteString(lit[n])
			n++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "NULL"
	case string:
		return "'" + strings.ReplaceAll(x, "'", "''") + "'"
	case time.Time:
		return "'" + x.UTC().Format(time.RFC3339Nano) + "'"
	case bool:
		if x {
			return "true"
		}
		return "false"
	}
	return fmt.Sprint(v)
}
