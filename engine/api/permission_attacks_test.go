package api_test

// The attacks a tester would try against the permissions of issue 3, one row
// each: reading or changing what is not yours, learning hidden values by
// filtering, sorting or expanding, writing what you may only read, reusing
// tokens that were taken away, and giving yourself more.

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// attack is one request made as one user of the world.
type attack struct {
	user string
	enginetest.APIScenario
}

// publishRole saves a role definition and publishes it, as the admin.
func publishRole(t *testing.T, app *enginetest.App, def string) {
	t.Helper()
	var saved struct {
		Key      string `json:"key"`
		Valid    bool   `json:"valid"`
		Problems []any  `json:"problems"`
	}
	app.Expect(t, 201, "POST", "/api/v1/definitions", def, nil).JSON(t, &saved)
	if !saved.Valid {
		t.Fatalf("role %s is not valid: %v", saved.Key, saved.Problems)
	}
	app.Expect(t, 200, "POST", "/api/v1/definitions/role/"+saved.Key+"/publish", "", nil)
}

// Roles the attacks need beyond the example's: one that reads orders but not
// customers, and one that reads orders without their customer and
// attachments.
const (
	orderReaderRole = `{"kind": "role", "key": "order_reader", "title": "Order reader",
		"grants": [{"form": "order", "actions": ["read"]}]}`
	orderBlindRole = `{"kind": "role", "key": "order_blind", "title": "Order reader without customers",
		"grants": [{"form": "order", "actions": ["read"], "fields": {"customer": "hidden", "attachments": "hidden"}},
		           {"form": "customer", "actions": ["read"]}]}`
)

// filterURL is the order list filtered by expr.
func filterURL(expr string) string { return listURL("order", "filter", expr) }

func TestPermissionAttacks(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		publishRole(t, app, orderReaderRole)
		publishRole(t, app, orderBlindRole)
		w.users["reader"] = app.NewUser(t, enginetest.UserSpec{Email: "reader@example.com", Roles: []string{"order_reader"}})
		w.users["blind"] = app.NewUser(t, enginetest.UserSpec{Email: "blind@example.com", Roles: []string{"order_blind"}})
		for _, a := range w.attacks() {
			a.Headers = w.as(a.user)
			a.Test(t, app)
		}
		w.checkHiddenFieldIsUnknown(t)
		w.checkNoEscalation(t)
	})
}

