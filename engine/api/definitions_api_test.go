package api_test

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// orderDefinition returns the published order form of version v as a
// decoded document to edit.
func orderDefinition(t *testing.T, app *enginetest.App, v int) map[string]any {
	t.Helper()
	var out struct {
		Definition map[string]any `json:"definition"`
	}
	r := app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/forms/order/versions/%d", v), "", nil)
	conforms(t, "FormVersion", r.Body)
	r.JSON(t, &out)
	if out.Definition == nil {
		t.Fatalf("version %d of the order form has no definition", v)
	}
	return out.Definition
}

// fieldKeys lists the keys of a definition's fields.
func fieldKeys(def map[string]any) []string {
	var keys []string
	for _, f := range def["fields"].([]any) {
		keys = append(keys, f.(map[string]any)["key"].(string))
	}
	return keys
}

// withoutField returns def's fields without key.
func withoutField(def map[string]any, key string) []any {
	var out []any
	for _, f := range def["fields"].([]any) {
		if f.(map[string]any)["key"] != key {
			out = append(out, f)
		}
	}
	return out
}

// dropFromLayout takes key out of the sections of def's layout, which may
// name only the form's fields.
func dropFromLayout(def map[string]any, key string) {
	layout, _ := def["layout"].(map[string]any)
	sections, _ := layout["sections"].([]any)
	for _, s := range sections {
		sec := s.(map[string]any)
		keep := []any{}
		for _, k := range sec["fields"].([]any) {
			if k != key {
				keep = append(keep, k)
			}
		}
		sec["fields"] = keep
	}
}

// saveDraft posts def as a draft and fails unless it is valid.
func saveDraft(t *testing.T, app *enginetest.App, def map[string]any) {
	t.Helper()
	resp := app.Expect(t, 201, "POST", "/api/v1/definitions", enginetest.JSONString(t, def), nil)
	conforms(t, "DraftSaved", resp.Body)
	r := resp.Map(t)
	if r["valid"] != true {
		t.Fatalf("draft is not valid: %v", r["problems"])
	}
}

type publishResult struct {
	Version   int  `json:"version"`
	Unchanged bool `json:"unchanged"`
	Steps     []struct {
		Op          string `json:"op"`
		Field       string `json:"field"`
		Destructive bool   `json:"destructive"`
		Loses       int    `json:"loses"`
	} `json:"steps"`
}

func (p publishResult) ops() []string {
	var out []string
	for _, s := range p.Steps {
		out = append(out, s.Op+":"+s.Field)
	}
	return out
}

func TestPublishWhileRecordsExist(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := seed(t, app)
		app.Expect(t, 200, "PATCH", recordURL("order", fx.Order), `{"notes": "fragile"}`, nil)
		before := exact(t, app.Expect(t, 200, "GET", recordURL("order", fx.Order), "", nil))

		// v2 adds a field while the order exists.
		v1 := orderDefinition(t, app, 1)
		def := orderDefinition(t, app, 1)
		def["fields"] = append(def["fields"].([]any), map[string]any{"key": "priority", "type": "select", "label": "Priority",
			"index": true, "options": []any{map[string]any{"value": "high", "label": "High"}, map[string]any{"value": "low", "label": "Low"}}})
		saveDraft(t, app, def)
		checkDraftListed(t, app)
		checkDiff(t, app, "added", "priority", "add_column:priority", false)
		var pub publishResult
		pubResp := app.Expect(t, 200, "POST", "/api/v1/definitions/form/order/publish", `{"note": "add priority"}`, nil)
		conforms(t, "PublishResult", pubResp.Body)
		pubResp.JSON(t, &pub)
		if pub.Version != 2 || !slices.Contains(pub.ops(), "add_column:priority") || !slices.Contains(pub.ops(), "add_index:priority") {
			t.Fatalf("publish v2 = %+v, want version 2 adding the priority column and its index", pub)
		}

		// The live form changed without a restart; the old record reads as before.
		var live struct {
			Version    int            `json:"version"`
			Definition map[string]any `json:"definition"`
		}
		liveResp := app.Expect(t, 200, "GET", "/api/v1/forms/order", "", nil)
		conforms(t, "FormDetail", liveResp.Body)
		liveResp.JSON(t, &live)
		if live.Version != 2 || !slices.Contains(fieldKeys(live.Definition), "priority") {
			t.Errorf("live order form is version %d with fields %v", live.Version, fieldKeys(live.Definition))
		}
		after := exact(t, readAfterPublish(t, app, recordURL("order", fx.Order)))
		readAfterPublish(t, app, listURL("order"))
		for _, k := range []string{"number", "amount", "subtotal", "notes", "customer", "order_date"} {
			if fmt.Sprint(after[k]) != fmt.Sprint(before[k]) {
				t.Errorf("after publishing, %s = %v, was %v", k, after[k], before[k])
			}
		}
		wantAt(t, "new field on an old record", after, "<nil>", "priority")
		wantAt(t, "old record", after, "1", "form_version")
		upd := exact(t, app.Expect(t, 200, "PATCH", recordURL("order", fx.Order), `{"priority": "high"}`, nil))
		wantAt(t, "new field written", upd, "high", "priority")
		wantAt(t, "new field written", upd, "2", "form_version")
		enginetest.APIScenario{Name: "new field checks its options", Method: "PATCH", URL: recordURL("order", fx.Order),
			Body: `{"priority": "urgent"}`, ExpectedStatus: 422, ExpectedPaths: []string{"/priority"}}.Test(t, app)
		var found listPage
		app.Expect(t, 200, "GET", listURL("order", "filter", `priority == "high"`), "", nil).JSON(t, &found)
		if len(found.Items) != 1 {
			t.Errorf("filter on the new field found %d orders, want 1", len(found.Items))
		}

		// Old versions stay readable as they were published.
		if got := fieldKeys(orderDefinition(t, app, 1)); slices.Contains(got, "priority") || !slices.Equal(got, fieldKeys(v1)) {
			t.Errorf("version 1 now has fields %v", got)
		}
		var again publishResult
		againResp := app.Expect(t, 200, "POST", "/api/v1/definitions/form/order/publish", "", nil)
		conforms(t, "PublishResult", againResp.Body)
		againResp.JSON(t, &again)
		if !again.Unchanged || again.Version != 2 {
			t.Errorf("publishing the same draft again = %+v, want unchanged version 2", again)
		}

		checkDestructive(t, app, fx)
		checkRollback(t, app, fx)
		checkVersions(t, app, []string{"rollback to version 2", "remove notes", "add priority", ""})
	})
}

