package api_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// replayResult is the part of a replay's answer these tests read.
type replayResult struct {
	Flow             string `json:"flow"`
	PublishedVersion int    `json:"published_version"`
	DraftVersion     int    `json:"draft_version"`
	Records          int    `json:"records"`
	Matched          int64  `json:"matched"`
	Changed          int    `json:"changed"`
	Items            []struct {
		RecordID  int64 `json:"record_id"`
		Changed   bool  `json:"changed"`
		Published struct {
			Nodes []string `json:"nodes"`
		} `json:"published"`
		Draft struct {
			Nodes []string `json:"nodes"`
		} `json:"draft"`
	} `json:"items"`
	Nodes []struct {
		Node      string `json:"node"`
		Published int    `json:"published"`
		Draft     int    `json:"draft"`
	} `json:"nodes"`
	Approvers []struct {
		UserID    int64  `json:"user_id"`
		Email     string `json:"email"`
		Name      string `json:"name"`
		Published int    `json:"published"`
		Draft     int    `json:"draft"`
		Delta     int    `json:"delta"`
	} `json:"approvers"`
}

// orderApprovalDraft is the example's order approval with old replaced by
// new, as a draft body.
func orderApprovalDraft(t *testing.T, old, new string) string {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "flows", "order-approval.json"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), old) {
		t.Fatalf("the example flow has no %q", old)
	}
	return strings.Replace(string(raw), old, new, 1)
}

// replayOrder creates an order worth amount in region as the admin.
func replayOrder(t *testing.T, app *enginetest.App, customer, product int64, region, amount string) int64 {
	t.Helper()
	return create(t, app, "order", fmt.Sprintf(`{"customer": %d, "order_date": "2026-07-02", "region": %q, "discount": "0",
		"items": [{"product": %d, "qty": 1, "unit_price": %q}]}`, customer, region, product, amount))
}

