package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

func TestWebhookSubscriptionHearsFlowEvents(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithReceiver, func(t *testing.T, app *enginetest.App) {
		srv, received := hookReceiver(t)
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

		got := received()
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

// A subscription reads as its role: a role that reads only the east's
// orders hears of an order while it is in the east, and of no other; a role
// scoped by owner hears nothing, as a subscription is no user.
func TestWebhookSubscriptionKeepsToItsRoleRows(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithReceiver, func(t *testing.T, app *enginetest.App) {
		srv, received := hookReceiver(t)
		w := newWorld(t, app)
		role := `{"kind": "role", "key": "east_feed", "title": "East feed", "grants": [
			{"form": "order", "actions": ["read"], "scope": "filter", "filter": "region == \"east\"", "fields": {"margin": "hidden"}}]}`
		if _, err := app.Engine.Import(context.Background(), [][]byte{[]byte(role)}, engine.PublishOptions{}, forms.Actor{}); err != nil {
			t.Fatal(err)
		}
		for _, role := range []string{"east_feed", "sales_rep"} {
			app.Expect(t, 201, "POST", "/api/v1/admin/webhooks", fmt.Sprintf(`{"form": "order",
				"events": ["record.created", "record.updated", "record.deleted"], "url": %q, "role": %q}`, srv.URL+"/"+role, role), nil)
		}
		east := w.order(t, "1000.00", "0") // created, then its sales rep named: two events
		west := w.order(t, "2000.00", "0")
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/order/records/%d", west), `{"region": "west"}`, nil)
		app.Expect(t, 204, "DELETE", fmt.Sprintf("/api/v1/forms/order/records/%d", west), "", nil)
		app.Expect(t, 204, "DELETE", fmt.Sprintf("/api/v1/forms/order/records/%d", east), "", nil)
		runJobs(t, app, time.Minute)

		got := received()
		var events []string
		for _, p := range got {
			rec, _ := p["record"].(map[string]any)
			if rec == nil || rec["region"] != "east" {
				t.Errorf("%s of order %v carries %v, want an order in the east", p["event"], p["record_id"], rec)
			}
			if _, ok := rec["margin"]; ok {
				t.Errorf("the role may not read margin: %v", rec)
			}
			events = append(events, fmt.Sprintf("%s %v", p["event"], p["record_id"]))
		}
		slices.Sort(events)
		want := []string{
			fmt.Sprintf("record.created %d", east), fmt.Sprintf("record.created %d", west),
			fmt.Sprintf("record.deleted %d", east),
			fmt.Sprintf("record.updated %d", east), fmt.Sprintf("record.updated %d", west),
		}
		slices.Sort(want)
		if !slices.Equal(events, want) {
			t.Errorf("events %v, want %v (the west order's move and delete unheard; nothing for the owner-scoped role)", events, want)
		}
	})
}

// hookReceiver is a webhook receiver that keeps every payload it is sent;
// received lists them so far.
func hookReceiver(t *testing.T) (srv *httptest.Server, received func() []map[string]any) {
	var mu sync.Mutex
	var got []map[string]any
	srv = httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		var p map[string]any
		b, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(b, &p)
		mu.Lock()
		got = append(got, p)
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)
	return srv, func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
}