func (w *world) attacks() []attack {
	rep1, rep2 := recordURL("order", w.orders["rep1-east"]), recordURL("order", w.orders["rep2-north"])
	hiddenKeys := []string{`"margin"`, `"cost"`, `"unit_cost"`, `"line_cost"`}
	refused := func(user, name, url string, status int, code string) attack {
		return attack{user, enginetest.APIScenario{Name: name, Method: "GET", URL: url, ExpectedStatus: status, ExpectedCode: code,
			NotExpectedContent: []string{`"items"`, `"total"`}}}
	}
	count := func(user, name, expr string, total int) attack {
		return attack{user, enginetest.APIScenario{Name: name, Method: "GET", URL: filterURL(expr), ExpectedStatus: 200,
			ExpectedContent: []string{fmt.Sprintf(`"total":%d`, total)}}}
	}
	return []attack{
		// Another rep's order: as absent as a record that never existed.
		{"rep1", enginetest.APIScenario{Name: "read another rep's order by id", Method: "GET", URL: rep2,
			ExpectedStatus: 404, ExpectedCode: "not_found", NotExpectedContent: []string{"north", "SO-"}}},
		{"rep1", enginetest.APIScenario{Name: "update another rep's order", Method: "PATCH", URL: rep2,
			Body: `{"notes": "mine now"}`, ExpectedStatus: 404, ExpectedCode: "not_found"}},
		{"rep1", enginetest.APIScenario{Name: "update another rep's order with a stale version", Method: "PATCH", URL: rep2,
			Body: `{"notes": "mine now"}`, Headers: map[string]string{"If-Match": `"1"`}, ExpectedStatus: 404, ExpectedCode: "not_found"}},
		{"rep1", enginetest.APIScenario{Name: "delete any order without the delete action", Method: "DELETE", URL: rep2,
			ExpectedStatus: 403, ExpectedCode: "forbidden"}},
		{"director", enginetest.APIScenario{Name: "director deletes an order of another department", Method: "DELETE",
			URL: recordURL("order", w.orders["rep3-north"]), ExpectedStatus: 404, ExpectedCode: "not_found"}},
		{"rep1", enginetest.APIScenario{Name: "read the audit trail of another rep's order", Method: "GET", URL: rep2 + "/audit",
			ExpectedStatus: 404, ExpectedCode: "not_found", NotExpectedContent: []string{"record.create"}}},
		{"rep1", enginetest.APIScenario{Name: "read the audit trail of one's own order", Method: "GET", URL: rep1 + "/audit",
			ExpectedStatus: 200, ExpectedContent: []string{"record.create", `"unit_price"`}, NotExpectedContent: hiddenKeys}},
		{"delivery", enginetest.APIScenario{Name: "delivery reads the trail of a draft order", Method: "GET", URL: rep2 + "/audit",
			ExpectedStatus: 404, ExpectedCode: "not_found"}},

		// Hidden fields cannot be filtered, sorted or selected: the request
		// is refused, so not even the count of matches leaks.
		refused("rep1", "filter on a hidden field", filterURL("margin > 0"), 400, "invalid_query"),
		refused("rep1", "filter for a hidden field being empty", filterURL("margin == nil"), 400, "invalid_query"),
		refused("rep1", "filter on cost", filterURL("cost > 1000"), 400, "invalid_query"),
		refused("rep1", "hidden field behind an or", filterURL("id > 0 || margin > 1000000"), 400, "invalid_query"),
		refused("rep1", "hidden field under a not", filterURL("not (margin > 1000000)"), 400, "invalid_query"),
		refused("rep1", "hidden field in a list test", filterURL("margin in [1, 2]"), 400, "invalid_query"),
		refused("rep1", "hidden line column", filterURL("items.unit_cost > 0"), 400, "invalid_query"),
		refused("delivery", "delivery filters on the discount", filterURL("discount > 0"), 400, "invalid_query"),
		refused("service", "a hidden field of a related record", filterURL("customer.credit_limit > 0"), 400, "invalid_query"),
		refused("rep1", "sort on a hidden field", listURL("order", "sort", "-margin"), 400, "invalid_query"),
		refused("rep1", "sort on cost after a visible key", listURL("order", "sort", "amount,cost"), 400, "invalid_query"),
		refused("rep1", "select a hidden field", listURL("order", "fields", "margin"), 422, "validation_failed"),
		refused("rep1", "select a hidden field among visible ones", listURL("order", "fields", "id,amount,cost"), 422, "validation_failed"),
		{"rep1", enginetest.APIScenario{Name: "select the lines", Method: "GET", URL: listURL("order", "fields", "items"),
			ExpectedStatus: 200, ExpectedContent: []string{`"unit_price"`}, NotExpectedContent: hiddenKeys}},
		{"finance", enginetest.APIScenario{Name: "finance may filter on margin", Method: "GET", URL: filterURL("margin > 0"),
			ExpectedStatus: 200, ExpectedContent: []string{`"total":5`}}},

		// The row scope is ANDed with the caller's filter, whatever it says.
		count("rep1", "an or cannot widen one's rows", "id > 0 || id < 0", 1),
		count("rep1", "ask for another rep's orders", fmt.Sprintf("owner == %d", w.users["rep2"].ID), 0),
		count("service", "ask for another region", `region == "east" || region == "south" || region == "west"`, 0),
		count("service", "negate one's own region", `region != "north"`, 0),
		count("delivery", "ask for drafts", `status == "draft" || status == "approved"`, 2),
		count("director", "ask for another department", fmt.Sprintf("owner == %d", w.users["rep3"].ID), 0),

		// Expanding: a hidden relation is no relation, a related record of a
		// form one may not read stays an id, and hidden fields of a related
		// record stay hidden.
		{"rep1", enginetest.APIScenario{Name: "expand a hidden field", Method: "GET", URL: rep1 + "?expand=margin",
			ExpectedStatus: 422, ExpectedPaths: []string{"/expand"}}},
		{"blind", enginetest.APIScenario{Name: "expand a hidden relation", Method: "GET", URL: rep2 + "?expand=customer",
			ExpectedStatus: 422, ExpectedPaths: []string{"/expand"}, NotExpectedContent: []string{"Acme"}}},
		{"blind", enginetest.APIScenario{Name: "list and expand a hidden relation", Method: "GET", URL: listURL("order", "expand", "customer"),
			ExpectedStatus: 422, ExpectedPaths: []string{"/expand"}, NotExpectedContent: []string{"Acme"}}},
		{"reader", enginetest.APIScenario{Name: "expand into a form one may not read", Method: "GET", URL: rep2 + "?expand=customer",
			ExpectedStatus: 200, ExpectedContent: []string{fmt.Sprintf(`"customer":%d`, w.customer)},
			NotExpectedContent: []string{"Acme", `"credit_limit"`}}},
		{"service", enginetest.APIScenario{Name: "expand a customer with a hidden credit limit", Method: "GET", URL: rep2 + "?expand=customer",
			ExpectedStatus: 200, ExpectedContent: []string{"Acme"}, NotExpectedContent: []string{`"credit_limit"`, "500000"}}},

		// Writes of fields one may only read, or not see, are refused by
		// name; the sub-table's hidden columns too.
		{"rep1", enginetest.APIScenario{Name: "write a read-only field", Method: "PATCH", URL: rep1, Body: `{"status": "approved"}`,
			ExpectedStatus: 403, ExpectedCode: "forbidden", ExpectedPaths: []string{"/status"}}},
		{"rep1", enginetest.APIScenario{Name: "write a hidden field", Method: "PATCH", URL: rep1, Body: `{"margin": "99999"}`,
			ExpectedStatus: 403, ExpectedCode: "forbidden", ExpectedPaths: []string{"/margin"}}},
		{"rep1", enginetest.APIScenario{Name: "write a hidden line column", Method: "PATCH", URL: rep1,
			Body:           fmt.Sprintf(`{"items": [{"product": %d, "qty": 1, "unit_price": "1", "unit_cost": "0"}]}`, w.product),
			ExpectedStatus: 403, ExpectedCode: "forbidden", ExpectedPaths: []string{"/items/0/unit_cost"}}},
		{"rep1", enginetest.APIScenario{Name: "a forbidden field among valid ones is still refused", Method: "PATCH", URL: rep1,
			Body:           `{"notes": "fine", "status": "approved", "discount": "0.9"}`,
			ExpectedStatus: 403, ExpectedCode: "forbidden", ExpectedPaths: []string{"/status"}}},

		// What a rep may do with orders, as the studio asks.
		{"rep1", enginetest.APIScenario{Name: "my permissions on orders", Method: "GET", URL: "/api/v1/me/permissions?form=order",
			ExpectedStatus: 200, ExpectedContent: []string{`"margin":"hidden"`, `"items.unit_cost":"hidden"`, `"status":"read"`,
				`"actions":["create","read","update","export"]`}, NotExpectedContent: []string{`"delete"`}}},

		// Administration is for the admin role only.
		{"rep1", enginetest.APIScenario{Name: "explain as a non-admin", Method: "GET",
			URL: fmt.Sprintf("/api/v1/admin/explain?user=%d&form=order&field=margin", w.users["rep1"].ID), ExpectedStatus: 403, ExpectedCode: "forbidden"}},
		{"director", enginetest.APIScenario{Name: "list users as a non-admin", Method: "GET", URL: "/api/v1/admin/users",
			ExpectedStatus: 403, ExpectedCode: "forbidden", NotExpectedContent: []string{"@example.com"}}},
	}
}

