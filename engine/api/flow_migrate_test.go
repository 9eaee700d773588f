package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// creditCheckV2 is version 2 of the fixture's flow: the finance director's
// step is now called "director" and is followed by the general manager's.
const creditCheckV2 = `{"kind": "flow", "key": "credit_check", "title": "Credit check", "form": "customer",
	"triggers": [{"on": "submit"}],
	"nodes": [
		{"id": "start", "type": "start", "next": "route"},
		{"id": "route", "type": "branch", "branches": [{"when": "credit_limit >= 100000", "next": "director"}], "default": "director"},
		{"id": "director", "type": "approval", "title": "Finance director", "next": "tell",
		 "approval": {"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}],
		  "editable": ["notes"], "reject_comment_required": true}},
		{"id": "tell", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"checked\""}}], "next": "done"},
		{"id": "done", "type": "end"}]}`

func TestMigrateAPI(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := newFlowFixture(t, app)
		publishFlowDef(t, app, creditCheckV2)
		url := "/api/v1/flows/credit_check/migrate"
		body := func(extra string) string {
			return fmt.Sprintf(`{"instances": [%d], "to_version": 2%s}`, fx.instance, extra)
		}
		rows := []enginetest.APIScenario{
			{Name: "no token", Method: "POST", URL: url, Body: body(""), Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401},
			{Name: "not an admin", Method: "POST", URL: url, Body: body(""), Headers: fx.fd.Headers(), ExpectedStatus: 403},
			{Name: "the submitter", Method: "POST", URL: url, Body: body(""), Headers: fx.rep.Headers(), ExpectedStatus: 403},
			{Name: "unknown flow", Method: "POST", URL: "/api/v1/flows/nope/migrate", Body: body(""), ExpectedStatus: 404},
			{Name: "no body", Method: "POST", URL: url, ExpectedStatus: 400},
			{Name: "not JSON", Method: "POST", URL: url, Body: `{"instances":`, ExpectedStatus: 400},
			{Name: "a list", Method: "POST", URL: url, Body: `[]`, ExpectedStatus: 400},
			{Name: "unknown property", Method: "POST", URL: url, Body: body(`, "force": true`), ExpectedStatus: 400, ExpectedPaths: []string{"/force"}},
			{Name: "instances not a list", Method: "POST", URL: url, Body: `{"instances": 1, "to_version": 2}`, ExpectedStatus: 400, ExpectedPaths: []string{"/instances"}},
			{Name: "an instance id as text", Method: "POST", URL: url, Body: `{"instances": ["1"], "to_version": 2}`, ExpectedStatus: 400},
			{Name: "version as text", Method: "POST", URL: url, Body: fmt.Sprintf(`{"instances": [%d], "to_version": "2"}`, fx.instance), ExpectedStatus: 400, ExpectedPaths: []string{"/to_version"}},
			{Name: "version too large", Method: "POST", URL: url, Body: fmt.Sprintf(`{"instances": [%d], "to_version": 1e40}`, fx.instance), ExpectedStatus: 400},
			{Name: "mapping not an object", Method: "POST", URL: url, Body: body(`, "mapping": ["fd"]`), ExpectedStatus: 400},
			{Name: "mapping to a number", Method: "POST", URL: url, Body: body(`, "mapping": {"fd": 1}`), ExpectedStatus: 400},
			{Name: "dry_run not a boolean", Method: "POST", URL: url, Body: body(`, "dry_run": "yes"`), ExpectedStatus: 400, ExpectedPaths: []string{"/dry_run"}},
			{Name: "no instances", Method: "POST", URL: url, Body: `{"instances": [], "to_version": 2}`, ExpectedStatus: 422, ExpectedPaths: []string{"/instances"}},
			{Name: "no version", Method: "POST", URL: url, Body: fmt.Sprintf(`{"instances": [%d]}`, fx.instance), ExpectedStatus: 422, ExpectedPaths: []string{"/to_version"}},
			{Name: "a version not published", Method: "POST", URL: url, Body: fmt.Sprintf(`{"instances": [%d], "to_version": 9}`, fx.instance), ExpectedStatus: 422,
				ExpectedPaths: []string{"/to_version"}},
			{Name: "the version it runs on", Method: "POST", URL: url, Body: fmt.Sprintf(`{"instances": [%d], "to_version": 1}`, fx.instance), ExpectedStatus: 422,
				ExpectedPaths: []string{"/instances/0"}},
			{Name: "an instance that does not exist", Method: "POST", URL: url, Body: `{"instances": [999999], "to_version": 2}`, ExpectedStatus: 422,
				ExpectedPaths: []string{"/instances/0"}, ExpectedContent: []string{"flow_unknown_instance"}},
			{Name: "a mapping to a node v2 lacks", Method: "POST", URL: url, Body: body(`, "mapping": {"fd": "nowhere"}`), ExpectedStatus: 422,
				ExpectedPaths: []string{"/mapping/fd"}, ExpectedContent: []string{"nowhere"}},
			{Name: "a mapping to an action", Method: "POST", URL: url, Body: body(`, "mapping": {"fd": "tell"}`), ExpectedStatus: 422,
				ExpectedPaths: []string{"/mapping/fd"}, ExpectedContent: []string{"flow_incompatible_node"}},
			{Name: "the node v2 lacks, unmapped, is named", Method: "POST", URL: url, Body: body(""), ExpectedStatus: 422,
				ExpectedCode: "validation_failed", ExpectedPaths: []string{"/mapping/fd"}, ExpectedContent: []string{"flow_unmapped_node", `\"fd\"`}},
			{Name: "the same, in a dry run, is a report", Method: "POST", URL: url, Body: body(`, "dry_run": true`), ExpectedStatus: 200,
				ExpectedContent: []string{`"ready":false`, `"path":"/mapping/fd"`}},
			{Name: "a comment too long", Method: "POST", URL: url, Body: body(fmt.Sprintf(`, "comment": %q`, strings.Repeat("x", 5000))), ExpectedStatus: 422,
				ExpectedPaths: []string{"/comment"}},
		}
		runRows(t, app, rows)

		mapped := body(`, "mapping": {"fd": "director"}, "comment": "renamed step"`)
		dry := app.Expect(t, 200, "POST", url, strings.Replace(mapped, `"comment"`, `"dry_run": true, "comment"`, 1), nil)
		conforms(t, "MigrationReport", dry.Body)
		if !strings.Contains(dry.Body, `"ready":true`) || !strings.Contains(dry.Body, `"to":"director"`) || !strings.Contains(dry.Body, `"outcome":"kept"`) {
			t.Errorf("dry run: %s", dry.Body)
		}
		inst := fmt.Sprintf("/api/v1/flows/instances/%d", fx.instance)
		if v := app.Expect(t, 200, "GET", inst, "", nil).Body; !strings.Contains(v, `"flow_version":1`) || strings.Contains(v, `"migrated"`) {
			t.Fatalf("the dry run wrote: %s", v)
		}

		conforms(t, "MigrationReport", app.Expect(t, 200, "POST", url, mapped, nil).Body)
		var v engine.InstanceView
		app.Expect(t, 200, "GET", inst, "", fx.rep.Headers()).JSON(t, &v)
		conforms(t, "FlowInstance", enginetest.JSONString(t, v))
		last := v.Steps[len(v.Steps)-1]
		if v.FlowVersion != 2 || last.Kind != "migrated" || !strings.Contains(string(last.Data), `"fd":"director"`) || v.Current[0].Node != "director" {
			t.Fatalf("the submitter's timeline after the move: v%d, at %v, last step %s %s", v.FlowVersion, v.Current, last.Kind, last.Data)
		}
		audit := app.Expect(t, 200, "GET", "/api/v1/admin/audit?target_kind=flow&target_key=credit_check&action=flow.migrate", "", nil)
		if !strings.Contains(audit.Body, `"from_version":1`) || !strings.Contains(audit.Body, `"fd":"director"`) {
			t.Errorf("the move is not audited: %s", audit.Body)
		}

		// The task followed: the finance director decides it on version 2,
		// whose next step sets the notes.
		app.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/tasks/%d/decide", fx.task), `{"decision": "approve"}`, fx.fd.Headers())
		if rec := getRecord(t, app, "customer", fx.record); rec["notes"] != "checked" || rec["flow_status"] != "approved" {
			t.Errorf("after the decision on v2: notes %v, status %v", rec["notes"], rec["flow_status"])
		}
		runRows(t, app, []enginetest.APIScenario{
			{Name: "a finished instance", Method: "POST", URL: url, Body: mapped, ExpectedStatus: 422, ExpectedPaths: []string{"/instances/0"},
				ExpectedContent: []string{"flow_instance_ended"}},
		})
	})
}