func TestReplayDraft(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		sd := app.NewUser(t, enginetest.UserSpec{Email: "sd@example.com", Name: "Sales Director", Roles: []string{"sales_director"}})
		fd := app.NewUser(t, enginetest.UserSpec{Email: "fd@example.com", Name: "Finance Director", Roles: []string{"finance_director"}})
		fx := seed(t, app) // note: one east order of 3,205.49
		orders := map[string]int64{}
		for _, o := range []struct{ region, amount string }{{"east", "30000"}, {"east", "60000"}, {"east", "150000"}, {"east", "75000"}, {"west", "60000"}} {
			orders[o.region+" "+o.amount] = replayOrder(t, app, fx.Customer, fx.Product, o.region, o.amount)
		}
		url := "/api/v1/definitions/flow/order_approval/replay"
		enginetest.APIScenario{Name: "a published flow without a draft", Method: "POST", URL: url,
			ExpectedStatus: 404, ExpectedCode: "not_found", ExpectedContent: []string{"no draft"}}.Test(t, app)
		app.Expect(t, 201, "POST", "/api/v1/definitions", orderApprovalDraft(t, `"amount >= 100000"`, `"amount >= 50000"`), nil)

		r := app.Expect(t, 200, "POST", url, `{"filter": "region == \"east\" && amount >= 10000", "limit": 5000}`, nil)
		conforms(t, "Replay", r.Body)
		var rep replayResult
		r.JSON(t, &rep)
		if rep.Flow != "order_approval" || rep.PublishedVersion != 1 || rep.DraftVersion != 2 || rep.Records != 4 || rep.Matched != 4 || rep.Changed != 2 {
			t.Errorf("replay %+v; want v1 against draft v2, 4 records, 2 changed", rep)
		}
		changed := map[int64]bool{}
		for _, it := range rep.Items {
			changed[it.RecordID] = it.Changed
		}
		want := map[int64]bool{orders["east 30000"]: false, orders["east 60000"]: true, orders["east 150000"]: false, orders["east 75000"]: true}
		if fmt.Sprint(changed) != fmt.Sprint(want) {
			t.Errorf("changed records %v, want %v", changed, want)
		}
		loads := map[string]string{}
		for _, a := range rep.Approvers {
			loads[a.Email] = fmt.Sprintf("%s %d→%d (%+d)", a.Name, a.Published, a.Draft, a.Delta)
		}
		if loads["fd@example.com"] != "Finance Director 1→3 (+2)" || loads["sd@example.com"] != "Sales Director 4→4 (+0)" || len(loads) != 2 {
			t.Errorf("approver loads %v; want the finance director 1→3 and the sales director unchanged", loads)
		}
		if rep.Approvers[0].UserID != fd.ID || rep.Approvers[1].UserID != sd.ID {
			t.Errorf("approvers not by change: %+v", rep.Approvers)
		}
		nodes := map[string]string{}
		for _, n := range rep.Nodes {
			nodes[n.Node] = fmt.Sprintf("%d→%d", n.Published, n.Draft)
		}
		if nodes["countersign"] != "1→3" || nodes["sales_director_approval"] != "3→1" || nodes["approved"] != "4→4" {
			t.Errorf("node loads %v", nodes)
		}

		// note: nothing was written: no instance, no task, the orders as
		// they were.
		for name, id := range orders {
			rec := getRecord(t, app, "order", id)
			if rec["status"] != "draft" || rec["flow_status"] != "" || rec["row_version"] != 1.0 {
				t.Errorf("order %s changed by the replay: status %v, flow status %v, row version %v", name, rec["status"], rec["flow_status"], rec["row_version"])
			}
			var flows struct {
				Items []any `json:"items"`
			}
			app.Expect(t, 200, "GET", recordURL("order", id)+"/flows", "", nil).JSON(t, &flows)
			if len(flows.Items) != 0 {
				t.Errorf("order %s has flow instances after a replay: %v", name, flows.Items)
			}
		}

		t.Run("the limit keeps the newest records", func(t *testing.T) {
			var rep replayResult
			app.Expect(t, 200, "POST", url, `{"limit": 2}`, nil).JSON(t, &rep)
			if rep.Records != 2 || rep.Matched != 6 || len(rep.Items) != 2 || rep.Items[0].RecordID != orders["west 60000"] {
				t.Errorf("limit 2: %d records of %d matched, first %d", rep.Records, rep.Matched, rep.Items[0].RecordID)
			}
			app.Expect(t, 200, "POST", url, "", nil).JSON(t, &rep)
			if rep.Records != 6 {
				t.Errorf("no body: %d records, want all 6", rep.Records)
			}
		})

		t.Run("bad requests", func(t *testing.T) {
			for _, s := range []enginetest.APIScenario{
				{Name: "unknown field in the filter", Method: "POST", URL: url, Body: `{"filter": "bogus > 1"}`,
					ExpectedStatus: 400, ExpectedCode: "invalid_query", ExpectedPaths: []string{"/filter"}},
				{Name: "filter syntax", Method: "POST", URL: url, Body: `{"filter": "amount >"}`,
					ExpectedStatus: 400, ExpectedCode: "invalid_query", ExpectedPaths: []string{"/filter"}},
				{Name: "filter not text", Method: "POST", URL: url, Body: `{"filter": 5}`,
					ExpectedStatus: 400, ExpectedCode: "bad_request", ExpectedPaths: []string{"/filter"}},
				{Name: "filter too long", Method: "POST", URL: url, Body: `{"filter": "` + strings.Repeat("a", 4001) + `"}`,
					ExpectedStatus: 400, ExpectedPaths: []string{"/filter"}},
				{Name: "limit 0", Method: "POST", URL: url, Body: `{"limit": 0}`, ExpectedStatus: 400, ExpectedPaths: []string{"/limit"}},
				{Name: "limit above the cap", Method: "POST", URL: url, Body: `{"limit": 5001}`, ExpectedStatus: 400, ExpectedPaths: []string{"/limit"}},
				{Name: "limit not a whole number", Method: "POST", URL: url, Body: `{"limit": 2.5}`, ExpectedStatus: 400, ExpectedPaths: []string{"/limit"}},
				{Name: "unknown property", Method: "POST", URL: url, Body: `{"sort": "id"}`, ExpectedStatus: 400, ExpectedPaths: []string{"/sort"}},
				{Name: "not an object", Method: "POST", URL: url, Body: `[1]`, ExpectedStatus: 400, ExpectedCode: "bad_request"},
				{Name: "an approver may not replay", Method: "POST", URL: url, Body: `{}`, Headers: sd.Headers(), ExpectedStatus: 403, ExpectedCode: "forbidden"},
				{Name: "no such flow", Method: "POST", URL: "/api/v1/definitions/flow/nope/replay", ExpectedStatus: 404, ExpectedCode: "not_found"},
				{Name: "no token", Method: "POST", URL: url, Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401},
			} {
				s.NotExpectedContent = []string{"SQLSTATE", ".go:", "panic"}
				r := s.Test(t, app)
				conforms(t, "Error", r.Body)
				if route, ok := documented(t, s.Method, s.URL, s.ExpectedStatus); !ok {
					t.Errorf("%s: %s does not document %d", s.Name, route, s.ExpectedStatus)
				}
			}
		})

		t.Run("a flow never published", func(t *testing.T) {
			app.Expect(t, 201, "POST", "/api/v1/definitions", orderApprovalDraft(t, `"key": "order_approval"`, `"key": "order_approval_next"`), nil)
			r := enginetest.APIScenario{Name: "never published", Method: "POST", URL: "/api/v1/definitions/flow/order_approval_next/replay",
				ExpectedStatus: 409, ExpectedCode: "conflict", ExpectedContent: []string{"never been published"}}.Test(t, app)
			conforms(t, "Error", r.Body)
		})

		t.Run("a draft that does not compile", func(t *testing.T) {
			app.Expect(t, 201, "POST", "/api/v1/definitions", orderApprovalDraft(t, `"amount >= 100000"`, `"amount >= "`), nil)
			r := enginetest.APIScenario{Name: "broken draft", Method: "POST", URL: url, ExpectedStatus: 422,
				ExpectedCode: "validation_failed", ExpectedPaths: []string{"/nodes/1/branches/0/when"}}.Test(t, app)
			conforms(t, "Error", r.Body)
		})
	})
}
