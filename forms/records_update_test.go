package forms_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// An update given the record its caller read (Write.Stored) writes the same
// as one that reads it, and one given a record written since applies its
// input to what is stored now instead of undoing that write.
func TestUpdateFromTheStoredRecordItWasGiven(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs, m := setupSales(t, db)
		sales := m["sale"]
		cust := create(t, rs, m["customer"], `{"name":"Acme"}`)
		sale := create(t, rs, sales, fmt.Sprintf(`{"title":"First","customer":%d,"lines":[{"qty":2,"price":"10.05"}]}`, cust.ID()))

		upd, err := rs.Update(ctx, sales, sale.ID(), 0, forms.Write{Input: decodeInput(t, `{"title":"Second"}`),
			Actor: forms.Actor{ID: 2}, Stored: sale})
		if err != nil {
			t.Fatal(err)
		}
		if upd["title"] != "Second" || upd.RowVersion() != 2 || sales.JSON(upd, nil)["amount"].(fmt.Stringer).String() != "20.10" {
			t.Errorf("update from the stored record: %v", sales.JSON(upd, nil))
		}

		// note: sale is now stale (row version 1); the stored title is Second.
		upd, err = rs.Update(ctx, sales, sale.ID(), 0, forms.Write{Input: decodeInput(t, `{"email":"a@example.com"}`),
			Actor: forms.Actor{ID: 2}, Stored: sale})
		if err != nil {
			t.Fatalf("update from a stale record: %v", err)
		}
		got, err := rs.Get(ctx, sales, sale.ID())
		if err != nil {
			t.Fatal(err)
		}
		if got["title"] != "Second" || got["email"] != "a@example.com" || got.RowVersion() != 3 || upd.RowVersion() != 3 {
			t.Errorf("update from a stale record stored %v", sales.JSON(got, nil))
		}
		if _, err := rs.Update(ctx, sales, sale.ID(), 2, forms.Write{Input: decodeInput(t, `{"title":"Late"}`), Stored: got}); err == nil {
			t.Errorf("an expected row version the record no longer has was accepted")
		}
	})
}

// An update that leaves a relation and a unique value as they were passes
// without looking them up again; changing them is still checked.
func TestUpdateChecksOnlyWhatItChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs, m := setupSales(t, db)
		cust := create(t, rs, m["customer"], `{"name":"Acme"}`)
		create(t, rs, m["customer"], `{"name":"Bolt"}`)
		sale := create(t, rs, m["sale"], fmt.Sprintf(`{"title":"First","customer":%d}`, cust.ID()))

		if _, err := rs.Update(ctx, m["customer"], cust.ID(), 0, forms.Write{Input: decodeInput(t, `{"name":"Acme"}`)}); err != nil {
			t.Errorf("keeping a unique value: %v", err)
		}
		if _, err := rs.Update(ctx, m["customer"], cust.ID(), 0, forms.Write{Input: decodeInput(t, `{"name":"Bolt"}`)}); err == nil {
			t.Errorf("taking another record's unique value was accepted")
		}
		if _, err := rs.Update(ctx, m["sale"], sale.ID(), 0, forms.Write{Input: decodeInput(t, `{"title":"Kept link"}`)}); err != nil {
			t.Errorf("keeping a relation: %v", err)
		}
		_, err := rs.Update(ctx, m["sale"], sale.ID(), 0, forms.Write{Input: decodeInput(t, `{"customer":999}`)})
		if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/customer" || pl.Problems[0].Code != forms.CodeNotFound {
			t.Errorf("changing to a missing customer: %v", err)
		}
	})
}
