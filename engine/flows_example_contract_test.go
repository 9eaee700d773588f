package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// The example after an order is approved: the contract draft it creates,
// the contract approval that invites the customer to sign, and the payment
// confirmation that adds up what the order has received.

// rawRecord reads one record as the admin with every value as the API
// wrote it, so money is compared as text ("100000.00"), not as a float.
func (w *world) rawRecord(t *testing.T, form string, id int64) map[string]json.RawMessage {
	t.Helper()
	var rec map[string]json.RawMessage
	w.app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/%s/records/%d", form, id), "", nil).JSON(t, &rec)
	return rec
}

// contractsOf lists the contracts of order as the admin.
func (w *world) contractsOf(t *testing.T, order int64) []map[string]json.RawMessage {
	t.Helper()
	var page struct {
		Items []map[string]json.RawMessage `json:"items"`
	}
	q := url.QueryEscape(fmt.Sprintf("sales_order == %d", order))
	w.app.Expect(t, 200, "GET", "/api/v1/forms/contract/records?filter="+q, "", nil).JSON(t, &page)
	return page.Items
}

// approvedOrder takes a new order of amount through the order approval.
func (w *world) approvedOrder(t *testing.T, amount string) int64 {
	t.Helper()
	order := w.order(t, amount, "0")
	v := w.submit(t, w.rep, "order", order, "order_approval")
	w.approve(t, w.sd, v.ID)
	if w.instance(t, v.ID).State == store.FlowRunning { // note: from 100,000 the finance director countersigns
		w.approve(t, w.fd, v.ID)
	}
	wantState(t, w.instance(t, v.ID), store.FlowApproved)
	return order
}

// notices are the messages of u's notices (cc tasks).
func (w *world) notices(t *testing.T, u *enginetest.User) []string {
	t.Helper()
	var inbox engine.Inbox
	w.app.Expect(t, 200, "GET", "/api/v1/tasks?state=cc&per_page=200", "", u.Headers()).JSON(t, &inbox)
	var out []string
	for _, n := range inbox.Items {
		out = append(out, n.Message)
	}
	return out
}

func hasPrefixed(list []string, prefix string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.HasPrefix(s, prefix) })
}

func text(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

func TestApprovedOrderCreatesContractDraft(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		order := w.approvedOrder(t, "150000.00")
		number := text(w.rawRecord(t, "order", order)["number"])

		list := w.contractsOf(t, order)
		if len(list) != 1 {
			t.Fatalf("%d contracts of order %d, want 1", len(list), order)
		}
		c := list[0]
		want := map[string]string{
			"title": "Contract for order " + number, "sales_order": fmt.Sprint(order), "customer": fmt.Sprint(w.customer),
			"sales_rep": fmt.Sprint(w.rep.ID), "amount": "150000.00", "currency": "CNY", "status": "draft", "owner": fmt.Sprint(w.rep.ID),
		}
		for k, v := range want {
			if got := text(c[k]); got != v {
				t.Errorf("contract %s = %s, want %s", k, got, v)
			}
		}
		if !strings.HasPrefix(text(c["number"]), "CT-") {
			t.Errorf("contract number %s", c["number"])
		}
		// the same approval plans the delivery and books the receivable.
		var projects struct {
			Items []map[string]any `json:"items"`
		}
		app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/delivery_project/records?filter=%s", url.QueryEscape(fmt.Sprintf("sales_order == %d", order))), "", nil).JSON(t, &projects)
		if len(projects.Items) != 1 || projects.Items[0]["contract_amount"] != 150000.0 || projects.Items[0]["status"] != "planned" ||
			projects.Items[0]["customer"] != float64(w.customer) {
			t.Errorf("delivery projects of order %d: %v", order, projects.Items)
		}
		if cust := w.rawRecord(t, "customer", w.customer); text(cust["receivables"]) != "150000.00" {
			t.Errorf("customer receivables %s, want 150000.00", cust["receivables"])
		}
		// note: the rep owns the draft, so they may complete it.
		id := text(c["id"])
		app.Expect(t, 200, "GET", "/api/v1/forms/contract/records/"+id, "", w.rep.Headers())
		if r := app.Do(t, "PATCH", "/api/v1/forms/contract/records/"+id, `{"amount": "1.00"}`, w.rep.Headers()); r.Status != 403 {
			t.Errorf("the rep changes the contract's amount: %d %s", r.Status, r.Body)
		}
		for _, fin := range []*enginetest.User{w.fin1, w.fin2, w.fin3} {
			if n := w.notices(t, fin); !slices.Contains(n, "Order "+number+" is approved: please invoice 150000.00 CNY.") {
				t.Errorf("%s was not asked to invoice: %q", fin.Email, n)
			}
		}
	})
}

