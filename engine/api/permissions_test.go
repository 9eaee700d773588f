package api_test

// The permission matrix of issue 3: every action × row scope × field level
// of the order-management roles, checked through the HTTP API on both
// databases. The world below is built once per database; each part of the
// matrix is a table of rows naming the user, the request and what it must
// produce.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// The fields of the example forms, in definition order.
var (
	orderFields = []string{"number", "customer", "quote", "order_date", "region", "sales_rep", "contact_phone", "type", "items", "discount",
		"subtotal", "amount", "cost", "margin", "received_amount", "currency", "status", "delivery_date", "contract_required", "attachments", "notes"}
	itemFields     = []string{"id", "product", "description", "qty", "unit_price", "unit_cost", "line_total", "line_cost"}
	customerFields = []string{"name", "code", "region", "industry", "contact_name", "contact_phone", "contact_email",
		"contacts", "credit_limit", "receivables", "level", "website", "notes"}
)

// What each role may not see, by form.
var (
	repHides      = []string{"cost", "margin"}
	deliveryHides = []string{"cost", "margin", "discount"} // delivery and service
	costColumns   = []string{"unit_cost", "line_cost"}     // of items
)

// world is the data every matrix row runs against: departments Sales (with
// Sales East under it) and Key Accounts, a user per role, and five orders.
//
//	order         owner     region  status
//	rep1-east     rep1      east    approved
//	rep2-north    rep2      north   draft
//	rep3-north    rep3      north   approved
//	director-west director  west    draft
//	admin-east    admin     east    draft
//
// rep1 and rep2 are in Sales East, rep3 in Key Accounts, the director in
// Sales; the service user's region is north. Every order line has a unit
// cost, so every order has a cost and a margin.
type world struct {
	app                         *enginetest.App
	users                       map[string]*enginetest.User
	orders                      map[string]int64
	customer, product, product2 int64
	sales, east, keyAccounts    int64
}

func newWorld(t *testing.T, app *enginetest.App) *world {
	t.Helper()
	w := &world{app: app, users: map[string]*enginetest.User{"admin": app.AdminUser()}, orders: map[string]int64{}}
	w.sales = app.NewDepartment(t, "Sales", 0)
	w.east = app.NewDepartment(t, "Sales East", w.sales)
	w.keyAccounts = app.NewDepartment(t, "Key Accounts", 0)
	for _, u := range []struct {
		name  string
		roles []string
		dept  int64
		attrs map[string]any
	}{
		{"rep1", []string{"sales_rep"}, w.east, nil},
		{"rep2", []string{"sales_rep"}, w.east, nil},
		{"rep3", []string{"sales_rep"}, w.keyAccounts, nil},
		{"director", []string{"sales_director"}, w.sales, nil},
		{"finance", []string{"finance"}, 0, nil},
		{"delivery", []string{"delivery"}, 0, nil},
		{"service", []string{"service"}, 0, map[string]any{"region": "north"}},
		{"nobody", nil, 0, nil},
	} {
		spec := enginetest.UserSpec{Email: u.name + "@example.com", Name: u.name, Roles: u.roles, Attributes: u.attrs}
		if u.dept != 0 {
			spec.Departments = []int64{u.dept}
		}
		w.users[u.name] = app.NewUser(t, spec)
	}
	w.customer = create(t, app, "customer", `{"name": "Acme Ltd", "region": "east", "credit_limit": "500000.00", "level": "A"}`)
	w.product = create(t, app, "product", `{"sku": "HW-SRV-2U", "name": "2U rack server", "product_line": "hardware", "unit_price": "1500.00", "unit_cost": "900.00"}`)
	w.product2 = create(t, app, "product", `{"sku": "SW-LIC-1", "name": "Licence", "product_line": "software", "unit_price": "99.99"}`)
	for _, o := range []struct{ name, owner, region string }{
		{"rep1-east", "rep1", "east"}, {"rep2-north", "rep2", "north"}, {"rep3-north", "rep3", "north"},
		{"director-west", "director", "west"}, {"admin-east", "admin", "east"},
	} {
		w.orders[o.name] = w.newOrder(t, o.owner, o.region)
		w.setCosts(t, w.orders[o.name], "600.00", "10.00")
	}
	w.approve(t, w.orders["rep1-east"])
	w.approve(t, w.orders["rep3-north"])
	return w
}

// as is the headers of the named user.
func (w *world) as(user string) map[string]string { return w.users[user].Headers() }

// orderJSON is an order of the world's customer with two lines.
func (w *world) orderJSON(region string) string {
	return fmt.Sprintf(`{"customer": %d, "region": %q, "order_date": "2026-03-15", "items": [
		{"product": %d, "qty": 2, "unit_price": "1500.00"}, {"product": %d, "qty": 1, "unit_price": "99.99"}]}`,
		w.customer, region, w.product, w.product2)
}

// newOrder creates an order as user, who becomes its owner.
func (w *world) newOrder(t *testing.T, user, region string) int64 {
	t.Helper()
	return idOf(t, w.app.Expect(t, 201, "POST", "/api/v1/forms/order/records", w.orderJSON(region), w.as(user)).Map(t))
}

// setCosts gives the order's lines unit costs, as an admin (who may write
// them) sending the stored rows back by id with only the cost.
func (w *world) setCosts(t *testing.T, id int64, costs ...string) {
	t.Helper()
	rows := itemsOf(t, getRecord(t, w.app, "order", id))
	var items []map[string]any
	for i, r := range rows {
		items = append(items, map[string]any{"id": r["id"], "unit_cost": costs[i%len(costs)]})
	}
	w.app.Expect(t, 200, "PATCH", recordURL("order", id), enginetest.JSONString(t, map[string]any{"items": items}), nil)
}

