package store_test

import (
	"context"
	"testing"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func TestEstimateCount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CreateTable(ctx, store.Table{Name: "f_est", Columns: []store.Column{{Name: "v", Type: store.TypeBigInt}}}); err != nil {
			t.Fatal(err)
		}
		sqlDB, err := db.SQLDB()
		if err != nil {
			t.Fatal(err)
		}
		fill := "INSERT INTO f_est (v) SELECT g FROM generate_series(1, 3000) AS s(g)"
		if db.Dialect() == store.SQLite {
			fill = "INSERT INTO f_est (v) WITH RECURSIVE s(g) AS (SELECT 1 UNION ALL SELECT g+1 FROM s WHERE g < 3000) SELECT g FROM s"
		}
		for _, q := range []string{fill, "ANALYZE f_est"} {
			if _, err := sqlDB.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		over := store.Compare("v", ">", 1000)
		for _, tc := range []struct {
			name       string
			where      store.Cond
			exactBelow int64
			want       int64
			exact      bool
		}{
			{"unfiltered, small", nil, 10_000, 3000, true},
			{"filtered, small", over, 10_000, 2000, true},
			// note: only PostgreSQL estimates; SQLite always counts.
			{"unfiltered, estimated", nil, 100, 3000, db.Dialect() != store.Postgres},
			{"filtered, estimated", over, 100, 2000, db.Dialect() != store.Postgres},
		} {
			n, exact, err := db.EstimateCount(ctx, "f_est", tc.where, tc.exactBelow)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			if exact != tc.exact {
				t.Errorf("%s: exact %v, want %v", tc.name, exact, tc.exact)
			}
			// note: the planner's estimate of a freshly analysed table is
			// close, not equal.
			if tol := tc.want / 10; n < tc.want-tol || n > tc.want+tol || (exact && n != tc.want) {
				t.Errorf("%s: %d, want about %d", tc.name, n, tc.want)
			}
		}
	})
}