func TestContractApprovalInvitesTheCustomerToSign(t *testing.T) {
	sink := newSMTPSink(t)
	eachWithMail(t, sink, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		delivery := []*enginetest.User{
			app.NewUser(t, enginetest.UserSpec{Email: "pm1@example.com", Name: "pm1", Roles: []string{"delivery"}}),
			app.NewUser(t, enginetest.UserSpec{Email: "pm2@example.com", Name: "pm2", Roles: []string{"delivery"}}),
		}
		order := w.approvedOrder(t, "50000.00")
		contract := int64(0)
		if list := w.contractsOf(t, order); len(list) == 1 {
			_ = json.Unmarshal(list[0]["id"], &contract)
		}
		if contract == 0 {
			t.Fatalf("no contract draft for order %d", order)
		}
		submit := fmt.Sprintf("/api/v1/forms/contract/records/%d/submit", contract)
		if r := app.Do(t, "POST", submit, `{"flow": "contract_approval"}`, w.rep.Headers()); r.Status != 422 || !strings.Contains(r.Body, "contact_email") {
			t.Fatalf("submit without the signatory's e-mail: %d %s", r.Status, r.Body)
		}
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/contract/records/%d", contract),
			`{"contact_name": "Li Wei", "contact_email": "li.wei@acme.example", "start_date": "2026-04-01", "terms": "Net 30."}`, w.rep.Headers())
		v := w.submit(t, w.rep, "contract", contract, "contract_approval")
		w.approve(t, w.sd, v.ID)
		v = w.instance(t, v.ID)
		wantState(t, v, store.FlowApproved)
		rec := w.rawRecord(t, "contract", contract)
		if text(rec["status"]) != "approved" {
			t.Errorf("contract status %s", rec["status"])
		}
		// the approval printed the contract and attached it.
		var files []struct {
			ID   string `json:"id"`
			Type string `json:"type"`
		}
		_ = json.Unmarshal(rec["attachments"], &files)
		if len(files) != 1 || files[0].Type != "application/pdf" {
			t.Fatalf("contract attachments %s, want the printed contract", rec["attachments"])
		}
		pdf := app.Expect(t, 200, "GET", "/api/v1/files/"+files[0].ID, "", w.rep.Headers()).Body
		if got, err := documents.Text([]byte(pdf)); err != nil || !strings.Contains(got, "销售合同") || !strings.Contains(got, "Acme Ltd") || !strings.Contains(got, "Li Wei") {
			t.Errorf("the contract PDF reads %q (%v)", got, err)
		}
		number := text(rec["number"])
		runJobs(t, app, 0)

		sink.mu.Lock()
		mail := slices.Clone(sink.mail)
		sink.mu.Unlock()
		to := func(addr string) []string {
			var out []string
			for _, m := range mail {
				if strings.Contains(m, "\r\nTo: "+addr+"\r\n") {
					out = append(out, m)
				}
			}
			return out
		}
		customer := to("li.wei@acme.example")
		if len(customer) != 1 {
			t.Fatalf("%d messages to the customer, want 1; all: %q", len(customer), mail)
		}
		if !strings.Contains(customer[0], "Dear Li Wei, contract "+number+" (Contract for order ") || !strings.Contains(customer[0], "50000.00 CNY) is ready for your signature") {
			t.Errorf("the invitation: %s", customer[0])
		}
		const base = "https://mosaic.example.com/sign/"
		i := strings.Index(customer[0], base)
		if i < 0 {
			t.Fatalf("the invitation has no link: %s", customer[0])
		}
		tok := strings.TrimSpace(strings.SplitN(customer[0][i+len(base):], "\r\n", 2)[0])
		g, err := app.Engine.VerifySignToken(tok, time.Now())
		if err != nil || g.Form != "contract" || g.Record != contract || g.Address != "li.wei@acme.example" {
			t.Errorf("the link grants %+v, %v; want contract %d for li.wei@acme.example", g, err, contract)
		}
		if _, err := app.Engine.VerifySignToken(strings.Replace(tok, ".", ".x", 1), time.Now()); err == nil {
			t.Error("an altered link was accepted")
		}

		wantNotice := "Contract " + number + " (Contract for order "
		for _, u := range delivery {
			if n := w.notices(t, u); !hasPrefixed(n, wantNotice) {
				t.Errorf("%s got no notice of the approved contract: %q", u.Email, n)
			}
			if got := to(u.Email); len(got) != 1 || strings.Contains(got[0], base) {
				t.Errorf("%s: %d e-mail copies (want 1, without a signing link): %q", u.Email, len(got), got)
			}
		}
		if n := w.notices(t, w.outsider); hasPrefixed(n, wantNotice) {
			t.Errorf("customer service was told as well: %q", n)
		}
		if n := w.notices(t, w.rep); !slices.Contains(n, "Contract "+number+" is approved and was sent to li.wei@acme.example to sign.") {
			t.Errorf("the rep's notices: %q", n)
		}
	})
}