// approve sets an order's status to approved. status is read-only in the
// form (flows set it), so this is a trusted engine write, not an API call.
func (w *world) approve(t *testing.T, id int64) {
	t.Helper()
	f, err := w.app.Engine.Form("order")
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.app.Engine.Records().Update(context.Background(), f, id, 0, forms.Write{
		Input: map[string]any{"status": "approved"}, Trusted: true, Actor: forms.Actor{ID: w.app.Admin.ID}})
	if err != nil {
		t.Fatalf("approve order %d: %v", id, err)
	}
}

// names turns record ids into the world's order names, sorted; an id the
// world did not name stays a number.
func (w *world) names(ids []int64) []string {
	out := []string{}
	for _, id := range ids {
		name := fmt.Sprint(id)
		for n, oid := range w.orders {
			if oid == id {
				name = n
			}
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// itemsOf returns the order lines of an order in API form.
func itemsOf(t testing.TB, rec map[string]any) []map[string]any {
	t.Helper()
	raw, ok := rec["items"].([]any)
	if !ok {
		t.Fatalf("order without items: %v", rec)
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i], _ = r.(map[string]any)
	}
	return out
}

// without is fields minus hidden, in order.
func without(fields []string, hidden ...string) []string {
	return slices.DeleteFunc(slices.Clone(fields), func(f string) bool { return slices.Contains(hidden, f) })
}

// fieldKeys is the sorted keys of a record that are not system columns.
func recordFieldKeys(rec map[string]any) []string {
	var out []string
	for k := range rec {
		if !slices.Contains(forms.SystemColumns, k) && k != "expand" {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// sorted is a sorted copy of l.
func sorted(l []string) []string {
	c := slices.Clone(l)
	slices.Sort(c)
	return c
}

// checkOrderKeys fails unless rec has every system column, exactly the
// order fields not in hidden, and lines with exactly the item columns not
// in itemHidden. Hidden means absent: not null, not present at all.
func checkOrderKeys(t *testing.T, what string, rec map[string]any, hidden, itemHidden []string) {
	t.Helper()
	for _, k := range forms.SystemColumns {
		if _, ok := rec[k]; !ok {
			t.Errorf("%s: system column %s missing", what, k)
		}
	}
	if got, want := recordFieldKeys(rec), sorted(without(orderFields, hidden...)); !slices.Equal(got, want) {
		t.Errorf("%s: fields %v\n\twant %v", what, got, want)
	}
	if _, ok := rec["items"]; !ok {
		return
	}
	want := sorted(without(itemFields, itemHidden...))
	for i, row := range itemsOf(t, rec) {
		if got := slices.Sorted(maps.Keys(row)); !slices.Equal(got, want) {
			t.Errorf("%s: items/%d columns %v\n\twant %v", what, i, got, want)
		}
	}
}

// roleView is what one user may see of orders.
type roleView struct {
	user       string
	sees       []string // the orders of the world the user may read
	hidden     []string // order fields absent for the user
	itemHidden []string // order line columns absent for the user
	custHidden []string // customer fields absent in an expanded customer
}

// views is the read half of the matrix: for each role, the rows (own,
// department tree, status filter, attribute filter, all) and the fields.
var views = []roleView{
	{user: "rep1", sees: []string{"rep1-east"}, hidden: repHides, itemHidden: costColumns},
	{user: "rep2", sees: []string{"rep2-north"}, hidden: repHides, itemHidden: costColumns},
	{user: "rep3", sees: []string{"rep3-north"}, hidden: repHides, itemHidden: costColumns},
	{user: "director", sees: []string{"director-west", "rep1-east", "rep2-north"}},
	{user: "finance", sees: []string{"admin-east", "director-west", "rep1-east", "rep2-north", "rep3-north"}},
	{user: "delivery", sees: []string{"rep1-east", "rep3-north"}, hidden: deliveryHides, itemHidden: costColumns,
		custHidden: []string{"credit_limit", "level", "receivables"}},
	{user: "service", sees: []string{"rep2-north", "rep3-north"}, hidden: deliveryHides, itemHidden: costColumns,
		custHidden: []string{"credit_limit", "receivables"}},
	{user: "admin", sees: []string{"admin-east", "director-west", "rep1-east", "rep2-north", "rep3-north"}},
}

func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		// note: the read checks run first; the write checks after them add
		// and remove records of their own.
		t.Run("list", w.checkLists)
		t.Run("get", w.checkGets)
		t.Run("expand", w.checkExpand)
		t.Run("audit", w.checkAuditTrails)
		t.Run("permissions", w.checkMyPermissions)
		t.Run("department scope", w.checkDepartmentScope)
		t.Run("create", w.checkCreates)
		t.Run("update", w.checkUpdates)
		t.Run("field writes", w.checkFieldWrites)
		t.Run("delete", w.checkDeletes)
		t.Run("import", w.checkImports)
	})
}

// checkLists: each role lists exactly its rows, with exactly its fields, and
// a user without a role may not list at all.
func (w *world) checkLists(t *testing.T) {
	for _, v := range views {
		var page struct {
			Items []map[string]any `json:"items"`
			Total int              `json:"total"`
		}
		w.app.Expect(t, 200, "GET", listURL("order", "per_page", "100"), "", w.as(v.user)).JSON(t, &page)
		var ids []int64
		for _, rec := range page.Items {
			ids = append(ids, idOf(t, rec))
			checkOrderKeys(t, v.user+" list", rec, v.hidden, v.itemHidden)
		}
		if got := w.names(ids); !slices.Equal(got, v.sees) {
			t.Errorf("%s lists %v, want %v", v.user, got, v.sees)
		}
		if page.Total != len(v.sees) {
			t.Errorf("%s: total %d, want %d", v.user, page.Total, len(v.sees))
		}
	}
	enginetest.APIScenario{Name: "nobody lists orders", Method: "GET", URL: listURL("order"), Headers: w.as("nobody"),
		ExpectedStatus: 403, ExpectedCode: "forbidden", NotExpectedContent: []string{`"items"`, `"total"`}}.Test(t, w.app)
}

// checkGets: each role reads the orders in its rows (200, its fields) and
// gets 404 for every other one, exactly as if it did not exist.
func (w *world) checkGets(t *testing.T) {
	for _, v := range views {
		for name, id := range w.orders {
			r := w.app.Do(t, "GET", recordURL("order", id), "", w.as(v.user))
			want := 404
			if slices.Contains(v.sees, name) {
				want = 200
			}
			if r.Status != want {
				t.Errorf("%s GET %s: %d, want %d: %s", v.user, name, r.Status, want, r.Body)
				continue
			}
			if want == 200 {
				checkOrderKeys(t, v.user+" GET "+name, r.Map(t), v.hidden, v.itemHidden)
				continue
			}
			missing := w.app.Do(t, "GET", recordURL("order", 999999), "", w.as(v.user))
			if e, _ := enginetest.DecodeError(r); e == nil || e.Code != "not_found" ||
				e.Message != strings.Replace(missingMessage(t, missing), "999999", fmt.Sprint(id), 1) {
				t.Errorf("%s GET %s: the 404 must read like the one for a record that does not exist: %s vs %s", v.user, name, r.Body, missing.Body)
			}
		}
	}
	for name, id := range w.orders {
		enginetest.APIScenario{Name: "nobody GET " + name, Method: "GET", URL: recordURL("order", id),
			Headers: w.as("nobody"), ExpectedStatus: 403, ExpectedCode: "forbidden"}.Test(t, w.app)
	}
}

func missingMessage(t *testing.T, r enginetest.Response) string {
	t.Helper()
	e, ok := enginetest.DecodeError(r)
	if !ok {
		t.Fatalf("not an error: %s", r.Body)
	}
	return e.Message
}

// checkExpand: an expanded customer shows only the customer fields the
// reader may see, and the order itself keeps its own hidden fields hidden.
func (w *world) checkExpand(t *testing.T) {
	for _, v := range views {
		id := w.orders[v.sees[0]]
		one := recordURL("order", id) + "?expand=customer"
		for _, url := range []string{one, listURL("order", "expand", "customer", "filter", fmt.Sprintf("id == %d", id))} {
			rec := w.app.Expect(t, 200, "GET", url, "", w.as(v.user)).Map(t)
			if url != one {
				items, _ := rec["items"].([]any)
				if len(items) != 1 {
					t.Fatalf("%s %s: %d records", v.user, url, len(items))
				}
				rec, _ = items[0].(map[string]any)
			}
			checkOrderKeys(t, v.user+" "+url, rec, v.hidden, v.itemHidden)
			cust, _ := at(rec, "expand", "customer").(map[string]any)
			if cust == nil {
				t.Errorf("%s %s: customer not expanded: %v", v.user, url, rec["expand"])
				continue
			}
			if got, want := recordFieldKeys(cust), sorted(without(customerFields, v.custHidden...)); !slices.Equal(got, want) {
				t.Errorf("%s %s: expanded customer fields %v\n\twant %v", v.user, url, got, want)
			}
		}
	}
}

// checkAuditTrails: the trail of a record the user may read hides, in every
// before and after, the fields (and line columns) the user may not read; the
// trail of any other record is a 404.
func (w *world) checkAuditTrails(t *testing.T) {
	for _, v := range views {
		for name, id := range w.orders {
			r := w.app.Do(t, "GET", recordURL("order", id)+"/audit", "", w.as(v.user))
			if !slices.Contains(v.sees, name) {
				if r.Status != 404 {
					t.Errorf("%s reads the trail of %s: %d, want 404: %s", v.user, name, r.Status, r.Body)
				}
				continue
			}
			if r.Status != 200 {
				t.Errorf("%s reads the trail of %s: %d: %s", v.user, name, r.Status, r.Body)
				continue
			}
			checkTrail(t, v.user+" trail of "+name, r, v.hidden, v.itemHidden)
		}
	}
}

// checkTrail fails if an audit trail shows a field in hidden or a line
// column in itemHidden, in any change, before or after. A trail without a
// single visible change is also wrong: the record's creation shows its
// lines.
func checkTrail(t *testing.T, what string, r enginetest.Response, hidden, itemHidden []string) {
	t.Helper()
	var trail struct {
		Items []struct {
			Action  string                    `json:"action"`
			Summary string                    `json:"summary"`
			Changes map[string]map[string]any `json:"changes"`
		} `json:"items"`
	}
	r.JSON(t, &trail)
	if len(trail.Items) == 0 {
		t.Fatalf("%s: empty trail", what)
	}
	sawItems := false
	for i, e := range trail.Items {
		// note: the summary's count of changed fields must not count the
		// hidden ones either.
		if want := fmt.Sprintf("(%d field(s))", len(e.Changes)); !strings.HasSuffix(e.Summary, want) {
			t.Errorf("%s: entry %d (%s) summary %q, want it to end %q", what, i, e.Action, e.Summary, want)
		}
		for field, ch := range e.Changes {
			if slices.Contains(hidden, field) {
				t.Errorf("%s: entry %d (%s) shows hidden field %s: %v", what, i, e.Action, field, ch)
			}
			if field != "items" {
				continue
			}
			sawItems = true
			for _, side := range []string{"before", "after"} {
				rows, _ := ch[side].([]any)
				for j, row := range rows {
					m, _ := row.(map[string]any)
					for _, col := range itemHidden {
						if _, ok := m[col]; ok {
							t.Errorf("%s: entry %d (%s) shows items/%d/%s %s", what, i, e.Action, j, col, side)
						}
					}
				}
			}
		}
	}
	if !sawItems {
		t.Errorf("%s: no entry shows the lines: %s", what, r.Body)
	}
}

// checkMyPermissions: /me/permissions tells each role what it may do with
// each field, as the studio renders forms from it.
func (w *world) checkMyPermissions(t *testing.T) {
	for _, c := range []struct {
		user    string
		actions []string
		levels  string // margin status notes items.unit_cost items.qty
	}{
		{"rep1", []string{"create", "read", "update", "export"}, "hidden read write hidden write"},
		{"director", []string{"create", "read", "update", "delete", "export"}, "read read write read write"},
		{"finance", []string{"read", "export"}, "read read read read read"},
		{"delivery", []string{"read"}, "hidden read read hidden read"},
		{"service", []string{"read"}, "hidden read read hidden read"},
		{"nobody", []string{}, "hidden hidden hidden hidden hidden"},
		{"admin", []string{"create", "read", "update", "delete", "export", "import", "manage"}, "read read write write write"},
	} {
		var out struct {
			UserID int64 `json:"user_id"`
			Items  []struct {
				Form    string            `json:"form"`
				Actions []string          `json:"actions"`
				Fields  map[string]string `json:"fields"`
			} `json:"items"`
		}
		w.app.Expect(t, 200, "GET", "/api/v1/me/permissions?form=order", "", w.as(c.user)).JSON(t, &out)
		if out.UserID != w.users[c.user].ID || len(out.Items) != 1 || out.Items[0].Form != "order" {
			t.Errorf("%s: permissions %+v", c.user, out)
			continue
		}
		p := out.Items[0]
		if !slices.Equal(p.Actions, c.actions) {
			t.Errorf("%s: actions %v, want %v", c.user, p.Actions, c.actions)
		}
		var got []string
		for _, f := range []string{"margin", "status", "notes", "items.unit_cost", "items.qty"} {
			got = append(got, p.Fields[f])
		}
		if strings.Join(got, " ") != c.levels {
			t.Errorf("%s: margin status notes items.unit_cost items.qty = %s, want %s", c.user, strings.Join(got, " "), c.levels)
		}
		if len(p.Fields) != len(orderFields)+len(itemFields)-1 {
			t.Errorf("%s: %d field levels, want one per field and line column", c.user, len(p.Fields))
		}
	}
}

// checkDepartmentScope: the "department" scope covers the orders of the
// members of the user's own departments, not of their sub-departments; the
// tree scope (the director's) covers both.
func (w *world) checkDepartmentScope(t *testing.T) {
	publishRole(t, w.app, `{"kind": "role", "key": "team_lead", "title": "Team lead",
		"grants": [{"form": "order", "actions": ["read"], "scope": "department"}]}`)
	for _, c := range []struct {
		name  string
		depts []int64
		sees  []string
	}{
		{"lead of Sales", []int64{w.sales}, []string{"director-west"}},
		{"lead of Sales East", []int64{w.east}, []string{"rep1-east", "rep2-north"}},
		{"lead of two departments", []int64{w.east, w.keyAccounts}, []string{"rep1-east", "rep2-north", "rep3-north"}},
		{"lead of none", nil, []string{}},
	} {
		email := strings.ReplaceAll(c.name, " ", ".") + "@example.com"
		w.users[c.name] = w.app.NewUser(t, enginetest.UserSpec{Email: email, Roles: []string{"team_lead"}, Departments: c.depts})
		if got := w.sees(t, c.name); !slices.Equal(got, c.sees) {
			t.Errorf("%s sees %v, want %v", c.name, got, c.sees)
		}
	}
}

// writeRow is one update of the matrix: a user, an order of the world and
// the status the update must get.
type writeRow struct {
	user, target string
	status       int
}

// checkCreates: who may create orders, and what the new record shows its
// creator.
func (w *world) checkCreates(t *testing.T) {
	for _, c := range []struct {
		user   string
		status int
	}{
		{"rep1", 201}, {"director", 201}, {"admin", 201},
		{"finance", 403}, {"delivery", 403}, {"service", 403}, {"nobody", 403},
	} {
		r := w.app.Do(t, "POST", "/api/v1/forms/order/records", w.orderJSON("south"), w.as(c.user))
		if r.Status != c.status {
			t.Errorf("%s creates an order: %d, want %d: %s", c.user, r.Status, c.status, r.Body)
			continue
		}
		if c.status != 201 {
			enginetest.CheckErrorShape(t, c.user+" create", r)
			continue
		}
		v := viewOf(c.user)
		checkOrderKeys(t, c.user+" create response", r.Map(t), v.hidden, v.itemHidden)
		if owner := at(r.Map(t), "owner"); owner != float64(w.users[c.user].ID) {
			t.Errorf("%s created an order owned by %v", c.user, owner)
		}
	}
}

func viewOf(user string) roleView {
	for _, v := range views {
		if v.user == user {
			return v
		}
	}
	panic("no view of " + user)
}

// checkUpdates: each role may update the orders in its update rows, gets 404
// for orders outside them and 403 without the update action.
func (w *world) checkUpdates(t *testing.T) {
	for _, c := range []writeRow{
		{"rep1", "rep1-east", 200},
		{"rep1", "rep2-north", 404}, // a colleague's order
		{"rep1", "admin-east", 404},
		{"rep3", "rep3-north", 200},
		{"director", "rep1-east", 200}, // department and below
		{"director", "rep2-north", 200},
		{"director", "director-west", 200},
		{"director", "rep3-north", 404}, // another department
		{"director", "admin-east", 404},
		{"finance", "rep1-east", 403},
		{"delivery", "rep1-east", 403},
		{"service", "rep2-north", 403},
		{"nobody", "rep1-east", 403},
		{"admin", "rep3-north", 200},
	} {
		body := fmt.Sprintf(`{"notes": "checked by %s"}`, c.user)
		r := w.app.Do(t, "PATCH", recordURL("order", w.orders[c.target]), body, w.as(c.user))
		if r.Status != c.status {
			t.Errorf("%s updates %s: %d, want %d: %s", c.user, c.target, r.Status, c.status, r.Body)
			continue
		}
		if c.status != 200 {
			enginetest.CheckErrorShape(t, c.user+" update", r)
			continue
		}
		v := viewOf(c.user)
		checkOrderKeys(t, c.user+" update response", r.Map(t), v.hidden, v.itemHidden)
	}
	// The refused updates changed nothing.
	rec := getRecord(t, w.app, "order", w.orders["rep1-east"])
	if rec["notes"] != "checked by director" {
		t.Errorf("rep1-east notes = %v, want the director's (the last allowed update)", rec["notes"])
	}
}

// checkFieldWrites: a field the writer may not change (read-only for the
// role, or hidden) is refused with 403 naming its path, on create and on
// update, down to sub-table columns; nothing is silently dropped.
func (w *world) checkFieldWrites(t *testing.T) {
	item := func(extra string) string {
		return fmt.Sprintf(`[{"product": %d, "qty": 1, "unit_price": "10.00"%s}]`, w.product, extra)
	}
	create := func(field string) string {
		return fmt.Sprintf(`{"customer": %d, "items": %s, %s}`, w.customer, item(""), field)
	}
	rep1 := recordURL("order", w.orders["rep1-east"])
	for _, c := range []struct {
		name, user, method, url, body, path string
	}{
		{"rep sets status on create", "rep1", "POST", "", create(`"status": "approved"`), "/status"},
		{"rep sets sales_rep on create", "rep1", "POST", "", create(fmt.Sprintf(`"sales_rep": %d`, w.users["rep1"].ID)), "/sales_rep"},
		{"rep sets margin on create", "rep1", "POST", "", create(`"margin": "1.00"`), "/margin"},
		{"rep sets a line's unit_cost on create", "rep1", "POST", "",
			fmt.Sprintf(`{"customer": %d, "items": %s}`, w.customer, item(`, "unit_cost": "1.00"`)), "/items/0/unit_cost"},
		{"rep sets status", "rep1", "PATCH", rep1, `{"status": "approved"}`, "/status"},
		{"rep sets sales_rep", "rep1", "PATCH", rep1, fmt.Sprintf(`{"sales_rep": %d}`, w.users["rep2"].ID), "/sales_rep"},
		{"rep sets cost", "rep1", "PATCH", rep1, `{"cost": "0"}`, "/cost"},
		{"rep sets a line's unit_cost", "rep1", "PATCH", rep1, `{"items": ` + item(`, "unit_cost": "1.00"`) + `}`, "/items/0/unit_cost"},
		{"rep sets a line's line_cost", "rep1", "PATCH", rep1, `{"items": ` + item(`, "line_cost": "1.00"`) + `}`, "/items/0/line_cost"},
		{"director sets margin", "director", "PATCH", rep1, `{"margin": "1.00"}`, "/margin"},
		{"director sets a line's unit_cost", "director", "PATCH", rep1, `{"items": ` + item(`, "unit_cost": "1.00"`) + `}`, "/items/0/unit_cost"},
	} {
		url := c.url
		if c.method == "POST" {
			url = "/api/v1/forms/order/records"
		}
		r := enginetest.APIScenario{Name: c.name, Method: c.method, URL: url, Body: c.body, Headers: w.as(c.user),
			ExpectedStatus: 403, ExpectedPaths: []string{c.path}}.Test(t, w.app)
		if e, ok := enginetest.DecodeError(r); ok && e.Detail(c.path) != nil && e.Detail(c.path).Code != forms.CodeForbiddenField {
			t.Errorf("%s: detail code %q, want %q", c.name, e.Detail(c.path).Code, forms.CodeForbiddenField)
		}
	}
	// Fields no one may write through the API are read-only for everyone,
	// admin included: that is the form's rule (422), not a permission (403).
	for _, c := range []struct{ user, body, path string }{
		{"admin", `{"margin": "1.00"}`, "/margin"},
		{"admin", `{"status": "approved"}`, "/status"},
	} {
		enginetest.APIScenario{Name: c.user + " writes " + c.path, Method: "PATCH", URL: rep1, Body: c.body, Headers: w.as(c.user),
			ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{c.path}}.Test(t, w.app)
	}
	// A director's role only lets them read the status.
	enginetest.APIScenario{Name: "director writes /status", Method: "PATCH", URL: rep1, Body: `{"status": "approved"}`,
		Headers: w.as("director"), ExpectedStatus: 403, ExpectedCode: "forbidden", ExpectedPaths: []string{"/status"}}.Test(t, w.app)
	rec := getRecord(t, w.app, "order", w.orders["rep1-east"])
	if rec["status"] != "approved" || fmt.Sprint(rec["sales_rep"]) != fmt.Sprint(rec["owner"]) || len(itemsOf(t, rec)) != 2 || fmt.Sprint(at(rec, "items", 0, "unit_cost")) != "600" {
		t.Errorf("a refused write changed rep1-east: %v", rec)
	}
}

// checkDeletes: only the director (within the department tree) and admin
// may delete; others get 403 without the action and 404 outside their rows.
func (w *world) checkDeletes(t *testing.T) {
	victim := w.newOrder(t, "rep2", "east")
	mine := w.newOrder(t, "rep1", "east")
	for _, c := range []struct {
		user   string
		id     int64
		status int
	}{
		{"rep1", mine, 403}, // reps have no delete
		{"finance", victim, 403},
		{"delivery", victim, 403},
		{"service", victim, 403},
		{"nobody", victim, 403},
		{"director", w.orders["rep3-north"], 404}, // another department
		{"director", w.orders["admin-east"], 404},
		{"director", victim, 204},
		{"director", victim, 404}, // gone
		{"admin", mine, 204},
	} {
		r := w.app.Do(t, "DELETE", recordURL("order", c.id), "", w.as(c.user))
		if r.Status != c.status {
			t.Errorf("%s deletes %s: %d, want %d: %s", c.user, strings.Join(w.names([]int64{c.id}), ""), r.Status, c.status, r.Body)
		}
	}
	// The trail of a deleted record is only for those who may read every
	// record of the form: the rep who owned it gets 404, finance sees it.
	enginetest.APIScenario{Name: "rep2 reads the trail of the order the director deleted", Method: "GET",
		URL: recordURL("order", victim) + "/audit", Headers: w.as("rep2"), ExpectedStatus: 404}.Test(t, w.app)
	r := enginetest.APIScenario{Name: "finance reads the trail of a deleted order", Method: "GET",
		URL: recordURL("order", victim) + "/audit", Headers: w.as("finance"), ExpectedStatus: 200,
		ExpectedContent: []string{`"record.delete"`, `"margin"`}}.Test(t, w.app)
	checkTrail(t, "finance trail of a deleted order", r, nil, nil)
	for name, id := range w.orders {
		if name != "rep3-north" && name != "admin-east" {
			continue
		}
		getRecord(t, w.app, "order", id) // still there
	}
}

// checkImports: only a role with both import and create on a form may
// import into it; none of the example roles has import.
func (w *world) checkImports(t *testing.T) {
	body, ct := enginetest.Multipart(t, "file", "customers.csv", "text/csv", []byte("name,region\nImported Co,east\n"))
	for _, c := range []struct {
		user, form string
		status     int
	}{
		{"rep1", "customer", 403}, {"director", "customer", 403}, {"finance", "customer", 403},
		{"service", "customer", 403}, {"nobody", "customer", 403},
		{"rep1", "order", 403}, {"director", "order", 403},
		{"admin", "customer", 200},
	} {
		h := w.as(c.user)
		h["Content-Type"] = ct
		r := w.app.Do(t, "POST", "/api/v1/forms/"+c.form+"/records/import", body, h)
		if r.Status != c.status {
			t.Errorf("%s imports %s: %d, want %d: %s", c.user, c.form, r.Status, c.status, r.Body)
		}
	}
}

// TestPolicyChangesTakeEffectAtOnce: every change of who may do what, made
// through the API while the server runs, holds from the very next request,
// and is in the audit log with what changed.
func TestPolicyChangesTakeEffectAtOnce(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		t.Run("role definition", w.checkRolePublish)
		t.Run("user roles", w.checkUserRoleChange)
		t.Run("departments", w.checkDepartmentChanges)
		t.Run("attributes", w.checkAttributeChange)
		t.Run("import grant", w.checkImportGrant)
	})
}

