package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the seed makes demo data for the order-management example that
// reads true on a dashboard: sales that grow and dip with the seasons,
// regions and product lines with their own margins, a few large customers
// and many small ones, discounts that sometimes need the general manager,
// payments that come late in some regions. It writes through the record
// store's bulk path, so formulas, defaults and rules hold as for any
// record, and it is repeatable: the same options give the same data.

// SeedOptions sizes the demo data.
type SeedOptions struct {
	Orders int
	// Seed makes the data repeatable; zero is 1.
	Seed uint64
	// Now is the end of the two years the orders span; zero is today.
	Now time.Time
	// Progress, when set, is told what is being made.
	Progress func(string)
}

// SeedReport counts what Seed made, by form, and the demo users' password.
type SeedReport struct {
	Records  map[string]int `json:"records"`
	Users    []string       `json:"users"`
	Password string         `json:"password"`
}

// seedBatch is how many records one bulk insert takes.
const seedBatch = 1000

// regions of the example, with how much of the business each has and how
// late its customers pay (days after the order).
var seedRegions = []struct {
	key          string
	weight       float64
	paymentDelay int
}{
	{"east", 0.32, 25}, {"north", 0.22, 38}, {"south", 0.2, 30}, {"west", 0.12, 55}, {"central", 0.14, 42},
}

var seedProductLines = []struct {
	key    string
	price  [2]int // unit price range, whole currency
	margin float64
}{
	{"hardware", [2]int{800, 12000}, 0.18}, {"software", [2]int{500, 30000}, 0.62},
	{"service", [2]int{200, 5000}, 0.41}, {"consulting", [2]int{1500, 20000}, 0.35},
}

var seedIndustries = []string{"manufacturing", "retail", "finance", "healthcare", "education", "government", "internet", "other"}

// Seed fills the example's forms with generated records. The example must
// be published; users made by the seed are sales reps (one or two per
// region), so that a rep's dashboard shows their own rows.
func (e *Engine) Seed(ctx context.Context, o SeedOptions) (*SeedReport, error) {
	if o.Orders < 1 || o.Orders > 10_000_000 {
		return nil, fmt.Errorf("%w: orders must be from 1 to 10,000,000", store.ErrInvalid)
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	if o.Now.IsZero() {
		o.Now = time.Now().UTC()
	}
	if o.Progress == nil {
		o.Progress = func(string) {}
	}
	g := &seeder{e: e, o: o, rnd: mrand.New(mrand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15)),
		rep: &SeedReport{Records: map[string]int{}}}
	for _, key := range []string{"customer", "product", "order", "contract", "payment", "lead", "quote"} {
		if _, err := e.Form(key); err != nil {
			return nil, fmt.Errorf("the seed fills the order-management example; publish it first: %w", err)
		}
	}
	steps := []func(context.Context) error{g.seedUsers, g.seedProducts, g.seedCustomers, g.seedLeads, g.seedOrders}
	for _, step := range steps {
		if err := step(ctx); err != nil {
			return nil, err
		}
	}
	return g.rep, nil
}

type seeder struct {
	e   *Engine
	o   SeedOptions
	rnd *mrand.Rand
	rep *SeedReport

	reps      map[string][]int64 // by region
	products  []seedProduct
	customers []seedCustomer
	won       []int64 // accepted quotes, for orders to name
}

type seedProduct struct {
	id          int64
	line        string
	price, cost int64 // minor units
}

type seedCustomer struct {
	id     int64
	region string
	weight float64
}

func (g *seeder) seedUsers(ctx context.Context) error {
	b := make([]byte, 9)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	g.rep.Password = hex.EncodeToString(b)
	g.reps = map[string][]int64{}
	for _, r := range seedRegions {
		n := 1
		if r.weight > 0.2 {
			n = 2
		}
		for i := 1; i <= n; i++ {
			email := fmt.Sprintf("rep.%s%d@example.com", r.key, i)
			u, err := g.e.CreateUser(ctx, email, fmt.Sprintf("Rep %s %d", title(r.key), i), g.rep.Password, "sales_rep")
			if errors.Is(err, store.ErrConflict) {
				existing, err := g.e.db.UserByEmail(ctx, email)
				if err != nil {
					return err
				}
				u = existing
			} else if err != nil {
				return err
			}
			g.reps[r.key] = append(g.reps[r.key], u.ID)
			g.rep.Users = append(g.rep.Users, email)
		}
	}
	return nil
}