// checkHiddenFieldIsUnknown: a filter on a hidden field gets the very answer
// a filter on a field that does not exist gets, so a rep cannot even tell
// that margin exists from the list endpoint.
func (w *world) checkHiddenFieldIsUnknown(t *testing.T) {
	for _, c := range [][2]string{{"margin > 0", "nosuch > 0"}, {"-margin", "-nosuch"}} {
		param := "filter"
		if strings.HasPrefix(c[0], "-") {
			param = "sort"
		}
		hidden := w.app.Do(t, "GET", listURL("order", param, c[0]), "", w.as("rep1"))
		unknown := w.app.Do(t, "GET", listURL("order", param, c[1]), "", w.as("rep1"))
		if hidden.Status != unknown.Status || strings.ReplaceAll(hidden.Body, "margin", "nosuch") != unknown.Body {
			t.Errorf("%s %q answers differently from an unknown field:\n\t%d %s\n\t%d %s", param, c[0], hidden.Status, hidden.Body, unknown.Status, unknown.Body)
		}
	}
}

// checkNoEscalation: nobody but an admin may change roles, users, keys or
// definitions, and an admin may not change their own roles.
func (w *world) checkNoEscalation(t *testing.T) {
	rep1 := w.users["rep1"]
	richer := strings.Replace(salesRepDefinition(t, w.app), `"margin":"hidden"`, `"margin":"write"`, 1)
	for _, c := range []struct {
		name, method, url, body string
		headers                 map[string]string
	}{
		{"give oneself the admin role", "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", rep1.ID), `{"roles": ["admin"]}`, nil},
		{"give oneself a director's role", "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", rep1.ID), `{"roles": ["sales_rep", "sales_director"]}`, nil},
		{"move oneself to another department", "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", rep1.ID), fmt.Sprintf(`{"department_ids": [%d]}`, w.sales), nil},
		{"create an admin", "POST", "/api/v1/admin/users", `{"email": "mole@example.com", "password": "long enough password", "roles": ["admin"]}`, nil},
		{"issue oneself an admin key", "POST", "/api/v1/admin/api-keys", fmt.Sprintf(`{"name": "k", "user_id": %d, "roles": ["admin"]}`, rep1.ID), nil},
		{"create a department", "POST", "/api/v1/admin/departments", `{"name": "Mine"}`, nil},
		{"save a richer draft of one's role", "POST", "/api/v1/definitions", richer, nil},
		{"save a draft of a new role", "POST", "/api/v1/definitions", strings.Replace(richer, `"key":"sales_rep"`, `"key":"rep_plus"`, 1), nil},
		{"publish one's role", "POST", "/api/v1/definitions/role/sales_rep/publish", "", nil},
		{"roll one's role back", "POST", "/api/v1/definitions/role/sales_rep/rollback", `{"version": 1}`, nil},
		{"read the draft of a role", "GET", "/api/v1/definitions/role/sales_rep/draft", "", nil},
		{"import definitions", "POST", "/api/v1/definitions/import", `{"definitions": [` + richer + `]}`, nil},
		{"export definitions", "GET", "/api/v1/definitions/export", "", nil},
		{"save a draft of the order form", "POST", "/api/v1/definitions", orderFormDefinition(t, w.app), nil},
		{"publish the order form", "POST", "/api/v1/definitions/form/order/publish", "", nil},
	} {
		h := rep1.Headers()
		for k, v := range c.headers {
			h[k] = v
		}
		enginetest.APIScenario{Name: c.name, Method: c.method, URL: c.url, Body: c.body, Headers: h,
			ExpectedStatus: 403, ExpectedCode: "forbidden"}.Test(t, w.app)
	}
	enginetest.APIScenario{Name: "the director publishes the order form", Method: "POST", URL: "/api/v1/definitions/form/order/publish",
		Headers: w.as("director"), ExpectedStatus: 403, ExpectedCode: "forbidden"}.Test(t, w.app)
	enginetest.APIScenario{Name: "an admin changes their own roles", Method: "PATCH", URL: fmt.Sprintf("/api/v1/admin/users/%d", w.app.Admin.ID),
		Body: `{"roles": ["admin", "finance"]}`, ExpectedStatus: 409, ExpectedCode: "conflict"}.Test(t, w.app)

	// Nothing of it took: the rep is still a rep, and left no trace but
	// refusals.
	var me struct {
		Roles []string `json:"roles"`
	}
	w.app.Expect(t, 200, "GET", "/api/v1/auth/me", "", rep1.Headers()).JSON(t, &me)
	if !slices.Equal(me.Roles, []string{"sales_rep"}) {
		t.Errorf("rep1 now has roles %v", me.Roles)
	}
	w.app.Expect(t, 404, "GET", "/api/v1/definitions/role/rep_plus/draft", "", nil)
	for _, kind := range [][2]string{{"role", "sales_rep"}, {"form", "order"}, {"role", "rep_plus"}} {
		for _, e := range auditOf(t, w.app, kind[0], kind[1], 0) {
			if e.ActorID == rep1.ID && strings.HasPrefix(e.Action, "definition.") {
				t.Errorf("rep1 changed %s/%s: %s %s", kind[0], kind[1], e.Action, e.Summary)
			}
		}
	}
}