// sees is the names of the orders user lists now.
func (w *world) sees(t *testing.T, user string) []string {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
	}
	w.app.Expect(t, 200, "GET", listURL("order", "per_page", "100"), "", w.as(user)).JSON(t, &page)
	var ids []int64
	for _, rec := range page.Items {
		ids = append(ids, idOf(t, rec))
	}
	return w.names(ids)
}

// seesMargin reports whether user sees the margin of an order.
func (w *world) seesMargin(t *testing.T, user, order string) bool {
	t.Helper()
	_, ok := w.app.Expect(t, 200, "GET", recordURL("order", w.orders[order]), "", w.as(user)).Map(t)["margin"]
	return ok
}

// change is one field of an audit entry's changes.
type change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// lastAudit is the newest audit entry of a target with action, and its
// changes decoded; it fails the test when there is none.
func lastAudit(t *testing.T, app *enginetest.App, kind, key string, id int64, action string) (string, map[string]change) {
	t.Helper()
	for _, e := range auditOf(t, app, kind, key, id) {
		if e.Action != action {
			continue
		}
		if e.ActorID != app.Admin.ID {
			t.Errorf("%s of %s/%s by user %d, want the admin", action, kind, key, e.ActorID)
		}
		ch := map[string]change{}
		if e.Changes != "" && e.Changes != "[]" {
			if err := json.Unmarshal([]byte(e.Changes), &ch); err != nil {
				t.Fatalf("%s changes %s: %v", action, e.Changes, err)
			}
		}
		return e.Summary, ch
	}
	t.Fatalf("no %s entry for %s/%s in the audit log", action, kind, key)
	return "", nil
}

