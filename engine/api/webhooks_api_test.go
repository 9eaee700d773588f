package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// hookReceiver is a webhook receiver that deduplicates by idempotency key,
// as receivers are told to.
type hookReceiver struct {
	secret []byte
	mu     sync.Mutex
	// unavailable answers 503 to that many requests before any is taken;
	// lostAnswers takes that many and then answers 503 anyway, as when the
	// answer is lost on its way back.
	unavailable, lostAnswers int
	requests                 int
	seen                     map[string]int
	payloads                 map[string]map[string]any
	badSignatures            int
}

func (h *hookReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	h.mu.Lock()
	defer h.mu.Unlock()
	h.requests++
	if h.unavailable > 0 {
		h.unavailable--
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	ts, _ := strconv.ParseInt(r.Header.Get(engine.HeaderTimestamp), 10, 64)
	if r.Header.Get(engine.HeaderSignature) != engine.SignWebhook(h.secret, ts, body) {
		h.badSignatures++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	key := r.Header.Get("Idempotency-Key")
	h.seen[key]++
	if h.seen[key] == 1 {
		var p map[string]any
		_ = json.Unmarshal(body, &p)
		h.payloads[key] = p
	}
	if h.lostAnswers > 0 {
		h.lostAnswers--
		w.WriteHeader(http.StatusServiceUnavailable)
	}
}

// withSlowRetries runs the worker but leaves retries to drainJobs: a
// failed delivery waits 30 seconds and more, longer than the test.
func withSlowRetries(c *engine.Config) {
	enginetest.WithReceiver(c)
	c.Jobs.RetryBase = 30 * time.Second
}

// drainJobs runs every job due within two days (the longest wait between
// attempts is a day), rounds times.
func drainJobs(t *testing.T, app *enginetest.App, rounds int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for range rounds {
		if _, err := app.Engine.RunJobsDueWithin(ctx, 48*time.Hour); err != nil {
			t.Fatal(err)
		}
		if err := app.Engine.WaitForJobs(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

type deliveryLog struct {
	Items []struct {
		ID           int64  `json:"id"`
		Key          string `json:"key"`
		Event        string `json:"event"`
		Status       string `json:"status"`
		Attempts     int    `json:"attempts"`
		ResponseCode int    `json:"response_code"`
		Error        string `json:"error"`
		AttemptLog   []struct {
			Attempt      int    `json:"attempt"`
			ResponseCode int    `json:"response_code"`
			Error        string `json:"error"`
		} `json:"attempt_log"`
	} `json:"items"`
}

func TestWebhookSubscriptionSurvivesADownReceiver(t *testing.T) {
	enginetest.EachWith(t, withSlowRetries, func(t *testing.T, app *enginetest.App) {
		// The receiver's port is reserved, then left closed: it refuses.
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()

		var sub struct {
			ID     int64    `json:"id"`
			Secret string   `json:"secret"`
			Events []string `json:"events"`
			Role   string   `json:"role"`
		}
		app.Expect(t, 201, "POST", "/api/v1/admin/webhooks", fmt.Sprintf(`{"name": "CRM", "form": "customer",
			"events": ["record.created", "record.updated", "record.deleted"], "url": "http://%s/hook", "role": "delivery"}`, addr), nil).JSON(t, &sub)
		if sub.ID == 0 || !strings.HasPrefix(sub.Secret, "whsec_") || len(sub.Events) != 3 || sub.Role != "delivery" {
			t.Fatalf("subscription %+v", sub)
		}
		if got := app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/admin/webhooks/%d", sub.ID), "", nil).Body; strings.Contains(got, sub.Secret) || strings.Contains(got, `"secret"`) {
			t.Fatalf("the secret is shown again: %s", got)
		}

		var ids []int64
		for i := range 3 {
			ids = append(ids, create(t, app, "customer", fmt.Sprintf(`{"name": "Hook %d", "region": "east", "credit_limit": "9000.00", "level": "A"}`, i)))
		}
		app.Expect(t, 200, "PATCH", recordURL("customer", ids[0]), `{"notes": "called back"}`, nil)
		app.Expect(t, 204, "DELETE", recordURL("customer", ids[1]), "", nil)
		const events = 5

		// note: two rounds of retries, refused; the worker may or may not have
		// made the first attempt before them, so two or three attempts.
		drainJobs(t, app, 2)
		var log deliveryLog
		app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/admin/webhooks/%d/deliveries", sub.ID), "", nil).JSON(t, &log)
		if len(log.Items) != events {
			t.Fatalf("%d deliveries logged, want %d", len(log.Items), events)
		}
		for _, d := range log.Items {
			if d.Status != "pending" || d.Attempts < 2 || d.Attempts > 3 || len(d.AttemptLog) != d.Attempts || d.AttemptLog[0].Error == "" || d.AttemptLog[0].ResponseCode != 0 {
				t.Fatalf("while the receiver is down: %+v", d)
			}
		}

		// The receiver comes back: busy at first, then it takes deliveries
		// but loses two answers, so those are sent again.
		rcv := &hookReceiver{secret: []byte(sub.Secret), unavailable: 3, lostAnswers: 2, seen: map[string]int{}, payloads: map[string]map[string]any{}}
		ln, err = net.Listen("tcp", addr)
		if err != nil {
			t.Fatalf("the receiver's port was taken meanwhile: %v", err)
		}
		srv := &http.Server{Handler: rcv}
		go func() { _ = srv.Serve(ln) }()
		defer srv.Close()
		drainJobs(t, app, 6)

		app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/admin/webhooks/%d/deliveries", sub.ID), "", nil).JSON(t, &log)
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if rcv.badSignatures > 0 {
			t.Errorf("%d deliveries were badly signed", rcv.badSignatures)
		}
		var keys []string
		saw503 := false
		for _, d := range log.Items {
			keys = append(keys, d.Key)
			if d.Status != "delivered" || d.ResponseCode != 200 {
				t.Errorf("delivery %s: %s, code %d, error %q", d.Key, d.Status, d.ResponseCode, d.Error)
			}
			if rcv.seen[d.Key] == 0 {
				t.Errorf("delivery %s (%s) never reached the receiver", d.Key, d.Event)
			}
			for _, a := range d.AttemptLog {
				saw503 = saw503 || a.ResponseCode == 503
			}
		}
		if len(rcv.seen) != events {
			t.Errorf("the receiver has %d distinct keys, want %d: %v", len(rcv.seen), events, rcv.seen)
		}
		for k := range rcv.seen {
			if !slices.Contains(keys, k) {
				t.Errorf("the receiver got key %s, which is not in the log", k)
			}
		}
		if !saw503 || rcv.requests <= events {
			t.Errorf("the log shows no 503 answer (requests %d)", rcv.requests)
		}
		got := map[string]int{}
		for _, p := range rcv.payloads {
			got[p["event"].(string)]++
			rec, _ := p["record"].(map[string]any)
			if rec == nil || rec["name"] == nil || rec["region"] != "east" {
				t.Errorf("payload without the record: %v", p)
			}
			if _, ok := rec["credit_limit"]; ok {
				t.Errorf("the delivery role may not read credit_limit, but the payload has it: %v", rec)
			}
			if _, ok := rec["level"]; ok {
				t.Errorf("the delivery role may not read level, but the payload has it: %v", rec)
			}
		}
		if got["record.created"] != 3 || got["record.updated"] != 1 || got["record.deleted"] != 1 {
			t.Errorf("events received: %v", got)
		}

		// A replay sends the same delivery again with the same key.
		first := log.Items[0]
		before := rcv.seen[first.Key]
		rcv.mu.Unlock()
		app.Expect(t, 202, "POST", fmt.Sprintf("/api/v1/admin/webhooks/%d/deliveries/%d/replay", sub.ID, first.ID), "", nil)
		drainJobs(t, app, 1)
		rcv.mu.Lock()
		if rcv.seen[first.Key] != before+1 {
			t.Errorf("the replay did not reach the receiver with key %s", first.Key)
		}
	})
}

func TestWebhookSubscriptionInputs(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithReceiver, func(t *testing.T, app *enginetest.App) {
		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Name: "Rep", Roles: []string{"sales_rep"}})
		good := `{"form": "customer", "events": ["record.created"], "url": "http://127.0.0.1:9/hook"}`
		for _, s := range []enginetest.APIScenario{
			{Name: "not an admin", Method: "POST", URL: "/api/v1/admin/webhooks", Body: good, Headers: rep.Headers(), ExpectedStatus: 403},
			{Name: "not an admin lists", Method: "GET", URL: "/api/v1/admin/webhooks", Headers: rep.Headers(), ExpectedStatus: 403},
			{Name: "metadata service", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "customer", "events": ["record.created"], "url": "http://169.254.169.254/latest"}`, ExpectedContent: []string{"/url", "MOSAIC_WEBHOOK_ALLOW"}},
			{Name: "private network", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "customer", "events": ["record.created"], "url": "http://10.0.0.8/hook"}`, ExpectedContent: []string{"/url"}},
			{Name: "not http", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "customer", "events": ["record.created"], "url": "file:///etc/passwd"}`, ExpectedContent: []string{"/url"}},
			{Name: "unknown event", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "customer", "events": ["record.eaten"], "url": "http://127.0.0.1:9/hook"}`, ExpectedContent: []string{"/events/0", "record.created"}},
			{Name: "no events", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "customer", "events": [], "url": "http://127.0.0.1:9/hook"}`, ExpectedContent: []string{"/events"}},
			{Name: "unknown form", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "nope", "events": ["record.created"], "url": "http://127.0.0.1:9/hook"}`, ExpectedContent: []string{"/form"}},
			{Name: "unknown role", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 422,
				Body: `{"form": "customer", "events": ["record.created"], "url": "http://127.0.0.1:9/hook", "role": "ghost"}`, ExpectedContent: []string{"/role"}},
			{Name: "unknown key", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 400, Body: `{"form": "customer", "colour": "red"}`},
			{Name: "not JSON", Method: "POST", URL: "/api/v1/admin/webhooks", ExpectedStatus: 400, Body: `{`},
			{Name: "missing", Method: "GET", URL: "/api/v1/admin/webhooks/999", ExpectedStatus: 404},
			{Name: "bad id", Method: "GET", URL: "/api/v1/admin/webhooks/x", ExpectedStatus: 404},
			{Name: "replay of nothing", Method: "POST", URL: "/api/v1/admin/webhooks/999/deliveries/1/replay", ExpectedStatus: 404},
		} {
			s.Test(t, app)
		}

		var sub struct {
			ID     int64  `json:"id"`
			Secret string `json:"secret"`
		}
		app.Expect(t, 201, "POST", "/api/v1/admin/webhooks", good, nil).JSON(t, &sub)
		var rotated struct {
			Secret string `json:"secret"`
			Active bool   `json:"active"`
		}
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/webhooks/%d", sub.ID), `{"active": false, "rotate_secret": true}`, nil).JSON(t, &rotated)
		if rotated.Secret == "" || rotated.Secret == sub.Secret || rotated.Active {
			t.Errorf("after rotation and pause: %+v", rotated)
		}
		audit := app.Expect(t, 200, "GET", "/api/v1/admin/audit?target_kind=webhook", "", nil).Body
		for _, action := range []string{"webhook.create", "webhook.update"} {
			if !strings.Contains(audit, action) {
				t.Errorf("the audit log has no %s: %.300s", action, audit)
			}
		}
		if strings.Contains(audit, sub.Secret) || strings.Contains(audit, rotated.Secret) {
			t.Error("the audit log shows a secret")
		}
		app.Expect(t, 204, "DELETE", fmt.Sprintf("/api/v1/admin/webhooks/%d", sub.ID), "", nil)
		app.Expect(t, 404, "GET", fmt.Sprintf("/api/v1/admin/webhooks/%d", sub.ID), "", nil)
	})
}
