package api_test

import (
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

func TestFlowAnalyticsAPI(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		sd := app.NewUser(t, enginetest.UserSpec{Email: "sd@example.com", Name: "Sales Director", Roles: []string{"sales_director"}})
		h := app.History(t, "order", time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC))
		const sda = "sales_director_approval"
		// July 1st 08:00, approved in 1h; July 31st 23:00, rejected in 30m;
		// August 1st 00:00, waiting.
		i1 := h.Instance("order_approval", store.FlowApproved, 0, h.At(time.Hour))
		h.Task(i1, sda, sd.ID, store.TaskApproved, 0, h.At(time.Hour), nil)
		late := 30*24*time.Hour + 15*time.Hour
		i2 := h.Instance("order_approval", store.FlowRejected, late, h.At(late+30*time.Minute))
		h.Task(i2, sda, sd.ID, store.TaskRejected, late, h.At(late+30*time.Minute), nil)
		i3 := h.Instance("order_approval", store.FlowRunning, late+time.Hour, nil)
		h.Task(i3, sda, sd.ID, store.TaskPending, late+time.Hour, nil, nil)

		url := "/api/v1/flows/analytics"
		r := app.Expect(t, 200, "GET", url+"?flow=order_approval&from=2026-07-01&to=2026-07-31", "", nil)
		conforms(t, "FlowAnalytics", r.Body)
		type analytics struct {
			From  string `json:"from"`
			To    string `json:"to"`
			Flows []struct {
				Instances int64 `json:"instances"`
			} `json:"flows"`
			Nodes []struct {
				Node     string   `json:"node"`
				Decided  int64    `json:"decided"`
				PassRate *float64 `json:"pass_rate"`
				Avg      *float64 `json:"avg_decision_seconds"`
				P90      *float64 `json:"p90_decision_seconds"`
			} `json:"nodes"`
			Assignees []struct {
				Email string `json:"email"`
			} `json:"assignees"`
		}
		var a analytics
		r.JSON(t, &a)
		// note: to=2026-07-31 takes in the whole of July 31st.
		if a.From != "2026-07-01T00:00:00Z" || a.To != "2026-08-01T00:00:00Z" || len(a.Flows) != 1 || a.Flows[0].Instances != 2 {
			t.Errorf("July: from %s to %s, flows %+v", a.From, a.To, a.Flows)
		}
		if len(a.Nodes) != 1 || a.Nodes[0].Node != sda || a.Nodes[0].Decided != 2 || *a.Nodes[0].PassRate != 0.5 ||
			*a.Nodes[0].Avg != 2700 || *a.Nodes[0].P90 != 3600 {
			t.Errorf("July's node row %+v", a.Nodes)
		}
		if len(a.Assignees) != 1 || a.Assignees[0].Email != "sd@example.com" {
			t.Errorf("assignees %+v", a.Assignees)
		}

		r = app.Expect(t, 200, "GET", url+"?from=2026-07-01T09:00:00%2B00:00", "", nil)
		conforms(t, "FlowAnalytics", r.Body)
		var b analytics
		r.JSON(t, &b)
		if b.From != "2026-07-01T09:00:00Z" || b.To != "" || b.Flows[0].Instances != 2 || b.Nodes[0].Decided != 1 || b.Nodes[0].P90 == nil || *b.Nodes[0].P90 != 1800 {
			t.Errorf("from 09:00 on: from %q to %q, flows %+v nodes %+v", b.From, b.To, b.Flows, b.Nodes)
		}

		for _, s := range []enginetest.APIScenario{
			{Name: "from not a date", Method: "GET", URL: url + "?from=yesterday", ExpectedStatus: 400, ExpectedPaths: []string{"/from"}},
			{Name: "to not a date", Method: "GET", URL: url + "?to=2026-13-01", ExpectedStatus: 400, ExpectedPaths: []string{"/to"}},
			{Name: "flow not a key", Method: "GET", URL: url + "?flow=Order-Approval", ExpectedStatus: 400, ExpectedPaths: []string{"/flow"}},
			{Name: "no such flow", Method: "GET", URL: url + "?flow=order_aproval", ExpectedStatus: 404, ExpectedCode: "not_found"},
			{Name: "an empty period", Method: "GET", URL: url + "?from=2026-08-01&to=2026-07-01", ExpectedStatus: 422, ExpectedPaths: []string{"/to"}},
			{Name: "an approver may not read analytics", Method: "GET", URL: url, Headers: sd.Headers(), ExpectedStatus: 403, ExpectedCode: "forbidden"},
			{Name: "no token", Method: "GET", URL: url, Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401},
		} {
			r := s.Test(t, app)
			conforms(t, "Error", r.Body)
			if route, ok := documented(t, s.Method, s.URL, s.ExpectedStatus); !ok {
				t.Errorf("%s: %s does not document %d", s.Name, route, s.ExpectedStatus)
			}
		}
	})
}