// wantChange fails unless ch records field going from before to after (as
// fmt renders them).
func wantChange(t *testing.T, what string, ch map[string]change, field, before, after string) {
	t.Helper()
	c, ok := ch[field]
	if !ok {
		t.Errorf("%s: the audit entry does not record %s: %v", what, field, ch)
		return
	}
	if got := fmt.Sprint(c.Before, " → ", c.After); got != before+" → "+after {
		t.Errorf("%s: %s changed %s, want %s → %s", what, field, got, before, after)
	}
}

func (w *world) checkRolePublish(t *testing.T) {
	app := w.app
	if w.seesMargin(t, "rep1", "rep1-east") {
		t.Fatal("rep1 sees the margin before any change")
	}
	def := salesRepDefinition(t, app)
	if !strings.Contains(def, `"margin":"hidden"`) {
		t.Fatalf("sales_rep does not hide the margin: %s", def)
	}
	app.Expect(t, 201, "POST", "/api/v1/definitions", strings.Replace(def, `"margin":"hidden"`, `"margin":"read"`, 1), nil)
	if w.seesMargin(t, "rep1", "rep1-east") {
		t.Error("a saved draft is already in force")
	}
	app.Expect(t, 200, "POST", "/api/v1/definitions/role/sales_rep/publish", `{"note": "reps see margins"}`, nil)
	if !w.seesMargin(t, "rep1", "rep1-east") {
		t.Error("the published role is not in force on the next request")
	}
	enginetest.APIScenario{Name: "rep filters on the margin they may now read", Method: "GET", URL: filterURL("margin > 0"),
		Headers: w.as("rep1"), ExpectedStatus: 200, ExpectedContent: []string{`"total":1`}}.Test(t, app)
	enginetest.APIScenario{Name: "rep's permissions after the publish", Method: "GET", URL: "/api/v1/me/permissions?form=order",
		Headers: w.as("rep1"), ExpectedStatus: 200, ExpectedContent: []string{`"margin":"read"`}}.Test(t, app)
	if w.seesMargin(t, "delivery", "rep1-east") {
		t.Error("a change of sales_rep reached the delivery role")
	}
	app.Expect(t, 200, "POST", "/api/v1/definitions/role/sales_rep/rollback", `{"version": 1}`, nil)
	if w.seesMargin(t, "rep1", "rep1-east") {
		t.Error("the rollback is not in force on the next request")
	}
	var publishes []string
	for _, e := range auditOf(t, app, "role", "sales_rep", 0) {
		if e.ActorID == app.Admin.ID {
			publishes = append(publishes, e.Action+": "+e.Summary)
		}
	}
	want := []string{"definition.publish: published version 3 (0 migration step(s))",
		"definition.publish: published version 2 (0 migration step(s))", "definition.draft: saved draft"}
	if !slices.Equal(publishes, want) {
		t.Errorf("audit of role/sales_rep by the admin:\n\t%v\nwant\n\t%v", publishes, want)
	}
}