// readAfterPublish reads url right after a publish changed the table behind
// it. The first read must succeed: no restart, no retry. When it does not,
// the failure is reported and the read repeated so the rest of the test runs.
func readAfterPublish(t *testing.T, app *enginetest.App, url string) enginetest.Response {
	t.Helper()
	r := app.Do(t, "GET", url, "", nil)
	if r.Status != 200 {
		t.Errorf("first GET %s after a publish: status %d, want 200; body: %.300s", url, r.Status, r.Body)
		r = app.Expect(t, 200, "GET", url, "", nil)
	}
	return r
}

func checkDraftListed(t *testing.T, app *enginetest.App) {
	t.Helper()
	var defs struct {
		Items []struct {
			Kind          string `json:"kind"`
			Key           string `json:"key"`
			LatestVersion int    `json:"latest_version"`
			HasDraft      bool   `json:"has_draft"`
		} `json:"items"`
	}
	defsResp := app.Expect(t, 200, "GET", "/api/v1/definitions", "", nil)
	conformsEach(t, "DefinitionInfo", defsResp.Body)
	defsResp.JSON(t, &defs)
	var seen []string
	for _, d := range defs.Items {
		seen = append(seen, fmt.Sprintf("%s/%s v%d draft=%v", d.Kind, d.Key, d.LatestVersion, d.HasDraft))
	}
	var want []string
	for _, p := range exampleExportPaths(t) {
		kind, file, _ := strings.Cut(p, "s/")
		key := strings.TrimSuffix(file, ".json")
		want = append(want, fmt.Sprintf("%s/%s v1 draft=%v", kind, key, kind == "form" && key == "order"))
	}
	if !slices.Equal(seen, want) {
		t.Errorf("definitions = %v, want %v", seen, want)
	}
	draft := app.Expect(t, 200, "GET", "/api/v1/definitions/form/order/draft", "", nil).Map(t)
	if !slices.Contains(fieldKeys(draft), "priority") {
		t.Errorf("the draft read back lacks the new field: %v", fieldKeys(draft))
	}
	vResp := app.Expect(t, 200, "POST", "/api/v1/definitions/form/order/validate", "", nil)
	conforms(t, "ValidationResult", vResp.Body)
	v := vResp.Map(t)
	if v["valid"] != true {
		t.Errorf("validate = %v", v)
	}
}