func TestPaymentConfirmationAddsToTheOrder(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		order := w.approvedOrder(t, "100000.00")
		received := func() string { return string(w.rawRecord(t, "order", order)["received_amount"]) }
		if got := received(); got != "0.00" {
			t.Fatalf("received before any payment: %s", got)
		}
		// pay enters a payment as fin1 and returns it with its instance.
		pay := func(t *testing.T, amount string) (int64, engine.InstanceView) {
			t.Helper()
			id := w.create(t, w.fin1, "payment", fmt.Sprintf(`{"sales_order": %d, "amount": %q, "method": "bank_transfer", "reference": "BK-%s"}`, order, amount, amount))
			var flows struct {
				Items []engine.InstanceView `json:"items"`
			}
			app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/payment/records/%d/flows", id), "", nil).JSON(t, &flows)
			if len(flows.Items) != 1 || flows.Items[0].FlowKey != "payment_confirmation" {
				t.Fatalf("entering a payment started %+v", flows.Items)
			}
			return id, w.instance(t, flows.Items[0].ID)
		}

		steps := []struct{ amount, after string }{
			{"33333.33", "33333.33"},
			{"0.10", "33333.43"},
			{"0.20", "33333.63"},
			{"66666.37", "100000.00"},
		}
		for _, s := range steps {
			id, v := pay(t, s.amount)
			if st := taskStates(v); st[w.fin1.Email] != "" || st[w.fin2.Email] != store.TaskPending {
				t.Fatalf("tasks %v: finance confirms, never the clerk who entered it", st)
			}
			w.approve(t, w.fin2, v.ID)
			wantState(t, w.instance(t, v.ID), store.FlowApproved)
			if got := received(); got != s.after {
				t.Errorf("after a payment of %s: received %s, want exactly %s", s.amount, got, s.after)
			}
			owed := decimal.RequireFromString("100000.00").Sub(decimal.RequireFromString(s.after)).StringFixed(2)
			if got := string(w.rawRecord(t, "customer", w.customer)["receivables"]); got != owed {
				t.Errorf("after a payment of %s: the customer owes %s, want %s", s.amount, got, owed)
			}
			p := w.rawRecord(t, "payment", id)
			if text(p["status"]) != "confirmed" || text(p["confirmed_by"]) != fmt.Sprint(w.fin2.ID) {
				t.Errorf("payment %d: status %s, confirmed by %s", id, p["status"], p["confirmed_by"])
			}
			// note: the flow reads the order's date through the link (related.sales_order).
			today := time.Now().UTC().Truncate(24 * time.Hour)
			days := int(today.Sub(time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)).Hours() / 24)
			if got := text(p["days_to_pay"]); got != fmt.Sprint(days) {
				t.Errorf("payment %d: days to pay %s, want %d", id, got, days)
			}
		}
		if n := w.notices(t, w.fin1); !hasPrefixed(n, "Payment PAY-") {
			t.Errorf("the clerk who entered the payments heard nothing: %q", n)
		}

		t.Run("payments confirmed at the same time never lose each other", func(t *testing.T) {
			before, _ := decimal.NewFromString(received())
			amounts := []string{"10.01", "20.02", "30.03", "40.04", "50.05"}
			var tasks []int64
			for _, a := range amounts {
				_, v := pay(t, a)
				tasks = append(tasks, w.task(t, w.fin2, v.ID).ID)
			}
			ctx := context.Background()
			p, err := app.Engine.Authenticate(ctx, w.fin2.Token)
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for _, task := range tasks {
				wg.Add(1)
				go func() {
					defer wg.Done()
					// note: a confirmation that read the order before another
					// one wrote it is refused as a conflict; it is tried again.
					for range 20 {
						_, err := app.Engine.DecideTask(ctx, p, task, engine.DecideInput{Decision: "approve"})
						if !errors.Is(err, store.ErrConflict) {
							if err != nil {
								t.Errorf("task %d: %v", task, err)
							}
							return
						}
					}
					t.Errorf("task %d: still a conflict after 20 tries", task)
				}()
			}
			wg.Wait()
			want := before.Add(decimal.RequireFromString("150.15")).StringFixed(2)
			if got := received(); got != want {
				t.Errorf("received %s after five payments adding up to 150.15 on %s; want %s", got, before.StringFixed(2), want)
			}
		})

		t.Run("a rejected payment adds nothing", func(t *testing.T) {
			id, v := pay(t, "500.00")
			task := w.task(t, w.fin2, v.ID)
			before := received()
			if r := w.decide(t, w.fin2, task.ID, `{"decision": "reject", "comment": "not on the statement"}`); r.Status != 200 {
				t.Fatalf("reject: %d %s", r.Status, r.Body)
			}
			if got := received(); got != before {
				t.Errorf("received %s after a rejected payment, was %s", got, before)
			}
			if p := w.rawRecord(t, "payment", id); text(p["status"]) != "rejected" {
				t.Errorf("payment status %s", p["status"])
			}
		})
	})
}
