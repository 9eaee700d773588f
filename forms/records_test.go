package forms_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

const customerForm = `{"kind":"form","key":"customer","title":"Customer","fields":[
 {"key":"name","type":"text","label":"Name","required":true,"unique":true}]}`

// formMap resolves forms for the record store in tests.
type formMap map[string]*forms.Compiled

func (m formMap) Form(key string) (*forms.Compiled, bool) { c, ok := m[key]; return c, ok }

// setupSales creates the customer and sale tables on db and returns a record
// store over them.
func setupSales(t *testing.T, db *store.DB) (*forms.RecordStore, formMap) {
	t.Helper()
	ctx := context.Background()
	m := formMap{"customer": compileJSON(t, customerForm, 1), "sale": compileJSON(t, orderForm, 1)}
	rs := forms.NewRecordStore(db, m)
	for _, key := range []string{"customer", "sale"} {
		err := db.WithTx(ctx, func(ctx context.Context) error {
			return rs.Migrate(ctx, forms.PlanMigration(nil, m[key]), false)
		})
		if err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
	}
	return rs, m
}

func create(t *testing.T, rs *forms.RecordStore, c *forms.Compiled, input string) forms.Record {
	t.Helper()
	rec, err := rs.Create(context.Background(), c, forms.Write{Input: decodeInput(t, input), Actor: forms.Actor{ID: 1}})
	if err != nil {
		t.Fatalf("create %s: %v", input, err)
	}
	return rec
}

func TestRecordLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs, m := setupSales(t, db)
		cust := create(t, rs, m["customer"], `{"name":"Acme"}`)
		sale := create(t, rs, m["sale"], fmt.Sprintf(`{"title":"First","customer":%d,"tags":["a","b"],"due":"2026-03-01",
			"lines":[{"qty":2,"price":"10.05"},{"qty":1,"price":"0.10"}]}`, cust.ID()))
		if !strings.HasPrefix(sale["number"].(string), "S-") {
			t.Errorf("auto number %v", sale["number"])
		}

		got, err := rs.Get(ctx, m["sale"], sale.ID())
		if err != nil {
			t.Fatal(err)
		}
		j := m["sale"].JSON(got, nil)
		if fmt.Sprint(j["amount"], " ", j["due"], " ", j["tags"], " ", len(j["lines"].([]any))) != "20.20 2026-03-01 [a b] 2" {
			t.Errorf("stored record reads back as %v", j)
		}

		upd, err := rs.Update(ctx, m["sale"], sale.ID(), 1, forms.Write{Input: decodeInput(t, `{"lines":[{"qty":5,"price":1}]}`), Actor: forms.Actor{ID: 2}})
		if err != nil {
			t.Fatal(err)
		}
		if m["sale"].JSON(upd, nil)["amount"].(fmt.Stringer).String() != "5.00" || upd.RowVersion() != 2 {
			t.Errorf("update: amount %v version %d", m["sale"].JSON(upd, nil)["amount"], upd.RowVersion())
		}
		if _, err := rs.Update(ctx, m["sale"], sale.ID(), 1, forms.Write{Input: decodeInput(t, `{"title":"Late"}`)}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("stale row version: %v, want conflict", err)
		}

		entries, err := db.AuditOf(ctx, "form", "sale", sale.ID(), 10)
		if err != nil || len(entries) != 2 || entries[0].Action != "record.update" ||
			!strings.Contains(entries[0].Changes, `"amount":{"before":20.20,"after":5.00}`) {
			t.Errorf("audit: %v %+v", err, entries)
		}

		if err := rs.Delete(ctx, m["customer"], cust.ID(), 0, forms.Write{}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("deleting a referenced customer: %v, want conflict", err)
		}
		if err := rs.Delete(ctx, m["sale"], sale.ID(), 2, forms.Write{}); err != nil {
			t.Fatal(err)
		}
		if _, err := rs.Get(ctx, m["sale"], sale.ID()); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleted record: %v", err)
		}
		if n, _ := db.Count(ctx, "f_sale__lines", nil); n != 0 {
			t.Errorf("%d lines left after delete", n)
		}
	})
}

func TestCreateRejectsMissingLinksAndDuplicates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rs, m := setupSales(t, db)
		create(t, rs, m["customer"], `{"name":"Acme"}`)
		_, err := rs.Create(ctx, m["customer"], forms.Write{Input: decodeInput(t, `{"name":"Acme"}`)})
		if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/name" {
			t.Errorf("duplicate unique value: %v", err)
		}
		_, err = rs.Create(ctx, m["sale"], forms.Write{Input: decodeInput(t, `{"title":"x","customer":999}`)})
		if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/customer" || pl.Problems[0].Code != forms.CodeNotFound {
			t.Errorf("missing customer: %v", err)
		}
		if n, _ := db.Count(ctx, "f_sale", nil); n != 0 {
			t.Errorf("a rejected create stored %d rows", n)
		}
	})
}

func TestAutoNumbersAreUniqueUnderConcurrency(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		rs, m := setupSales(t, db)
		const workers, each = 4, 10
		var wg sync.WaitGroup
		errs := make(chan error, workers*each)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range each {
					_, err := rs.Create(context.Background(), m["sale"], forms.Write{Input: map[string]any{"title": "c"}})
					errs <- err
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		res, err := rs.List(context.Background(), m["sale"], forms.ListQuery{PerPage: 100, Fields: []string{"number"}})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, r := range res.Items {
			seen[r["number"].(string)] = true
		}
		if len(seen) != workers*each || res.Total != workers*each {
			t.Errorf("%d distinct numbers for %d records", len(seen), res.Total)
		}
	})
}
