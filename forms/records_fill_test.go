package forms_test

import (
	"context"
	"fmt"
	"log"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

const itemForm = `{"kind":"form","key":"product","title":"Product","fields":[
 {"key":"name","type":"text","label":"Name","required":true},
 {"key":"price","type":"money","label":"List price"},
 {"key":"cost","type":"money","label":"Cost","scale":4}]}`

// dealForm fills its lines' price (when not typed) and hidden cost from
// the item, and its headline item's name into a note.
const dealForm = `{"kind":"form","key":"deal","title":"Deal","fields":[
 {"key":"headline","type":"relation","label":"Headline item","target":"product"},
 {"key":"note","type":"text","label":"Note","fill":{"from":"headline","field":"name","mode":"empty"}},
 {"key":"lines","type":"sub_table","label":"Lines","required":true,"fields":[
   {"key":"item","type":"relation","label":"Item","target":"product","required":true},
   {"key":"qty","type":"integer","label":"Qty","required":true},
   {"key":"price","type":"money","label":"Price","required":true,"fill":{"from":"item","field":"price"}},
   {"key":"cost","type":"money","label":"Cost","fill":{"from":"item","field":"cost"}},
   {"key":"line_cost","type":"formula","label":"Line cost","formula":"qty * cost","result":"money"}]},
 {"key":"amount","type":"formula","label":"Amount","formula":"sum(lines, .qty * .price)","result":"money"},
 {"key":"cost","type":"formula","label":"Cost","formula":"sum(lines, .line_cost)","result":"money"},
 {"key":"margin","type":"formula","label":"Margin","formula":"amount - cost","result":"money"}]}`

// repAccess may not see the cost columns nor the figures made from them.
var repAccess = forms.NewAccess(nil, map[string]forms.FieldLevel{
	"lines.cost": forms.Hidden, "lines.line_cost": forms.Hidden, "cost": forms.Hidden, "margin": forms.Hidden}, forms.Writable)

type fillWorld struct {
	rs    *forms.RecordStore
	m     formMap
	deal  *forms.Compiled
	items []int64
}

func setupFill(t *testing.T, db *store.DB) *fillWorld {
	t.Helper()
	ctx := context.Background()
	item := compileJSON(t, itemForm, 1)
	deal := compileJSON(t, dealForm, 1)
	m := formMap{"product": item, "deal": deal}
	if ps := deal.CheckFills(m); len(ps) > 0 {
		t.Fatalf("fills of deal: %v", ps)
	}
	rs := forms.NewRecordStore(db, m)
	for _, c := range []*forms.Compiled{item, deal} {
		if err := db.WithTx(ctx, func(ctx context.Context) error { return rs.Migrate(ctx, forms.PlanMigration(nil, c), false) }); err != nil {
			t.Fatalf("create %s: %v", c.Form.Key, err)
		}
	}
	w := &fillWorld{rs: rs, m: m, deal: deal}
	for _, in := range []string{`{"name":"Server","price":"100.00","cost":"62.5000"}`, `{"name":"Licence","price":"40.00","cost":"10.0000"}`, `{"name":"Day"}`} {
		w.items = append(w.items, create(t, rs, item, in).ID())
	}
	return w
}

func (w *fillWorld) write(t *testing.T, id int64, acc *forms.Access, input string) (map[string]any, error) {
	t.Helper()
	ctx := context.Background()
	wr := forms.Write{Input: decodeInput(t, input), Actor: forms.Actor{ID: 1}, Access: acc}
	var rec forms.Record
	var err error
	if id == 0 {
		rec, err = w.rs.Create(ctx, w.deal, wr)
	} else {
		rec, err = w.rs.Update(ctx, w.deal, id, 0, wr)
	}
	if err != nil {
		return nil, err
	}
	stored, err := w.rs.Get(ctx, w.deal, rec.ID())
	if err != nil {
		t.Fatal(err)
	}
	return w.deal.JSON(stored, nil), nil
}

func figures(j map[string]any) string {
	var lines []string
	for _, l := range j["lines"].([]any) {
		r := l.(map[string]any)
		lines = append(lines, fmt.Sprintf("%v/%v/%v", r["price"], r["cost"], r["line_cost"]))
	}
	return fmt.Sprintf("%v %v %v [%s]", j["amount"], j["cost"], j["margin"], strings.Join(lines, " "))
}

func TestFillFromLinkedRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setupFill(t, db)
		server, licence, day := w.items[0], w.items[1], w.items[2]

		// a rep who may not see costs: the cost is filled all the same,
		// and so are the price where not typed and the figures made from them.
		j, err := w.write(t, 0, repAccess, fmt.Sprintf(`{"headline":%d,"lines":[{"item":%d,"qty":2},{"item":%d,"qty":1,"price":"35.00"},{"item":%d,"qty":3}]}`,
			server, server, licence, server))
		if err != nil {
			t.Fatal(err)
		}
		if got := figures(j); got != "535.00 322.50 212.50 [100.00/62.50/125.00 35.00/10.00/10.00 100.00/62.50/187.50]" {
			t.Errorf("filled deal: %s", got)
		}
		if j["note"] != "Server" {
			t.Errorf("note filled from the headline: %v", j["note"])
		}
		id := j["id"].(int64)

		// what the rep is shown has no cost, filled or not.
		rec, err := w.rs.GetAs(context.Background(), w.deal, id, repAccess)
		if err != nil {
			t.Fatal(err)
		}
		shown := w.deal.JSONAs(rec, repAccess, nil)
		line := shown["lines"].([]any)[0].(map[string]any)
		if _, seen := line["cost"]; seen || shown["margin"] != nil || shown["cost"] != nil {
			t.Errorf("the rep is shown costs: %v", shown)
		}

		// a rep may still not type a cost.
		_, err = w.write(t, 0, repAccess, fmt.Sprintf(`{"lines":[{"item":%d,"qty":1,"cost":"1.00"}]}`, server))
		if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/lines/0/cost" || pl.Problems[0].Code != forms.CodeForbiddenField {
			t.Errorf("a rep typing a cost: %v", err)
		}

		// an admin's typed cost stays; kept rows keep theirs; a line whose
		// item changes is filled again, price and cost; the note (mode empty) stays.
		rows := j["lines"].([]any)
		rowID := func(i int) any { return rows[i].(map[string]any)["id"] }
		j, err = w.write(t, id, nil, fmt.Sprintf(`{"headline":%d,"lines":[{"id":%v,"item":%d,"qty":2,"cost":"50.00"},{"id":%v},{"id":%v,"item":%d}]}`,
			licence, rowID(0), server, rowID(1), rowID(2), licence))
		if err != nil {
			t.Fatal(err)
		}
		if got := figures(j); got != "355.00 140.00 215.00 [100.00/50.00/100.00 35.00/10.00/10.00 40.00/10.00/30.00]" {
			t.Errorf("after the admin's update: %s", got)
		}
		if j["note"] != "Server" {
			t.Errorf("a note filled when empty changed with its relation: %v", j["note"])
		}

		// an item without a price: a line needing it is missing its price,
		// and an item that does not exist is named on the relation, not
		// by the values it would have given.
		_, err = w.write(t, 0, repAccess, fmt.Sprintf(`{"lines":[{"item":%d,"qty":1},{"item":99999,"qty":1}]}`, day))
		pl, ok := forms.AsProblems(err)
		if !ok {
			t.Fatalf("lines without a price: %v", err)
		}
		var got []string
		for _, p := range pl.Problems {
			got = append(got, p.Path+" "+p.Code)
		}
		want := "/lines/1/item validation_not_found,/lines/0/price validation_required,/lines/1/price validation_required"
		if strings.Join(got, ",") != want {
			t.Errorf("problems %v, want %s", got, want)
		}
		if strings.Contains(err.Error(), "62.5") {
			t.Errorf("an error shows a cost: %v", err)
		}
	})
}