// salesRepDefinition is the published sales_rep role, compact.
func salesRepDefinition(t *testing.T, app *enginetest.App) string {
	t.Helper()
	return latestDefinition(t, app, "role", "sales_rep")
}

// orderFormDefinition is the published order form, compact.
func orderFormDefinition(t *testing.T, app *enginetest.App) string {
	t.Helper()
	return latestDefinition(t, app, "form", "order")
}

// latestDefinition is the body of the newest version of a definition.
func latestDefinition(t *testing.T, app *enginetest.App, kind, key string) string {
	t.Helper()
	var vs struct {
		Items []struct {
			Version int `json:"version"`
		} `json:"items"`
	}
	app.Expect(t, 200, "GET", "/api/v1/definitions/"+kind+"/"+key+"/versions", "", nil).JSON(t, &vs)
	if len(vs.Items) == 0 {
		t.Fatalf("%s/%s has no versions", kind, key)
	}
	newest := slices.MaxFunc(vs.Items, func(a, b struct {
		Version int `json:"version"`
	}) int {
		return a.Version - b.Version
	})
	var v struct {
		Definition json.RawMessage `json:"definition"`
	}
	app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/definitions/%s/%s/versions/%d", kind, key, newest.Version), "", nil).JSON(t, &v)
	var m any
	if err := json.Unmarshal(v.Definition, &m); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// auditOf reads the audit log of one target (and record, when id is not 0)
// straight from the store; the API has no endpoint for the whole log.
func auditOf(t *testing.T, app *enginetest.App, kind, key string, id int64) []store.AuditEntry {
	t.Helper()
	es, err := app.Engine.DB().AuditOf(context.Background(), kind, key, id, 1000)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestHiddenLineValuesSurviveARepsEdit: a rep who edits the lines of their
// order, sending the rows back with their ids, keeps the unit costs they
// cannot see; new lines take theirs from the product; row ids of another
// order bring nothing of its hidden values.
func TestHiddenLineValuesSurviveARepsEdit(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		id := w.orders["rep1-east"]
		rows := itemsOf(t, app.Expect(t, 200, "GET", recordURL("order", id), "", w.as("rep1")).Map(t))
		foreign := itemsOf(t, getRecord(t, app, "order", w.orders["admin-east"]))
		edit := []map[string]any{
			{"id": rows[0]["id"], "product": rows[0]["product"], "qty": 5, "unit_price": rows[0]["unit_price"]},
			{"id": rows[1]["id"], "description": "edited by the rep"},
			{"product": w.product, "qty": 1, "unit_price": "1500.00"},                   // a new line
			{"id": foreign[0]["id"], "product": w.product, "qty": 1, "unit_price": "1"}, // a line of another order
		}
		r := app.Expect(t, 200, "PATCH", recordURL("order", id), enginetest.JSONString(t, map[string]any{"items": edit}), w.as("rep1"))
		checkOrderKeys(t, "rep's edit response", r.Map(t), repHides, costColumns)

		got := itemsOf(t, getRecord(t, app, "order", id))
		var costs []string
		for _, row := range got {
			costs = append(costs, fmt.Sprint(row["qty"], "×", row["unit_cost"], "=", row["line_cost"]))
		}
		// note: the new line and the foreign id take their unit cost from the
		// product (900), not from the other order's line (600): a row id of
		// another order brings nothing of it.
		want := []string{"5×600=3000", "1×10=10", "1×900=900", "1×900=900"}
		if !slices.Equal(costs, want) {
			t.Errorf("lines after the rep's edit (qty×unit_cost=line_cost): %v, want %v", costs, want)
		}
		if got[1]["description"] != "edited by the rep" {
			t.Errorf("the rep's visible change was lost: %v", got[1])
		}
		if foreignAfter := itemsOf(t, getRecord(t, app, "order", w.orders["admin-east"])); fmt.Sprint(foreignAfter) != fmt.Sprint(foreign) {
			t.Errorf("the other order's lines changed: %v, were %v", foreignAfter, foreign)
		}
		checkTrail(t, "rep1's trail after the edit", app.Expect(t, 200, "GET", recordURL("order", id)+"/audit", "", w.as("rep1")), repHides, costColumns)
	})
}