func (w *world) checkUserRoleChange(t *testing.T) {
	app, rep1 := w.app, w.users["rep1"]
	userURL := fmt.Sprintf("/api/v1/admin/users/%d", rep1.ID)
	app.Expect(t, 200, "PATCH", userURL, `{"roles": ["sales_director"]}`, nil)
	// rep1 is in Sales East: as a director they see its members' orders.
	if got, want := w.sees(t, "rep1"), []string{"rep1-east", "rep2-north"}; !slices.Equal(got, want) {
		t.Errorf("rep1 made director sees %v, want %v", got, want)
	}
	if !w.seesMargin(t, "rep1", "rep2-north") {
		t.Error("rep1 made director does not see margins")
	}
	_, ch := lastAudit(t, app, "user", rep1.Email, rep1.ID, "user.update")
	wantChange(t, "role change", ch, "roles", "[sales_rep]", "[sales_director]")

	app.Expect(t, 200, "PATCH", userURL, `{"roles": []}`, nil)
	enginetest.APIScenario{Name: "rep1 without roles", Method: "GET", URL: listURL("order"), Headers: rep1.Headers(),
		ExpectedStatus: 403, ExpectedCode: "forbidden"}.Test(t, app)
	_, ch = lastAudit(t, app, "user", rep1.Email, rep1.ID, "user.update")
	wantChange(t, "roles taken away", ch, "roles", "[sales_director]", "[]")

	app.Expect(t, 200, "PATCH", userURL, `{"roles": ["sales_rep"]}`, nil)
	if got := w.sees(t, "rep1"); !slices.Equal(got, []string{"rep1-east"}) {
		t.Errorf("rep1 a rep again sees %v", got)
	}
}