// statementCounter counts the logged SQL statements that read a table
// through a tagged form version.
type statementCounter struct {
	mu   sync.Mutex
	seen map[string]int
}

func (h *statementCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *statementCounter) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h *statementCounter) WithGroup(string) slog.Handler            { return h }

func (h *statementCounter) Handle(_ context.Context, r slog.Record) error {
	var walk func(a slog.Attr)
	walk = func(a slog.Attr) {
		if a.Value.Kind() == slog.KindGroup {
			for _, g := range a.Value.Group() {
				walk(g)
			}
			return
		}
		if tag, rest, ok := strings.Cut(a.Value.String(), " */ SELECT"); ok && strings.HasPrefix(tag, "/* ") && rest != "" {
			h.mu.Lock()
			h.seen[strings.TrimPrefix(tag, "/* ")]++
			h.mu.Unlock()
		}
	}
	r.Attrs(func(a slog.Attr) bool { walk(a); return true })
	return nil
}

func (h *statementCounter) count(tag string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.seen[tag]
}

// countStatements logs db's statements to a counter. store.DB.Debug logs
// to slog's default logger as it is when called, so it is swapped only
// for the call.
func countStatements(db *store.DB) *statementCounter {
	h := &statementCounter{seen: map[string]int{}}
	old := slog.Default()
	slog.SetDefault(slog.New(h))
	db.Debug()
	slog.SetDefault(old)
	log.SetOutput(os.Stderr)
	return h
}

func TestFillReadsEachTargetOncePerWrite(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		w := setupFill(t, db)
		var lines []string
		for i := range 40 {
			lines = append(lines, fmt.Sprintf(`{"item":%d,"qty":1}`, w.items[i%2]))
		}
		n := countStatements(db)
		rec, err := w.rs.Create(context.Background(), w.deal, forms.Write{Input: decodeInput(t, `{"lines":[`+strings.Join(lines, ",")+`]}`), Actor: forms.Actor{ID: 1}})
		if err != nil {
			t.Fatal(err)
		}
		// note: one read for the fills, one for the reference check.
		if got := n.count("product.v1"); got != 2 {
			t.Errorf("%d statements on the item table for 40 lines, want 2", got)
		}
		if j := w.deal.JSON(rec, nil); j["cost"].(fmt.Stringer).String() != "1450.00" {
			t.Errorf("cost of 40 lines: %v", j["cost"])
		}
	})
}