// TestTakenAwayTokensStopWorking: a token that was logged out, revoked by an
// admin, or belongs to a deactivated user or one whose password was reset,
// is refused at once; so is an API key that was revoked.
func TestTakenAwayTokensStopWorking(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Roles: []string{"sales_rep"}})
		unauthorized := func(name, token string) {
			t.Helper()
			for _, u := range []string{"/api/v1/auth/me", listURL("order")} {
				enginetest.APIScenario{Name: name + ": " + u, Method: "GET", URL: u, Headers: enginetest.Bearer(token),
					ExpectedStatus: 401, ExpectedCode: "unauthorized"}.Test(t, app)
			}
		}
		works := func(name, token string) {
			t.Helper()
			app.Expect(t, 200, "GET", listURL("order"), "", enginetest.Bearer(token))
		}
		userURL := fmt.Sprintf("/api/v1/admin/users/%d", rep.ID)

		// Logout revokes the token, as bearer token or as cookie.
		works("fresh token", rep.Token)
		app.Expect(t, 204, "POST", "/api/v1/auth/logout", "", rep.Headers())
		unauthorized("replayed after logout", rep.Token)
		cookie := app.SignIn(t, rep.Email, enginetest.UserPassword)
		app.Expect(t, 204, "POST", "/api/v1/auth/logout", "", map[string]string{"Authorization": "", "Cookie": "mosaic_session=" + cookie, "Origin": "http://example.com"})
		unauthorized("cookie replayed as a bearer token after logout", cookie)

		// An admin revokes one session; the other stays.
		kept, revoked := app.SignIn(t, rep.Email, enginetest.UserPassword), app.SignIn(t, rep.Email, enginetest.UserPassword)
		var sessions struct {
			Items []struct {
				ID      int64 `json:"id"`
				Current bool  `json:"current"`
			} `json:"items"`
		}
		app.Expect(t, 200, "GET", "/api/v1/me/sessions", "", enginetest.Bearer(revoked)).JSON(t, &sessions)
		i := slices.IndexFunc(sessions.Items, func(s struct {
			ID      int64 `json:"id"`
			Current bool  `json:"current"`
		}) bool {
			return s.Current
		})
		if len(sessions.Items) != 2 || i < 0 {
			t.Fatalf("rep's live sessions: %+v, want 2 with the current one marked", sessions.Items)
		}
		app.Expect(t, 204, "DELETE", fmt.Sprintf("/api/v1/admin/sessions/%d", sessions.Items[i].ID), "", nil)
		unauthorized("session revoked by an admin", revoked)
		works("the other session", kept)

		// A key of the user works until it is revoked.
		key := createKey(t, app, rep.ID, "sales_rep")
		works("API key", key.Key)
		app.Expect(t, 204, "DELETE", fmt.Sprintf("/api/v1/admin/api-keys/%d", key.ID), "", nil)
		unauthorized("revoked API key", key.Key)
		key = createKey(t, app, rep.ID, "sales_rep")

		// Deactivation ends every session and key at once, and stops login.
		app.Expect(t, 200, "PATCH", userURL, `{"active": false}`, nil)
		unauthorized("token of a deactivated user", kept)
		unauthorized("API key of a deactivated user", key.Key)
		enginetest.APIScenario{Name: "a deactivated user signs in", Method: "POST", URL: "/api/v1/auth/login",
			Body:    fmt.Sprintf(`{"email": %q, "password": %q}`, rep.Email, enginetest.UserPassword),
			Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401, ExpectedCode: "unauthorized"}.Test(t, app)
		app.Expect(t, 200, "PATCH", userURL, `{"active": true}`, nil)
		unauthorized("token of a reactivated user, from before", kept)

		// A password reset by an admin signs the user out everywhere.
		before := app.SignIn(t, rep.Email, enginetest.UserPassword)
		app.Expect(t, 200, "PATCH", userURL, `{"password": "a brand new password"}`, nil)
		unauthorized("token from before a password reset", before)
		works("new password", app.SignIn(t, rep.Email, "a brand new password"))
	})
}

// createdKey is an API key as its creation returns it.
type createdKey struct {
	ID  int64  `json:"id"`
	Key string `json:"key"`
}

// createKey issues an API key acting as user with roles, as the admin.
func createKey(t *testing.T, app *enginetest.App, user int64, roles ...string) createdKey {
	t.Helper()
	var k createdKey
	body := enginetest.JSONString(t, map[string]any{"name": "integration", "user_id": user, "roles": roles})
	app.Expect(t, 201, "POST", "/api/v1/admin/api-keys", body, nil).JSON(t, &k)
	if !strings.HasPrefix(k.Key, "mk_") {
		t.Fatalf("API key %q", k.Key)
	}
	return k
}

