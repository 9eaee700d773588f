package engine_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// The order-management example end to end, through the HTTP API only (the
// job worker is run in-process, as a replica would): a lead gets a quote,
// the quote becomes an order of 150,000, both directors approve it, which
// drafts the contract and plans the delivery project; the approved
// contract is printed and its signatory e-mailed a signing link; two
// payments are confirmed; the order's received amount, the customer's
// receivables and the sales dashboard's figures follow.
func TestOrderPipeline(t *testing.T) {
	sink := newSMTPSink(t)
	eachWithMail(t, sink, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		const company = "北京华通智能制造有限公司"
		get := func(u *enginetest.User, form string, id int64) map[string]json.RawMessage {
			var rec map[string]json.RawMessage
			app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/%s/records/%d", form, id), "", as(u)).JSON(t, &rec)
			return rec
		}
		list := func(u *enginetest.User, form, filter string) []map[string]json.RawMessage {
			var page struct {
				Items []map[string]json.RawMessage `json:"items"`
			}
			app.Expect(t, 200, "GET", "/api/v1/forms/"+form+"/records?filter="+url.QueryEscape(filter), "", as(u)).JSON(t, &page)
			return page.Items
		}

		// lead → customer → quote of three machines at 50,000.
		lead := w.create(t, w.rep, "lead", `{"company": "`+company+`", "region": "north", "source": "trade_show", "expected_amount": "150000"}`)
		customer := w.create(t, w.rep, "customer", `{"name": "`+company+`", "region": "north", "industry": "manufacturing",
			"contacts": [{"name": "张敏", "title": "采购经理", "email": "zhang.min@huatong.example", "signs_contracts": true}]}`)
		machine := w.create(t, nil, "product", `{"sku": "CNC-5X", "name": "五轴数控机床 5-axis CNC", "product_line": "hardware", "unit_price": "50000.00", "unit_cost": "36000.00"}`)
		quote := w.create(t, w.rep, "quote", fmt.Sprintf(`{"lead": %d, "customer": %d, "status": "accepted",
			"items": [{"product": %d, "qty": 3, "unit_price": "50000.00"}]}`, lead, customer, machine))
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/lead/records/%d", lead), `{"stage": "won", "reached_quote": true, "closed_on": "`+time.Now().UTC().Format("2006-01-02")+`"}`, w.rep.Headers())
		app.Expect(t, 201, "POST", fmt.Sprintf("/api/v1/forms/quote/records/%d/documents/quotation", quote), "", w.rep.Headers())

		// the quote becomes the order, entered once.
		var order int64
		var converted struct {
			ID     int64   `json:"id"`
			Amount float64 `json:"amount"`
			Quote  int64   `json:"quote"`
		}
		app.Expect(t, 201, "POST", fmt.Sprintf("/api/v1/forms/quote/records/%d/convert/from_quote", quote), "", w.rep.Headers()).JSON(t, &converted)
		order = converted.ID
		if converted.Amount != 150000 || converted.Quote != quote {
			t.Fatalf("the converted order: %+v", converted)
		}
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/order/records/%d", order), `{"region": "north", "delivery_date": "`+time.Now().UTC().AddDate(0, 2, 0).Format("2006-01-02")+`"}`, w.rep.Headers())

		// each line's cost came from the machine, though the rep who
		// entered the quote may not see it, so the order's margin is real.
		if o := get(nil, "order", order); text(o["cost"]) != "108000.00" || text(o["margin"]) != "42000.00" {
			t.Errorf("the order's cost %s and margin %s, want 108000.00 and 42000.00", o["cost"], o["margin"])
		}
		if _, shown := get(w.rep, "order", order)["margin"]; shown {
			t.Errorf("the rep reads the order's margin")
		}

		// both directors countersign from 100,000.
		v := w.submit(t, w.rep, "order", order, "order_approval")
		w.approve(t, w.sd, v.ID)
		if st := w.instance(t, v.ID).State; st != store.FlowRunning {
			t.Fatalf("after the sales director alone the order is %s; the finance director must countersign", st)
		}
		w.approve(t, w.fd, v.ID)
		wantState(t, w.instance(t, v.ID), store.FlowApproved)
		if text(get(nil, "customer", customer)["receivables"]) != "150000.00" {
			t.Errorf("receivables after approval: %s", get(nil, "customer", customer)["receivables"])
		}
		projects := list(nil, "delivery_project", fmt.Sprintf("sales_order == %d", order))
		if len(projects) != 1 || text(projects[0]["contract_amount"]) != "150000.00" || text(projects[0]["status"]) != "planned" {
			t.Errorf("delivery projects of the order: %v", projects)
		}
		contracts := list(nil, "contract", fmt.Sprintf("sales_order == %d", order))
		if len(contracts) != 1 {
			t.Fatalf("%d contracts of the order, want the draft", len(contracts))
		}
		var contract int64
		_ = json.Unmarshal(contracts[0]["id"], &contract)

		// the rep names the signatory; the sales director approves; the PDF
		// is printed and the signatory is e-mailed a signing link.
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/contract/records/%d", contract),
			`{"contact_name": "张敏", "contact_email": "zhang.min@huatong.example", "terms": "分三期付款。Paid in instalments."}`, w.rep.Headers())
		cv := w.submit(t, w.rep, "contract", contract, "contract_approval")
		w.approve(t, w.sd, cv.ID)
		wantState(t, w.instance(t, cv.ID), store.FlowApproved)
		var files []struct {
			ID string `json:"id"`
		}
		_ = json.Unmarshal(get(nil, "contract", contract)["attachments"], &files)
		if len(files) != 1 {
			t.Fatalf("the approved contract's documents: %v", files)
		}
		pdf := app.Expect(t, 200, "GET", "/api/v1/files/"+files[0].ID, "", w.rep.Headers()).Body
		if got, err := documents.Text([]byte(pdf)); err != nil || !strings.Contains(got, company) || !strings.Contains(got, "150,000.00") {
			t.Errorf("the contract PDF reads %q (%v)", got, err)
		}
		// the timeline records the printed document's hash, which the
		// customer's acceptance will name.
		sum := sha256.Sum256([]byte(pdf))
		var printed bool
		for _, s := range w.instance(t, cv.ID).Steps {
			printed = printed || strings.Contains(string(s.Data), `"sha256":"`+hex.EncodeToString(sum[:])+`"`)
		}
		if !printed {
			t.Errorf("the contract timeline does not record the PDF's SHA-256")
		}
		runJobs(t, app, 0)
		sink.mu.Lock()
		mail := slices.Clone(sink.mail)
		sink.mu.Unlock()
		invited := slices.ContainsFunc(mail, func(m string) bool {
			return strings.Contains(m, "\r\nTo: zhang.min@huatong.example\r\n") && strings.Contains(m, "https://mosaic.example.com/sign/")
		})
		if !invited {
			t.Errorf("no signing link e-mailed to the signatory; mail: %q", mail)
		}

		// two payments, each confirmed by a finance clerk who did not enter it.
		for _, amount := range []string{"60000.00", "90000.00"} {
			id := w.create(t, w.fin1, "payment", fmt.Sprintf(`{"sales_order": %d, "amount": %q, "method": "bank_transfer", "reference": "HT-%s"}`, order, amount, amount))
			var flows struct {
				Items []engine.InstanceView `json:"items"`
			}
			app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/payment/records/%d/flows", id), "", nil).JSON(t, &flows)
			if len(flows.Items) != 1 {
				t.Fatalf("payment %s started %d flows", amount, len(flows.Items))
			}
			w.approve(t, w.fin2, flows.Items[0].ID)
		}
		if got := text(get(w.rep, "order", order)["received_amount"]); got != "150000.00" {
			t.Errorf("the order received %s, want 150000.00", got)
		}
		if got := text(get(nil, "customer", customer)["receivables"]); got != "0.00" {
			t.Errorf("the customer owes %s after paying in full", got)
		}

		// the sales dashboard of the period, as the management sees it:
		// revenue, the average order and the funnel.
		from, to := time.Now().UTC().AddDate(0, 0, -1).Format("2006-01-02"), time.Now().UTC().AddDate(0, 0, 1).Format("2006-01-02")
		var run struct {
			Widgets []struct {
				Key    string `json:"key"`
				Result struct {
					Rows   []struct{ Values map[string]json.RawMessage } `json:"rows"`
					Totals *struct{ Values map[string]json.RawMessage }  `json:"totals"`
				} `json:"result"`
			} `json:"widgets"`
		}
		app.Expect(t, 200, "POST", "/api/v1/dashboards/sales/run", `{"filters": {"period": {"from": "`+from+`", "to": "`+to+`"}}}`, nil).JSON(t, &run)
		got := map[string]map[string]string{}
		for _, wd := range run.Widgets {
			got[wd.Key] = map[string]string{}
			if wd.Result.Totals != nil {
				for k, v := range wd.Result.Totals.Values {
					got[wd.Key][k] = text(v)
				}
			}
			if len(wd.Result.Rows) == 1 {
				for k, v := range wd.Result.Rows[0].Values {
					got[wd.Key]["row."+k] = text(v)
				}
			}
		}
		if got["revenue"]["revenue"] != "150000.00" || got["revenue"]["orders"] != "1" {
			t.Errorf("sales dashboard revenue: %v", got["revenue"])
		}
		if got["average"]["row.average"] != "150000" || got["customers"]["row.customer"] != company || got["funnel"]["row.leads"] != "1" || got["funnel"]["row.won"] != "1" {
			t.Errorf("the sales dashboard shows %v", got)
		}
	})
}

// eachWithMail runs fn once per dialect on an app whose job worker runs and
// whose e-mail goes to sink, emptied for each run; links in mail point to
// https://mosaic.example.com.
func eachWithMail(t *testing.T, sink *smtpSink, fn func(t *testing.T, app *enginetest.App)) {
	t.Helper()
	enginetest.EachWith(t, func(c *engine.Config) {
		enginetest.WithWorker(c)
		c.SMTP = engine.SMTPConfig{Addr: sink.ln.Addr().String(), From: "mosaic@example.com"}
		c.BaseURL = "https://mosaic.example.com"
	}, func(t *testing.T, app *enginetest.App) {
		sink.mu.Lock()
		sink.mail = nil
		sink.mu.Unlock()
		fn(t, app)
	})
}