// checkDiff asks for the diff of the order draft and checks it names field
// with change and includes step ("op:field").
func checkDiff(t *testing.T, app *enginetest.App, change, field, step string, destructive bool) map[string]any {
	t.Helper()
	var d struct {
		FromVersion int `json:"from_version"`
		Fields      []struct {
			Key    string `json:"key"`
			Change string `json:"change"`
		} `json:"fields"`
		publishResult
		Destructive bool `json:"destructive"`
	}
	r := app.Expect(t, 200, "GET", "/api/v1/definitions/form/order/diff", "", nil)
	conforms(t, "Diff", r.Body)
	r.JSON(t, &d)
	if len(d.Fields) != 1 || d.Fields[0].Key != field || d.Fields[0].Change != change {
		t.Errorf("diff fields = %+v, want %s %s only", d.Fields, field, change)
	}
	if !slices.Contains(d.ops(), step) || d.Destructive != destructive {
		t.Errorf("diff steps = %v destructive %v, want %s destructive %v", d.ops(), d.Destructive, step, destructive)
	}
	return r.Map(t)
}

// checkDestructive removes a field that holds data: refused, then done with
// allow_destructive.
func checkDestructive(t *testing.T, app *enginetest.App, fx fixture) {
	t.Helper()
	def := orderDefinition(t, app, 2)
	def["fields"] = withoutField(def, "notes")
	dropFromLayout(def, "notes")
	saveDraft(t, app, def)
	diff := checkDiff(t, app, "removed", "notes", "drop_column:notes", true)
	if !strings.Contains(enginetest.JSONString(t, diff), `"loses":1`) {
		t.Errorf("diff does not say one stored value would be lost: %v", diff["steps"])
	}
	enginetest.APIScenario{Name: "destructive publish", Method: "POST", URL: "/api/v1/definitions/form/order/publish",
		Body: `{"note": "remove notes"}`, ExpectedStatus: 422, ExpectedCode: "validation_failed",
		ExpectedContent: []string{"migration_destructive", "remove column notes", "1 stored value(s) would be lost", "allow_destructive"},
	}.Test(t, app)
	wantAt(t, "after the refused publish", getRecord(t, app, "order", fx.Order), "fragile", "notes")
	if v := app.Expect(t, 200, "GET", "/api/v1/forms/order", "", nil).Map(t)["version"]; v != 2.0 {
		t.Errorf("a refused publish changed the live version to %v", v)
	}

	var pub publishResult
	app.Expect(t, 200, "POST", "/api/v1/definitions/form/order/publish", `{"note": "remove notes", "allow_destructive": true}`, nil).JSON(t, &pub)
	if pub.Version != 3 || !slices.Contains(pub.ops(), "drop_column:notes") {
		t.Fatalf("destructive publish = %+v", pub)
	}
	rec := readAfterPublish(t, app, recordURL("order", fx.Order)).Map(t)
	readAfterPublish(t, app, listURL("order"))
	if _, ok := rec["notes"]; ok {
		t.Errorf("notes is still shown after it was removed: %v", rec["notes"])
	}
	wantAt(t, "after removing notes", rec, "high", "priority")
	enginetest.APIScenario{Name: "writing a removed field", Method: "PATCH", URL: recordURL("order", fx.Order),
		Body: `{"notes": "x"}`, ExpectedStatus: 422, ExpectedPaths: []string{"/notes"}}.Test(t, app)
}

// checkRollback rolls the order form back: to v1 would lose the priorities
// and is refused; to v2 brings notes back (empty).
func checkRollback(t *testing.T, app *enginetest.App, fx fixture) {
	t.Helper()
	enginetest.APIScenario{Name: "destructive rollback", Method: "POST", URL: "/api/v1/definitions/form/order/rollback",
		Body: `{"version": 1}`, ExpectedStatus: 422, ExpectedCode: "validation_failed",
		ExpectedContent: []string{"remove column priority", "1 stored value(s) would be lost"}}.Test(t, app)
	var pub publishResult
	app.Expect(t, 200, "POST", "/api/v1/definitions/form/order/rollback", `{"version": 2}`, nil).JSON(t, &pub)
	if pub.Version != 4 || !slices.Contains(pub.ops(), "add_column:notes") {
		t.Fatalf("rollback to v2 = %+v", pub)
	}
	rec := readAfterPublish(t, app, recordURL("order", fx.Order)).Map(t)
	readAfterPublish(t, app, listURL("order"))
	wantAt(t, "after rollback", rec, "<nil>", "notes")
	wantAt(t, "after rollback", rec, "high", "priority")
	wantAt(t, "after rollback", rec, "2794.49", "amount")
	app.Expect(t, 200, "PATCH", recordURL("order", fx.Order), `{"notes": "back again"}`, nil)
}