func (w *world) checkDepartmentChanges(t *testing.T) {
	app, director := w.app, w.users["director"]
	before := w.sees(t, "director")
	if want := []string{"director-west", "rep1-east", "rep2-north"}; !slices.Equal(before, want) {
		t.Fatalf("director sees %v, want %v", before, want)
	}
	// Key Accounts moves under Sales: its orders come into the director's
	// department tree.
	deptURL := fmt.Sprintf("/api/v1/admin/departments/%d", w.keyAccounts)
	app.Expect(t, 200, "PATCH", deptURL, fmt.Sprintf(`{"parent_id": %d}`, w.sales), nil)
	if got, want := w.sees(t, "director"), []string{"director-west", "rep1-east", "rep2-north", "rep3-north"}; !slices.Equal(got, want) {
		t.Errorf("after the move the director sees %v, want %v", got, want)
	}
	_, ch := lastAudit(t, app, "department", "Key Accounts", w.keyAccounts, "department.update")
	wantChange(t, "department move", ch, "parent_id", "<nil>", fmt.Sprint(w.sales))
	app.Expect(t, 200, "PATCH", deptURL, `{"parent_id": null}`, nil)

	// The director moves to Sales East only: the orders of Sales itself (their
	// own stay theirs) and of Key Accounts leave.
	userURL := fmt.Sprintf("/api/v1/admin/users/%d", director.ID)
	app.Expect(t, 200, "PATCH", userURL, fmt.Sprintf(`{"department_ids": [%d]}`, w.keyAccounts), nil)
	if got, want := w.sees(t, "director"), []string{"director-west", "rep3-north"}; !slices.Equal(got, want) {
		t.Errorf("director moved to Key Accounts sees %v, want %v", got, want)
	}
	_, ch = lastAudit(t, app, "user", director.Email, director.ID, "user.update")
	wantChange(t, "user's departments", ch, "department_ids", fmt.Sprint([]int64{w.sales}), fmt.Sprint([]int64{w.keyAccounts}))
	app.Expect(t, 200, "PATCH", userURL, fmt.Sprintf(`{"department_ids": [%d]}`, w.sales), nil)
}

