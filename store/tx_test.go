package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// Audit entries and notices written in a transaction are inserted when it
// commits, all of them and in order; a rolled back one leaves none.
func TestAuditAndNoticesCommitWithTheirTransaction(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		write := func(ctx context.Context, key string) error {
			for _, action := range []string{"first", "second", "third"} {
				if err := db.Append(ctx, &store.AuditEntry{ActorID: 1, Action: action, TargetKind: "test", TargetKey: key}); err != nil {
					return err
				}
			}
			return db.AddNotifications(ctx, []*store.Notification{{UserID: 42, Kind: store.NoticeTask, FormKey: key}})
		}
		if err := db.WithTx(ctx, func(ctx context.Context) error { return write(ctx, "kept") }); err != nil {
			t.Fatal(err)
		}
		failed := errors.New("rolled back")
		if err := db.WithTx(ctx, func(ctx context.Context) error {
			if err := write(ctx, "lost"); err != nil {
				return err
			}
			return failed
		}); !errors.Is(err, failed) {
			t.Fatalf("rolled back transaction: %v", err)
		}
		if err := write(ctx, "alone"); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]int{"kept": 3, "lost": 0, "alone": 3} {
			es, err := db.AuditOf(ctx, "test", key, 0, 10)
			if err != nil || len(es) != want {
				t.Fatalf("%s: %d entries, want %d (%v)", key, len(es), want, err)
			}
			if want > 0 && (es[0].Action != "third" || es[2].Action != "first") {
				t.Errorf("%s: entries out of order: %s, %s", key, es[0].Action, es[2].Action)
			}
		}
		ns, err := db.Notifications(ctx, store.NotificationFilter{UserID: 42, Limit: 10})
		if err != nil || len(ns) != 2 || ns[0].FormKey != "alone" || ns[1].FormKey != "kept" {
			t.Errorf("notices %+v %v", ns, err)
		}
	})
}