func checkVersions(t *testing.T, app *enginetest.App, notes []string) {
	t.Helper()
	var vs struct {
		Items []struct {
			Version     int    `json:"version"`
			Note        string `json:"note"`
			PublishedAt string `json:"published_at"`
		} `json:"items"`
	}
	vsResp := app.Expect(t, 200, "GET", "/api/v1/definitions/form/order/versions", "", nil)
	conformsEach(t, "DefinitionVersion", vsResp.Body)
	vsResp.JSON(t, &vs)
	var got []string
	for i, v := range vs.Items {
		got = append(got, v.Note)
		if v.Version != len(notes)-i || v.PublishedAt == "" {
			t.Errorf("version entry %d = %+v", i, v)
		}
	}
	if !slices.Equal(got, notes) {
		t.Errorf("version notes = %q, want %q", got, notes)
	}
	var one struct {
		Version    int            `json:"version"`
		Definition map[string]any `json:"definition"`
	}
	oneResp := app.Expect(t, 200, "GET", "/api/v1/definitions/form/order/versions/3", "", nil)
	conforms(t, "DefinitionVersionDetail", oneResp.Body)
	oneResp.JSON(t, &one)
	if one.Version != 3 || slices.Contains(fieldKeys(one.Definition), "notes") {
		t.Errorf("version 3 = v%d with fields %v", one.Version, fieldKeys(one.Definition))
	}
}

func TestDefinitionMistakes(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		// A multi-line formula with a mistake on its second line.
		def := `{"kind": "form", "key": "offer", "title": "Offer", "fields": [
			{"key": "qty", "type": "integer", "label": "Qty"},
			{"key": "total", "type": "formula", "label": "Total", "formula": "qty *\n  (price + )"}]}`
		saved := app.Expect(t, 201, "POST", "/api/v1/definitions", def, nil)
		var draft struct {
			Valid    bool                     `json:"valid"`
			Problems []enginetest.ErrorDetail `json:"problems"`
		}
		saved.JSON(t, &draft)
		if draft.Valid || len(draft.Problems) != 1 {
			t.Fatalf("saving a broken draft: %s", saved.Body)
		}
		p := draft.Problems[0]
		if p.Path != "/fields/1/formula" || p.Code != "definition_invalid_expression" || p.Line != 2 || p.Column < 1 {
			t.Errorf("formula problem = %+v, want /fields/1/formula at line 2", p)
		}
		v := app.Expect(t, 200, "POST", "/api/v1/definitions/form/offer/validate", "", nil)
		if !strings.Contains(v.Body, `"valid":false`) || !strings.Contains(v.Body, `"line":2`) {
			t.Errorf("validate: %s", v.Body)
		}
		r := enginetest.APIScenario{Name: "publish a broken draft", Method: "POST", URL: "/api/v1/definitions/form/offer/publish",
			ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{"/form/offer/fields/1/formula"}}.Test(t, app)
		if e, ok := enginetest.DecodeError(r); ok {
			if d := e.Detail("/form/offer/fields/1/formula"); d != nil && (d.Line != p.Line || d.Column != p.Column) {
				t.Errorf("publish reports the formula at %d:%d, the draft at %d:%d", d.Line, d.Column, p.Line, p.Column)
			}
		}
		enginetest.APIScenario{Name: "the broken form was not published", Method: "GET", URL: "/api/v1/forms/offer",
			ExpectedStatus: 404, ExpectedCode: "not_found"}.Test(t, app)

		// Several mistakes in one import are all reported, and nothing is published.
		bad := `{"definitions": [
			{"kind": "form", "key": "prospect", "title": "Prospect", "fields": [
				{"key": "company", "type": "relation", "label": "Company", "target": "company"},
				{"key": "stage", "type": "select", "label": "Stage"},
				{"key": "score", "type": "formula", "label": "Score", "formula": "missing_field * 2"}]},
			{"kind": "form", "key": "visit", "title": "Visit", "fields": [{"key": "when", "type": "date", "label": "When"}]}]}`
		enginetest.APIScenario{Name: "import with mistakes", Method: "POST", URL: "/api/v1/definitions/import", Body: bad,
			ExpectedStatus: 422, ExpectedCode: "validation_failed",
			ExpectedPaths: []string{"/form/prospect/fields/1/options"}}.Test(t, app)
		enginetest.APIScenario{Name: "all or nothing", Method: "GET", URL: "/api/v1/forms/visit",
			ExpectedStatus: 404}.Test(t, app)
		// Once the schema problems are fixed, the compiler's are reported.
		fixed := strings.Replace(bad, `"label": "Stage"}`, `"label": "Stage", "options": [{"value": "new", "label": "New"}]}`, 1)
		enginetest.APIScenario{Name: "import with compile mistakes", Method: "POST", URL: "/api/v1/definitions/import", Body: fixed,
			ExpectedStatus: 422, ExpectedCode: "validation_failed",
			ExpectedPaths: []string{"/form/prospect/fields/0/target", "/form/prospect/fields/2/formula"}}.Test(t, app)
	})
}

