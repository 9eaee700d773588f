package engine_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// examplePortal is the example's portal definition as a map to change.
func examplePortal(t *testing.T) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "portals", "customer_portal.json"))
	if err != nil {
		t.Fatal(err)
	}
	var d map[string]any
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func TestPortalDefinitionsAreCompiledWithPointers(t *testing.T) {
	t.Parallel()
	app := enginetest.New(t, store.SQLite)
	at := func(d map[string]any, path ...any) map[string]any {
		var cur any = d
		for _, p := range path {
			switch k := p.(type) {
			case string:
				cur = cur.(map[string]any)[k]
			case int:
				cur = cur.([]any)[k]
			}
		}
		return cur.(map[string]any)
	}
	cases := []struct {
		name     string
		change   func(d map[string]any)
		wantPath string
	}{
		{"an unknown customer form", func(d map[string]any) { at(d, "customer")["form"] = "client" }, "/customer/form"},
		{"a link that is not a relation to the customer", func(d map[string]any) { at(d, "tracked", 0)["customer_field"] = "region" }, "/tracked/0/customer_field"},
		{"a flow on another form", func(d map[string]any) { at(d, "tracked", 0, "stages", 1, "when")["flow"] = "contract_approval" }, "/tracked/0/stages/1/when/flow"},
		{"a flow that does not exist", func(d map[string]any) { at(d, "tracked", 0, "stages", 1, "when")["flow"] = "nope" }, "/tracked/0/stages/1/when/flow"},
		{"a related form's link to the wrong form", func(d map[string]any) { at(d, "tracked", 0, "stages", 2, "when")["link"] = "customer" }, "/tracked/0/stages/2/when/link"},
		{"a sum of text", func(d map[string]any) { at(d, "tracked", 0, "stages", 3, "when")["field"] = "reference" }, "/tracked/0/stages/3/when/field"},
		{"a date from a text field", func(d map[string]any) { at(d, "tracked", 0, "stages", 4, "when")["date_field"] = "name" }, "/tracked/0/stages/4/when/date_field"},
		{"a document that is not an attachment", func(d map[string]any) { at(d, "tracked", 0, "documents", 0)["field"] = "terms" }, "/tracked/0/documents/0/field"},
		{"a service field that does not exist", func(d map[string]any) { at(d, "service")["fields"] = []any{"subject", "mood"} }, "/service/fields/1"},
		{"the customer filled by the customer", func(d map[string]any) { at(d, "service")["fields"] = []any{"customer"} }, "/service/fields/0"},
		{"a signed value that is not an option", func(d map[string]any) { at(d, "esign")["signed_value"] = "inked" }, "/esign/signed_value"},
		{"a colour that is not #rrggbb", func(d map[string]any) { at(d, "branding")["primary"] = "blue" }, "/branding/primary"},
		{"a stage type the schema does not know", func(d map[string]any) { at(d, "tracked", 0, "stages", 0, "when")["type"] = "guess" }, "/tracked/0/stages/0/when/type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := examplePortal(t)
			c.change(d)
			raw, _ := json.Marshal(d)
			_, err := app.Engine.Import(context.Background(), [][]byte{raw}, engine.PublishOptions{}, forms.Actor{})
			pl, ok := forms.AsProblems(err)
			if !ok {
				t.Fatalf("published; want a problem at %s (err %v)", c.wantPath, err)
			}
			found := false
			for _, p := range pl.Problems {
				found = found || strings.HasSuffix(p.Path, c.wantPath)
			}
			if !found {
				t.Errorf("problems %+v, want one at %s", pl.Problems, c.wantPath)
			}
		})
	}
	if _, ok := app.Engine.Snapshot().Portal("customer_portal"); !ok {
		t.Error("the example's portal is not live")
	}
}

func TestPortalAPINeverAnswers500(t *testing.T) {
	t.Parallel()
	app := enginetest.New(t, store.SQLite)
	w := newWorld(t, app)
	tok := portalLink(t, app, w.customer)
	long := strings.Repeat("x", 5000)
	for _, r := range []struct{ method, url, body string }{
		{"GET", "/api/v1/portal/records/order/abc", ""},
		{"GET", "/api/v1/portal/records/order/99999999999999999999", ""},
		{"GET", "/api/v1/portal/records/no_form/1", ""},
		{"GET", "/api/v1/portal/files/" + long, ""},
		{"GET", "/api/v1/portal/files/..%2f..%2fetc", ""},
		{"POST", "/api/v1/portal/tickets", `{"subject": ` + long},
		{"POST", "/api/v1/portal/tickets", `{"subject": {"$gt": 1}, "description": [1], "priority": null}`},
		{"POST", "/api/v1/portal/tickets", `{"sales_order": "1 OR 1=1", "subject": "x", "description": "y", "priority": "low"}`},
		{"POST", "/api/v1/portal/tickets", `null`},
		{"GET", "/api/v1/portal/sign/" + long, ""},
		{"GET", "/api/v1/portal/sign/a.b/files/c", ""},
		{"POST", "/api/v1/portal/sign/a.b", `{"name": 5}`},
		{"POST", "/api/v1/portal/login", `{"portal": "customer_portal", "email": 1}`},
		{"POST", "/api/v1/portal/login", `{"portal": "` + long + `", "email": "a@b.c", "password": "x"}`},
	} {
		res := app.Do(t, r.method, r.url, r.body, portalAs(tok))
		if res.Status >= 500 || res.Status < 400 {
			t.Errorf("%s %s: %d %s", r.method, r.url, res.Status, res.Body)
		}
		enginetest.CheckErrorShape(t, r.method+" "+r.url, res)
	}
	for _, body := range []string{`{"portal": "customer_portal", "customer": -1}`, `{"portal": "customer_portal", "customer": 1, "days": 9999}`, `{"portal": 5}`} {
		if res := app.Do(t, "POST", "/api/v1/portal/links", body, nil); res.Status >= 500 || res.Status < 400 {
			t.Errorf("POST /portal/links %s: %d %s", body, res.Status, res.Body)
		}
	}
}