// TestAPIKeyCannotDoMoreThanItsRoles: a key limited to some of its user's
// roles acts with those roles only, rows, fields and actions alike.
func TestAPIKeyCannotDoMoreThanItsRoles(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		// A rep who also works in finance: their session sees every order
		// with its margin.
		both := app.NewUser(t, enginetest.UserSpec{Email: "both@example.com", Roles: []string{"finance", "sales_rep"}})
		others := w.newOrder(t, "director", "east")
		app.Expect(t, 200, "GET", listURL("order"), "", both.Headers())
		asRep := createKey(t, app, both.ID, "sales_rep")
		asFinance := createKey(t, app, both.ID, "finance")
		mine := idOf(t, app.Expect(t, 201, "POST", "/api/v1/forms/order/records", w.orderJSON("east"), enginetest.Bearer(asRep.Key)).Map(t))

		var session, rep, fin listPage
		app.Expect(t, 200, "GET", listURL("order", "per_page", "100"), "", both.Headers()).JSON(t, &session)
		app.Expect(t, 200, "GET", listURL("order", "per_page", "100"), "", enginetest.Bearer(asRep.Key)).JSON(t, &rep)
		app.Expect(t, 200, "GET", listURL("order", "per_page", "100"), "", enginetest.Bearer(asFinance.Key)).JSON(t, &fin)
		if *session.Total != 7 || *fin.Total != 7 || *rep.Total != 1 {
			t.Errorf("orders seen: session %d, finance key %d, rep key %d; want 7, 7, 1", *session.Total, *fin.Total, *rep.Total)
		}
		for _, row := range []attack{
			{"", enginetest.APIScenario{Name: "rep key reads its own order", Method: "GET", URL: recordURL("order", mine),
				ExpectedStatus: 200, NotExpectedContent: []string{`"margin"`, `"unit_cost"`}}},
			{"", enginetest.APIScenario{Name: "rep key reads another's order", Method: "GET", URL: recordURL("order", others), ExpectedStatus: 404}},
			{"", enginetest.APIScenario{Name: "rep key filters on margin", Method: "GET", URL: filterURL("margin > 0"), ExpectedStatus: 400}},
			{"", enginetest.APIScenario{Name: "rep key writes status", Method: "PATCH", URL: recordURL("order", mine),
				Body: `{"status": "approved"}`, ExpectedStatus: 403, ExpectedPaths: []string{"/status"}}},
			{"", enginetest.APIScenario{Name: "rep key deletes", Method: "DELETE", URL: recordURL("order", mine), ExpectedStatus: 403}},
			{"", enginetest.APIScenario{Name: "rep key asks its permissions", Method: "GET", URL: "/api/v1/me/permissions?form=order",
				ExpectedStatus: 200, ExpectedContent: []string{`"roles":["sales_rep"]`, `"margin":"hidden"`}}},
		} {
			row.Headers = enginetest.Bearer(asRep.Key)
			row.Test(t, app)
		}
		for _, row := range []enginetest.APIScenario{
			{Name: "finance key creates an order", Method: "POST", URL: "/api/v1/forms/order/records", Body: w.orderJSON("east"), ExpectedStatus: 403},
			{Name: "finance key updates an order", Method: "PATCH", URL: recordURL("order", mine), Body: `{"notes": "x"}`, ExpectedStatus: 403},
			{Name: "finance key reads the margin", Method: "GET", URL: recordURL("order", others), ExpectedStatus: 200, ExpectedContent: []string{`"margin"`}},
		} {
			row.Headers = enginetest.Bearer(asFinance.Key)
			row.Test(t, app)
		}

		// A key may not hold a role its user lacks, and an admin's key
		// limited to another role is no admin key.
		enginetest.APIScenario{Name: "key with a role the user lacks", Method: "POST", URL: "/api/v1/admin/api-keys",
			Body:           fmt.Sprintf(`{"name": "k", "user_id": %d, "roles": ["sales_rep", "admin"]}`, both.ID),
			ExpectedStatus: 422, ExpectedPaths: []string{"/roles/1"}}.Test(t, app)
		admin2 := app.NewUser(t, enginetest.UserSpec{Email: "admin2@example.com", Roles: []string{"admin", "sales_rep"}})
		limited := createKey(t, app, admin2.ID, "sales_rep")
		for _, u := range []string{"/api/v1/admin/users", "/api/v1/definitions", fmt.Sprintf("/api/v1/admin/explain?user=%d&form=order", admin2.ID)} {
			enginetest.APIScenario{Name: "admin's rep key on " + u, Method: "GET", URL: u, Headers: enginetest.Bearer(limited.Key),
				ExpectedStatus: 403, ExpectedCode: "forbidden"}.Test(t, app)
		}

		// Taking the role from the user takes it from the key too.
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", both.ID), `{"roles": ["finance"]}`, nil)
		enginetest.APIScenario{Name: "rep key after the user lost the role", Method: "GET", URL: listURL("order"),
			Headers: enginetest.Bearer(asRep.Key), ExpectedStatus: 403, ExpectedCode: "forbidden"}.Test(t, app)
	})
}

