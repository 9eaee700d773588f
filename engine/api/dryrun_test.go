package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// dryRunResult is the part of a dry run's answer these tests read.
type dryRunResult struct {
	Flow      string `json:"flow"`
	Version   int    `json:"version"`
	Draft     bool   `json:"draft"`
	Record    int64  `json:"record"`
	Outcome   string `json:"outcome"`
	Stopped   string `json:"stopped"`
	Submitter *struct {
		Email string `json:"email"`
	} `json:"submitter"`
	Steps []struct {
		Node      string `json:"node"`
		Condition string `json:"condition"`
		Default   bool   `json:"default"`
		Values    []struct {
			Name  string          `json:"name"`
			Value json.RawMessage `json:"value"`
		} `json:"values"`
		Assignees     []int64 `json:"assignees"`
		AssigneeUsers []struct {
			ID    int64  `json:"id"`
			Name  string `json:"name"`
			Email string `json:"email"`
		} `json:"assignee_users"`
		Effects []struct {
			Action string `json:"action"`
			Form   string `json:"form"`
			Record int64  `json:"record"`
			Set    []struct {
				Name  string          `json:"name"`
				Value json.RawMessage `json:"value"`
			} `json:"set"`
		} `json:"effects"`
	} `json:"steps"`
	Users []struct {
		Name string `json:"name"`
	} `json:"users"`
}

func (r dryRunResult) nodes() []string {
	out := make([]string, len(r.Steps))
	for i, s := range r.Steps {
		out[i] = s.Node
	}
	return out
}

// approvers maps each approval node of the path to its assignees' names.
func (r dryRunResult) approvers() map[string]string {
	out := map[string]string{}
	for _, s := range r.Steps {
		var names []string
		for _, u := range s.AssigneeUsers {
			names = append(names, u.Name)
		}
		if len(names) > 0 {
			out[s.Node] = strings.Join(names, ", ")
		}
	}
	return out
}

// set is what the effects of node write, as "form.field = value" in order.
func (r dryRunResult) set(node string) []string {
	var out []string
	for _, s := range r.Steps {
		if s.Node != node {
			continue
		}
		for _, e := range s.Effects {
			for _, v := range e.Set {
				out = append(out, fmt.Sprintf("%s.%s = %s", e.Form, v.Name, v.Value))
			}
		}
	}
	return out
}

