package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// TestTwoReplicas runs two servers on one PostgreSQL database, as two
// replicas behind a load balancer without sticky sessions, and checks what
// such a deployment promises: a publish on one is live on the other at
// once, a permission change on one is enforced by the other on the very
// next request, and a load of creates, decisions, publishes and timers
// driven through both at once runs every job once in effect.
func TestTwoReplicas(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := storetest.DSN(t, store.Postgres)
	bin := buildMosaic(t)
	hook := newDeliveries(t, 0)

	a := startServer(t, bin, dsn)
	b := startServer(t, bin, dsn)
	replicas := []*server{a, b}
	// note: a session is kept in the database, so one token serves both.
	admin := login(t, a, "admin@example.com", "mosaic-admin")

	t.Run("publish is live on the other replica at once", func(t *testing.T) {
		for i, pair := range [][2]*server{{a, b}, {b, a}} {
			key := fmt.Sprintf("replica_probe_%d", i)
			form := fmt.Sprintf(`{"kind":"form","key":%q,"title":"Probe","fields":[{"key":"label","type":"text","label":"Label"}]}`, key)
			pair[0].must(t, 200, "POST", "/api/v1/definitions/import", admin, `{"definitions":[`+form+`]}`)
			// note: the very next request on the other replica sees it; no
			// waiting for a poll.
			if code, body := pair[1].call("GET", "/api/v1/forms/"+key, admin, ""); code != 200 {
				t.Errorf("%s published on one replica is not live on the other at the next request: %d %s", key, code, body)
			}
		}
	})

	t.Run("permission change is enforced on the next request", func(t *testing.T) {
		var clerk struct{ ID int64 }
		_ = json.Unmarshal(a.must(t, 201, "POST", "/api/v1/admin/users", admin,
			`{"email":"clerk@example.com","name":"Clerk","password":"clerk-pass-123","roles":["sales_rep"]}`), &clerk)
		token := login(t, b, "clerk@example.com", "clerk-pass-123")
		b.must(t, 200, "GET", "/api/v1/forms/customer/records", token, "")
		a.must(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", clerk.ID), admin, `{"roles":[]}`)
		b.must(t, 403, "GET", "/api/v1/forms/customer/records", token, "")
		b.must(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", clerk.ID), admin, `{"roles":["sales_rep"]}`)
		a.must(t, 200, "GET", "/api/v1/forms/customer/records", token, "")
		// A role's definition changed on one replica binds on the other too.
		role := `{"kind":"role","key":"clerk_probe","title":"Clerk probe","grants":[{"form":"customer","actions":["read"]}]}`
		b.must(t, 200, "POST", "/api/v1/definitions/import", admin, `{"definitions":[`+role+`]}`)
		a.must(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", clerk.ID), admin, `{"roles":["clerk_probe"]}`)
		b.must(t, 200, "GET", "/api/v1/forms/customer/records", token, "")
		role = `{"kind":"role","key":"clerk_probe","title":"Clerk probe","grants":[{"form":"product","actions":["read"]}]}`
		a.must(t, 200, "POST", "/api/v1/definitions/import", admin, `{"definitions":[`+role+`]}`)
		b.must(t, 403, "GET", "/api/v1/forms/customer/records", token, "")
	})

	a.must(t, 201, "POST", "/api/v1/admin/users", admin, `{"email":"approver@example.com","name":"Approver","password":"approver-pass-1","roles":["sales_director"]}`)
	approver := login(t, b, "approver@example.com", "approver-pass-1")
	flow := fmt.Sprintf(`{"kind":"flow","key":"replica_test","title":"Replica test","form":"customer","triggers":[{"on":"submit"}],
		"nodes":[{"id":"start","type":"start","next":"cool"},
			{"id":"cool","type":"wait","wait":{"duration":"1s"},"next":"check"},
			{"id":"check","type":"approval","approval":{"mode":"single","assignees":[{"type":"user","value":"approver@example.com"}]},"next":"tell"},
			{"id":"tell","type":"action","actions":[{"type":"set_fields","set":{"notes":"\"checked\""}},
				{"type":"create_record","form":"customer","set":{"name":"\"Child of \" + name","region":"region"}},
				{"type":"notify","to":[{"type":"user","value":"approver@example.com"}],"message":"{{name}} was checked"},
				{"type":"webhook","url":%q}],"next":"done"},
			{"id":"done","type":"end"}]}`, hook.srv.URL)
	b.must(t, 200, "POST", "/api/v1/definitions/import", admin, `{"definitions":[`+flow+`]}`)

	// Creates and submits through both replicas at once, while both publish
	// new versions of a form.
	const n = 24
	instances := make([]int64, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := replicas[i%2]
			var rec struct{ ID int64 }
			code, body := s.call("POST", "/api/v1/forms/customer/records", admin, fmt.Sprintf(`{"name":"Replica %d","region":"east"}`, i))
			if code != 201 {
				t.Errorf("create %d: %d %s", i, code, body)
				return
			}
			_ = json.Unmarshal(body, &rec)
			var inst struct{ ID int64 }
			code, body = replicas[(i+1)%2].call("POST", fmt.Sprintf("/api/v1/forms/customer/records/%d/submit", rec.ID), admin, `{"flow":"replica_test"}`)
			if code != 201 {
				t.Errorf("submit %d: %d %s", i, code, body)
				return
			}
			_ = json.Unmarshal(body, &inst)
			instances[i] = inst.ID
		}()
	}
	for i := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := fmt.Sprintf(`{"kind":"form","key":"replica_probe_0","title":"Probe %d","fields":[{"key":"label","type":"text","label":"Label %d"}]}`, i, i)
			if code, body := replicas[i%2].call("POST", "/api/v1/definitions/import", admin, `{"definitions":[`+form+`]}`); code != 200 && code != 409 {
				t.Errorf("publish %d: %d %s", i, code, body)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}

	// Each task is decided through both replicas at the same moment: one
	// decision wins, the other is told it lost.
	decided := map[int64]bool{}
	deadline := time.Now().Add(60 * time.Second)
	for len(decided) < n && time.Now().Before(deadline) {
		var inbox struct {
			Items []struct {
				ID       int64 `json:"id"`
				Instance int64 `json:"instance_id"`
			} `json:"items"`
		}
		_ = json.Unmarshal(replicas[len(decided)%2].must(t, 200, "GET", "/api/v1/tasks?state=pending&per_page=100", approver, ""), &inbox)
		for _, task := range inbox.Items {
			codes := make([]int, 2)
			var race sync.WaitGroup
			for r, s := range replicas {
				race.Add(1)
				go func() {
					defer race.Done()
					codes[r], _ = s.call("POST", fmt.Sprintf("/api/v1/tasks/%d/decide", task.ID), approver, `{"decision":"approve"}`)
				}()
			}
			race.Wait()
			if !(codes[0] == 200 && codes[1] == 409 || codes[0] == 409 && codes[1] == 200) {
				t.Errorf("task %d decided on both replicas at once: %v, want one 200 and one 409", task.ID, codes)
			}
			decided[task.Instance] = true
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(decided) < n {
		t.Fatalf("%d of %d instances reached their approval", len(decided), n)
	}

	// Every instance ends approved, each step once, each side effect once.
	for i, id := range instances {
		var v struct {
			State string `json:"state"`
			Steps []struct {
				Node    string `json:"node"`
				Kind    string `json:"kind"`
				Comment string `json:"comment"`
			} `json:"steps"`
		}
		for time.Now().Before(deadline) {
			_ = json.Unmarshal(replicas[i%2].must(t, 200, "GET", fmt.Sprintf("/api/v1/flows/instances/%d", id), admin, ""), &v)
			hooked := false
			for _, s := range v.Steps {
				hooked = hooked || s.Kind == "webhook" && s.Comment == "delivered"
			}
			if v.State == "approved" && hooked {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		counts := map[string]int{}
		for _, s := range v.Steps {
			if s.Kind == "webhook" && s.Comment != "delivered" {
				continue
			}
			counts[s.Node+" "+s.Kind]++
		}
		want := map[string]int{"cool waiting": 1, "cool waited": 1, "check decided": 1, "tell action": 3, "tell task_created": 1, "tell notified": 1, "tell webhook": 1, "done ended": 1}
		for k, c := range want {
			if counts[k] != c {
				t.Errorf("instance %d (%s): %d × %q, want %d; steps %+v", id, v.State, counts[k], k, c, v.Steps)
			}
		}
		var page struct {
			Items []json.RawMessage `json:"items"`
		}
		q := url.Values{"filter": {fmt.Sprintf(`name == "Child of Replica %d"`, i)}}
		_ = json.Unmarshal(a.must(t, 200, "GET", "/api/v1/forms/customer/records?"+q.Encode(), admin, ""), &page)
		if len(page.Items) != 1 {
			t.Errorf("instance %d made %d records in the other form, want 1", id, len(page.Items))
		}
	}
	delivered := hook.counts()
	if len(delivered) != n {
		t.Errorf("%d distinct webhook deliveries, want %d", len(delivered), n)
	}
	for id, c := range delivered {
		if c != 1 {
			t.Errorf("delivery %s was sent %d times with no crash to excuse it", id, c)
		}
	}
}