func (g *seeder) seedProducts(ctx context.Context) error {
	c, _ := g.e.Form("product")
	var recs []forms.BulkRecord
	for _, line := range seedProductLines {
		for i := 1; i <= 12; i++ {
			price := int64(line.price[0]+g.rnd.IntN(line.price[1]-line.price[0])) * 100
			cost := int64(float64(price) * (1 - line.margin*(0.7+0.6*g.rnd.Float64())))
			g.products = append(g.products, seedProduct{line: line.key, price: price, cost: cost})
			recs = append(recs, forms.BulkRecord{At: g.o.Now.AddDate(-3, 0, 0), Input: map[string]any{
				"sku": fmt.Sprintf("%s-%03d-%d", strings.ToUpper(line.key[:3]), i, g.o.Seed), "name": fmt.Sprintf("%s %d", title(line.key), i),
				"product_line": line.key, "unit_price": money(price), "unit_cost": money(cost), "active": true,
				"launched_on": g.o.Now.AddDate(-3, 0, -g.rnd.IntN(700)).Format(forms.DateLayout)}})
		}
	}
	ids, err := g.e.records.CreateBulk(ctx, c, recs)
	if err != nil {
		return fmt.Errorf("products: %w", err)
	}
	for i, id := range ids {
		g.products[i].id = id
	}
	g.rep.Records["product"] += len(ids)
	return nil
}

func (g *seeder) seedCustomers(ctx context.Context) error {
	c, _ := g.e.Form("customer")
	n := max(50, g.o.Orders/20)
	g.o.Progress(fmt.Sprintf("%d customers", n))
	for start := 0; start < n; start += seedBatch {
		var recs []forms.BulkRecord
		var made []seedCustomer
		for i := start; i < min(n, start+seedBatch); i++ {
			region := g.region()
			// note: a few customers buy a lot (Pareto), most a little.
			weight := 1 / (1 + float64(i%97)) * (0.5 + g.rnd.Float64())
			made = append(made, seedCustomer{region: region, weight: weight})
			level := "C"
			if weight > 0.3 {
				level = "A"
			} else if weight > 0.08 {
				level = "B"
			}
			recs = append(recs, forms.BulkRecord{At: g.o.Now.AddDate(-2, 0, -g.rnd.IntN(90)), Input: map[string]any{
				"name": fmt.Sprintf("Customer %d-%d", g.o.Seed, i+1), "region": region,
				"industry": seedIndustries[g.rnd.IntN(len(seedIndustries))], "level": level,
				"contact_name": fmt.Sprintf("Contact %d", i+1), "contact_email": fmt.Sprintf("buyer%d@customer%d.example", i+1, i+1),
				"credit_limit": money(int64(50_000+g.rnd.IntN(450_000)) * 100)}})
		}
		ids, err := g.e.records.CreateBulk(ctx, c, recs)
		if err != nil {
			return fmt.Errorf("customers: %w", err)
		}
		for i, id := range ids {
			made[i].id = id
		}
		g.customers = append(g.customers, made...)
	}
	g.rep.Records["customer"] += n
	return nil
}

// leadStages are the stages leads end up in, with their shares: the
// funnel narrows from lead to quote to order.
var leadStages = []struct {
	stage  string
	share  float64
	quoted bool
}{
	{"new", 0.15, false}, {"qualified", 0.2, false}, {"quoted", 0.15, true}, {"won", 0.28, true}, {"lost", 0.22, false},
}

