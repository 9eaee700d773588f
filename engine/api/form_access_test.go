package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// TestFormDefinitionHidesWhatTheCallerMayNotRead: a sales rep asking for the
// order form sees neither the margin field nor its formula, in the
// definition, the record schema, or an older version.
func TestFormDefinitionHidesWhatTheCallerMayNotRead(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		if _, err := app.Engine.CreateUser(ctx, "rep.form@example.com", "Rep", "a long password", "sales_rep"); err != nil {
			t.Fatal(err)
		}
		token, _, err := app.Engine.Login(ctx, "rep.form@example.com", "a long password", "test")
		if err != nil {
			t.Fatal(err)
		}
		rep := map[string]string{"Authorization": "Bearer " + token}
		for _, url := range []string{"/api/v1/forms/order", "/api/v1/forms/order/versions/1"} {
			r := app.Do(t, "GET", url, "", rep)
			if r.Status != 200 {
				t.Fatalf("%s as a rep: %d %s", url, r.Status, r.Body)
			}
			for _, hidden := range []string{`"margin"`, `amount - cost`, `"unit_cost"`, `"line_cost"`} {
				if strings.Contains(r.Body, hidden) {
					t.Errorf("%s as a rep shows %s", url, hidden)
				}
			}
			if !strings.Contains(r.Body, `"discount"`) {
				t.Errorf("%s as a rep lacks the fields a rep may see", url)
			}
		}
		if r := app.Do(t, "GET", "/api/v1/forms/order", "", nil); !strings.Contains(r.Body, `"margin"`) {
			t.Errorf("an admin must see the whole definition")
		}
		if r := app.Do(t, "GET", "/api/v1/forms", "", rep); r.Status != 200 || !strings.Contains(r.Body, `"order"`) {
			t.Errorf("forms list as a rep: %d %s", r.Status, r.Body)
		}
	})
}

func TestAuditLogIsForAdministrators(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		app.Do(t, "POST", "/api/v1/forms/customer/records", `{"name":"Audited","region":"east"}`, nil)
		r := app.Do(t, "GET", "/api/v1/admin/audit?action=record.create&target_key=customer", "", nil)
		if r.Status != 200 || !strings.Contains(r.Body, `"Audited"`) || strings.Contains(r.Body, `"definition.publish"`) {
			t.Errorf("admin audit log: %d %s", r.Status, r.Body)
		}
		if r := app.Do(t, "GET", "/api/v1/admin/audit?action=auth.login", "", nil); !strings.Contains(r.Body, `"auth.login"`) {
			t.Errorf("logins are audited: %s", r.Body)
		}
		if _, err := app.Engine.CreateUser(context.Background(), "nosy@example.com", "Nosy", "a long password", "sales_rep"); err != nil {
			t.Fatal(err)
		}
		token, _, _ := app.Engine.Login(context.Background(), "nosy@example.com", "a long password", "test")
		enginetest.APIScenario{Name: "rep reads the audit log", Method: "GET", URL: "/api/v1/admin/audit",
			Headers: map[string]string{"Authorization": "Bearer " + token}, ExpectedStatus: 403}.Test(t, app)
		enginetest.APIScenario{Name: "bad actor", Method: "GET", URL: "/api/v1/admin/audit?actor=abc", ExpectedStatus: 400}.Test(t, app)
	})
}

// TestFormNamesTheFlowsASubmitStarts: a record page offers "submit" only
// where a flow starts on submit.
func TestFormNamesTheFlowsASubmitStarts(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		var order, quote struct {
			SubmitFlows []struct{ Key, Title string } `json:"submit_flows"`
		}
		app.Expect(t, 200, "GET", "/api/v1/forms/order", "", nil).JSON(t, &order)
		if len(order.SubmitFlows) != 1 || order.SubmitFlows[0].Key != "order_approval" || order.SubmitFlows[0].Title == "" {
			t.Errorf("order: submit flows %+v, want the order approval", order.SubmitFlows)
		}
		r := app.Expect(t, 200, "GET", "/api/v1/forms/quote", "", nil)
		r.JSON(t, &quote)
		if quote.SubmitFlows == nil || len(quote.SubmitFlows) != 0 || !strings.Contains(r.Body, `"submit_flows":[]`) {
			t.Errorf("quote: submit flows %s, want an empty list", r.Body[len(r.Body)-60:])
		}
	})
}
