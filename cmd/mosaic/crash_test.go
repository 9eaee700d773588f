package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// server is one mosaic process of the crash test.
type server struct {
	cmd  *exec.Cmd
	base string
	out  *bytes.Buffer
}

func startServer(t *testing.T, bin, dsn string, env ...string) *server {
	t.Helper()
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", t.TempDir(), "--load", exampleDir())
	cmd.Env = append(os.Environ(), "MOSAIC_DB="+dsn, "MOSAIC_ADMIN_EMAIL=admin@example.com", "MOSAIC_ADMIN_PASSWORD=mosaic-admin",
		"MOSAIC_JOB_POLL=50ms", "MOSAIC_JOB_RESCUE_AFTER=3s", "MOSAIC_JOB_RETRY_BASE=100ms",
		"MOSAIC_WEBHOOK_ALLOW=127.0.0.1") // note: the tests' webhook receivers listen on loopback
	cmd.Env = append(cmd.Env, env...)
	s := &server{cmd: cmd, base: "http://" + addr, out: &bytes.Buffer{}}
	cmd.Stdout, cmd.Stderr = s.out, s.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			_ = cmd.Wait()
		}
	})
	waitFor(t, s.base+"/readyz")
	return s
}

// call sends one API request; a dead server is (0, nil).
func (s *server) call(method, path, token, body string) (int, []byte) {
	req, _ := http.NewRequest(method, s.base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := (&http.Client{Timeout: 20 * time.Second}).Do(req)
	if err != nil {
		return 0, nil
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func (s *server) must(t *testing.T, want int, method, path, token, body string) []byte {
	t.Helper()
	got, b := s.call(method, path, token, body)
	if got != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, got, want, b)
	}
	return b
}

func login(t *testing.T, s *server, email, password string) string {
	var out struct{ Token string }
	if err := json.Unmarshal(s.must(t, 200, "POST", "/api/v1/auth/login", "", fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)), &out); err != nil {
		t.Fatal(err)
	}
	return out.Token
}