func (g *seeder) seedLeads(ctx context.Context) error {
	leads, _ := g.e.Form("lead")
	quotes, _ := g.e.Form("quote")
	n := max(20, g.o.Orders/4)
	g.o.Progress(fmt.Sprintf("%d leads and their quotes", n))
	sources := []string{"website", "website", "referral", "trade_show", "cold_call", "partner"}
	for start := 0; start < n; start += seedBatch {
		var ls []forms.BulkRecord
		var quoted []string // the quote status each lead gets, "" for none
		for i := start; i < min(n, start+seedBatch); i++ {
			at := g.orderDate().AddDate(0, 0, -20)
			cust := g.customer()
			reps := g.reps[cust.region]
			rep := reps[g.rnd.IntN(len(reps))]
			stage, got := "new", ""
			x := g.rnd.Float64()
			for _, s := range leadStages {
				if x < s.share {
					stage = s.stage
					if s.quoted {
						got = map[string]string{"quoted": "sent", "won": "accepted"}[s.stage]
					}
					break
				}
				x -= s.share
			}
			if stage == "lost" && g.rnd.Float64() < 0.5 {
				got = "rejected"
			}
			in := map[string]any{"company": fmt.Sprintf("Prospect %d-%d", g.o.Seed, i+1), "contact_email": fmt.Sprintf("info%d@prospect.example", i+1),
				"source": sources[g.rnd.IntN(len(sources))], "region": cust.region, "stage": stage, "reached_quote": got != "",
				"expected_amount": money(int64(5_000+g.rnd.IntN(200_000)) * 100), "sales_rep": rep}
			if stage == "won" || stage == "lost" {
				in["closed_on"] = at.AddDate(0, 0, 10+g.rnd.IntN(40)).Format(forms.DateLayout)
			}
			ls = append(ls, forms.BulkRecord{Actor: forms.Actor{ID: rep}, At: at, Input: in})
			quoted = append(quoted, got)
		}
		ids, err := g.e.records.CreateBulk(ctx, leads, ls)
		if err != nil {
			return fmt.Errorf("leads: %w", err)
		}
		g.rep.Records["lead"] += len(ids)
		var qs []forms.BulkRecord
		for i, status := range quoted {
			if status == "" {
				continue
			}
			at := ls[i].At.AddDate(0, 0, 3+g.rnd.IntN(10))
			qs = append(qs, forms.BulkRecord{Actor: ls[i].Actor, At: at, Input: map[string]any{"lead": ids[i],
				"amount": ls[i].Input["expected_amount"], "status": status, "sales_rep": ls[i].Actor.ID,
				"valid_until": at.AddDate(0, 1, 0).Format(forms.DateLayout)}})
		}
		qids, err := g.e.records.CreateBulk(ctx, quotes, qs)
		if err != nil {
			return fmt.Errorf("quotes: %w", err)
		}
		g.rep.Records["quote"] += len(qids)
		for i, q := range qs {
			if q.Input["status"] == "accepted" {
				g.won = append(g.won, qids[i])
			}
		}
	}
	return nil
}

func (g *seeder) region() string {
	x := g.rnd.Float64()
	for _, r := range seedRegions {
		if x < r.weight {
			return r.key
		}
		x -= r.weight
	}
	return seedRegions[0].key
}

// customer picks a customer, the big ones more often.
func (g *seeder) customer() seedCustomer {
	for {
		c := g.customers[g.rnd.IntN(len(g.customers))]
		if g.rnd.Float64() < c.weight*3 || g.rnd.Float64() < 0.35 {
			return c
		}
	}
}

// orderDate spreads orders over two years, growing and with a year-end
// peak and a summer dip.
func (g *seeder) orderDate() time.Time {
	for {
		days := g.rnd.IntN(730)
		d := g.o.Now.AddDate(0, 0, -days)
		growth := 0.6 + 0.4*float64(730-days)/730
		season := 1.0
		switch d.Month() {
		case time.November, time.December:
			season = 1.35
		case time.July, time.August:
			season = 0.75
		}
		if g.rnd.Float64() < growth*season/1.35 {
			return time.Date(d.Year(), d.Month(), d.Day(), 9+g.rnd.IntN(9), g.rnd.IntN(60), 0, 0, time.UTC)
		}
	}
}