func (w *world) checkAttributeChange(t *testing.T) {
	app, service := w.app, w.users["service"]
	if got := w.sees(t, "service"); !slices.Equal(got, []string{"rep2-north", "rep3-north"}) {
		t.Fatalf("service sees %v", got)
	}
	app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", service.ID), `{"attributes": {"region": "east"}}`, nil)
	if got, want := w.sees(t, "service"), []string{"admin-east", "rep1-east"}; !slices.Equal(got, want) {
		t.Errorf("service moved east sees %v, want %v", got, want)
	}
	_, ch := lastAudit(t, app, "user", service.Email, service.ID, "user.update")
	wantChange(t, "attributes", ch, "attributes", "map[region:north]", "map[region:east]")
	app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", service.ID), `{"attributes": {}}`, nil)
	if got := w.sees(t, "service"); len(got) != 0 {
		t.Errorf("service without a region sees %v", got)
	}
}

// checkImportGrant: a role published with the import action may import,
// and its field levels hold for every imported row.
func (w *world) checkImportGrant(t *testing.T) {
	app := w.app
	clerk := app.NewUser(t, enginetest.UserSpec{Email: "clerk@example.com"})
	upload := func(csv string) enginetest.Response {
		body, ct := enginetest.Multipart(t, "file", "customers.csv", "text/csv", []byte(csv))
		h := clerk.Headers()
		h["Content-Type"] = ct
		return app.Do(t, "POST", "/api/v1/forms/customer/records/import", body, h)
	}
	if r := upload("name,region\nBefore Co,east\n"); r.Status != 403 {
		t.Errorf("import before any grant: %d %s", r.Status, r.Body)
	}
	publishRole(t, app, `{"kind": "role", "key": "importer", "title": "Customer importer",
		"grants": [{"form": "customer", "actions": ["create", "read", "import"], "fields": {"credit_limit": "hidden", "level": "read"}}]}`)
	app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", clerk.ID), `{"roles": ["importer"]}`, nil)
	for _, c := range []struct{ name, csv, path string }{
		{"hidden column", "name,region,credit_limit\nHidden Co,east,1000\n", "/rows/1/credit_limit"},
		{"read-only column", "name,region,level\nReadonly Co,east,A\n", "/rows/1/level"},
	} {
		r := upload(c.csv)
		e, _ := enginetest.DecodeError(r)
		if r.Status != 403 || e == nil || e.Code != "forbidden" || e.Detail(c.path) == nil || e.Detail(c.path).Code != forms.CodeForbiddenField {
			t.Errorf("import with a %s: %d %s, want a refusal naming %s", c.name, r.Status, r.Body, c.path)
		}
	}
	if r := upload("name,region\nAllowed Co,east\n"); r.Status != 200 || !strings.Contains(r.Body, `"imported":1`) {
		t.Errorf("import of allowed columns: %d %s", r.Status, r.Body)
	}
	for _, name := range []string{"Hidden Co", "Readonly Co", "Allowed Co"} {
		var page struct {
			Total int `json:"total"`
		}
		app.Expect(t, 200, "GET", listURL("customer", "filter", fmt.Sprintf("name == %q", name)), "", nil).JSON(t, &page)
		if want := map[bool]int{true: 1, false: 0}[name == "Allowed Co"]; page.Total != want {
			t.Errorf("%s imported %d times, want %d", name, page.Total, want)
		}
	}
}