// TestKillNineMidBatch runs two servers on one PostgreSQL database, puts a
// batch of records through a flow with a timer, a decision and a webhook,
// kills one server with SIGKILL in the middle, restarts it, and checks that
// every instance passed each step exactly once.
func TestKillNineMidBatch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dsn := storetest.DSN(t, store.Postgres)
	bin := buildMosaic(t)
	// note: slow, so that deliveries are in flight when the server dies
	hook := newDeliveries(t, 150*time.Millisecond)

	a := startServer(t, bin, dsn)
	b := startServer(t, bin, dsn)
	admin := login(t, a, "admin@example.com", "mosaic-admin")
	a.must(t, 201, "POST", "/api/v1/admin/users", admin, `{"email":"approver@example.com","name":"Approver","password":"approver-pass-1","roles":["sales_director"]}`)
	approver := login(t, b, "approver@example.com", "approver-pass-1")
	flow := fmt.Sprintf(`{"kind":"flow","key":"crash_test","title":"Crash test","form":"customer","triggers":[{"on":"submit"}],
		"nodes":[{"id":"start","type":"start","next":"cool"},
			{"id":"cool","type":"wait","wait":{"duration":"1s"},"next":"check"},
			{"id":"check","type":"approval","approval":{"mode":"single","assignees":[{"type":"user","value":"approver@example.com"}]},"next":"tell"},
			{"id":"tell","type":"action","actions":[{"type":"set_fields","set":{"notes":"\"checked\""}},{"type":"webhook","url":%q}],"next":"done"},
			{"id":"done","type":"end"}]}`, hook.srv.URL)
	a.must(t, 200, "POST", "/api/v1/definitions/import", admin, `{"definitions":[`+flow+`]}`)
	time.Sleep(1500 * time.Millisecond) // note: b's poller picks up the publish

	const n = 30
	instances := make([]int64, n)
	for i := range n {
		s := []*server{a, b}[i%2]
		var rec struct{ ID int64 }
		_ = json.Unmarshal(s.must(t, 201, "POST", "/api/v1/forms/customer/records", admin, fmt.Sprintf(`{"name":"Crash %d","region":"east"}`, i)), &rec)
		var inst struct{ ID int64 }
		_ = json.Unmarshal(s.must(t, 201, "POST", fmt.Sprintf("/api/v1/forms/customer/records/%d/submit", rec.ID), admin, `{"flow":"crash_test"}`), &inst)
		instances[i] = inst.ID
	}

	// Decide tasks as they appear, through whichever server is up; kill a
	// mid-way, then start it again.
	decided := map[int64]bool{}
	killed, restarted := false, false
	deadline := time.Now().Add(90 * time.Second)
	for len(decided) < n && time.Now().Before(deadline) {
		live := b
		if !killed || restarted {
			live = a
		}
		code, body := live.call("GET", "/api/v1/tasks?state=pending&per_page=100", approver, "")
		if code != 200 {
			time.Sleep(100 * time.Millisecond)
			continue
		}
		var inbox struct {
			Items []struct {
				ID       int64 `json:"id"`
				Instance int64 `json:"instance_id"`
			} `json:"items"`
		}
		_ = json.Unmarshal(body, &inbox)
		for _, task := range inbox.Items {
			if !killed && len(decided) >= n/3 {
				_ = a.cmd.Process.Kill() // SIGKILL: no shutdown, jobs left running
				_ = a.cmd.Wait()
				killed = true
			}
			target := a
			if killed && !restarted {
				target = b
			}
			code, body := target.call("POST", fmt.Sprintf("/api/v1/tasks/%d/decide", task.ID), approver, `{"decision":"approve"}`)
			switch code {
			case 200, 409:
				decided[task.Instance] = true
			case 0:
			default:
				t.Fatalf("decide %d: %d %s", task.ID, code, body)
			}
		}
		if killed && !restarted && len(decided) >= 2*n/3 {
			a = startServer(t, bin, dsn)
			restarted = true
		}
		time.Sleep(100 * time.Millisecond)
	}
	if !killed || !restarted {
		t.Fatalf("the batch ended before the crash (killed %v, restarted %v, decided %d)", killed, restarted, len(decided))
	}

	// Every instance ends approved, each step once, each webhook delivered
	// and recorded once.
	for _, id := range instances {
		var v struct {
			State string `json:"state"`
			Steps []struct {
				Node    string `json:"node"`
				Kind    string `json:"kind"`
				Comment string `json:"comment"`
			} `json:"steps"`
		}
		for time.Now().Before(deadline) {
			_ = json.Unmarshal(a.must(t, 200, "GET", fmt.Sprintf("/api/v1/flows/instances/%d", id), admin, ""), &v)
			delivered := 0
			for _, s := range v.Steps {
				if s.Kind == "webhook" && s.Comment == "delivered" {
					delivered++
				}
			}
			if v.State == "approved" && delivered > 0 {
				break
			}
			time.Sleep(200 * time.Millisecond)
		}
		counts := map[string]int{}
		for _, s := range v.Steps {
			if s.Kind == "webhook" && s.Comment != "delivered" {
				continue // note: a failed attempt is a fact of the timeline, not a repeat
			}
			counts[s.Node+" "+s.Kind]++
		}
		want := map[string]int{"cool waiting": 1, "cool waited": 1, "check decided": 1, "tell action": 2, "tell webhook": 1, "done ended": 1}
		for k, c := range want {
			if counts[k] != c {
				t.Errorf("instance %d (%s): %d × %q, want %d; steps %+v", id, v.State, counts[k], k, c, v.Steps)
			}
		}
	}
	delivered := hook.counts()
	if len(delivered) != n {
		t.Errorf("%d distinct webhook deliveries, want %d", len(delivered), n)
	}
	repeats := 0
	for _, c := range delivered {
		repeats += c - 1
	}
	// note: a delivery whose process died before it recorded the answer is
	// sent again (same delivery id, for the receiver to drop); the timeline
	// still records it once.
	t.Logf("%d deliveries, %d sent again after the crash", len(delivered), repeats)
}

// buildMosaic builds the binary, for a test that runs it as a process.
func buildMosaic(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "mosaic")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// deliveries is a webhook receiver counting deliveries by their id.
type deliveries struct {
	mu   sync.Mutex
	seen map[string]int
	srv  *httptest.Server
}

func newDeliveries(t *testing.T, delay time.Duration) *deliveries {
	d := &deliveries{seen: map[string]int{}}
	d.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		d.mu.Lock()
		d.seen[r.Header.Get("X-Mosaic-Delivery")]++
		d.mu.Unlock()
	}))
	t.Cleanup(d.srv.Close)
	return d
}

func (d *deliveries) counts() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.seen))
	for k, v := range d.seen {
		out[k] = v
	}
	return out
}
