package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

func withKey(key string, h map[string]string) map[string]string {
	out := map[string]string{"Idempotency-Key": key}
	for k, v := range h {
		out[k] = v
	}
	return out
}

// countNamed counts the customers named name, as the admin sees them.
func countNamed(t *testing.T, app *enginetest.App, name string) int {
	t.Helper()
	var list struct {
		Items []map[string]any `json:"items"`
	}
	app.Expect(t, 200, "GET", listURL("customer", "filter", fmt.Sprintf("name == %q", name)), "", nil).JSON(t, &list)
	return len(list.Items)
}

func TestIdempotencyKeyOnCreate(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		body := `{"name": "Retry Corp", "region": "east"}`
		first := app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", body, withKey("crm-order-1", nil))
		again := app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", body, withKey("crm-order-1", nil))
		if idOf(t, first.Map(t)) != idOf(t, again.Map(t)) || first.Body != again.Body {
			t.Fatalf("the retry got another answer:\n%s\n%s", first.Body, again.Body)
		}
		if again.Headers["Idempotent-Replayed"] != "true" || again.Headers["Location"] != first.Headers["Location"] || again.Headers["Etag"] != first.Headers["Etag"] {
			t.Errorf("replayed headers %v, first %v", again.Headers, first.Headers)
		}
		if n := countNamed(t, app, "Retry Corp"); n != 1 {
			t.Fatalf("%d records, want 1", n)
		}

		r := app.Expect(t, 422, "POST", "/api/v1/forms/customer/records", `{"name": "Other Corp", "region": "east"}`, withKey("crm-order-1", nil))
		if e, ok := enginetest.DecodeError(r); !ok || e.Detail("/headers/Idempotency-Key") == nil || !strings.Contains(r.Body, "idempotency_key_reused") {
			t.Errorf("a reused key with another body: %s", r.Body)
		}
		if n := countNamed(t, app, "Other Corp"); n != 0 {
			t.Errorf("the refused request created %d records", n)
		}

		// Keys belong to their caller: another user's same key is theirs.
		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Name: "Rep", Roles: []string{"sales_rep"}})
		mine := app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name": "Rep Corp", "region": "east"}`, withKey("crm-order-1", rep.Headers()))
		if idOf(t, mine.Map(t)) == idOf(t, first.Map(t)) {
			t.Error("another caller's key gave the first caller's answer")
		}

		// A request that failed stored nothing: the key is free again.
		app.Expect(t, 422, "POST", "/api/v1/forms/customer/records", `{"name": "Fix Corp", "region": "mars"}`, withKey("crm-order-2", nil))
		app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name": "Fix Corp", "region": "east"}`, withKey("crm-order-2", nil))

		// A key older than a day is forgotten.
		old := &store.IdempotencyKey{Caller: fmt.Sprintf("user:%d", app.Admin.ID), Key: "crm-order-3", RequestHash: "x",
			Status: 201, Body: `{}`, CreatedAt: time.Now().UTC().Add(-25 * time.Hour)}
		if err := app.Engine.DB().ClaimIdempotencyKey(context.Background(), old); err != nil {
			t.Fatal(err)
		}
		app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name": "Late Corp", "region": "east"}`, withKey("crm-order-3", nil))

		for _, s := range []enginetest.APIScenario{
			{Name: "key too long", Method: "POST", URL: "/api/v1/forms/customer/records", Body: body,
				Headers: withKey(strings.Repeat("k", 256), nil), ExpectedStatus: 400, ExpectedContent: []string{"Idempotency-Key"}},
			{Name: "key not ASCII", Method: "POST", URL: "/api/v1/forms/customer/records", Body: body,
				Headers: withKey("clé", nil), ExpectedStatus: 400, ExpectedContent: []string{"Idempotency-Key"}},
		} {
			s.Test(t, app)
		}
	})
}

func TestIdempotencyKeyUnderConcurrency(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		const n = 8
		body := `{"name": "Race Corp", "region": "north"}`
		var wg sync.WaitGroup
		answers := make([]enginetest.Response, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				answers[i] = app.Do(t, "POST", "/api/v1/forms/customer/records", body, withKey("race-1", nil))
			}()
		}
		wg.Wait()
		for i, a := range answers {
			if a.Status != 201 || a.Body != answers[0].Body {
				t.Errorf("request %d: %d %s, want the first answer %s", i, a.Status, a.Body, answers[0].Body)
			}
		}
		if got := countNamed(t, app, "Race Corp"); got != 1 {
			t.Fatalf("%d records for one key, want 1", got)
		}
	})
}
