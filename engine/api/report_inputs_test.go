package api_test

import (
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// TestReportAPIBadInputs: every bad input to the report and dashboard
// endpoints is the one error shape, with the path of what is wrong, and
// never a 500.
func TestReportAPIBadInputs(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		newReportWorld(t, app)
		const (
			run    = "/api/v1/reports/sales_by_region/run"
			drill  = "/api/v1/reports/sales_by_region/drill"
			export = "/api/v1/reports/sales_by_region/export"
			dash   = "/api/v1/dashboards/sales/run"
		)
		many := `{"filters": [` + strings.TrimSuffix(strings.Repeat(`{"key": "region", "values": ["east"]},`, 51), ",") + `]}`
		for _, s := range []enginetest.APIScenario{
			{Name: "an unknown report", Method: "POST", URL: "/api/v1/reports/nope/run", ExpectedStatus: 404, ExpectedCode: "not_found"},
			{Name: "a report key that is no key", Method: "POST", URL: "/api/v1/reports/%E2%9C%93/run", ExpectedStatus: 404},
			{Name: "a date parameter given a number", Method: "POST", URL: run, Body: `{"params": {"from": 5}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/params/from"}},
			{Name: "a date parameter given an object", Method: "POST", URL: run, Body: `{"params": {"from": {"$gt": ""}}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/params/from"}},
			{Name: "an unknown parameter", Method: "POST", URL: run, Body: `{"params": {"colour": "red"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/params/colour"}},
			{Name: "params as a list", Method: "POST", URL: run, Body: `{"params": ["2026-01-01"]}`, ExpectedStatus: 400, ExpectedPaths: []string{"/params"}},
			{Name: "an unknown filter dimension", Method: "POST", URL: run, Body: `{"filters": [{"key": "colour", "values": ["red"]}]}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/filters/0/key"}},
			{Name: "a filter value that is no month", Method: "POST", URL: "/api/v1/reports/sales_by_month/run", Body: `{"filters": [{"key": "month", "values": ["March"]}]}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/filters/0/values/0"}},
			{Name: "a filter value that is an object", Method: "POST", URL: run, Body: `{"filters": [{"key": "region", "values": [{"a": 1}]}]}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/filters/0/values/0"}},
			{Name: "filters as an object", Method: "POST", URL: run, Body: `{"filters": {"region": "east"}}`, ExpectedStatus: 400},
			{Name: "too many filters", Method: "POST", URL: run, Body: many, ExpectedStatus: 400, ExpectedPaths: []string{"/filters"}},
			{Name: "an unknown property", Method: "POST", URL: run, Body: `{"colour": 1}`, ExpectedStatus: 400, ExpectedPaths: []string{"/colour"}},
			{Name: "a body that is not JSON", Method: "POST", URL: run, Body: `{"params":`, ExpectedStatus: 400},
			{Name: "a level below the drill path", Method: "POST", URL: run, Body: `{"level": 7}`, ExpectedStatus: 422, ExpectedPaths: []string{"/level"}},
			{Name: "a negative level", Method: "POST", URL: run, Body: `{"level": -1}`, ExpectedStatus: 422, ExpectedPaths: []string{"/level"}},
			{Name: "a level that is text", Method: "POST", URL: run, Body: `{"level": "1"}`, ExpectedStatus: 400},
			{Name: "a drill without a click", Method: "POST", URL: drill, Body: `{}`, ExpectedStatus: 400, ExpectedPaths: []string{"/click"}},
			{Name: "a click on no dimension", Method: "POST", URL: drill, Body: `{"click": {"values": {"colour": "red"}}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/click/values/colour"}},
			{Name: "a click on no measure", Method: "POST", URL: drill, Body: `{"click": {"values": {}, "measure": "profit"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/click/measure"}},
			{Name: "a click on a value that is an object", Method: "POST", URL: drill, Body: `{"click": {"values": {"region": {"a": 1}}}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/click/values/region"}},
			{Name: "a page too large", Method: "POST", URL: drill, Body: `{"click": {"values": {}}, "per_page": 501}`,
				ExpectedStatus: 400, ExpectedPaths: []string{"/per_page"}},
			{Name: "a negative page", Method: "POST", URL: drill, Body: `{"click": {"values": {}}, "page": -1}`,
				ExpectedStatus: 400, ExpectedPaths: []string{"/page"}},
			{Name: "an unknown export format", Method: "POST", URL: export + "?format=pdf", ExpectedStatus: 400, ExpectedPaths: []string{"/format"}},
			{Name: "an unknown drill export format", Method: "POST", URL: drill + "/export?format=pdf", Body: `{"click": {"values": {}}}`,
				ExpectedStatus: 400, ExpectedPaths: []string{"/format"}},
			{Name: "an export with a bad parameter", Method: "POST", URL: export, Body: `{"params": {"from": "soon"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/params/from"}},
			{Name: "an unknown dashboard", Method: "POST", URL: "/api/v1/dashboards/nope/run", ExpectedStatus: 404},
			{Name: "an unknown shared filter", Method: "POST", URL: dash, Body: `{"filters": {"colour": "red"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/filters/colour"}},
			{Name: "a period from a non-date", Method: "POST", URL: dash, Body: `{"filters": {"period": {"from": "soon"}}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/filters/period/from"}},
			{Name: "a period that is a date", Method: "POST", URL: dash, Body: `{"filters": {"period": "2026-01-01"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/filters/period"}},
			{Name: "a selection in no widget", Method: "POST", URL: dash, Body: `{"selection": {"widget": "nope", "dimension": "region", "value": "east"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/selection/widget"}},
			{Name: "a selection of no dimension", Method: "POST", URL: dash, Body: `{"selection": {"widget": "by_region", "dimension": "colour", "value": "x"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/selection/dimension"}},
			{Name: "a selection of no value", Method: "POST", URL: dash, Body: `{"selection": {"widget": "by_month", "dimension": "month", "value": "March"}}`,
				ExpectedStatus: 422, ExpectedPaths: []string{"/selection/value"}},
			{Name: "a selection on an unlinked dashboard", Method: "POST", URL: "/api/v1/dashboards/wide/run",
				Body: `{"selection": {"widget": "w0", "dimension": "region", "value": "east"}}`, ExpectedStatus: 422, ExpectedPaths: []string{"/selection"}},
			{Name: "a dashboard body with an unknown property", Method: "POST", URL: dash, Body: `{"colour": 1}`, ExpectedStatus: 400, ExpectedPaths: []string{"/colour"}},
			{Name: "a body that is not JSON as JSON", Method: "POST", URL: dash, Body: `[1]`, ExpectedStatus: 400},
		} {
			s.NotExpectedContent = append(s.NotExpectedContent, internals...)
			checkScenario(t, app, s)
		}
	})
}
