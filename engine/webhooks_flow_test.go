package engine_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

func TestWebhookSubscriptionHearsFlowEvents(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithReceiver, func(t *testing.T, app *enginetest.App) {
		var mu sync.Mutex
		var got []map[string]any
		srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
			var p map[string]any
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &p)
			mu.Lock()
			got = append(got, p)
			mu.Unlock()
		}))
		defer srv.Close()
		w := newWorld(t, app)
		app.Expect(t, 201, "POST", "/api/v1/admin/webhooks", fmt.Sprintf(`{"form": "customer", "events": ["task.decided", "flow.finished"],
			"url": %q, "role": "sales_rep"}`, srv.URL), nil)
		key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "check"},
			{"id": "check", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "sd@example.com"}]}, "next": "done"},
			{"id": "done", "type": "end"}]`)
		id := w.newCustomer(t, `, "credit_limit": "100.00"`)
		v := w.submit(t, w.rep, "customer", id, key)
		w.approve(t, w.sd, v.ID)
		wantState(t, w.instance(t, v.ID), store.FlowApproved)
		runJobs(t, app, time.Minute)

		mu.Lock()
		defer mu.Unlock()
		if len(got) != 2 {
			t.Fatalf("%d deliveries, want 2 (task decided, flow finished): %v", len(got), got)
		}
		byEvent := map[string]map[string]any{}
		for _, p := range got {
			byEvent[p["event"].(string)] = p
		}
		decided, finished := byEvent["task.decided"], byEvent["flow.finished"]
		if decided == nil || finished == nil {
			t.Fatalf("events %v", got)
		}
		if f := decided["flow"].(map[string]any); f["decision"] != "approved" || f["node"] != "check" || f["flow"] != key {
			t.Errorf("task.decided: %v", decided)
		}
		if f := finished["flow"].(map[string]any); f["outcome"] != store.FlowApproved || finished["record_id"] != float64(id) {
			t.Errorf("flow.finished: %v", finished)
		}
		rec, _ := finished["record"].(map[string]any)
		if rec == nil || rec["name"] == nil {
			t.Errorf("flow.finished carries no record: %v", finished)
		}
	})
}
