package api_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// dashboardRun is a dashboard run as the tests read it.
type dashboardRun struct {
	Key     string         `json:"key"`
	Filters map[string]any `json:"filters"`
	Widgets []struct {
		Key    string  `json:"key"`
		Title  string  `json:"title"`
		Linked string  `json:"linked"`
		Result *result `json:"result"`
		Error  *struct {
			Code    string `json:"code"`
			Details []struct {
				Path string `json:"path"`
			} `json:"details"`
		} `json:"error"`
	} `json:"widgets"`
}

// widget shows one widget's figures as lines, or its error.
func (d dashboardRun) widget(t *testing.T, key string) []string {
	t.Helper()
	for _, w := range d.Widgets {
		if w.Key != key {
			continue
		}
		switch {
		case w.Error != nil && len(w.Error.Details) > 0:
			return []string{w.Error.Code + " " + w.Error.Details[0].Path}
		case w.Error != nil:
			return []string{w.Error.Code}
		case strings.HasPrefix(w.Result.Report, "sales_by_region"):
			return w.Result.lines("region", "orders", "revenue")
		case w.Result.Report == "sales_by_month":
			return w.Result.lines("month", "revenue")
		}
		return w.Result.lines("region")
	}
	t.Fatalf("no widget %s", key)
	return nil
}

func runDashboard(t *testing.T, app *enginetest.App, headers map[string]string, key, body string) dashboardRun {
	t.Helper()
	r := app.Expect(t, 200, "POST", "/api/v1/dashboards/"+key+"/run", body, headers)
	conforms(t, "DashboardRun", r.Body)
	var d dashboardRun
	r.JSON(t, &d)
	return d
}