func (g *seeder) seedOrders(ctx context.Context) error {
	c, _ := g.e.Form("order")
	contracts, _ := g.e.Form("contract")
	payments, _ := g.e.Form("payment")
	for start := 0; start < g.o.Orders; start += seedBatch {
		if start%(50*seedBatch) == 0 {
			g.o.Progress(fmt.Sprintf("orders %d–%d of %d", start+1, min(g.o.Orders, start+50*seedBatch), g.o.Orders))
		}
		var recs []forms.BulkRecord
		var plans []orderPlan
		for range min(seedBatch, g.o.Orders-start) {
			rec, plan, err := g.order(c)
			if err != nil {
				return err
			}
			recs, plans = append(recs, rec), append(plans, plan)
		}
		ids, err := g.e.records.CreateBulk(ctx, c, recs)
		if err != nil {
			return fmt.Errorf("orders: %w", err)
		}
		var cs, ps []forms.BulkRecord
		for i, plan := range plans {
			if plan.contract != nil && contracts != nil {
				plan.contract.Input["sales_order"] = ids[i]
				cs = append(cs, *plan.contract)
			}
			if payments != nil {
				for _, p := range plan.payments {
					p.Input["sales_order"] = ids[i]
					ps = append(ps, p)
				}
			}
		}
		if err := g.bulk(ctx, contracts, cs); err != nil {
			return err
		}
		if err := g.bulk(ctx, payments, ps); err != nil {
			return err
		}
	}
	g.rep.Records["order"] += g.o.Orders
	return nil
}

func (g *seeder) bulk(ctx context.Context, c *forms.Compiled, recs []forms.BulkRecord) error {
	if c == nil || len(recs) == 0 {
		return nil
	}
	if _, err := g.e.records.CreateBulk(ctx, c, recs); err != nil {
		return fmt.Errorf("%s: %w", c.Form.Key, err)
	}
	g.rep.Records[c.Form.Key] += len(recs)
	return nil
}

// orderPlan is what comes with an order: its contract and its payments.
type orderPlan struct {
	contract *forms.BulkRecord
	payments []forms.BulkRecord
}

func (g *seeder) order(c *forms.Compiled) (forms.BulkRecord, orderPlan, error) {
	cust := g.customer()
	at := g.orderDate()
	reps := g.reps[cust.region]
	rep := reps[g.rnd.IntN(len(reps))]
	var items []any
	for range 1 + g.rnd.IntN(4) {
		p := g.products[g.rnd.IntN(len(g.products))]
		price := p.price * int64(90+g.rnd.IntN(21)) / 100
		items = append(items, map[string]any{"product": p.id, "qty": int64(1 + g.rnd.IntN(12)),
			"unit_price": money(price), "unit_cost": money(p.cost)})
	}
	discount := []string{"0", "0", "0.05", "0.1", "0.15", "0.2", "0.25"}[g.rnd.IntN(7)]
	status := "approved"
	switch x := g.rnd.Float64(); {
	case at.After(g.o.Now.AddDate(0, 0, -10)) && x < 0.5:
		status = "submitted"
	case x < 0.08:
		status = "draft"
	case x < 0.16:
		status = "rejected"
	case x < 0.2:
		status = "cancelled"
	}
	typ := "standard"
	in := map[string]any{"customer": cust.id, "order_date": at.Format(forms.DateLayout), "region": cust.region,
		"sales_rep": rep, "discount": discount, "currency": "CNY", "status": status, "items": items}
	switch x := g.rnd.Float64(); {
	case x < 0.1:
		typ = "urgent"
		in["delivery_date"] = at.AddDate(0, 0, 3+g.rnd.IntN(10)).Format(forms.DateLayout)
	case x < 0.25:
		typ = "framework"
	}
	in["type"] = typ
	if len(g.won) > 0 && g.rnd.Float64() < 0.3 {
		in["quote"], g.won = g.won[len(g.won)-1], g.won[:len(g.won)-1]
	}
	actor := forms.Actor{ID: rep}
	plan, err := g.planAfter(c, in, actor, cust, at, status)
	return forms.BulkRecord{Actor: actor, At: at, Input: in}, plan, err
}

