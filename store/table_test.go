package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func TestTablesRowsAndConditions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		parent := store.Table{Name: "f_parent", Columns: []store.Column{
			{Name: "name", Type: store.TypeText}, {Name: "n", Type: store.TypeBigInt},
			{Name: "ok", Type: store.TypeBool}, {Name: "at", Type: store.TypeTimestamp},
			{Name: "tags", Type: store.TypeJSON}}}
		child := store.Table{Name: "f_parent__kids", Columns: []store.Column{
			{Name: "parent_id", Type: store.TypeBigInt, NotNull: true, References: "f_parent", OnDelete: "cascade"}}}
		for _, tb := range []store.Table{parent, child} {
			if err := db.CreateTable(ctx, tb); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateIndex(ctx, store.Index{Name: "ux_f_parent_name", Table: "f_parent", Columns: []store.Ident{"name"}, Unique: true}); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2026, 1, 2, 3, 4, 5, 6000, time.UTC)
		id, err := db.Insert(ctx, "f_parent", []store.Value{{Column: "name", Value: `O'Brien"; DROP TABLE f_parent; --`},
			{Column: "n", Value: int64(5)}, {Column: "ok", Value: true}, {Column: "at", Value: at}, {Column: "tags", Value: `["a","b"]`}})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.Insert(ctx, "f_parent", []store.Value{{Column: "name", Value: "100%_done"}, {Column: "n", Value: int64(7)}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Insert(ctx, "f_parent", []store.Value{{Column: "name", Value: "100%_done"}}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("duplicate under a unique index: %v", err)
		}
		if _, err := db.Insert(ctx, "f_parent__kids", []store.Value{{Column: "parent_id", Value: int64(999)}}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("dangling foreign key: %v", err)
		}
		if _, err := db.Insert(ctx, "f_parent__kids", []store.Value{{Column: "parent_id", Value: id}}); err != nil {
			t.Fatal(err)
		}

		count := func(c store.Cond) int64 {
			n, err := db.Count(ctx, "f_parent", c)
			if err != nil {
				t.Fatalf("count: %v", err)
			}
			return n
		}
		cases := []struct {
			name string
			cond store.Cond
			want int64
		}{
			{"verbatim hostile text", store.Compare("name", store.OpEq, `O'Brien"; DROP TABLE f_parent; --`), 1},
			{"percent is literal", store.Match("name", store.MatchContains, "0%_"), 1},
			{"percent does not wildcard", store.Match("name", store.MatchContains, "0%x"), 0},
			{"case-sensitive", store.Match("name", store.MatchPrefix, "o'brien"), 0},
			{"suffix", store.Match("name", store.MatchSuffix, "done"), 1},
			{"in", store.In("n", []any{int64(5), int64(6)}, false), 1},
			{"empty in", store.In("n", nil, false), 0},
			{"not in", store.In("n", []any{int64(5)}, true), 1},
			{"null", store.IsNull("at", true), 1},
			{"timestamp", store.Compare("at", store.OpGe, at), 1},
			{"json has", store.JSONHas("tags", "b"), 1},
			{"or/not", store.Or(store.Compare("n", store.OpLt, int64(6)), store.Not(store.Compare("n", store.OpNe, int64(7)))), 2},
		}
		for _, tc := range cases {
			if got := count(tc.cond); got != tc.want {
				sql, vars := db.RenderCond(tc.cond)
				t.Errorf("%s: %d rows, want %d (%s %v)", tc.name, got, tc.want, sql, vars)
			}
		}
		rows, err := db.Select(ctx, store.Query{Table: "f_parent", OrderBy: []store.Order{{Column: "at", Desc: false}}, Limit: 1})
		if err != nil || len(rows) != 1 || rows[0]["n"] == nil {
			t.Errorf("empty values sort last: %v %v", err, rows)
		}
		if _, err := db.Delete(ctx, "f_parent", store.Compare("id", store.OpEq, id)); err != nil {
			t.Fatal(err)
		}
		if n, _ := db.Count(ctx, "f_parent__kids", nil); n != 0 {
			t.Errorf("cascade left %d child rows", n)
		}
		if err := db.AddColumn(ctx, "f_parent", store.Column{Name: "extra", Type: store.TypeBigInt}); err != nil {
			t.Fatal(err)
		}
		if err := db.ScaleColumn(ctx, "f_parent", "n", 100); err != nil {
			t.Fatal(err)
		}
		if n := count(store.Compare("n", store.OpEq, int64(700))); n != 1 {
			t.Errorf("scaled column: %d", n)
		}
		if err := db.DropColumn(ctx, "f_parent", "extra"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestRenderedSQLHasNoValues(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		sql, vars := db.RenderCond(store.And(store.Compare("name", store.OpEq, "x' OR '1'='1"),
			store.In("n", []any{int64(1), int64(2)}, false), store.Match("name", store.MatchContains, "50%")))
		if strings.Contains(sql, "OR '1'") || strings.Contains(sql, "50%") || len(vars) < 4 {
			t.Errorf("a value reached the SQL text: %s %v", sql, vars)
		}
	})
}

func TestWithTxRollsBackAndRunsAfterCommit(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		if err := db.CreateTable(ctx, store.Table{Name: "f_t", Columns: []store.Column{{Name: "v", Type: store.TypeText}}}); err != nil {
			t.Fatal(err)
		}
		ran := false
		boom := errors.New("boom")
		err := db.WithTx(ctx, func(ctx context.Context) error {
			store.AfterCommit(ctx, func() { ran = true })
			if _, err := db.Insert(ctx, "f_t", []store.Value{{Column: "v", Value: "x"}}); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) || ran {
			t.Errorf("rollback: err %v, after-commit ran %v", err, ran)
		}
		if n, _ := db.Count(ctx, "f_t", nil); n != 0 {
			t.Errorf("rolled-back insert kept %d rows", n)
		}
		if err := db.WithTx(ctx, func(ctx context.Context) error {
			store.AfterCommit(ctx, func() { ran = true })
			_, err := db.Insert(ctx, "f_t", []store.Value{{Column: "v", Value: "y"}})
			return err
		}); err != nil || !ran {
			t.Errorf("commit: %v, after-commit ran %v", err, ran)
		}
	})
}

func TestSequencesAreExactUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		var wg sync.WaitGroup
		seen := sync.Map{}
		dups := 0
		var mu sync.Mutex
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 25 {
					v, err := db.NextInSequence(context.Background(), "order.number", "202611")
					if err != nil {
						t.Error(err)
						return
					}
					if _, loaded := seen.LoadOrStore(v, true); loaded {
						mu.Lock()
						dups++
						mu.Unlock()
					}
				}
			}()
		}
		wg.Wait()
		last, _ := db.NextInSequence(context.Background(), "order.number", "202611")
		if dups != 0 || last != 101 {
			t.Errorf("%d duplicates, next value %d (want 101)", dups, last)
		}
	})
}

func TestSQLiteRunsInWALMode(t *testing.T) {
	db := storetest.Open(t, store.SQLite)
	rows, err := db.RawForTest(context.Background(), "PRAGMA journal_mode")
	if err != nil || len(rows) != 1 || !strings.EqualFold(rows[0], "wal") {
		t.Errorf("journal mode %v %v", rows, err)
	}
}

func TestCompositeIndexesAreCreatedListedAndDropped(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		tb := store.Table{Name: "f_sale", Columns: []store.Column{
			{Name: "region", Type: store.TypeText}, {Name: "amount", Type: store.TypeBigInt}, {Name: "code", Type: store.TypeText}}}
		if err := db.CreateTable(ctx, tb); err != nil {
			t.Fatal(err)
		}
		pair := store.Index{Name: "idx_f_sale__region__amount", Table: "f_sale", Columns: []store.Ident{"region", "amount"}}
		uniq := store.Index{Name: "uidx_f_sale__region__code", Table: "f_sale", Columns: []store.Ident{"region", "code"}, Unique: true}
		for _, idx := range []store.Index{pair, uniq} {
			if err := db.CreateIndex(ctx, idx); err != nil {
				t.Fatalf("create %s: %v", idx.Name, err)
			}
		}
		got, err := db.Indexes(ctx, "f_sale")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || !slices.Equal(got[pair.Name], pair.Columns) || !slices.Equal(got[uniq.Name], uniq.Columns) {
			t.Errorf("indexes %v", got)
		}
		row := []store.Value{{Column: "region", Value: "east"}, {Column: "code", Value: "A"}}
		if _, err := db.Insert(ctx, "f_sale", row); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Insert(ctx, "f_sale", row); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second row with the same (region, code): %v", err)
		}
		if _, err := db.Insert(ctx, "f_sale", []store.Value{{Column: "region", Value: "west"}, {Column: "code", Value: "A"}}); err != nil {
			t.Errorf("the same code in another region: %v", err)
		}
		if err := db.DropIndex(ctx, pair.Name); err != nil {
			t.Fatal(err)
		}
		if got, _ := db.Indexes(ctx, "f_sale"); len(got) != 1 || got[pair.Name] != nil {
			t.Errorf("after the drop: %v", got)
		}
		if err := db.CreateIndex(ctx, store.Index{Name: "idx_f_sale__none", Table: "f_sale"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("an index without columns: %v", err)
		}
	})
}