// TestAttachmentAccess: uploading needs the right to write the attachment
// field, downloading the right to read it; to anyone else a file does not
// exist.
func TestAttachmentAccess(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		publishRole(t, app, orderBlindRole)
		w.users["blind"] = app.NewUser(t, enginetest.UserSpec{Email: "blind@example.com", Roles: []string{"order_blind"}})
		pdf := []byte("%PDF-1.4 signed contract")
		upload := func(user string) enginetest.Response {
			body, ct := enginetest.Multipart(t, "file", "contract.pdf", "application/pdf", pdf)
			h := w.as(user)
			h["Content-Type"] = ct
			return app.Do(t, "POST", "/api/v1/forms/order/files?field=attachments", body, h)
		}
		for user, status := range map[string]int{"delivery": 403, "finance": 403, "nobody": 403, "blind": 403, "service": 403} {
			if r := upload(user); r.Status != status {
				t.Errorf("%s uploads: %d, want %d: %s", user, r.Status, status, r.Body)
			}
		}
		up := upload("rep1")
		if up.Status != 201 {
			t.Fatalf("rep uploads: %d %s", up.Status, up.Body)
		}
		var file struct {
			ID string `json:"id"`
		}
		up.JSON(t, &file)
		app.Expect(t, 200, "PATCH", recordURL("order", w.orders["rep1-east"]), fmt.Sprintf(`{"attachments": [%q]}`, file.ID), w.as("rep1"))

		missing := app.Do(t, "GET", "/api/v1/files/0123456789abcdef0123456789abcdef", "", w.as("nobody"))
		// note: rep2 may read attachments, but only on the orders they own:
		// knowing the id of rep1's contract opens nothing.
		for user, status := range map[string]int{"rep1": 200, "delivery": 200, "director": 200, "admin": 200, "nobody": 404, "blind": 404, "rep2": 404} {
			r := app.Do(t, "GET", "/api/v1/files/"+file.ID, "", w.as(user))
			if r.Status != status {
				t.Errorf("%s downloads: %d, want %d: %s", user, r.Status, status, r.Body)
				continue
			}
			if status == 200 && r.Body != string(pdf) {
				t.Errorf("%s downloads %q", user, r.Body)
			}
			if status == 404 && strings.ReplaceAll(r.Body, file.ID, "0123456789abcdef0123456789abcdef") != missing.Body {
				t.Errorf("%s: the refusal differs from a missing file's: %s vs %s", user, r.Body, missing.Body)
			}
		}
	})
}

// TestExplain: an admin can ask why a user may (not) see a field or reach a
// record, and gets the roles, grants and scope that decided it.
func TestExplain(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		explain := func(user, action, field, record string) map[string]any {
			t.Helper()
			q := url.Values{"user": {fmt.Sprint(w.users[user].ID)}, "form": {"order"}, "action": {action}}
			if field != "" {
				q.Set("field", field)
			}
			if record != "" {
				q.Set("record", fmt.Sprint(w.orders[record]))
			}
			return app.Expect(t, 200, "GET", "/api/v1/admin/explain?"+q.Encode(), "", nil).Map(t)
		}
		for _, c := range []struct {
			name                         string
			user, action, field, record  string
			allowed, level, inScope, say string
		}{
			{"rep may read own order but not its margin", "rep1", "read", "margin", "rep1-east", "true", "hidden", "true", "hidden"},
			{"rep may not read another rep's order", "rep1", "read", "margin", "rep2-north", "false", "hidden", "false", "outside the rows"},
			{"rep may not delete", "rep1", "delete", "", "", "false", "<nil>", "<nil>", "do not include delete"},
			{"director reads margins in the department tree", "director", "read", "margin", "rep2-north", "true", "read", "true", "read"},
			{"director may not reach another department", "director", "update", "", "rep3-north", "false", "<nil>", "false", "outside the rows"},
			{"delivery only reads approved orders", "delivery", "read", "discount", "rep2-north", "false", "hidden", "false", "outside the rows"},
			{"service reads its region", "service", "read", "", "rep3-north", "true", "<nil>", "true", "allowed"},
			{"a user without roles", "nobody", "read", "margin", "", "false", "hidden", "<nil>", "none of the roles"},
			{"admin may do everything", "admin", "delete", "margin", "rep3-north", "true", "write", "true", "admin role"},
		} {
			ex := explain(c.user, c.action, c.field, c.record)
			got := fmt.Sprint(ex["allowed"], " ", fmtLevel(ex["field_level"]), " ", ex["record_in_scope"])
			if want := c.allowed + " " + c.level + " " + c.inScope; got != want {
				t.Errorf("%s: allowed, field level, in scope = %s, want %s: %v", c.name, got, want, ex)
			}
			if v, _ := ex["verdict"].(string); !strings.Contains(v+" "+fmt.Sprint(ex["summary"]), c.say) {
				t.Errorf("%s: verdict %q does not say %q", c.name, v, c.say)
			}
		}
		// The margin explanation names the rule that hides it.
		ex := explain("rep1", "read", "margin", "")
		reasons, _ := ex["reasons"].([]any)
		if len(reasons) != 1 || at(reasons, 0, "role") != "sales_rep" || at(reasons, 0, "level") != "hidden" || at(reasons, 0, "scope") != "own" {
			t.Errorf("reasons for rep1's margin: %v", reasons)
		}
		enginetest.APIScenario{Name: "explain a field that does not exist", Method: "GET",
			URL:            fmt.Sprintf("/api/v1/admin/explain?user=%d&form=order&field=nosuch", w.users["rep1"].ID),
			ExpectedStatus: 400, ExpectedPaths: []string{"/field"}}.Test(t, app)
	})
}