// planAfter decides, for an approved order, its contract and payments:
// most are paid in full, some in part, some not yet, each region at its
// own pace. The order's received amount is the sum of its payments.
func (g *seeder) planAfter(c *forms.Compiled, in map[string]any, actor forms.Actor, cust seedCustomer, at time.Time, status string) (orderPlan, error) {
	var plan orderPlan
	if status != "approved" {
		return plan, nil
	}
	rec, err := c.Validate(forms.Write{Input: in, Actor: actor, Trusted: true})
	if err != nil {
		return plan, fmt.Errorf("generated order: %w", err)
	}
	amount, _ := rec["amount"].(decimal.Decimal)
	signed := at.AddDate(0, 0, 2+g.rnd.IntN(12))
	if amount.GreaterThan(decimal.NewFromInt(50_000)) || g.rnd.Float64() < 0.4 {
		cs := "signed"
		if signed.After(g.o.Now) {
			cs = "approved"
		}
		ci := map[string]any{"title": fmt.Sprintf("Contract for customer %d", cust.id), "customer": cust.id,
			"sales_rep": actor.ID, "amount": amount.StringFixed(2), "currency": "CNY", "status": cs,
			"contact_email": fmt.Sprintf("buyer%d@customer.example", cust.id),
			"start_date":    at.Format(forms.DateLayout), "end_date": at.AddDate(1, 0, 0).Format(forms.DateLayout)}
		if cs == "signed" {
			ci["signed_date"] = signed.Format(forms.DateLayout)
		}
		plan.contract = &forms.BulkRecord{Actor: actor, At: at.Add(time.Hour), Input: ci}
	}
	delay := 30
	for _, r := range seedRegions {
		if r.key == cust.region {
			delay = r.paymentDelay
		}
	}
	share := decimal.NewFromInt(1)
	switch x := g.rnd.Float64(); {
	case x < 0.12:
		return plan, nil
	case x < 0.27:
		share = decimal.NewFromFloat(0.5)
	}
	due := amount.Mul(share).Round(2)
	parts := []decimal.Decimal{due}
	if g.rnd.Float64() < 0.4 && due.GreaterThan(decimal.NewFromInt(100)) {
		first := due.Mul(decimal.NewFromFloat(0.6)).Round(2)
		parts = []decimal.Decimal{first, due.Sub(first)}
	}
	received := decimal.Zero
	for i, part := range parts {
		on := at.AddDate(0, 0, delay/2+g.rnd.IntN(delay)+i*20)
		if on.After(g.o.Now) {
			break
		}
		received = received.Add(part)
		plan.payments = append(plan.payments, forms.BulkRecord{Actor: actor, At: on, Input: map[string]any{
			"amount": part.StringFixed(2), "currency": "CNY", "received_on": on.Format(forms.DateLayout),
			"method":    []string{"bank_transfer", "bank_transfer", "acceptance_bill", "online"}[g.rnd.IntN(4)],
			"reference": fmt.Sprintf("TX%d%04d", on.Unix(), g.rnd.IntN(10000)), "status": "confirmed",
			"days_to_pay": int64(on.Truncate(24*time.Hour).Sub(at.Truncate(24*time.Hour)).Hours() / 24)}})
	}
	in["received_amount"] = received.StringFixed(2)
	return plan, nil
}

// money renders minor units as the decimal text the forms take.
func money(minor int64) string { return fmt.Sprintf("%d.%02d", minor/100, minor%100) }

// title capitalises an ASCII key for a display name.
func title(key string) string { return strings.ToUpper(key[:1]) + key[1:] }
