package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

const upsertURL = "/api/v1/forms/customer/records/upsert"

type upsertAnswer struct {
	Key     string `json:"key"`
	Created int    `json:"created"`
	Updated int    `json:"updated"`
	Items   []struct {
		Index  int    `json:"index"`
		ID     int64  `json:"id"`
		Action string `json:"action"`
	} `json:"items"`
}

func TestBulkUpsertByExternalID(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		existing := create(t, app, "customer", `{"name": "Known Ltd", "region": "east", "notes": "old"}`)

		var res upsertAnswer
		app.Expect(t, 200, "POST", upsertURL, `{"records": [
			{"name": "Known Ltd", "region": "south", "notes": "moved"},
			{"name": "New Ltd", "region": "west", "credit_limit": "1200.50"}]}`, nil).JSON(t, &res)
		if res.Key != "name" || res.Created != 1 || res.Updated != 1 || len(res.Items) != 2 ||
			res.Items[0].ID != existing || res.Items[0].Action != "updated" || res.Items[1].Action != "created" {
			t.Fatalf("upsert answer %+v", res)
		}
		rec := getRecord(t, app, "customer", existing)
		if rec["region"] != "south" || rec["notes"] != "moved" {
			t.Errorf("the existing record was not updated: %v", rec)
		}
		if rec := getRecord(t, app, "customer", res.Items[1].ID); rec["name"] != "New Ltd" || fmt.Sprint(rec["credit_limit"]) != "1200.5" {
			t.Errorf("the new record: %v", rec)
		}

		// Sent again, everything matches: no new records.
		app.Expect(t, 200, "POST", upsertURL, `{"key": "name", "records": [{"name": "New Ltd", "region": "north"}]}`, nil).JSON(t, &res)
		if res.Created != 0 || res.Updated != 1 || countNamed(t, app, "New Ltd") != 1 {
			t.Errorf("second upsert %+v", res)
		}

		// All or nothing: one bad row and nothing is written; every row's
		// problems are reported at once.
		r := app.Expect(t, 422, "POST", upsertURL, `{"records": [
			{"name": "Fresh Ltd", "region": "east"},
			{"name": "Known Ltd", "region": "mars"},
			{"name": "Bad Ltd", "region": "east", "credit_limit": "lots"}]}`, nil)
		e, ok := enginetest.DecodeError(r)
		if !ok || e.Detail("/records/1/region") == nil || e.Detail("/records/2/credit_limit") == nil {
			t.Fatalf("per-row problems: %s", r.Body)
		}
		if countNamed(t, app, "Fresh Ltd") != 0 || getRecord(t, app, "customer", existing)["region"] != "south" {
			t.Error("a failed upsert wrote some rows")
		}

		for _, s := range []enginetest.APIScenario{
			{Name: "repeated key", Method: "POST", URL: upsertURL, ExpectedStatus: 422, ExpectedContent: []string{"/records/1/name", "send each record once"},
				Body: `{"records": [{"name": "Twice", "region": "east"}, {"name": "Twice", "region": "west"}]}`},
			{Name: "missing key", Method: "POST", URL: upsertURL, ExpectedStatus: 422, ExpectedContent: []string{"/records/0/name"},
				Body: `{"records": [{"region": "east"}]}`},
			{Name: "not a unique field", Method: "POST", URL: upsertURL, ExpectedStatus: 422, ExpectedContent: []string{"/key", "unique text field"},
				Body: `{"key": "region", "records": [{"region": "east"}]}`},
			{Name: "empty list", Method: "POST", URL: upsertURL, ExpectedStatus: 422, ExpectedContent: []string{"/records"},
				Body: `{"records": []}`},
			{Name: "rows not objects", Method: "POST", URL: upsertURL, ExpectedStatus: 400, Body: `{"records": [1, 2]}`},
			{Name: "unknown property", Method: "POST", URL: upsertURL, ExpectedStatus: 400, Body: `{"rows": []}`},
			{Name: "not JSON", Method: "POST", URL: upsertURL, ExpectedStatus: 400, Body: `[`},
			{Name: "unknown form", Method: "POST", URL: "/api/v1/forms/nope/records/upsert", ExpectedStatus: 404, Body: `{"records": [{}]}`},
		} {
			s.Test(t, app)
		}
		tooMany := make([]string, 1001)
		for i := range tooMany {
			tooMany[i] = fmt.Sprintf(`{"name": "Bulk %d", "region": "east"}`, i)
		}
		app.Expect(t, 422, "POST", upsertURL, `{"records": [`+strings.Join(tooMany, ",")+`]}`, nil)
	})
}

func TestBulkUpsertChecksEachRowsPermission(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		existing := create(t, app, "customer", `{"name": "Served Ltd", "region": "east"}`)
		// Service may update customers' contacts but not create customers.
		svc := app.NewUser(t, enginetest.UserSpec{Email: "svc@example.com", Name: "Service", Roles: []string{"service"}, Attributes: map[string]any{"region": "east"}})
		r := app.Expect(t, 422, "POST", upsertURL, `{"records": [
			{"name": "Served Ltd", "contact_name": "Li Lei"},
			{"name": "Unknown Ltd", "contact_name": "Han Meimei"}]}`, svc.Headers())
		e, ok := enginetest.DecodeError(r)
		if !ok || e.Detail("/records/1") == nil || !strings.Contains(r.Body, "may not create") || e.Detail("/records/0") != nil {
			t.Fatalf("per-row permission: %s", r.Body)
		}
		if getRecord(t, app, "customer", existing)["contact_name"] != nil {
			t.Error("the refused upsert changed a record")
		}
		var res upsertAnswer
		app.Expect(t, 200, "POST", upsertURL, `{"records": [{"name": "Served Ltd", "contact_name": "Li Lei"}]}`, svc.Headers()).JSON(t, &res)
		if res.Updated != 1 || getRecord(t, app, "customer", existing)["contact_name"] != "Li Lei" {
			t.Errorf("service's update: %+v", res)
		}
		// A field the role may not write is refused, not ignored.
		r = app.Expect(t, 403, "POST", upsertURL, `{"records": [{"name": "Served Ltd", "credit_limit": "1.00"}]}`, svc.Headers())
		if e, ok := enginetest.DecodeError(r); !ok || e.Detail("/records/0/credit_limit") == nil {
			t.Errorf("a hidden field written through upsert: %s", r.Body)
		}
		// Nobody without create or update gets a 403.
		nobody := app.NewUser(t, enginetest.UserSpec{Email: "nobody@example.com", Name: "Nobody"})
		app.Expect(t, 403, "POST", upsertURL, `{"records": [{"name": "Served Ltd"}]}`, nobody.Headers())
	})
}
