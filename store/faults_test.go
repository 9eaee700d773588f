package store_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func TestIsUnavailableKnowsALostDatabaseFromABadRequest(t *testing.T) {
	t.Parallel()
	lost := []error{
		&pgconn.PgError{Code: "57P01", Message: "terminating connection due to administrator command"},
		fmt.Errorf("insert: %w", &pgconn.PgError{Code: "08006"}),
		fmt.Errorf("query: %w", syscall.ECONNREFUSED),
		errors.New("failed to connect to `user=postgres database=test`: dial error"),
		fmt.Errorf("begin: %v", errors.New("conn closed")),
	}
	for _, err := range lost {
		if !store.IsUnavailable(err) {
			t.Errorf("%v: not taken for a lost database", err)
		}
	}
	fine := []error{
		store.ErrNotFound, store.ErrConflict, context.Canceled,
		&pgconn.PgError{Code: "23505", Message: "duplicate key"},
		&pgconn.PgError{Code: "42601", Message: "syntax error"},
	}
	for _, err := range fine {
		if store.IsUnavailable(err) {
			t.Errorf("%v: taken for a lost database", err)
		}
	}
}

func TestIsStorageFull(t *testing.T) {
	t.Parallel()
	full := []error{
		&os.PathError{Op: "write", Path: "/data/files/ab/abc", Err: syscall.ENOSPC},
		errors.New("database or disk is full (13)"),
		&pgconn.PgError{Code: "53100", Message: "could not extend file"},
	}
	for _, err := range full {
		if !store.IsStorageFull(err) {
			t.Errorf("%v: not taken for a full disk", err)
		}
	}
	if store.IsStorageFull(&os.PathError{Op: "open", Path: "x", Err: syscall.ENOENT}) {
		t.Errorf("a missing file is not a full disk")
	}
}

// TestPoolRecoversFromTerminatedBackends kills the connection the pool
// holds, as a PostgreSQL restart does, and checks that the next statements
// reconnect by themselves after at most a few failures that say so.
func TestPoolRecoversFromTerminatedBackends(t *testing.T) {
	db := storetest.Open(t, store.Postgres)
	admin := storetest.Open(t, store.Postgres)
	ctx := context.Background()
	pids, err := db.RawForTest(ctx, "SELECT pg_backend_pid()::text")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.RawForTest(ctx, "SELECT pg_terminate_backend("+pids[0]+")::text"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := db.RawForTest(ctx, "SELECT 1::text")
		if err == nil {
			break
		}
		if !store.IsUnavailable(err) {
			t.Fatalf("a terminated connection gave %v, not an unavailable database", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("the pool did not reconnect: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