func TestDefinitionsImportExport(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		var exported struct {
			Items []struct {
				Path       string          `json:"path"`
				Definition json.RawMessage `json:"definition"`
			} `json:"items"`
		}
		exportResp := app.Expect(t, 200, "GET", "/api/v1/definitions/export", "", nil)
		conformsEach(t, "ExportedDefinition", exportResp.Body)
		exportResp.JSON(t, &exported)
		var paths []string
		var bodies []json.RawMessage
		for _, it := range exported.Items {
			paths = append(paths, it.Path)
			bodies = append(bodies, it.Definition)
		}
		if want := exampleExportPaths(t); !slices.Equal(paths, want) {
			t.Errorf("export paths = %v, want %v", paths, want)
		}

		if !strings.Contains(string(bodies[slices.Index(paths, "forms/order.json")]), `"amount > 100000"`) {
			t.Errorf("the exported order form does not show its expressions as written: %s", bodies[1])
		}

		// Importing the export again changes nothing.
		var res struct {
			Items []publishResult `json:"items"`
		}
		raw := make([]string, len(bodies))
		for i, b := range bodies {
			raw[i] = string(b)
		}
		app.Expect(t, 200, "POST", "/api/v1/definitions/import", `{"definitions": [`+strings.Join(raw, ",")+`]}`, nil).JSON(t, &res)
		for _, r := range res.Items {
			if !r.Unchanged || r.Version != 1 {
				t.Errorf("re-import of the export = %+v, want unchanged", r)
			}
		}

		// Two new forms linking to each other's data are published together.
		lead := `{"definitions": [
			{"kind": "form", "key": "visit", "title": "Visit", "fields": [
				{"key": "lead", "type": "relation", "label": "Lead", "target": "prospect", "required": true},
				{"key": "visited_on", "type": "date", "label": "On", "default": "today()"}]},
			{"kind": "form", "key": "prospect", "title": "Prospect", "fields": [
				{"key": "company", "type": "relation", "label": "Company", "target": "customer"},
				{"key": "budget", "type": "money", "label": "Budget"},
				{"key": "score", "type": "formula", "label": "Score", "result": "integer", "formula": "budget > 100000 ? 2 : 1"}]}]}`
		leadResp := app.Expect(t, 200, "POST", "/api/v1/definitions/import", lead, nil)
		conformsEach(t, "PublishResult", leadResp.Body)
		leadResp.JSON(t, &res)
		if len(res.Items) != 2 || res.Items[0].Version != 1 || res.Items[1].Version != 1 {
			t.Fatalf("import of lead and visit = %+v", res.Items)
		}
		l := exact(t, app.Expect(t, 201, "POST", "/api/v1/forms/prospect/records", `{"budget": "250000"}`, nil))
		wantAt(t, "prospect", l, "2", "score")
		v := exact(t, app.Expect(t, 201, "POST", "/api/v1/forms/visit/records", fmt.Sprintf(`{"lead": %v}`, l["id"]), nil))
		if at(v, "visited_on") == nil {
			t.Errorf("visit without its default date: %v", v)
		}
		var forms struct {
			Items []struct {
				Key string `json:"key"`
			} `json:"items"`
		}
		formsResp := app.Expect(t, 200, "GET", "/api/v1/forms", "", nil)
		conformsEach(t, "FormSummary", formsResp.Body)
		formsResp.JSON(t, &forms)
		var keys []string
		for _, f := range forms.Items {
			keys = append(keys, f.Key)
		}
		if !slices.Equal(keys, []string{"contract", "customer", "delivery_project", "lead", "order", "payment", "product", "prospect", "quote", "service_ticket", "visit"}) {
			t.Errorf("forms = %v", keys)
		}
	})
}

// exampleExportPaths lists where an export puts each definition of the
// example: KINDs/KEY.json, sorted.
func exampleExportPaths(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(enginetest.ExampleDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		if d.Name() == engine.SeedPlanFile {
			return nil // note: data for mosaic seed, not a definition
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var h struct{ Kind, Key string }
		if err := json.Unmarshal(b, &h); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		out = append(out, h.Kind+"s/"+h.Key+".json")
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}
