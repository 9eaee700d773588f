package api_test

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// The task actions beyond deciding, each endpoint with its bad inputs, on
// the credit check of newFlowFixture: the finance director decides what
// the rep submitted.
func TestTaskActionsAPI(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := newFlowFixture(t, app)
		rep, fd, service, nobody := fx.rep.Headers(), fx.fd.Headers(), fx.service.Headers(), fx.nobody.Headers()
		noToken := map[string]string{"Authorization": ""}
		task := fmt.Sprintf("/api/v1/tasks/%d", fx.task)
		inst := fmt.Sprintf("/api/v1/flows/instances/%d", fx.instance)
		long := strings.Repeat("x", 5000)

		runRows(t, app, []enginetest.APIScenario{
			{Name: "return: no token", Method: "POST", URL: task + "/return", Body: `{}`, Headers: noToken, ExpectedStatus: 401},
			{Name: "return: id not a number", Method: "POST", URL: "/api/v1/tasks/x/return", Body: `{}`, Headers: fd, ExpectedStatus: 404},
			{Name: "return: unknown task", Method: "POST", URL: "/api/v1/tasks/999999/return", Body: `{"to": "submitter", "comment": "x"}`, Headers: fd, ExpectedStatus: 404},
			{Name: "return: empty body", Method: "POST", URL: task + "/return", Headers: fd, ExpectedStatus: 400},
			{Name: "return: not JSON", Method: "POST", URL: task + "/return", Body: `{"to":`, Headers: fd, ExpectedStatus: 400},
			{Name: "return: unknown property", Method: "POST", URL: task + "/return", Body: `{"to": "submitter", "why": 1}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/why"}},
			{Name: "return: to not text", Method: "POST", URL: task + "/return", Body: `{"to": 5}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/to"}},
			{Name: "return: nowhere, no comment", Method: "POST", URL: task + "/return", Body: `{}`, Headers: fd, ExpectedStatus: 422,
				ExpectedCode: "validation_failed", ExpectedPaths: []string{"/to", "/comment"}},
			{Name: "return: a node without its id", Method: "POST", URL: task + "/return", Body: `{"to": "node", "comment": "x"}`, Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/node"}},
			{Name: "return: a node not passed", Method: "POST", URL: task + "/return", Body: `{"to": "node", "node": "tell", "comment": "x"}`, Headers: fd, ExpectedStatus: 422,
				ExpectedPaths: []string{"/node"}, ExpectedContent: []string{"flow_invalid_return"}},
			{Name: "return: an unknown resume", Method: "POST", URL: task + "/return", Body: `{"to": "submitter", "resume": "later", "comment": "x"}`, Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/resume"}},
			{Name: "return: a comment too long", Method: "POST", URL: task + "/return", Body: fmt.Sprintf(`{"to": "submitter", "comment": %q}`, long), Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/comment"}},
			{Name: "return: by the submitter", Method: "POST", URL: task + "/return", Body: `{"to": "submitter", "comment": "x"}`, Headers: rep, ExpectedStatus: 403},
			{Name: "return: by an outsider", Method: "POST", URL: task + "/return", Body: `{"to": "submitter", "comment": "x"}`, Headers: nobody, ExpectedStatus: 404},
			{Name: "return: a stale version", Method: "POST", URL: task + "/return", Body: `{"to": "submitter", "comment": "x", "version": 99}`, Headers: fd, ExpectedStatus: 409},
			{Name: "resubmit: an approver's task", Method: "POST", URL: task + "/resubmit", Headers: fd, ExpectedStatus: 409},
		})
		var returned engine.TaskView
		r := app.Expect(t, 200, "POST", task+"/return", `{"to": "submitter", "comment": "is the limit right?"}`, fd)
		conforms(t, "Task", r.Body)
		r.JSON(t, &returned)
		if returned.State != "returned" {
			t.Fatalf("returned task %+v", returned.FlowTask)
		}
		fix := pendingTask(t, app, rep, fx.instance)
		resubmit := fmt.Sprintf("/api/v1/tasks/%d/resubmit", fix)
		runRows(t, app, []enginetest.APIScenario{
			{Name: "return: twice", Method: "POST", URL: task + "/return", Body: `{"to": "submitter", "comment": "x"}`, Headers: fd, ExpectedStatus: 409},
			{Name: "resubmit: no token", Method: "POST", URL: resubmit, Headers: noToken, ExpectedStatus: 401},
			{Name: "resubmit: unknown task", Method: "POST", URL: "/api/v1/tasks/999999/resubmit", Headers: rep, ExpectedStatus: 404},
			{Name: "resubmit: by the approver", Method: "POST", URL: resubmit, Headers: fd, ExpectedStatus: 403},
			{Name: "resubmit: by an outsider", Method: "POST", URL: resubmit, Headers: nobody, ExpectedStatus: 404},
			{Name: "resubmit: not JSON", Method: "POST", URL: resubmit, Body: `{`, Headers: rep, ExpectedStatus: 400},
			{Name: "resubmit: unknown property", Method: "POST", URL: resubmit, Body: `{"fix": 1}`, Headers: rep, ExpectedStatus: 400, ExpectedPaths: []string{"/fix"}},
			{Name: "resubmit: changes not an object", Method: "POST", URL: resubmit, Body: `{"changes": "x"}`, Headers: rep, ExpectedStatus: 400, ExpectedPaths: []string{"/changes"}},
			{Name: "resubmit: a field the submitter may not change", Method: "POST", URL: resubmit, Body: `{"changes": {"credit_limit": "1.00"}}`, Headers: rep,
				ExpectedStatus: 403, ExpectedPaths: []string{"/credit_limit"}},
			{Name: "resubmit: a bad value", Method: "POST", URL: resubmit, Body: fmt.Sprintf(`{"changes": {"notes": %q}}`, strings.Repeat("x", 20000)), Headers: rep,
				ExpectedStatus: 422, ExpectedPaths: []string{"/notes"}},
			{Name: "decide: the submitter's resubmit task", Method: "POST", URL: fmt.Sprintf("/api/v1/tasks/%d/decide", fix), Body: `{"decision": "approve"}`, Headers: rep, ExpectedStatus: 409},
		})
		r = app.Expect(t, 200, "POST", resubmit, `{"comment": "it is", "changes": {"notes": "limit confirmed"}}`, rep)
		conforms(t, "Task", r.Body)
		if !strings.Contains(r.Body, `"state":"resubmitted"`) {
			t.Errorf("resubmitted: %s", r.Body)
		}

		again := fmt.Sprintf("/api/v1/tasks/%d", pendingTask(t, app, fd, fx.instance))
		runRows(t, app, []enginetest.APIScenario{
			{Name: "signers: no token", Method: "POST", URL: again + "/signers", Body: `{}`, Headers: noToken, ExpectedStatus: 401},
			{Name: "signers: no user", Method: "POST", URL: again + "/signers", Body: `{"position": "before"}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/user"}},
			{Name: "signers: user not a number", Method: "POST", URL: again + "/signers", Body: `{"user": "x"}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/user"}},
			{Name: "signers: no position", Method: "POST", URL: again + "/signers", Body: fmt.Sprintf(`{"user": %d}`, fx.service.ID), Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/position"}},
			{Name: "signers: nobody who exists", Method: "POST", URL: again + "/signers", Body: `{"user": 999999, "position": "after"}`, Headers: fd, ExpectedStatus: 422,
				ExpectedPaths: []string{"/user"}, ExpectedContent: []string{"flow_invalid_signer"}},
			{Name: "signers: the submitter", Method: "POST", URL: again + "/signers", Body: fmt.Sprintf(`{"user": %d, "position": "after"}`, fx.rep.ID), Headers: fd, ExpectedStatus: 422},
			{Name: "signers: by the submitter", Method: "POST", URL: again + "/signers", Body: fmt.Sprintf(`{"user": %d, "position": "after"}`, fx.service.ID), Headers: rep, ExpectedStatus: 403},
			{Name: "signers: unknown task", Method: "POST", URL: "/api/v1/tasks/999999/signers", Body: fmt.Sprintf(`{"user": %d, "position": "after"}`, fx.service.ID), Headers: fd, ExpectedStatus: 404},
		})
		r = app.Expect(t, 201, "POST", again+"/signers", fmt.Sprintf(`{"user": %d, "position": "before", "comment": "does the limit hold?"}`, fx.service.ID), fd)
		conforms(t, "Task", r.Body)
		var signer engine.TaskView
		r.JSON(t, &signer)
		if signer.Kind != "signer_before" || r.Headers["Location"] != fmt.Sprintf("/api/v1/tasks/%d", signer.ID) {
			t.Errorf("signer %s, location %q", r.Body, r.Headers["Location"])
		}
		app.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/tasks/%d/decide", signer.ID), `{"decision": "approve"}`, service)

		runRows(t, app, []enginetest.APIScenario{
			{Name: "delegate: no token", Method: "POST", URL: again + "/delegate", Body: `{}`, Headers: noToken, ExpectedStatus: 401},
			{Name: "delegate: no one named", Method: "POST", URL: again + "/delegate", Body: `{}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/to"}},
			{Name: "delegate: to nobody who exists", Method: "POST", URL: again + "/delegate", Body: `{"to": 999999}`, Headers: fd, ExpectedStatus: 422,
				ExpectedPaths: []string{"/to"}, ExpectedContent: []string{"flow_invalid_delegate"}},
			{Name: "delegate: to the submitter", Method: "POST", URL: again + "/delegate", Body: fmt.Sprintf(`{"to": %d}`, fx.rep.ID), Headers: fd, ExpectedStatus: 422},
			{Name: "delegate: unknown property", Method: "POST", URL: again + "/delegate", Body: `{"to": 1, "until": "monday"}`, Headers: fd, ExpectedStatus: 400},
			{Name: "delegate: by the submitter", Method: "POST", URL: again + "/delegate", Body: fmt.Sprintf(`{"to": %d}`, fx.service.ID), Headers: rep, ExpectedStatus: 403},
			{Name: "delegate: unknown task", Method: "POST", URL: "/api/v1/tasks/999999/delegate", Body: fmt.Sprintf(`{"to": %d}`, fx.service.ID), Headers: fd, ExpectedStatus: 404},
		})
		r = app.Expect(t, 200, "POST", again+"/delegate", fmt.Sprintf(`{"to": %d, "comment": "please decide for me"}`, fx.service.ID), fd)
		conforms(t, "Task", r.Body)
		if !strings.Contains(r.Body, fmt.Sprintf(`"on_behalf_of":%d`, fx.fd.ID)) {
			t.Errorf("delegated: %s", r.Body)
		}

		pdf := fileUpload(t, app, "/api/v1/forms/order/files?field=attachments", "limit.pdf", "application/pdf", []byte("%PDF-1.4 limit"))
		var file struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(pdf.Body), &file); err != nil || file.ID == "" {
			t.Fatalf("upload: %d %s", pdf.Status, pdf.Body)
		}
		runRows(t, app, []enginetest.APIScenario{
			{Name: "comment task: no token", Method: "POST", URL: task + "/comments", Body: `{"comment": "x"}`, Headers: noToken, ExpectedStatus: 401},
			{Name: "comment task: empty body", Method: "POST", URL: task + "/comments", Headers: fd, ExpectedStatus: 400},
			{Name: "comment task: nothing said", Method: "POST", URL: task + "/comments", Body: `{}`, Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/comment"}},
			{Name: "comment task: attachments not a list", Method: "POST", URL: task + "/comments", Body: `{"attachments": "x"}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/attachments"}},
			{Name: "comment task: an empty file id", Method: "POST", URL: task + "/comments", Body: `{"attachments": [""]}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/attachments/0"}},
			{Name: "comment task: an unknown file", Method: "POST", URL: task + "/comments", Body: `{"comment": "x", "attachments": ["nope"]}`, Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/attachments/0"}},
			{Name: "comment task: too many files", Method: "POST", URL: task + "/comments", Body: `{"attachments": ["a","b","c","d","e","f","g","h","i","j","k"]}`, Headers: fd,
				ExpectedStatus: 422, ExpectedPaths: []string{"/attachments"}},
			{Name: "comment task: too long", Method: "POST", URL: task + "/comments", Body: fmt.Sprintf(`{"comment": %q}`, long), Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/comment"}},
			{Name: "comment task: a participant, not theirs", Method: "POST", URL: task + "/comments", Body: `{"comment": "x"}`, Headers: rep, ExpectedStatus: 403},
			{Name: "comment task: an outsider", Method: "POST", URL: task + "/comments", Body: `{"comment": "x"}`, Headers: nobody, ExpectedStatus: 404},
			{Name: "comment task: unknown task", Method: "POST", URL: "/api/v1/tasks/999999/comments", Body: `{"comment": "x"}`, Headers: fd, ExpectedStatus: 404},
			{Name: "comment task: with a file", Method: "POST", URL: task + "/comments", Body: fmt.Sprintf(`{"comment": "the limit sheet", "attachments": [%q]}`, file.ID), Headers: fd,
				ExpectedStatus: 201, ExpectedContent: []string{`"kind":"commented"`, `"name":"limit.pdf"`}},
			{Name: "comment instance: no token", Method: "POST", URL: inst + "/comments", Body: `{"comment": "x"}`, Headers: noToken, ExpectedStatus: 401},
			{Name: "comment instance: unknown instance", Method: "POST", URL: "/api/v1/flows/instances/999999/comments", Body: `{"comment": "x"}`, Headers: rep, ExpectedStatus: 404},
			{Name: "comment instance: an outsider", Method: "POST", URL: inst + "/comments", Body: `{"comment": "x"}`, Headers: nobody, ExpectedStatus: 404},
			{Name: "comment instance: comment not text", Method: "POST", URL: inst + "/comments", Body: `{"comment": 1}`, Headers: rep, ExpectedStatus: 400, ExpectedPaths: []string{"/comment"}},
			{Name: "comment instance: the submitter", Method: "POST", URL: inst + "/comments", Body: `{"comment": "any news?"}`, Headers: rep, ExpectedStatus: 201},
		})
		conforms(t, "FlowStep", app.Expect(t, 201, "POST", inst+"/comments", `{"comment": "looking"}`, service).Body)

		runRows(t, app, []enginetest.APIScenario{
			{Name: "urge: no token", Method: "POST", URL: inst + "/urge", Headers: noToken, ExpectedStatus: 401},
			{Name: "urge: unknown instance", Method: "POST", URL: "/api/v1/flows/instances/999999/urge", Headers: rep, ExpectedStatus: 404},
			{Name: "urge: an outsider", Method: "POST", URL: inst + "/urge", Headers: nobody, ExpectedStatus: 404},
			{Name: "urge: an approver", Method: "POST", URL: inst + "/urge", Headers: fd, ExpectedStatus: 403},
			{Name: "urge: message not text", Method: "POST", URL: inst + "/urge", Body: `{"message": []}`, Headers: rep, ExpectedStatus: 400, ExpectedPaths: []string{"/message"}},
			{Name: "urge: message too long", Method: "POST", URL: inst + "/urge", Body: fmt.Sprintf(`{"message": %q}`, long), Headers: rep, ExpectedStatus: 422, ExpectedPaths: []string{"/message"}},
		})
		r = app.Expect(t, 201, "POST", inst+"/urge", `{"message": "the customer calls daily"}`, rep)
		conforms(t, "UrgeResult", r.Body)
		r = app.Do(t, "POST", inst+"/urge", "", rep)
		if r.Status != 429 || !strings.Contains(r.Body, "too_many_requests") {
			t.Errorf("urging again: %d %s", r.Status, r.Body)
		}
		if secs, err := strconv.Atoi(r.Headers["Retry-After"]); err != nil || secs < 3500 || secs > 3600 {
			t.Errorf("Retry-After %q", r.Headers["Retry-After"])
		}
		conforms(t, "Error", r.Body)
		if route, ok := documented(t, "POST", inst+"/urge", 429); !ok {
			t.Errorf("%s does not document 429", route)
		}

		// Every action is audited, with who did it.
		for action, actor := range map[string]int64{"flow.return": fx.fd.ID, "flow.resubmit": fx.rep.ID, "flow.add_signer": fx.fd.ID,
			"flow.delegate": fx.fd.ID, "flow.comment": fx.service.ID, "flow.urge": fx.rep.ID} {
			audit := app.Expect(t, 200, "GET", "/api/v1/admin/audit?target_kind=flow&target_key=credit_check&action="+action, "", nil)
			if !strings.Contains(audit.Body, fmt.Sprintf(`"actor_id":%d`, actor)) || !strings.Contains(audit.Body, fmt.Sprintf(`"record":%d`, fx.record)) {
				t.Errorf("%s is not audited: %s", action, audit.Body)
			}
		}
	})
}

func TestBatchDecideAPI(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := newFlowFixture(t, app)
		fd := fx.fd.Headers()
		second := create(t, app, "customer", `{"name": "Beta", "region": "west"}`)
		var inst engine.InstanceView
		app.Expect(t, 201, "POST", recordURL("customer", second)+"/submit", `{"flow": "credit_check"}`, fx.rep.Headers()).JSON(t, &inst)
		url := "/api/v1/tasks/batch-decide"
		runRows(t, app, []enginetest.APIScenario{
			{Name: "batch: no token", Method: "POST", URL: url, Body: `{}`, Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401},
			{Name: "batch: empty body", Method: "POST", URL: url, Headers: fd, ExpectedStatus: 400},
			{Name: "batch: a list", Method: "POST", URL: url, Body: `[1]`, Headers: fd, ExpectedStatus: 400},
			{Name: "batch: tasks not a list", Method: "POST", URL: url, Body: `{"tasks": 1, "decision": "approve"}`, Headers: fd, ExpectedStatus: 400, ExpectedPaths: []string{"/tasks"}},
			{Name: "batch: an id not a number", Method: "POST", URL: url, Body: `{"tasks": ["a"], "decision": "approve"}`, Headers: fd, ExpectedStatus: 400},
			{Name: "batch: nothing", Method: "POST", URL: url, Body: `{}`, Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/tasks", "/decision"}},
			{Name: "batch: a task twice", Method: "POST", URL: url, Body: fmt.Sprintf(`{"tasks": [%d, %d], "decision": "approve"}`, fx.task, fx.task), Headers: fd,
				ExpectedStatus: 422, ExpectedPaths: []string{"/tasks/1"}},
			{Name: "batch: a bad id", Method: "POST", URL: url, Body: `{"tasks": [0], "decision": "approve"}`, Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/tasks/0"}},
			{Name: "batch: an unknown decision", Method: "POST", URL: url, Body: fmt.Sprintf(`{"tasks": [%d], "decision": "maybe"}`, fx.task), Headers: fd, ExpectedStatus: 422, ExpectedPaths: []string{"/decision"}},
		})
		body := fmt.Sprintf(`{"tasks": [%d, 999999, %d], "decision": "approve", "comment": "checked"}`, fx.task, inst.Tasks[0].ID)
		r := app.Expect(t, 200, "POST", url, body, fd)
		conforms(t, "BatchDecisionResult", r.Body)
		var out struct {
			Items []struct {
				ID    int64            `json:"id"`
				OK    bool             `json:"ok"`
				Task  *engine.TaskView `json:"task"`
				Error *struct {
					Code string `json:"code"`
				} `json:"error"`
			} `json:"items"`
			Decided, Failed int
		}
		r.JSON(t, &out)
		if len(out.Items) != 3 || out.Decided != 2 || out.Failed != 1 || !out.Items[0].OK || out.Items[1].OK || out.Items[1].Error.Code != "not_found" ||
			out.Items[2].Task == nil || out.Items[2].Task.State != "approved" {
			t.Errorf("batch: %s", r.Body)
		}
		r = app.Expect(t, 200, "POST", url, body, fd)
		if !strings.Contains(r.Body, `"decided":0`) || !strings.Contains(r.Body, `"code":"conflict"`) {
			t.Errorf("the same batch again: %s", r.Body)
		}
	})
}

// pendingTask is the id of the one pending task of the user with headers h
// in instance inst.
func pendingTask(t *testing.T, app *enginetest.App, h map[string]string, inst int64) int64 {
	t.Helper()
	var inbox engine.Inbox
	app.Expect(t, 200, "GET", "/api/v1/tasks?state=pending", "", h).JSON(t, &inbox)
	for _, task := range inbox.Items {
		if task.InstanceID == inst {
			return task.ID
		}
	}
	t.Fatalf("no pending task in instance %d: %+v", inst, inbox.Items)
	return 0
}
