package api_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

func TestReportsAPIListsWhatTheCallerMayRun(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		type summary struct {
			Key       string `json:"key"`
			Forbidden *struct {
				Field string `json:"field"`
			} `json:"forbidden"`
		}
		list := func(who string) []string {
			r := app.Expect(t, 200, "GET", "/api/v1/reports", "", w.as(who))
			conforms(t, "ReportSummaryList", r.Body)
			var out struct{ Items []summary }
			r.JSON(t, &out)
			var keys []string
			mine := []string{"approval_times", "margin_by_region", "orders_by_customer", "sales_by_month", "sales_by_region"}
			for _, s := range out.Items {
				if !slices.Contains(mine, s.Key) {
					continue // note: the example's own reports are listed too
				}
				k := s.Key
				if s.Forbidden != nil {
					k += " (not " + s.Forbidden.Field + ")"
				}
				keys = append(keys, k)
			}
			return keys
		}
		// note: the admin sees the built-in source's report; a rep sees the
		// margin report with the field that stops them running it.
		sameLines(t, "the admin's reports", list("admin"),
			[]string{"approval_times", "margin_by_region", "orders_by_customer", "sales_by_month", "sales_by_region"})
		sameLines(t, "a rep's reports", list("rep1"),
			[]string{"margin_by_region (not margin)", "orders_by_customer", "sales_by_month", "sales_by_region"})

		r := app.Expect(t, 200, "GET", "/api/v1/reports/sales_by_region", "", w.as("rep1"))
		conforms(t, "ReportDescription", r.Body)
		var d struct {
			Params []struct {
				Key     string `json:"key"`
				Default any    `json:"default"`
			} `json:"params"`
			Columns []struct{ Key, Label string } `json:"columns"`
			Drill   []struct{ Key string }        `json:"drill"`
		}
		r.JSON(t, &d)
		if fmt.Sprint(d.Params) != "[{from 2026-01-01} {to <nil>}]" || len(d.Columns) != 3 || d.Columns[2].Label != "Revenue" ||
			len(d.Drill) != 1 || d.Drill[0].Key != "rep" {
			t.Errorf("the description: %s", r.Body)
		}
		r = app.Expect(t, 200, "GET", "/api/v1/reports/margin_by_region", "", w.as("rep1"))
		conforms(t, "ReportDescription", r.Body)
		if !strings.Contains(r.Body, `"forbidden":{"form":"order","field":"margin"`) {
			t.Errorf("the rep's margin report does not say why it is refused: %s", r.Body)
		}
		for _, s := range []enginetest.APIScenario{
			{Name: "a rep describes a built-in source's report", Method: "GET", URL: "/api/v1/reports/approval_times", Headers: w.as("rep1"),
				ExpectedStatus: 403, ExpectedCode: "forbidden"},
			{Name: "an unknown report", Method: "GET", URL: "/api/v1/reports/nope", ExpectedStatus: 404, ExpectedCode: "not_found"},
			{Name: "no token", Method: "GET", URL: "/api/v1/reports", Headers: map[string]string{"Authorization": ""}, ExpectedStatus: 401},
		} {
			checkScenario(t, app, s)
		}
	})
}

// checkScenario runs s and checks its error is the documented one shape.
func checkScenario(t *testing.T, app *enginetest.App, s enginetest.APIScenario) enginetest.Response {
	t.Helper()
	r := s.Test(t, app)
	if r.Status >= 400 {
		conforms(t, "Error", r.Body)
	}
	if route, ok := documented(t, s.Method, s.URL, s.ExpectedStatus); !ok {
		t.Errorf("%s: %s does not document %d", s.Name, route, s.ExpectedStatus)
	}
	return r
}

// runReport runs a report as who and checks the result's shape.
func runReport(t *testing.T, app *enginetest.App, headers map[string]string, key, body string) result {
	t.Helper()
	r := app.Expect(t, 200, "POST", "/api/v1/reports/"+key+"/run", body, headers)
	conforms(t, "ReportResult", r.Body)
	var res result
	r.JSON(t, &res)
	return res
}

func TestRunReportAPIShowsEachCallerTheirRows(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		region := func(s *sale) string { return s.region }
		for _, sc := range []struct {
			name, who, body string
			keep            func(s *sale) bool
		}{
			{"the admin, the default period", "admin", "", inPeriod("2026-01-01", "")},
			{"the admin, from 2025", "admin", `{"params": {"from": "2025-01-01"}}`, inPeriod("2025-01-01", "")},
			{"the admin, February", "admin", `{"params": {"from": "2026-02-01", "to": "2026-03-01"}}`, inPeriod("2026-02-01", "2026-03-01")},
			{"rep 1", "rep1", `{}`, inPeriod("2026-01-01", "")},
			{"rep 2, from 2025", "rep2", `{"params": {"from": "2025-01-01"}}`, inPeriod("2025-01-01", "")},
			{"the admin, east and north only", "admin", `{"filters": [{"key": "region", "values": ["east", "north"]}]}`,
				func(s *sale) bool { return inPeriod("2026-01-01", "")(s) && s.region != "west" }},
		} {
			res := runReport(t, app, w.as(sc.who), "sales_by_region", sc.body)
			sales := w.visible(sc.who, sc.keep)
			sameLines(t, sc.name, res.lines("region", "orders", "revenue"), byKey(sales, region))
			var total int64
			for _, s := range sales {
				total += s.cents
			}
			if res.Totals == nil || unquote(res.Totals.Values["revenue"]) != money(total) {
				t.Errorf("%s: totals %v, want %s", sc.name, res.Totals, money(total))
			}
		}
		month := func(s *sale) string { return s.date[:7] }
		res := runReport(t, app, w.as("rep2"), "sales_by_month", "")
		sameLines(t, "rep 2 by month", res.lines("month", "revenue"), trimCount(byKey(w.visible("rep2", inPeriod("", "")), month)))

		// margins are hidden from reps: the report is refused, naming the field
		r := checkScenario(t, app, enginetest.APIScenario{Name: "a rep's margin report", Method: "POST",
			URL: "/api/v1/reports/margin_by_region/run", Headers: w.as("rep1"), ExpectedStatus: 403, ExpectedCode: "forbidden",
			ExpectedPaths: []string{"/margin"}, ExpectedContent: []string{"margin"}})
		if e, _ := enginetest.DecodeError(r); e == nil || e.Detail("/margin").Code != "forbidden_field" {
			t.Errorf("the refusal's detail: %s", r.Body)
		}
		runReport(t, app, nil, "margin_by_region", "")
	})
}