func TestDashboardAPIAppliesSharedAndLinkedFilters(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		region := func(s *sale) string { return s.region }
		month := func(s *sale) string { return s.date[:7] }
		regions := func(sales []*sale) []string {
			var out []string
			for _, l := range byKey(sales, region) {
				out = append(out, strings.Fields(l)[0])
			}
			return out
		}
		for _, sc := range []struct {
			name, who, body string
			period          func(s *sale) bool
			selected        string // the region selected, if any
			// regionPeriod, when set, is by_region's period: with no period,
			// its report's default.
			regionPeriod func(s *sale) bool
		}{
			{"the admin, the default period", "admin", "", inPeriod("2026-01-01", ""), "", nil},
			{"a rep, the default period", "rep1", `{}`, inPeriod("2026-01-01", ""), "", nil},
			{"the admin, February", "admin", `{"filters": {"period": {"from": "2026-02-01", "to": "2026-03-01"}}}`, inPeriod("2026-02-01", "2026-03-01"), "", nil},
			{"the admin, no period", "admin", `{"filters": {"period": null}}`, inPeriod("", ""), "", inPeriod("2026-01-01", "")},
			{"the admin selects east", "admin", `{"selection": {"widget": "by_region", "dimension": "region", "value": "east"}}`, inPeriod("2026-01-01", ""), "east", nil},
			{"a rep selects west from March on", "rep1", `{"filters": {"period": {"from": "2026-03-01"}}, "selection": {"widget": "by_region", "dimension": "region", "value": "west"}}`,
				inPeriod("2026-03-01", ""), "west", nil},
		} {
			d := runDashboard(t, app, w.as(sc.who), "sales", sc.body)
			inRegion := func(s *sale) bool { return sc.selected == "" || s.region == sc.selected }
			// note: the selection in by_region narrows the others, not itself.
			regionPeriod := sc.period
			if sc.regionPeriod != nil {
				regionPeriod = sc.regionPeriod
			}
			sameLines(t, sc.name+": by region", d.widget(t, "by_region"), byKey(w.visible(sc.who, regionPeriod), region))
			sameLines(t, sc.name+": by month", d.widget(t, "by_month"),
				trimCount(byKey(w.visible(sc.who, func(s *sale) bool { return sc.period(s) && inRegion(s) }), month)))
			if sc.who == "admin" {
				sameLines(t, sc.name+": margins", d.widget(t, "margins"), regions(w.visible("admin", inRegion)))
			} else {
				sameLines(t, sc.name+": margins", d.widget(t, "margins"), []string{"forbidden /margin"})
			}
			linked := fmt.Sprint(d.Widgets[0].Linked, ",", d.Widgets[1].Linked, ",", d.Widgets[2].Linked)
			if want := map[bool]string{true: ",region,region", false: ",,"}[sc.selected != ""]; linked != want {
				t.Errorf("%s: linked %s, want %s", sc.name, linked, want)
			}
		}

		r := app.Expect(t, 200, "GET", "/api/v1/dashboards/sales", "", w.as("rep1"))
		conforms(t, "Dashboard", r.Body)
		var view struct {
			Linked  bool `json:"linked"`
			Filters []struct{ Key string }
			Widgets []struct {
				Key, Title string
				Forbidden  *struct{ Field string }
			}
		}
		r.JSON(t, &view)
		if !view.Linked || len(view.Filters) != 1 || len(view.Widgets) != 3 || view.Widgets[1].Title != "Trend" ||
			view.Widgets[0].Forbidden != nil || view.Widgets[2].Forbidden == nil || view.Widgets[2].Forbidden.Field != "margin" {
			t.Errorf("the rep's view of the dashboard: %s", r.Body)
		}
		nobody := app.NewUser(t, enginetest.UserSpec{Email: "nobody@example.com"})
		for who, want := range map[*enginetest.User]string{app.AdminUser(): `"sales"`, w.rep1: `"wide"`, nobody: `"items":[]`} {
			r := app.Expect(t, 200, "GET", "/api/v1/dashboards", "", who.Headers())
			conforms(t, "DashboardSummaryList", r.Body)
			if !strings.Contains(r.Body, want) {
				t.Errorf("%s's dashboards: %s, want %s", who.Email, r.Body, want)
			}
		}
		for _, s := range []enginetest.APIScenario{
			{Name: "a user of no form opens a dashboard", Method: "GET", URL: "/api/v1/dashboards/sales", Headers: nobody.Headers(), ExpectedStatus: 403},
			{Name: "a user of no form runs a dashboard", Method: "POST", URL: "/api/v1/dashboards/sales/run", Headers: nobody.Headers(), ExpectedStatus: 403},
			{Name: "an unknown dashboard", Method: "GET", URL: "/api/v1/dashboards/nope", ExpectedStatus: 404},
		} {
			checkScenario(t, app, s)
		}
	})
}

func TestDashboardWidgetsRunConcurrently(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newReportWorld(t, app)
		// note: eight widgets, run by several callers at once, must give what
		// they give one at a time (on PostgreSQL up to six queries of a run
		// at once; on SQLite one connection, in sequence).
		want := map[string]string{}
		for _, who := range []string{"admin", "rep1", "rep2"} {
			want[who] = normalRun(app.Expect(t, 200, "POST", "/api/v1/dashboards/wide/run", "", w.as(who)).Body)
			if strings.Contains(want[who], `"error"`) {
				t.Fatalf("%s's wide dashboard has a failed widget: %s", who, want[who])
			}
		}
		var wg sync.WaitGroup
		errs := make(chan string, 30)
		for i := range 24 {
			who := []string{"admin", "rep1", "rep2"}[i%3]
			headers := w.as(who)
			if headers == nil {
				headers = map[string]string{"Authorization": "Bearer " + app.Token}
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				req := httptest.NewRequest("POST", "/api/v1/dashboards/wide/run", nil)
				req.Header.Set("Authorization", headers["Authorization"])
				resp, err := app.HTTP.Test(req, -1)
				if err != nil {
					errs <- err.Error()
					return
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				if got := normalRun(string(body)); resp.StatusCode != 200 || got != want[who] {
					errs <- fmt.Sprintf("%s: %d %.300s", who, resp.StatusCode, body)
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	})
}

// normalRun is a dashboard run's JSON re-encoded, so runs compare as text.
func normalRun(body string) string {
	var v any
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		return body
	}
	b, _ := json.Marshal(v)
	return string(b)
}
