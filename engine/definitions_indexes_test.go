package engine_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// noteIndexed is noteV1 with a form-level index; noteReindexed swaps it for
// another.
const (
	noteIndexed = `{"kind":"form","key":"note","title":"Note","fields":[
 {"key":"title","type":"text","label":"Title","required":true},
 {"key":"price","type":"money","label":"Price","scale":2},
 {"key":"qty","type":"integer","label":"Qty"},
 {"key":"memo","type":"text","label":"Memo"}],
 "indexes":[{"fields":["title","price"]}]}`
	noteReindexed = `{"kind":"form","key":"note","title":"Note","fields":[
 {"key":"title","type":"text","label":"Title","required":true},
 {"key":"price","type":"money","label":"Price","scale":2},
 {"key":"qty","type":"integer","label":"Qty"},
 {"key":"memo","type":"text","label":"Memo"}],
 "indexes":[{"fields":["owner","qty"]},{"fields":["memo","title"],"unique":true}]}`
)

// declaredIndexes lists table's form-level indexes as "name(col,col)".
func declaredIndexes(t *testing.T, db *store.DB, table store.Ident) []string {
	t.Helper()
	all, err := db.Indexes(context.Background(), table)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for name, cols := range all {
		if strings.HasPrefix(string(name), "idx_") || strings.HasPrefix(string(name), "uidx_") {
			parts := make([]string, len(cols))
			for i, c := range cols {
				parts[i] = string(c)
			}
			out = append(out, string(name)+"("+strings.Join(parts, ",")+")")
		}
	}
	slices.Sort(out)
	return out
}

func TestPublishBuildsAndMigratesFormIndexes(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		if _, err := publish(t, e, noteIndexed, engine.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := declaredIndexes(t, e.DB(), "f_note"); !slices.Equal(got, []string{"idx_f_note__title__price(title,price,id)"}) {
			t.Errorf("after the first publish: %q", got)
		}

		if _, _, err := e.SaveDraft(ctx, []byte(noteReindexed), forms.Actor{ID: 1}); err != nil {
			t.Fatal(err)
		}
		diff, err := e.DiffDraft(ctx, "form", "note")
		if err != nil {
			t.Fatal(err)
		}
		var steps []string
		for _, s := range diff.Steps {
			steps = append(steps, s.Op+" "+strings.Join(s.Columns, ",")+": "+s.Detail)
		}
		want := []string{"drop_index title,price,id: remove index on f_note (title, price, id)",
			"add_index owner,qty,id: add index on f_note (owner, qty, id)",
			"add_index memo,title: add unique index on f_note (memo, title)"}
		if !slices.Equal(steps, want) || diff.Destructive {
			t.Errorf("diff\n got %q\nwant %q (destructive %v)", steps, want, diff.Destructive)
		}
		if _, err := e.Publish(ctx, "form", "note", engine.PublishOptions{}, forms.Actor{ID: 1}); err != nil {
			t.Fatal(err)
		}
		want = []string{"idx_f_note__owner__qty(owner,qty,id)", "uidx_f_note__memo__title(memo,title)"}
		if got := declaredIndexes(t, e.DB(), "f_note"); !slices.Equal(got, want) {
			t.Errorf("after the second publish: %q", got)
		}
	})
}

// TestExampleOrderIndexes pins the example order form's indexes to what its
// list pages need (and what bench/schema.go gives the hand-written side).
func TestExampleOrderIndexes(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		want := []string{"idx_f_order__owner__order_date(owner,order_date,id)",
			"idx_f_order__region__amount(region,amount,id)", "idx_f_order__status__order_date(status,order_date,id)"}
		if got := declaredIndexes(t, app.Engine.DB(), "f_order"); !slices.Equal(got, want) {
			t.Errorf("order indexes\n got %q\nwant %q", got, want)
		}
	})
}

// TestListFilterStaysSargable checks the list page the bench measures reaches
// the database as plain comparisons on bare columns, in the order of the
// (region, amount) index: no function or cast around a column, which would
// keep PostgreSQL from walking the index.
func TestListFilterStaysSargable(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		order, err := app.Engine.Form("order")
		if err != nil {
			t.Fatal(err)
		}
		cond, err := order.Filter(`region == "east" && status in ["submitted", "approved"] && amount >= 100000`, forms.Actor{ID: 1})
		if err != nil {
			t.Fatal(err)
		}
		sql, vars := app.Engine.DB().RenderCond(cond)
		want := `("region" = ? AND "status" IN (?, ?) AND "amount" >= ?)`
		if app.Engine.DB().Dialect() == store.Postgres {
			want = `("region" = $1 AND "status" IN ($2, $3) AND "amount" >= $4)`
		}
		if sql != want || len(vars) != 4 || vars[3] != int64(10000000) {
			t.Errorf("list condition %s %v, want %s with amount in minor units", sql, vars, want)
		}
		orders, err := order.Sort("-amount")
		if err != nil || len(orders) != 2 || orders[0] != (store.Order{Column: "amount", Desc: true}) || orders[1] != (store.Order{Column: "id", Desc: true}) {
			t.Errorf("sort %+v %v", orders, err)
		}
	})
}