func TestDryRunFlow(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		user := func(email, name string, roles ...string) *enginetest.User {
			return app.NewUser(t, enginetest.UserSpec{Email: email, Name: name, Roles: roles})
		}
		gm := user("gm@example.com", "General Manager")
		sd := user("sd@example.com", "Sales Director", "sales_director")
		user("fd@example.com", "Finance Director", "finance_director")
		rep := user("rep@example.com", "Sales Rep", "sales_rep")
		for _, m := range [][2]*enginetest.User{{rep, sd}, {sd, gm}} {
			app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", m[0].ID), fmt.Sprintf(`{"manager_id": %d}`, m[1].ID), nil)
		}
		fx := seed(t, app)
		orderValues := fmt.Sprintf(`{"customer": %d, "order_date": "2026-07-02", "region": "east", "discount": "0.25",
			"items": [{"product": %d, "qty": 1, "unit_price": "200000.00"}]}`, fx.Customer, fx.Product)
		var order int64
		app.Expect(t, 201, "POST", "/api/v1/forms/order/records", orderValues, rep.Headers()).JSON(t, &struct {
			ID *int64 `json:"id"`
		}{&order})
		url := "/api/v1/definitions/flow/order_approval/dryrun"
		run := func(t *testing.T, body string) dryRunResult {
			t.Helper()
			r := app.Expect(t, 200, "POST", url, body, nil)
			conforms(t, "DryRun", r.Body)
			var out dryRunResult
			r.JSON(t, &out)
			return out
		}

		t.Run("the published version on a stored order: path, conditions and who decides", func(t *testing.T) {
			res := run(t, fmt.Sprintf(`{"record": %d}`, order))
			if res.Flow != "order_approval" || res.Version != 1 || res.Draft || res.Record != order || res.Outcome != "approved" || res.Stopped != "" {
				t.Errorf("run %s v%d draft %v on %d: outcome %q, stopped %q", res.Flow, res.Version, res.Draft, res.Record, res.Outcome, res.Stopped)
			}
			want := []string{"start", "route_amount", "countersign", "sales_director_sign", "finance_director_sign", "directors_done",
				"route_discount", "general_manager_approval", "mark_approved", "approved"}
			if got := res.nodes(); !slices.Equal(got, want) {
				t.Errorf("path %q\nwant %q", got, want)
			}
			wantApprovers := map[string]string{"sales_director_sign": "Sales Director", "finance_director_sign": "Finance Director",
				"general_manager_approval": "General Manager"}
			if got := res.approvers(); fmt.Sprint(got) != fmt.Sprint(wantApprovers) {
				t.Errorf("approvers %v\nwant %v", got, wantApprovers)
			}
			if s := res.Steps[1]; s.Condition != "amount >= 100000" || len(s.Values) != 1 || string(s.Values[0].Value) != "150000.00" {
				t.Errorf("the routing step does not say why: %+v", s)
			}
			if res.Submitter == nil || res.Submitter.Email != rep.Email {
				t.Errorf("submitter %+v, want the order's creator", res.Submitter)
			}
			contract := res.set("mark_approved")
			for _, w := range []string{fmt.Sprintf("contract.sales_order = %d", order), `contract.amount = 150000.00`, fmt.Sprintf("contract.customer = %d", fx.Customer)} {
				if !slices.Contains(contract, w) {
					t.Errorf("the contract draft would not get %s: %q", w, contract)
				}
			}
			// note: nothing was written: no instance, no contract, the order as it was.
			rec := getRecord(t, app, "order", order)
			if rec["status"] != "draft" || rec["flow_status"] != "" || rec["row_version"] != 1.0 {
				t.Errorf("the order changed: %v", rec)
			}
			if page := app.Expect(t, 200, "GET", listURL("contract"), "", nil).Map(t); page["total"] != 0.0 {
				t.Errorf("a contract was created: %v", page)
			}
			var flows struct {
				Items []any `json:"items"`
			}
			app.Expect(t, 200, "GET", recordURL("order", order)+"/flows", "", nil).JSON(t, &flows)
			if len(flows.Items) != 0 {
				t.Errorf("instances after a dry run: %v", flows.Items)
			}
		})

		app.Expect(t, 201, "POST", "/api/v1/definitions", orderApprovalDraft(t, `"amount >= 100000"`, `"amount >= 200000"`), nil)

		t.Run("the draft when there is one", func(t *testing.T) {
			res := run(t, fmt.Sprintf(`{"record": %d}`, order))
			if !res.Draft || res.Version != 2 {
				t.Errorf("draft %v, version %d; want the draft as v2", res.Draft, res.Version)
			}
			if got := res.approvers(); fmt.Sprint(got) != "map[general_manager_approval:General Manager sales_director_approval:Sales Director]" {
				t.Errorf("under the draft's 200,000 the sales director decides alone (then the GM): %v", got)
			}
			if s := res.Steps[1]; !s.Default || s.Condition != "" {
				t.Errorf("the routing step: %+v", s)
			}
		})

		t.Run("values not saved", func(t *testing.T) {
			res := run(t, `{"values": `+orderValues+`}`)
			if res.Record != 0 || res.Submitter == nil || res.Submitter.Email != enginetest.AdminEmail || res.Outcome != "approved" {
				t.Errorf("record %d, submitter %+v, outcome %q, stopped %q", res.Record, res.Submitter, res.Outcome, res.Stopped)
			}
			if !slices.Contains(res.nodes(), "sales_director_approval") {
				t.Errorf("path %q", res.nodes())
			}
			if got := res.set("mark_approved"); !slices.Contains(got, "contract.sales_order = null") {
				t.Errorf("the order not saved has no id to link the contract to: %q", got)
			}
		})

		t.Run("an update that reads its target shows the sum it would write", func(t *testing.T) {
			payment := create(t, app, "payment", fmt.Sprintf(`{"sales_order": %d, "amount": "0.10"}`, order))
			r := app.Expect(t, 200, "POST", "/api/v1/definitions/flow/payment_confirmation/dryrun", fmt.Sprintf(`{"record": %d}`, payment), nil)
			conforms(t, "DryRun", r.Body)
			var res dryRunResult
			r.JSON(t, &res)
			if got := res.set("record_payment"); !slices.Contains(got, "order.received_amount = 0.10") {
				t.Errorf("effects %q", got)
			}
		})

		t.Run("bad requests", func(t *testing.T) {
			for _, s := range []enginetest.APIScenario{
				{Name: "a record that does not exist", Method: "POST", URL: url, Body: `{"record": 999999}`,
					ExpectedStatus: 404, ExpectedCode: "not_found"},
				{Name: "record 0", Method: "POST", URL: url, Body: `{"record": 0}`, ExpectedStatus: 400, ExpectedPaths: []string{"/record"}},
				{Name: "record not a number", Method: "POST", URL: url, Body: `{"record": "1"}`, ExpectedStatus: 400, ExpectedPaths: []string{"/record"}},
				{Name: "neither record nor values", Method: "POST", URL: url, Body: `{}`,
					ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{"/record"}},
				{Name: "both record and values", Method: "POST", URL: url, Body: fmt.Sprintf(`{"record": %d, "values": {}}`, order),
					ExpectedStatus: 422, ExpectedPaths: []string{"/record"}},
				{Name: "values not an object", Method: "POST", URL: url, Body: `{"values": [1]}`, ExpectedStatus: 400, ExpectedPaths: []string{"/values"}},
				{Name: "values that are not a valid order", Method: "POST", URL: url, Body: `{"values": {"discount": "2", "items": []}}`,
					ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{"/values/customer", "/values/discount"}},
				{Name: "unknown property", Method: "POST", URL: url, Body: `{"id": 1}`, ExpectedStatus: 400, ExpectedPaths: []string{"/id"}},
				{Name: "no body", Method: "POST", URL: url, ExpectedStatus: 400, ExpectedCode: "bad_request"},
				{Name: "a sales director may not dry-run the flow", Method: "POST", URL: url, Body: fmt.Sprintf(`{"record": %d}`, order),
					Headers: sd.Headers(), ExpectedStatus: 403, ExpectedCode: "forbidden"},
				{Name: "no such flow", Method: "POST", URL: "/api/v1/definitions/flow/nope/dryrun", Body: `{"record": 1}`,
					ExpectedStatus: 404, ExpectedCode: "not_found"},
				{Name: "no token", Method: "POST", URL: url, Body: `{"record": 1}`, Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401},
			} {
				s.NotExpectedContent = []string{"SQLSTATE", ".go:", "panic"}
				r := s.Test(t, app)
				conforms(t, "Error", r.Body)
				if route, ok := documented(t, s.Method, s.URL, s.ExpectedStatus); !ok {
					t.Errorf("%s: %s does not document %d", s.Name, route, s.ExpectedStatus)
				}
			}
		})

		t.Run("a draft that does not compile", func(t *testing.T) {
			app.Expect(t, 201, "POST", "/api/v1/definitions", orderApprovalDraft(t, `"amount >= 100000"`, `"amount >= "`), nil)
			r := enginetest.APIScenario{Name: "broken draft", Method: "POST", URL: url, Body: fmt.Sprintf(`{"record": %d}`, order),
				ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{"/nodes/1/branches/0/when"}}.Test(t, app)
			conforms(t, "Error", r.Body)
		})
	})
}
