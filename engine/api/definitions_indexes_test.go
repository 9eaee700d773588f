package api_test

import (
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// TestFormIndexMistakes checks a form's declared indexes are refused with
// the pointer of the mistake: by the schema (shape) and by the compiler
// (what the fields are), on import as on publish.
func TestFormIndexMistakes(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		form := func(indexes string) string {
			return `{"definitions": [{"kind": "form", "key": "visit", "title": "Visit", "fields": [
				{"key": "visited_on", "type": "date", "label": "When"},
				{"key": "notes", "type": "long_text", "label": "Notes"},
				{"key": "tags", "type": "multi_select", "label": "Tags", "options": [{"value": "a", "label": "A"}]}],
				"indexes": ` + indexes + `}]}`
		}
		for _, s := range []enginetest.APIScenario{
			{Name: "a field twice", Body: form(`[{"fields": ["visited_on", "visited_on"]}]`),
				ExpectedPaths: []string{"/form/visit/indexes/0/fields"}},
			{Name: "five fields", Body: form(`[{"fields": ["visited_on", "owner", "created_at", "updated_at", "flow_status"]}]`),
				ExpectedPaths: []string{"/form/visit/indexes/0/fields"}},
			{Name: "unknown property", Body: form(`[{"fields": ["visited_on"], "desc": true}]`),
				ExpectedPaths: []string{"/form/visit/indexes/0/desc"}},
			{Name: "unknown and unindexable fields", Body: form(`[{"fields": ["visited_on", "where"]}, {"fields": ["notes"]}, {"fields": ["tags", "visited_on"]}]`),
				ExpectedPaths: []string{"/form/visit/indexes/0/fields/1", "/form/visit/indexes/1/fields/0", "/form/visit/indexes/2/fields/0"}},
			{Name: "the same index twice", Body: form(`[{"fields": ["owner", "visited_on"]}, {"fields": ["owner", "visited_on"]}]`),
				ExpectedPaths: []string{"/form/visit/indexes/1"}},
		} {
			s.Method, s.URL = "POST", "/api/v1/definitions/import"
			s.ExpectedStatus, s.ExpectedCode = 422, "validation_failed"
			s.Test(t, app)
		}
		enginetest.APIScenario{Name: "nothing was published", Method: "GET", URL: "/api/v1/forms/visit",
			ExpectedStatus: 404}.Test(t, app)
		enginetest.APIScenario{Name: "a good index", Method: "POST", URL: "/api/v1/definitions/import",
			Body: form(`[{"fields": ["owner", "visited_on"]}]`), ExpectedStatus: 200}.Test(t, app)

		// A unique index the stored records already break is refused, and the
		// form stays as it was.
		for range 2 {
			app.Expect(t, 201, "POST", "/api/v1/forms/visit/records", `{"visited_on": "2026-05-01"}`, nil)
		}
		enginetest.APIScenario{Name: "a unique index the records break", Method: "POST", URL: "/api/v1/definitions/import",
			Body: form(`[{"fields": ["owner", "visited_on"], "unique": true}]`), ExpectedStatus: 422, ExpectedCode: "validation_failed",
			ExpectedPaths: []string{"/form/visit/indexes/0"}, ExpectedContent: []string{"migration_unique_violated", "owner, visited_on"}}.Test(t, app)
		enginetest.APIScenario{Name: "the refused index left the form alone", Method: "GET", URL: "/api/v1/forms/visit",
			ExpectedStatus: 200, ExpectedContent: []string{`"version":1`}}.Test(t, app)
	})
}
