package api_test

import (
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// customerWith is the published customer form with its title changed, as a
// draft body: two analysts each make their own.
func customerWith(t *testing.T, app *enginetest.App, title string) string {
	t.Helper()
	var live struct {
		Definition map[string]any `json:"definition"`
	}
	app.Expect(t, 200, "GET", "/api/v1/forms/customer", "", nil).JSON(t, &live)
	live.Definition["title"] = title
	return enginetest.JSONString(t, live.Definition)
}

func withHeader(h map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for hk, hv := range h {
		out[hk] = hv
	}
	return out
}

// TestTwoAnalystsEditOneForm: Ann and Bob open the customer form at once.
// Whoever saves or publishes second is told what happened and by whom,
// instead of silently overwriting the other's work.
func TestTwoAnalystsEditOneForm(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ann := app.NewUser(t, enginetest.UserSpec{Email: "ann@example.com", Name: "Ann Analyst", Roles: []string{"admin"}})
		bob := app.NewUser(t, enginetest.UserSpec{Email: "bob@example.com", Name: "Bob Builder", Roles: []string{"admin"}})

		// Both start from published version 1, with no draft.
		annSaved := app.Expect(t, 201, "POST", "/api/v1/definitions", customerWith(t, app, "Clients (Ann)"),
			withHeader(ann.Headers(), "If-None-Match", "*"))
		annTag := annSaved.Headers["Etag"]
		if !strings.HasPrefix(annTag, `"d-`) {
			t.Fatalf("a saved draft has ETag %q", annTag)
		}
		enginetest.APIScenario{Name: "Bob also started from the published version", Method: "POST", URL: "/api/v1/definitions",
			Body: customerWith(t, app, "Clients (Bob)"), Headers: withHeader(bob.Headers(), "If-None-Match", "*"),
			ExpectedStatus: 409, ExpectedCode: "conflict", ExpectedContent: []string{"Ann Analyst saved a newer draft of form/customer"}}.Test(t, app)

		// Bob reloads Ann's draft and saves on top of it.
		read := app.Expect(t, 200, "GET", "/api/v1/definitions/form/customer/draft", "", bob.Headers())
		if read.Headers["Etag"] != annTag {
			t.Fatalf("the draft reads with ETag %q, saved with %q", read.Headers["Etag"], annTag)
		}
		bobSaved := app.Expect(t, 201, "POST", "/api/v1/definitions", customerWith(t, app, "Clients (Bob)"),
			withHeader(bob.Headers(), "If-Match", annTag))
		enginetest.APIScenario{Name: "Ann saves over Bob's draft", Method: "POST", URL: "/api/v1/definitions",
			Body: customerWith(t, app, "Clients (Ann again)"), Headers: withHeader(ann.Headers(), "If-Match", annTag),
			ExpectedStatus: 409, ExpectedCode: "conflict", ExpectedContent: []string{"Bob Builder saved a newer draft"}}.Test(t, app)

		// Bob publishes; Ann's publish made on version 1 is refused.
		app.Expect(t, 200, "POST", "/api/v1/definitions/form/customer/publish", `{"base_version": 1}`, bob.Headers())
		enginetest.APIScenario{Name: "Ann publishes on version 1", Method: "POST", URL: "/api/v1/definitions/form/customer/publish",
			Body: `{"base_version": 1}`, Headers: ann.Headers(), ExpectedStatus: 409, ExpectedCode: "conflict",
			ExpectedContent: []string{"Bob Builder published version 2 of form/customer", "after you opened version 1"}}.Test(t, app)
		enginetest.APIScenario{Name: "Ann rolls back on version 1", Method: "POST", URL: "/api/v1/definitions/form/customer/rollback",
			Body: `{"version": 1, "base_version": 1}`, Headers: ann.Headers(), ExpectedStatus: 409, ExpectedCode: "conflict"}.Test(t, app)
		if v := app.Expect(t, 200, "GET", "/api/v1/forms/customer", "", nil).Map(t)["title"]; v != "Clients (Bob)" {
			t.Errorf("after the refused publish the live title is %v", v)
		}
		// Having reloaded, she may.
		app.Expect(t, 200, "POST", "/api/v1/definitions/form/customer/rollback", `{"version": 1, "base_version": 2}`, ann.Headers())

		// A saved draft's tag is what the next read gives.
		if got := app.Expect(t, 200, "GET", "/api/v1/definitions/form/customer/draft", "", nil).Headers["Etag"]; got != bobSaved.Headers["Etag"] {
			t.Errorf("draft ETag %q, last saved %q", got, bobSaved.Headers["Etag"])
		}
		for _, s := range []enginetest.APIScenario{
			{Name: "a tag that is not a draft's", Method: "POST", URL: "/api/v1/definitions", Body: customerWith(t, app, "X"),
				Headers: map[string]string{"If-Match": `"3"`}, ExpectedStatus: 400, ExpectedPaths: []string{"/If-Match"}},
			{Name: "If-None-Match other than *", Method: "POST", URL: "/api/v1/definitions", Body: customerWith(t, app, "X"),
				Headers: map[string]string{"If-None-Match": `"d-1"`}, ExpectedStatus: 400, ExpectedPaths: []string{"/If-None-Match"}},
			{Name: "a negative base version", Method: "POST", URL: "/api/v1/definitions/form/customer/publish",
				Body: `{"base_version": -1}`, ExpectedStatus: 400, ExpectedPaths: []string{"/base_version"}},
			{Name: "a base version in words", Method: "POST", URL: "/api/v1/definitions/form/customer/publish",
				Body: `{"base_version": "two"}`, ExpectedStatus: 400, ExpectedPaths: []string{"/base_version"}},
			{Name: "a new form someone else published first", Method: "POST", URL: "/api/v1/definitions/form/customer/publish",
				Body: `{"base_version": 0}`, ExpectedStatus: 409, ExpectedContent: []string{"after you started it"}},
		} {
			s.Test(t, app)
		}
	})
}

