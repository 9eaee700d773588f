// Package storetest gives tests a fresh database on every dialect: a new
// SQLite file in a temporary folder, and a new schema on the PostgreSQL named
// by MOSAIC_TEST_PG (default postgres://postgres@127.0.0.1:5432/test). Under
// CI=true an unreachable PostgreSQL fails the test instead of skipping it.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// DefaultPG is the PostgreSQL used when MOSAIC_TEST_PG is not set.
const DefaultPG = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// Dialects lists the dialects every storage test runs on; MOSAIC_TEST_DIALECTS
// (e.g. "sqlite") narrows it for a quick local run. Under CI=true both always
// run.
var Dialects = func() []store.Dialect {
	switch os.Getenv("MOSAIC_TEST_DIALECTS") {
	case "sqlite":
		if os.Getenv("CI") != "true" {
			return []store.Dialect{store.SQLite}
		}
	case "postgres":
		return []store.Dialect{store.Postgres}
	}
	return []store.Dialect{store.SQLite, store.Postgres}
}()

// Each runs fn once per dialect, each in its own subtest with its own fresh
// database whose system tables exist.
func Each(t *testing.T, fn func(t *testing.T, db *store.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(string(d), func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a fresh, migrated database of dialect d, removed when the test
// ends.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	dsn := DSN(t, d)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatalf("open %s: %v", d, err)
	}
	if os.Getenv("MOSAIC_SQL_LOG") != "" {
		db.Debug()
	}
	t.Cleanup(func() { _ = db.Close() })
	if err := db.MigrateSystem(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// WithoutPostgres ends a test that cannot reach PostgreSQL: a failure under
// CI=true, where every dialect must run, and a skip in a local run without
// it.
func WithoutPostgres(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("PostgreSQL is required under CI=true: "+format, args...)
	}
	t.Skipf(format, args...)
}

// DSN returns the connection string of a fresh database of dialect d: an
// SQLite file in t's temp folder, or a new PostgreSQL schema (dropped at
// cleanup) selected through search_path.
func DSN(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "mosaic.db")
	}
	base := os.Getenv("MOSAIC_TEST_PG")
	if base == "" {
		base = DefaultPG
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	admin, err := store.Open(ctx, base)
	if err != nil {
		WithoutPostgres(t, "PostgreSQL not reachable (%v); set MOSAIC_TEST_PG or start it", err)
	}
	defer admin.Close()
	schema := "t_" + randomHex(8)
	if err := admin.ExecDDL(ctx, fmt.Sprintf("CREATE SCHEMA %s", schema)); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if a, err := store.Open(ctx, base); err == nil {
			_ = a.ExecDDL(ctx, fmt.Sprintf("DROP SCHEMA %s CASCADE", schema))
			_ = a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("MOSAIC_TEST_PG: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
