package reports_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// The forms every report test reads: customers, products, orders of a
// customer and a product, and payments of an order (two relations from
// the customer).
var formDefs = []string{`{"kind": "form", "key": "customer", "title": "Customer", "fields": [
	{"key": "name", "type": "text", "label": "Name"},
	{"key": "region", "type": "select", "label": "Region", "options": [
		{"value": "east", "label": "East China"}, {"value": "west", "label": "West China"}, {"value": "north", "label": "North China"}]},
	{"key": "industry", "type": "select", "label": "Industry", "options": [
		{"value": "retail", "label": "Retail"}, {"value": "finance", "label": "Finance"}]},
	{"key": "credit_limit", "type": "money", "label": "Credit limit"},
	{"key": "partners", "type": "relation", "label": "Partners", "target": "customer", "multiple": true}]}`,
	`{"kind": "form", "key": "product", "title": "Product", "fields": [
	{"key": "name", "type": "text", "label": "Name"},
	{"key": "line", "type": "select", "label": "Product line", "options": [
		{"value": "hardware", "label": "Hardware"}, {"value": "software", "label": "Software"}, {"value": "service", "label": "Service"}]}]}`,
	`{"kind": "form", "key": "order", "title": "Order", "fields": [
	{"key": "customer", "type": "relation", "label": "Customer", "target": "customer"},
	{"key": "product", "type": "relation", "label": "Product", "target": "product"},
	{"key": "order_date", "type": "date", "label": "Order date"},
	{"key": "closed_at", "type": "datetime", "label": "Closed at"},
	{"key": "stage", "type": "select", "label": "Stage", "options": [
		{"value": "lead", "label": "Lead"}, {"value": "quote", "label": "Quote"}, {"value": "won", "label": "Won"}, {"value": "lost", "label": "Lost"}]},
	{"key": "amount", "type": "money", "label": "Amount"},
	{"key": "cost", "type": "money", "label": "Cost"},
	{"key": "qty", "type": "integer", "label": "Quantity"},
	{"key": "discount", "type": "percent", "label": "Discount"},
	{"key": "rep", "type": "user", "label": "Sales rep"},
	{"key": "urgent", "type": "boolean", "label": "Urgent"},
	{"key": "note", "type": "text", "label": "Note"},
	{"key": "tags", "type": "multi_select", "label": "Tags", "options": [{"value": "vip", "label": "VIP"}]},
	{"key": "margin", "type": "formula", "label": "Margin", "formula": "amount - cost", "result": "money"}]}`,
	`{"kind": "form", "key": "payment", "title": "Payment", "fields": [
	{"key": "sale", "type": "relation", "label": "Order", "target": "order"},
	{"key": "paid_on", "type": "date", "label": "Paid on"},
	{"key": "amount", "type": "money", "label": "Amount"}]}`}

// formSet is a Forms (and forms.Resolver) over compiled forms.
type formSet map[string]*forms.Compiled

func (s formSet) Form(key string) (*forms.Compiled, bool) { c, ok := s[key]; return c, ok }
func (s formSet) HasForm(key string) bool                 { _, ok := s[key]; return ok }

var (
	compiledOnce sync.Once
	compiledSet  formSet
)

// testForms compiles the test forms once.
func testForms(t testing.TB) formSet {
	t.Helper()
	compiledOnce.Do(func() {
		compiledSet = formSet{}
		for _, def := range formDefs {
			f, err := forms.Parse([]byte(def))
			if err != nil {
				panic(err)
			}
			c, err := forms.Compile(f, 1, formSet{"customer": nil, "product": nil, "order": nil}, forms.DefaultTypes())
			if err != nil {
				panic(err)
			}
			compiledSet[f.Key] = c
		}
	})
	return compiledSet
}

// Go copies of the seeded records, which the tests compute their
// expectations from.
type customer struct {
	id     int64
	name   string
	region string // "" for none
	ind    string
	limit  decimal.Decimal
}

type product struct {
	id   int64
	line string
}

type order struct {
	id       int64
	customer int64 // 0 for none
	product  int64
	date     time.Time // zero for none
	closed   time.Time
	stage    string
	amount   *decimal.Decimal
	cost     decimal.Decimal
	qty      int64
	discount decimal.Decimal
	rep      int64
	urgent   *bool
	note     string
}

type payment struct {
	id     int64
	sale   int64
	paidOn time.Time
	amount decimal.Decimal
}

// fixture is a database seeded with the test forms' records.
type fixture struct {
	db        *store.DB
	forms     formSet
	records   *forms.RecordStore
	customers []customer
	products  []product
	orders    []order
	payments  []payment
}

// reps are the sales reps; each owns the orders they are rep of.
var reps = []int64{11, 12, 13}

