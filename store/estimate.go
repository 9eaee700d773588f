package store

import (
	"context"
	"encoding/json"
	"math"
)

// EstimateCount answers how many rows of table match where (nil matches all)
// without scanning them when it can: on PostgreSQL it reads the planner's
// guess (pg_class.reltuples when unfiltered, EXPLAIN's row estimate when
// filtered). A guess below exactBelow is replaced by an exact count, since
// counting that few rows is cheap and a small table's statistics are often
// stale. exact reports which of the two the answer is; SQLite has no usable
// planner estimate, so it always counts.
func (db *DB) EstimateCount(ctx context.Context, table Ident, where Cond, exactBelow int64) (n int64, exact bool, err error) {
	if db.dialect != Postgres {
		n, err = db.Count(ctx, table, where)
		return n, true, err
	}
	n, ok, err := db.planRows(ctx, table, where)
	if err != nil {
		return 0, false, err
	}
	if !ok || n < exactBelow {
		n, err = db.Count(ctx, table, where)
		return n, true, err
	}
	return n, false, nil
}

// planRows reads PostgreSQL's estimate; ok is false when it has none (a
// table never analysed or vacuumed).
func (db *DB) planRows(ctx context.Context, table Ident, where Cond) (int64, bool, error) {
	b := db.builder()
	if where == nil {
		// note: the name is a validated Ident, quoted so to_regclass keeps
		// its case; search_path resolves the schema as for every query.
		b.sql.WriteString("SELECT reltuples::float8 FROM pg_class WHERE oid = to_regclass(")
		b.val(db, `"`+string(table)+`"`)
		b.sql.WriteString(")")
		var rt float64
		err := db.pool(ctx).QueryRowContext(ctx, db.statement(ctx, b), b.vars...).Scan(&rt)
		if err != nil {
			return 0, false, translate(err)
		}
		// note: -1 (PostgreSQL 14+) or 0 means never analysed.
		if rt <= 0 {
			return 0, false, nil
		}
		return int64(math.Round(rt)), true, nil
	}
	b.sql.WriteString("EXPLAIN (FORMAT JSON) SELECT 1 FROM ")
	b.table(table)
	b.sql.WriteString(" WHERE ")
	where.render(db, b)
	var doc string
	if err := db.pool(ctx).QueryRowContext(ctx, db.statement(ctx, b), b.vars...).Scan(&doc); err != nil {
		return 0, false, translate(err)
	}
	var plan []struct {
		Plan struct {
			Rows float64 `json:"Plan Rows"`
		} `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(doc), &plan); err != nil || len(plan) == 0 {
		return 0, false, nil
	}
	return int64(math.Round(plan[0].Plan.Rows)), true, nil
}
