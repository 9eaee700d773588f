package engine_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// TestAccessChangesReachOtherReplicas runs two engines on one database, as
// two replicas would: a role given on one is in force on the other within a
// couple of seconds, without a restart, and without either touching the
// database per permission check in between.
func TestAccessChangesReachOtherReplicas(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	ctx := context.Background()
	a, err := engine.Open(ctx, engine.Config{DataDir: t.TempDir(), DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ImportDir(ctx, enginetest.ExampleDir(), engine.PublishOptions{}, forms.Actor{}); err != nil {
		t.Fatal(err)
	}
	b, err := engine.Open(ctx, engine.Config{DataDir: t.TempDir(), DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	u, err := a.CreateUser(ctx, "rep@example.com", "Rep", "a long password", "sales_rep")
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !slices.Contains(b.Access().RolesOf(u.ID), "sales_rep") {
		if time.Now().After(deadline) {
			t.Fatalf("replica b never learned of the new user's role")
		}
		time.Sleep(50 * time.Millisecond)
	}
	order, err := b.Form("order")
	if err != nil {
		t.Fatal(err)
	}
	p := &engine.Principal{User: *u, Roles: b.Access().RolesOf(u.ID)}
	acc, err := b.AccessFor(p, order, "read")
	if err != nil || acc.CanRead("margin") {
		t.Errorf("replica b: a sales rep reads margin? %v %v", err, acc.CanRead("margin"))
	}
}

// TestRolePublishedOnOneReplicaIsEnforcedOnTheOther publishes a new version
// of a role on replica a and expects replica b to enforce it shortly after.
func TestRolePublishedOnOneReplicaIsEnforcedOnTheOther(t *testing.T) {
	dsn := storetest.DSN(t, store.Postgres)
	ctx := context.Background()
	a, err := engine.Open(ctx, engine.Config{DataDir: t.TempDir(), DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.ImportDir(ctx, enginetest.ExampleDir(), engine.PublishOptions{}, forms.Actor{}); err != nil {
		t.Fatal(err)
	}
	u, err := a.CreateUser(ctx, "rep@example.com", "Rep", "a long password", "sales_rep")
	if err != nil {
		t.Fatal(err)
	}
	b, err := engine.Open(ctx, engine.Config{DataDir: t.TempDir(), DSN: dsn})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	role := `{"kind":"role","key":"sales_rep","title":"Sales rep","grants":[
		{"form":"order","actions":["read"],"scope":"own","fields":{"margin":"read"}}]}`
	if _, err := a.Import(ctx, [][]byte{[]byte(role)}, engine.PublishOptions{}, forms.Actor{}); err != nil {
		t.Fatal(err)
	}
	p := &engine.Principal{User: *u, Roles: []string{"sales_rep"}}
	deadline := time.Now().Add(5 * time.Second)
	for {
		order, _ := b.Form("order")
		acc, err := b.AccessFor(p, order, "read")
		if err == nil && acc.CanRead("margin") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("replica b still enforces the old sales_rep role")
		}
		time.Sleep(50 * time.Millisecond)
	}
}