func newFixture(t *testing.T, db *store.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	fs := testForms(t)
	fx := &fixture{db: db, forms: fs, records: forms.NewRecordStore(db, fs)}
	for _, key := range []string{"customer", "product", "order", "payment"} {
		if err := fx.records.Migrate(ctx, forms.PlanMigration(nil, fs[key]), false); err != nil {
			t.Fatalf("create %s: %v", key, err)
		}
	}
	rng := rand.New(rand.NewPCG(7, 11))
	regions := []string{"east", "west", "north", ""}
	for i := 0; i < 10; i++ {
		c := customer{name: fmt.Sprintf("Customer %02d", i), region: regions[i%4], ind: []string{"retail", "finance"}[i%2],
			limit: decimal.NewFromInt(int64(1000 * (i + 1)))}
		c.id = fx.create(t, "customer", 11, map[string]any{"name": c.name, "region": c.region, "industry": c.ind, "credit_limit": c.limit.String()})
		fx.customers = append(fx.customers, c)
	}
	for i, line := range []string{"hardware", "software", "service", "hardware"} {
		p := product{line: line}
		p.id = fx.create(t, "product", 11, map[string]any{"name": fmt.Sprintf("P%d", i), "line": line})
		fx.products = append(fx.products, p)
	}
	stages := []string{"lead", "quote", "won", "won", "lost", ""}
	start := time.Date(2025, 11, 20, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 160; i++ {
		o := order{rep: reps[rng.IntN(len(reps))], stage: stages[rng.IntN(len(stages))], qty: int64(rng.IntN(20)) - 2,
			cost: decimal.New(int64(rng.IntN(500000)), -2), discount: decimal.New(int64(rng.IntN(3000)), -4)}
		in := map[string]any{"stage": o.stage, "cost": o.cost.String(), "qty": o.qty, "rep": o.rep, "discount": o.discount.String()}
		if rng.IntN(12) > 0 {
			o.customer = fx.customers[rng.IntN(len(fx.customers))].id
			in["customer"] = o.customer
		}
		o.product = fx.products[rng.IntN(len(fx.products))].id
		in["product"] = o.product
		if rng.IntN(15) > 0 {
			o.date = start.AddDate(0, 0, rng.IntN(200))
			in["order_date"] = o.date.Format(forms.DateLayout)
		}
		o.closed = start.Add(time.Duration(rng.IntN(200*24*60)) * time.Minute)
		in["closed_at"] = o.closed.Format(time.RFC3339)
		if rng.IntN(10) > 0 {
			a := decimal.New(int64(rng.IntN(2000000))-100000, -2)
			o.amount = &a
			in["amount"] = a.String()
		}
		if rng.IntN(3) > 0 {
			u := rng.IntN(2) == 0
			o.urgent = &u
			in["urgent"] = u
		}
		if rng.IntN(2) == 0 {
			o.note = []string{"call back", `say "hi" \ 日本 50%_`}[rng.IntN(2)]
			in["note"] = o.note
		}
		o.id = fx.create(t, "order", o.rep, in)
		fx.orders = append(fx.orders, o)
	}
	for i := 0; i < 60; i++ {
		p := payment{sale: fx.orders[rng.IntN(len(fx.orders))].id, paidOn: start.AddDate(0, 0, rng.IntN(200)),
			amount: decimal.New(int64(rng.IntN(100000)), -2)}
		p.id = fx.create(t, "payment", 11, map[string]any{"sale": p.sale, "paid_on": p.paidOn.Format(forms.DateLayout), "amount": p.amount.String()})
		fx.payments = append(fx.payments, p)
	}
	return fx
}

func (fx *fixture) create(t *testing.T, form string, owner int64, in map[string]any) int64 {
	t.Helper()
	for k, v := range in {
		if s, ok := v.(string); ok && s == "" {
			delete(in, k)
		}
	}
	rec, err := fx.records.Create(context.Background(), fx.forms[form], forms.Write{Input: in, Actor: forms.Actor{ID: owner}, Trusted: true})
	if err != nil {
		t.Fatalf("create %s %v: %v", form, in, err)
	}
	return rec.ID()
}

func (fx *fixture) customer(id int64) *customer {
	for i := range fx.customers {
		if fx.customers[i].id == id {
			return &fx.customers[i]
		}
	}
	return nil
}

func (fx *fixture) product(id int64) *product {
	for i := range fx.products {
		if fx.products[i].id == id {
			return &fx.products[i]
		}
	}
	return nil
}

func (fx *fixture) order(id int64) *order {
	for i := range fx.orders {
		if fx.orders[i].id == id {
			return &fx.orders[i]
		}
	}
	return nil
}

// eachFixture runs fn on a freshly seeded database of every dialect.
func eachFixture(t *testing.T, fn func(t *testing.T, fx *fixture)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		fn(t, newFixture(t, db))
	})
}

// compile parses and compiles a report definition, failing the test on a
// problem.
func compile(t testing.TB, def string) *reports.Compiled {
	t.Helper()
	r, err := reports.Parse([]byte(def))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, err := reports.Compile(r, 1, testForms(t))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

// admin sees everything.
var admin = reports.Viewer{Actor: forms.Actor{ID: 1}, Access: reports.FullAccess()}

// run runs c, failing the test on an error.
func run(t *testing.T, fx *fixture, c *reports.Compiled, req reports.Request, v reports.Viewer) *reports.Result {
	t.Helper()
	res, err := reports.Run(context.Background(), fx.db, c, req, v)
	if err != nil {
		q, _ := reports.Plan(c, req, v)
		sql, vars, _ := fx.db.RenderReport(q)
		t.Fatalf("run %s: %v\n%s %v", c.Report.Key, err, sql, vars)
	}
	return res
}

// show writes a value as the tests compare it.
func show(v any) string {
	switch x := v.(type) {
	case nil:
		return "-"
	case json.Number:
		return string(x)
	case float64:
		return fmt.Sprintf("%.6f", x)
	}
	return fmt.Sprint(v)
}
