package api_test

import (
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// draftByRegion is a report nobody published: the designer's draft.
const draftByRegion = `{"kind": "report", "key": "draft_by_region", "title": "Draft", "source": "order",
	"dimensions": [{"key": "region", "field": "region"}],
	"measures": [{"key": "orders", "agg": "count"}, {"key": "revenue", "agg": "sum", "field": "amount"}],
	"sort": [{"key": "region"}], "chart": {"type": "bar", "x": "region", "y": ["revenue"]}}`

func TestPreviewReportRunsADraftAsItWouldRunPublished(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		r := app.Expect(t, 200, "POST", "/api/v1/reports/preview", `{"definition": `+draftByRegion+`}`, nil)
		conforms(t, "ReportResult", r.Body)
		var res result
		r.JSON(t, &res)
		region := func(s *sale) string { return s.region }
		sameLines(t, "the admin's preview", res.lines("region", "orders", "revenue"), byKey(w.visible("admin", inPeriod("", "")), region))

		// as a sales rep: the admin's own orders only (row scope "own"),
		// and margins refused as for the rep
		r = app.Expect(t, 200, "POST", "/api/v1/reports/preview", `{"definition": `+draftByRegion+`, "as_role": "sales_rep"}`, nil)
		res = result{}
		r.JSON(t, &res)
		sameLines(t, "the preview as a rep", res.lines("region", "orders", "revenue"), byKey(w.visible("admin", func(s *sale) bool { return s.by == "admin" }), region))
		margin := strings.Replace(draftByRegion, `"field": "amount"`, `"field": "margin"`, 1)
		checkScenario(t, app, enginetest.APIScenario{Name: "margins as a rep", Method: "POST", URL: "/api/v1/reports/preview",
			Body: `{"definition": ` + margin + `, "as_role": "sales_rep"}`, ExpectedStatus: 403, ExpectedCode: "forbidden", ExpectedPaths: []string{"/margin"}})
		audit := app.Expect(t, 200, "GET", "/api/v1/admin/audit?action=report.preview_as_role&target_key=draft_by_region", "", nil)
		if !strings.Contains(audit.Body, "as role sales_rep") {
			t.Errorf("the preview as a role is not audited: %s", audit.Body)
		}

		bad := strings.Replace(draftByRegion, `"field": "region"`, `"field": "nowhere"`, 1)
		for _, s := range []enginetest.APIScenario{
			{Name: "a field that does not exist", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": ` + bad + `}`,
				ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{"/definition/dimensions/0/field"}},
			{Name: "no definition", Method: "POST", URL: "/api/v1/reports/preview", Body: `{}`,
				ExpectedStatus: 400, ExpectedPaths: []string{"/definition"}},
			{Name: "a definition that is not an object", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": [1]}`,
				ExpectedStatus: 400, ExpectedPaths: []string{"/definition"}},
			{Name: "a dashboard as a report", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": ` + salesDashboard + `}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/definition/kind"}},
			{Name: "an unknown property", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": ` + draftByRegion + `, "sql": "drop"}`,
				ExpectedStatus: 400, ExpectedPaths: []string{"/sql"}},
			{Name: "a role that does not exist", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": ` + draftByRegion + `, "as_role": "nobody"}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/as_role"}},
			{Name: "a rep may not design reports", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": ` + draftByRegion + `}`,
				Headers: w.as("rep1"), ExpectedStatus: 403, ExpectedCode: "forbidden"},
			{Name: "nor preview as another role", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": ` + draftByRegion + `, "as_role": "admin"}`,
				Headers: w.as("rep1"), ExpectedStatus: 403, ExpectedCode: "forbidden"},
			{Name: "not JSON", Method: "POST", URL: "/api/v1/reports/preview", Body: `{"definition": `, ExpectedStatus: 400},
		} {
			checkScenario(t, app, s)
		}
	})
}

func TestPreviewDashboardRunsEveryWidgetAsTheRole(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		newReportWorld(t, app)
		draft := strings.Replace(salesDashboard, `"key": "sales"`, `"key": "sales_draft"`, 1)
		r := app.Expect(t, 200, "POST", "/api/v1/dashboards/preview", `{"definition": `+draft+`}`, nil)
		conforms(t, "DashboardRun", r.Body)
		if strings.Contains(r.Body, `"error"`) {
			t.Errorf("the admin's preview has a failing widget: %s", r.Body)
		}
		r = app.Expect(t, 200, "POST", "/api/v1/dashboards/preview", `{"definition": `+draft+`, "as_role": "sales_rep"}`, nil)
		conforms(t, "DashboardRun", r.Body)
		if !strings.Contains(r.Body, `"forbidden_field"`) {
			t.Errorf("as a rep, the margins widget should be refused: %s", r.Body)
		}
		bad := strings.Replace(draft, `"report": "margin_by_region"`, `"report": "nope"`, 1)
		checkScenario(t, app, enginetest.APIScenario{Name: "a widget of no report", Method: "POST", URL: "/api/v1/dashboards/preview",
			Body: `{"definition": ` + bad + `}`, ExpectedStatus: 422, ExpectedCode: "validation_failed", ExpectedPaths: []string{"/definition/widgets/2/report"}})
		checkScenario(t, app, enginetest.APIScenario{Name: "a bad filter value", Method: "POST", URL: "/api/v1/dashboards/preview",
			Body: `{"definition": ` + draft + `, "filters": {"period": {"from": "soon"}}}`, ExpectedStatus: 422})
	})
}
