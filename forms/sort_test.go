package forms_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func TestSortOrders(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	scenarios := []struct {
		spec string
		want string // "-amount,created_at,id"
	}{
		{"", "-id"},
		{"   ", "-id"},
		{"amount", "amount,id"},
		{"-amount", "-amount,-id"},
		{"-amount,created_at", "-amount,created_at,id"},
		{" -amount , +qty ", "-amount,qty,id"},
		{"- amount", "-amount,-id"},
		{"id", "id"},
		{"-id", "-id"},
		{"-id,amount", "-id,amount"},
		{"amount,-id", "amount,-id"},
		{"stage,due,closed_at,active", "stage,due,closed_at,active,id"},
		{"customer,owner,flow_status,row_version,updated_at", "customer,owner,flow_status,row_version,updated_at,id"},
		{"double", "double,id"},
	}
	for _, sc := range scenarios {
		t.Run(sc.spec, func(t *testing.T) {
			t.Parallel()
			orders, err := c.Sort(sc.spec)
			if err != nil {
				t.Fatalf("Sort(%q): %v", sc.spec, err)
			}
			if got := formatOrders(orders); got != sc.want {
				t.Errorf("Sort(%q) = %s, want %s", sc.spec, got, sc.want)
			}
		})
	}
}

func formatOrders(orders []store.Order) string {
	parts := make([]string, len(orders))
	for i, o := range orders {
		parts[i] = string(o.Column)
		if o.Desc {
			parts[i] = "-" + parts[i]
		}
	}
	return strings.Join(parts, ",")
}

func TestSortErrors(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	scenarios := []struct {
		spec   string
		msg    string
		column int
	}{
		{"nope", `unknown field "nope"`, 1},
		{"amount,-nope", `unknown field "nope"`, 8},
		{"amount, nope", `unknown field "nope"`, 9},
		{"amount,amount", "amount appears twice", 8},
		{"amount,-amount", "amount appears twice", 8},
		{"tags", "tags holds a list and cannot be sorted", 1},
		{"contacts", "contacts holds a list", 1},
		{"files", "files holds a list", 1},
		{"lines", "lines is a sub-table", 1},
		{"amount,", "empty sort key", 8},
		{",amount", "empty sort key", 1},
		{"-", "empty sort key", 1},
		{"a,b,c,d,e,f", "at most 5 keys", 0},
		{"amount desc", `unknown field "amount desc"`, 1},
		{"Amount", `unknown field "Amount"`, 1},
		{"amount;drop table f_deal", `unknown field`, 1},
		{`"amount"`, `unknown field`, 1},
		{strings.Repeat("x", 501), "too long", 0},
	}
	for _, sc := range scenarios {
		t.Run(sc.spec, func(t *testing.T) {
			t.Parallel()
			orders, err := c.Sort(sc.spec)
			var se *forms.SortError
			if !errors.As(err, &se) {
				t.Fatalf("Sort(%q) = %v, %v; want a *SortError", sc.spec, orders, err)
			}
			if !strings.Contains(se.Message, sc.msg) {
				t.Errorf("Sort(%q): message %q does not contain %q", sc.spec, se.Message, sc.msg)
			}
			if se.Column != sc.column {
				t.Errorf("Sort(%q): column %d, want %d", sc.spec, se.Column, sc.column)
			}
			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("Sort(%q): error does not wrap store.ErrInvalid", sc.spec)
			}
		})
	}
}

// TestSortOnDatabase checks that the orders sort the same way on both
// databases, with id breaking ties the way the last key runs.
func TestSortOnDatabase(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	scenarios := []struct {
		filter, sort string
		want         []string // codes in order
	}{
		// note: filters keep NULLs out, as the dialects place them differently.
		{"amount != nil", "-amount", []string{"b", "j", "a", "c", "g", "h", "i", "f", "e"}},
		{"amount != nil", "amount", []string{"e", "f", "i", "h", "g", "c", "a", "j", "b"}},
		{"owner == 7 || owner == 8", "-owner", []string{"d", "c", "b", "a"}},
		{"owner == 7 || owner == 8", "-owner,id", []string{"c", "d", "a", "b"}},
		{"owner == 7 || owner == 8", "-owner,-id", []string{"d", "c", "b", "a"}},
		{"due != nil", "due", []string{"e", "c", "a", "b", "f"}},
		{"stage in [\"won\", \"lost\"]", "stage,-qty", []string{"j", "c", "a", "e"}},
		{"qty < 3", "", []string{"j", "g", "e", "c"}},
	}
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		codes := seedFilterTable(t, db, c)
		for _, sc := range scenarios {
			t.Run(sc.filter+" by "+sc.sort, func(t *testing.T) {
				t.Parallel()
				where, err := c.Filter(sc.filter, filterActor)
				if err != nil {
					t.Fatal(err)
				}
				order, err := c.Sort(sc.sort)
				if err != nil {
					t.Fatal(err)
				}
				rows, err := db.Select(context.Background(), store.Query{Table: c.Table,
					Columns: []store.Ident{"id"}, Where: where, OrderBy: order})
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, r := range rows {
					id, _ := r["id"].(int64)
					got = append(got, codes[id])
				}
				if !slices.Equal(got, sc.want) {
					t.Errorf("%s sorted by %q = %v, want %v", sc.filter, sc.sort, got, sc.want)
				}
			})
		}
	})
}
