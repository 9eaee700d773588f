package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// outcome is what one request of the load saw.
type outcome struct {
	status     int
	retryAfter string
	code       string
	id         int64
	took       time.Duration
}

func timedCall(base, method, path, token, body string) outcome {
	start := time.Now()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := (&http.Client{Timeout: 15 * time.Second}).Do(req)
	if err != nil {
		return outcome{took: time.Since(start)}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var v struct {
		ID    int64 `json:"id"`
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &v)
	return outcome{status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"), code: v.Error.Code, id: v.ID, took: time.Since(start)}
}

// TestDatabaseLostUnderLoad runs a server on PostgreSQL through a proxy,
// takes the database away in the middle of a stream of creates and reads,
// and gives it back: while it is gone every request fails at once with a
// 503 that says when to try again (never a 500, never a hang), and once it
// is back the server serves again by itself, with every acknowledged write
// kept.
func TestDatabaseLostUnderLoad(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := storetest.DSN(t, store.Postgres)
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatal(err)
	}
	proxy := newDBProxy(t, u.Host)
	u.Host = proxy.addr
	bin := buildMosaic(t)
	s := startServer(t, bin, u.String())
	admin := login(t, s, "admin@example.com", "mosaic-admin")

	var mu sync.Mutex
	var seen []outcome
	phase := "before"
	byPhase := map[string][]outcome{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				// note: a request counts in the phase it started in; one
				// already past the database when it went may still succeed.
				mu.Lock()
				started := phase
				mu.Unlock()
				var o outcome
				if i%2 == 0 {
					o = timedCall(s.base, "POST", "/api/v1/forms/customer/records", admin,
						fmt.Sprintf(`{"name":"Fault %d-%d","region":"east"}`, w, i))
				} else {
					o = timedCall(s.base, "GET", "/api/v1/forms/customer/records?per_page=5&sort=-id", admin, "")
				}
				mu.Lock()
				seen = append(seen, o)
				byPhase[started] = append(byPhase[started], o)
				mu.Unlock()
				time.Sleep(20 * time.Millisecond)
			}
		}()
	}
	setPhase := func(p string) {
		mu.Lock()
		phase = p
		mu.Unlock()
	}
	time.Sleep(time.Second)
	proxy.stop()
	// note: a request already past the proxy when it stopped may still
	// commit; the down phase starts once those have had time to finish.
	setPhase("cutting")
	time.Sleep(500 * time.Millisecond)
	setPhase("down")
	time.Sleep(3 * time.Second)
	ready := timedCall(s.base, "GET", "/readyz", "", "")
	setPhase("back") // note: before the restart, so no request of the down phase can reach it
	proxy.start(t)
	time.Sleep(4 * time.Second)
	close(stop)
	wg.Wait()

	if ready.status != http.StatusServiceUnavailable {
		t.Errorf("/readyz with the database gone: %d, want 503", ready.status)
	}
	unavailable := 0
	for _, o := range seen {
		switch {
		case o.status == 0:
			t.Errorf("a request got no answer within %s (a hang or a dropped connection)", o.took)
		case o.status >= 500 && o.status != http.StatusServiceUnavailable:
			t.Errorf("a request failed with %d %q", o.status, o.code)
		case o.status == http.StatusServiceUnavailable:
			unavailable++
			if o.retryAfter == "" || o.code != "unavailable" {
				t.Errorf("503 without retry advice: Retry-After %q, code %q", o.retryAfter, o.code)
			}
			if o.took > 10*time.Second {
				t.Errorf("a 503 took %s; it should fail fast", o.took)
			}
		case o.status >= 400:
			t.Errorf("a request failed with %d %q", o.status, o.code)
		}
	}
	if unavailable == 0 {
		t.Fatalf("no request saw the database gone (%d requests)", len(seen))
	}
	for _, o := range byPhase["down"] {
		if o.status != http.StatusServiceUnavailable {
			t.Errorf("with the database gone a request got %d", o.status)
		}
	}
	// Recovered: the last second of requests all succeeded, without a restart.
	back := byPhase["back"]
	tail := back[len(back)*3/4:]
	if len(tail) == 0 {
		t.Fatalf("no requests after the database came back")
	}
	for _, o := range tail {
		if o.status != 200 && o.status != 201 {
			t.Errorf("after the database came back a request still got %d %q", o.status, o.code)
		}
	}
	// No acknowledged write is lost.
	for _, o := range seen {
		if o.status == 201 {
			if got := timedCall(s.base, "GET", fmt.Sprintf("/api/v1/forms/customer/records/%d", o.id), admin, ""); got.status != 200 {
				t.Errorf("record %d was acknowledged but reads %d", o.id, got.status)
			}
		}
	}
	if strings.Contains(s.out.String(), "panic") {
		t.Errorf("the server panicked:\n%s", s.out.String())
	}
	t.Logf("%d requests, %d answered 503 while the database was away; %d before, %d during, %d after",
		len(seen), unavailable, len(byPhase["before"]), len(byPhase["down"]), len(back))
}