// TestValidateUnsavedText: the studio checks the text being edited without
// saving it, so compile errors show as the analyst types.
func TestValidateUnsavedText(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		saved := app.Expect(t, 201, "POST", "/api/v1/definitions", customerWith(t, app, "Clients"), nil)
		broken := `{"kind": "form", "key": "customer", "title": "Clients", "fields": [
			{"key": "name", "type": "text", "label": "Name"},
			{"key": "shout", "type": "formula", "label": "Shout", "formula": "upper(name) +", "result": "text"}]}`
		r := app.Expect(t, 200, "POST", "/api/v1/definitions/form/customer/validate", broken, nil)
		conforms(t, "ValidationResult", r.Body)
		var v struct {
			Valid    bool                     `json:"valid"`
			Problems []enginetest.ErrorDetail `json:"problems"`
		}
		r.JSON(t, &v)
		if v.Valid || len(v.Problems) != 1 || v.Problems[0].Path != "/fields/1/formula" || v.Problems[0].Column < 1 {
			t.Errorf("validating a broken formula: %s", r.Body)
		}
		if tag := app.Expect(t, 200, "GET", "/api/v1/definitions/form/customer/draft", "", nil).Headers["Etag"]; tag != saved.Headers["Etag"] {
			t.Errorf("validating a text changed the saved draft")
		}
		good := strings.Replace(broken, `upper(name) +`, `upper(name) + \"!\"`, 1)
		var ok struct {
			Valid        bool `json:"valid"`
			RecordSchema struct {
				Properties map[string]any `json:"properties"`
				Computed   []string       `json:"x-computed"`
			} `json:"record_schema"`
		}
		okResp := app.Expect(t, 200, "POST", "/api/v1/definitions/form/customer/validate", good, nil)
		conforms(t, "ValidationResult", okResp.Body)
		okResp.JSON(t, &ok)
		if !ok.Valid || ok.RecordSchema.Properties["name"] == nil || len(ok.RecordSchema.Computed) != 1 || ok.RecordSchema.Computed[0] != "shout" {
			t.Errorf("validating a good text: %s", okResp.Body)
		}
		if strings.Contains(r.Body, "record_schema") {
			t.Errorf("a text that does not compile has a record schema: %s", r.Body)
		}
		// A form never published yet is checked as well.
		fresh := `{"kind": "form", "key": "visit", "title": "Visit", "fields": [{"key": "visit_date", "type": "date", "label": "When"}]}`
		if v := app.Expect(t, 200, "POST", "/api/v1/definitions/form/visit/validate", fresh, nil).Map(t); v["valid"] != true {
			t.Errorf("validating a new form: %v", v)
		}
		for _, s := range []enginetest.APIScenario{
			{Name: "a text of another definition", Method: "POST", URL: "/api/v1/definitions/form/customer/validate",
				Body: fresh, ExpectedStatus: 422, ExpectedPaths: []string{"/key"}},
			{Name: "not an object", Method: "POST", URL: "/api/v1/definitions/form/customer/validate",
				Body: `[1]`, ExpectedStatus: 400},
			{Name: "not JSON", Method: "POST", URL: "/api/v1/definitions/form/customer/validate",
				Body: `{"kind": `, ExpectedStatus: 400},
		} {
			s.Test(t, app)
		}
	})
}
