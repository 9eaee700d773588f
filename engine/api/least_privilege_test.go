package api_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// TestRunsAsAnOrdinaryDatabaseUser connects as a PostgreSQL role with no
// superuser, database or role rights, owning only its schema, and checks
// that everything from the example's import to a flow runs: what the README
// promises operators.
func TestRunsAsAnOrdinaryDatabaseUser(t *testing.T) {
	base := os.Getenv("MOSAIC_TEST_PG")
	if base == "" {
		base = storetest.DefaultPG
	}
	storetest.DSN(t, store.Postgres) // note: fails under CI, skips elsewhere, when PostgreSQL is away
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	admin, err := store.Open(ctx, base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "mosaic_lp_" + hex.EncodeToString(b)
	for _, stmt := range []string{
		fmt.Sprintf("CREATE ROLE %s LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION", name),
		fmt.Sprintf("CREATE SCHEMA %s AUTHORIZATION %s", name, name),
	} {
		if err := admin.ExecDDL(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if a, err := store.Open(ctx, base); err == nil {
			_ = a.ExecDDL(ctx, fmt.Sprintf("DROP SCHEMA %s CASCADE", name))
			_ = a.ExecDDL(ctx, fmt.Sprintf("DROP ROLE %s", name))
			_ = a.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.User = url.User(name)
	q := u.Query()
	q.Set("search_path", name)
	u.RawQuery = q.Encode()

	app := enginetest.NewWith(t, store.Postgres, func(c *engine.Config) { c.DSN = u.String(); enginetest.WithWorker(c) })
	f := seed(t, app)
	app.Expect(t, 201, "POST", recordURL("order", f.Order)+"/submit", `{}`, nil)
	app.Expect(t, 200, "GET", "/api/v1/reports", "", nil)
	if got := app.Expect(t, 200, "GET", "/readyz", "", nil).Map(t); got["status"] != "ready" {
		t.Errorf("readyz: %v", got)
	}
}