// trimCount drops the count from "key count total" lines.
func trimCount(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		f := strings.Fields(l)
		out[i] = f[0] + " " + f[2]
	}
	return out
}

// drill is a drill result as the tests read it.
type drill struct {
	Level int `json:"level"`
	Next  *struct {
		Dimension string          `json:"dimension"`
		Request   json.RawMessage `json:"request"`
		Result    result          `json:"result"`
	} `json:"next"`
	Records struct {
		Form   string `json:"form"`
		Filter string `json:"filter"`
		Page   *struct {
			Items []map[string]any `json:"items"`
			Total int64            `json:"total"`
		} `json:"page"`
	} `json:"records"`
}

// drillBody is request (a JSON object, or "" for none) with click added.
func drillBody(t *testing.T, request, click string) string {
	t.Helper()
	body := map[string]any{}
	if request != "" {
		if err := json.Unmarshal([]byte(request), &body); err != nil {
			t.Fatal(err)
		}
	}
	body["click"] = json.RawMessage(click)
	return enginetest.JSONString(t, body)
}

func postDrill(t *testing.T, app *enginetest.App, headers map[string]string, key, body string) drill {
	t.Helper()
	r := app.Expect(t, 200, "POST", "/api/v1/reports/"+key+"/drill", body, headers)
	conforms(t, "DrillResult", r.Body)
	var d drill
	r.JSON(t, &d)
	return d
}

func TestDrillAPIFollowsThePathToExactlyTheCellsRecords(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		for _, who := range []string{"admin", "rep1", "rep2"} {
			east := func(s *sale) bool { return inPeriod("2026-01-01", "")(s) && s.region == "east" }
			d := postDrill(t, app, w.as(who), "sales_by_region", drillBody(t, "", `{"values": {"region": "east"}}`))
			if d.Level != 0 || d.Next == nil || d.Next.Dimension != "rep" || d.Records.Form != "order" || d.Records.Page != nil {
				t.Fatalf("%s: the first click: %+v", who, d)
			}
			byRep := func(s *sale) string { return fmt.Sprint(w.userID(s.by)) }
			sameLines(t, who+": east by rep", d.Next.Result.lines("rep", "orders", "revenue"), byKey(w.visible(who, east), byRep))
			for _, rep := range []string{"rep1", "rep2"} {
				end := postDrill(t, app, w.as(who), "sales_by_region",
					drillBody(t, string(d.Next.Request), fmt.Sprintf(`{"values": {"rep": %d}}`, w.userID(rep))))
				want := w.visible(who, func(s *sale) bool { return east(s) && s.by == rep })
				if end.Next != nil || end.Level != 1 || end.Records.Page == nil {
					t.Fatalf("%s: the end of the path: %+v", who, end)
				}
				var got, wantIDs []int64
				for _, rec := range end.Records.Page.Items {
					got = append(got, int64(rec["id"].(float64)))
					if _, shown := rec["margin"]; shown != (who == "admin") {
						t.Errorf("%s: margin shown %v in %v", who, shown, rec)
					}
				}
				for _, s := range want {
					wantIDs = append(wantIDs, s.id)
				}
				slices.Sort(got)
				if !slices.Equal(got, wantIDs) || end.Records.Page.Total != int64(len(wantIDs)) {
					t.Errorf("%s drilling into %s's east orders: records %v (total %d), want %v", who, rep, got, end.Records.Page.Total, wantIDs)
				}
				// the records list takes the filter and lists the same records
				list := app.Expect(t, 200, "GET", listURL("order", "filter", end.Records.Filter), "", w.as(who))
				var l struct{ Total int64 }
				list.JSON(t, &l)
				if l.Total != int64(len(wantIDs)) {
					t.Errorf("%s: the records list of %q has %d records, want %d", who, end.Records.Filter, l.Total, len(wantIDs))
				}
			}
		}
		// a click on a measure, a page of one
		d := postDrill(t, app, nil, "sales_by_region", drillBody(t, `{"level": 1, "per_page": 1, "page": 2}`, `{"values": {}, "measure": "revenue"}`))
		if d.Records.Page == nil || len(d.Records.Page.Items) != 1 || d.Records.Page.Total != 5 {
			t.Errorf("the second page of one of the level's records: %+v", d.Records.Page)
		}
		checkScenario(t, app, enginetest.APIScenario{Name: "a rep drills into margins", Method: "POST", URL: "/api/v1/reports/margin_by_region/drill",
			Body: `{"click": {"values": {"region": "east"}}}`, Headers: w.as("rep1"), ExpectedStatus: 403, ExpectedPaths: []string{"/margin"}})
	})
}