// fmtLevel renders a field level, <nil> when the explanation has none.
func fmtLevel(v any) string {
	if v == nil || v == "" {
		return "<nil>"
	}
	return fmt.Sprint(v)
}

// TestScopedWriterStaysInScope: a user whose rows are a filter (here: their
// region) may not create a record outside it, nor move one out of it.
func TestScopedWriterStaysInScope(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		publishRole(t, app, `{"kind": "role", "key": "north_sales", "title": "North sales",
			"grants": [{"form": "order", "actions": ["create", "read", "update"], "scope": "filter", "filter": "region == user.region"}]}`)
		u := app.NewUser(t, enginetest.UserSpec{Email: "north@example.com", Roles: []string{"north_sales"},
			Attributes: map[string]any{"region": "north"}})
		app.Expect(t, 201, "POST", "/api/v1/forms/order/records", w.orderJSON("north"), u.Headers())
		for _, row := range []enginetest.APIScenario{
			{Name: "create an order of another region", Method: "POST", URL: "/api/v1/forms/order/records",
				Body: w.orderJSON("south"), ExpectedStatus: 403},
			{Name: "move an order out of one's region", Method: "PATCH", URL: recordURL("order", w.orders["rep2-north"]),
				Body: `{"region": "south"}`, ExpectedStatus: 403},
		} {
			row.Headers = u.Headers()
			row.Test(t, app)
		}
		if rec := getRecord(t, app, "order", w.orders["rep2-north"]); rec["region"] != "north" {
			t.Errorf("the order moved to %v", rec["region"])
		}
	})
}

// TestLoginLockOut: after MaxFailedLogins wrong passwords the account is
// locked, even for the right password, until an admin resets it; other
// accounts are not affected.
func TestLoginLockOut(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		u := app.NewUser(t, enginetest.UserSpec{Email: "target@example.com", Roles: []string{"sales_rep"}})
		login := func(name, password string, status int, code string) {
			t.Helper()
			enginetest.APIScenario{Name: name, Method: "POST", URL: "/api/v1/auth/login",
				Body:    enginetest.JSONString(t, map[string]string{"email": u.Email, "password": password}),
				Headers: map[string]string{"Authorization": ""}, ExpectedStatus: status, ExpectedCode: code,
				NotExpectedContent: []string{`"token"`}}.Test(t, app)
		}
		for i := range engine.MaxFailedLogins {
			login(fmt.Sprintf("wrong password %d", i+1), "not the password", 401, "unauthorized")
		}
		login("right password while locked", enginetest.UserPassword, 401, "locked")
		login("wrong password while locked", "not the password", 401, "locked")
		app.Expect(t, 200, "GET", listURL("order"), "", u.Headers()) // a session from before goes on
		app.Login(t, enginetest.AdminEmail, enginetest.AdminPassword)

		locked := 0
		for _, e := range auditOf(t, app, "user", u.Email, 0) {
			if e.Action == "auth.login_locked" {
				locked++
			}
		}
		if locked != 2 {
			t.Errorf("%d auth.login_locked entries, want 2", locked)
		}
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", u.ID), `{"password": "a reset password"}`, nil)
		if token := app.Login(t, u.Email, "a reset password"); token == "" {
			t.Error("no token after the reset")
		}
	})
}

// TestLoginRateLimit: a burst of sign-in attempts from one address gets 429
// whoever it names. It has an app of its own: the limit is per address and
// the fixture's own sign-ins go through the engine, not HTTP.
func TestLoginRateLimit(t *testing.T) {
	t.Parallel()
	app := enginetest.New(t, store.SQLite)
	const allowed = 20
	for i := range allowed {
		r := app.Do(t, "POST", "/api/v1/auth/login", fmt.Sprintf(`{"email": "guess%d@example.com", "password": "password%d"}`, i, i),
			map[string]string{"Authorization": ""})
		if r.Status != 401 {
			t.Fatalf("attempt %d: %d %s, want 401", i+1, r.Status, r.Body)
		}
	}
	body := enginetest.JSONString(t, map[string]string{"email": enginetest.AdminEmail, "password": enginetest.AdminPassword})
	enginetest.APIScenario{Name: "the right password after the burst", Method: "POST", URL: "/api/v1/auth/login", Body: body,
		Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 429, ExpectedCode: "too_many_requests",
		NotExpectedContent: []string{`"token"`}}.Test(t, app)
	app.Expect(t, 200, "GET", "/api/v1/auth/me", "", nil) // signed-in requests are not limited
}
