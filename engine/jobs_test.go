package engine_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// runJobs lets time pass for the job worker: jobs due within d run now,
// and it waits until none is due any more.
func runJobs(t *testing.T, app *enginetest.App, d time.Duration) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	for range 5 { // note: a job may enqueue another (a subflow's end resumes its parent)
		if _, err := app.Engine.RunJobsDueWithin(ctx, d); err != nil {
			t.Fatal(err)
		}
		if err := app.Engine.WaitForJobs(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

func count(list []string, kind string) int {
	n := 0
	for _, k := range list {
		if k == kind {
			n++
		}
	}
	return n
}

func TestWaitNodes(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithWorker, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)

		t.Run("a duration: the path waits, then goes on once when its time comes", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "hold"},
				{"id": "hold", "type": "wait", "wait": {"duration": "2d"}, "next": "act"},
				{"id": "act", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"woke\""}}], "next": "done"},
				{"id": "done", "type": "end"}]`)
			id := w.newCustomer(t, "")
			v := w.submit(t, w.rep, "customer", id, key)
			v = w.instance(t, v.ID)
			wantState(t, v, store.FlowRunning)
			if len(v.Current) != 1 || v.Current[0].Node != "hold" || v.Current[0].State != "waiting" {
				t.Fatalf("current %+v", v.Current)
			}
			runJobs(t, app, time.Hour) // note: an hour is not two days
			wantState(t, w.instance(t, v.ID), store.FlowRunning)
			runJobs(t, app, 49*time.Hour)
			v = w.instance(t, v.ID)
			wantState(t, v, store.FlowApproved)
			if got := count(steps(v, "hold"), "waited"); got != 1 {
				t.Errorf("%d waited steps, want 1: %s", got, stepWords(v))
			}
			if got := w.record(t, "customer", id)["notes"]; got != "woke" {
				t.Errorf("notes %v", got)
			}
		})

		t.Run("a date already past lets the path go on at once", func(t *testing.T) {
			key := w.publishFlow(t, "order", "", `[{"id": "start", "type": "start", "next": "hold"},
				{"id": "hold", "type": "wait", "wait": {"until_date": "order_date"}, "next": "done"},
				{"id": "done", "type": "end"}]`)
			v := w.instance(t, w.submit(t, w.rep, "order", w.order(t, "100.00", "0"), key).ID)
			wantState(t, v, store.FlowApproved)
		})

		t.Run("a condition: checked when the record changes", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "hold"},
				{"id": "hold", "type": "wait", "wait": {"until": "level == \"A\""}, "next": "done"},
				{"id": "done", "type": "end"}]`)
			id := w.newCustomer(t, `, "level": "B"`)
			v := w.submit(t, w.rep, "customer", id, key)
			wantState(t, w.instance(t, v.ID), store.FlowRunning)
			app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/customer/records/%d", id), `{"notes": "not yet"}`, nil)
			runJobs(t, app, 0)
			wantState(t, w.instance(t, v.ID), store.FlowRunning)
			app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/forms/customer/records/%d", id), `{"level": "A"}`, nil)
			runJobs(t, app, 0)
			v = w.instance(t, v.ID)
			wantState(t, v, store.FlowApproved)
			if got := count(steps(v, "hold"), "waited"); got != 1 {
				t.Errorf("%d waited steps, want 1: %s", got, stepWords(v))
			}
		})

		t.Run("a condition that already holds does not wait", func(t *testing.T) {
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "hold"},
				{"id": "hold", "type": "wait", "wait": {"until": "level == \"A\""}, "next": "done"},
				{"id": "done", "type": "end"}]`)
			wantState(t, w.instance(t, w.submit(t, w.rep, "customer", w.newCustomer(t, `, "level": "A"`), key).ID), store.FlowApproved)
		})
	})
}

func TestSubflow(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithWorker, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		child := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "check"},
			{"id": "check", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]}, "next": "done"},
			{"id": "done", "type": "end"}]`)
		parent := w.publishFlow(t, "order", "", fmt.Sprintf(`[{"id": "start", "type": "start", "next": "credit"},
			{"id": "credit", "type": "subflow", "subflow": {"flow": %q, "record": "customer"}, "next": "route"},
			{"id": "route", "type": "branch", "branches": [{"when": "decisions.credit == \"approved\"", "next": "ok"}], "default": "no"},
			{"id": "ok", "type": "end"}, {"id": "no", "type": "end", "outcome": "rejected"}]`, child))

		v := w.instance(t, w.submit(t, w.rep, "order", w.order(t, "100.00", "0"), parent).ID)
		wantState(t, v, store.FlowRunning)
		if len(v.Current) != 1 || v.Current[0].Node != "credit" || v.Current[0].State != "waiting" {
			t.Fatalf("current %+v", v.Current)
		}
		var started struct {
			Instance int64 `json:"instance"`
		}
		for _, s := range v.Steps {
			if s.Kind == "subflow" {
				_ = json.Unmarshal(s.Data, &started)
			}
		}
		c := w.instance(t, started.Instance)
		if c.RecordID != w.customer || c.State != store.FlowRunning {
			t.Fatalf("child %d on customer %d is %s; want running on %d", c.ID, c.RecordID, c.State, w.customer)
		}
		w.approve(t, w.fd, c.ID)
		runJobs(t, app, 0)
		v = w.instance(t, v.ID)
		wantState(t, v, store.FlowApproved)
		if got := count(steps(v, "credit"), "subflow"); got != 2 {
			t.Errorf("%d subflow steps (start, end), want 2: %s", got, stepWords(v))
		}
	})
}

func TestDeadlines(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithWorker, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		flow := func(then string) string {
			return w.publishFlow(t, "customer", "", fmt.Sprintf(`[{"id": "start", "type": "start", "next": "check"},
				{"id": "check", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "sd@example.com"}],
					"deadline": {"after": "48h", "then": %q}}, "next": "done"},
				{"id": "done", "type": "end"}]`, then))
		}
		start := func(key string) engine.InstanceView {
			v := w.instance(t, w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key).ID)
			if len(v.Tasks) != 1 || v.Tasks[0].DueAt == nil {
				t.Fatalf("tasks %+v", v.Tasks)
			}
			runJobs(t, app, time.Hour)
			if got := w.instance(t, v.ID); len(got.Steps) != len(v.Steps) {
				t.Fatalf("something happened before the deadline: %s", stepWords(got))
			}
			runJobs(t, app, 49*time.Hour)
			return w.instance(t, v.ID)
		}

		t.Run("approve: the engine approves for nobody and the flow goes on", func(t *testing.T) {
			v := start(flow("approve"))
			wantState(t, v, store.FlowApproved)
			if taskStates(v)["sd@example.com"] != store.TaskApproved || !slices.Contains(steps(v, "check"), "decided") {
				t.Errorf("tasks %v: %s", taskStates(v), stepWords(v))
			}
		})
		t.Run("reject", func(t *testing.T) {
			wantState(t, start(flow("reject")), store.FlowRejected)
		})
		t.Run("remind: the approver gets a notice, once", func(t *testing.T) {
			v := start(flow("remind"))
			wantState(t, v, store.FlowRunning)
			if got := count(steps(v, "check"), "reminded"); got != 1 {
				t.Errorf("%d reminders: %s", got, stepWords(v))
			}
			if taskStates(v)["sd@example.com"] != "pending,cc" {
				t.Errorf("tasks %v", taskStates(v))
			}
		})
		t.Run("escalate: the task goes to the approver's manager", func(t *testing.T) {
			v := start(flow("escalate"))
			if taskStates(v)["gm@example.com"] != store.TaskPending || !slices.Contains(steps(v, "check"), "escalated") {
				t.Fatalf("tasks %v: %s", taskStates(v), stepWords(v))
			}
			w.approve(t, w.gm, v.ID)
			wantState(t, w.instance(t, v.ID), store.FlowApproved)
		})
		t.Run("a task decided before its deadline is left alone", func(t *testing.T) {
			key := flow("reject")
			v := w.instance(t, w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key).ID)
			w.approve(t, w.sd, v.ID)
			runJobs(t, app, 49*time.Hour)
			wantState(t, w.instance(t, v.ID), store.FlowApproved)
		})
	})
}

// receiver is a webhook endpoint that fails its first failures answers.
type receiver struct {
	mu         sync.Mutex
	failures   int
	deliveries []http.Header
	bodies     [][]byte
}

func (r *receiver) ServeHTTP(rw http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failures > 0 {
		r.failures--
		rw.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	r.deliveries = append(r.deliveries, req.Header.Clone())
	r.bodies = append(r.bodies, body)
}

func TestWebhooks(t *testing.T) {
	enginetest.EachWith(t, enginetest.WithReceiver, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		rcv := &receiver{failures: 2}
		srv := httptest.NewServer(rcv)
		defer srv.Close()
		key := w.publishFlow(t, "customer", "", fmt.Sprintf(`[{"id": "start", "type": "start", "next": "tell"},
			{"id": "tell", "type": "action", "actions": [{"type": "webhook", "url": %q}], "next": "done"},
			{"id": "done", "type": "end"}]`, srv.URL+"/hook"))
		id := w.newCustomer(t, "")
		v := w.submit(t, w.rep, "customer", id, key)
		wantState(t, w.instance(t, v.ID), store.FlowApproved) // note: the flow does not wait for the receiver
		for range 10 {
			runJobs(t, app, time.Minute)
		}
		rcv.mu.Lock()
		defer rcv.mu.Unlock()
		if len(rcv.deliveries) != 1 {
			t.Fatalf("%d deliveries, want 1", len(rcv.deliveries))
		}
		h, body := rcv.deliveries[0], rcv.bodies[0]
		ts, _ := strconv.ParseInt(h.Get(engine.HeaderTimestamp), 10, 64)
		if got, want := h.Get(engine.HeaderSignature), engine.SignWebhook(app.Engine.WebhookSecret(), ts, body); got != want {
			t.Errorf("signature %q, want %q", got, want)
		}
		var payload struct {
			Delivery string         `json:"delivery"`
			RecordID int64          `json:"record_id"`
			Record   map[string]any `json:"record"`
		}
		if err := json.Unmarshal(body, &payload); err != nil {
			t.Fatal(err)
		}
		if payload.Delivery != h.Get(engine.HeaderDelivery) || payload.RecordID != id || payload.Record["name"] == nil {
			t.Errorf("payload %s", body)
		}
		v = w.instance(t, v.ID)
		var attempts []string
		for _, s := range v.Steps {
			if s.Kind == "webhook" {
				attempts = append(attempts, s.Comment)
			}
		}
		if len(attempts) != 3 || attempts[2] != "delivered" || !strings.Contains(attempts[0], "attempt 1 of 8 failed") {
			t.Errorf("attempts on the timeline: %q", attempts)
		}
	})
}

// smtpSink is a mail server that keeps what it is sent.
type smtpSink struct {
	ln   net.Listener
	mu   sync.Mutex
	mail []string
}

func newSMTPSink(t *testing.T) *smtpSink {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpSink{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpSink) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) { fmt.Fprintf(c, "%s\r\n", line) }
	say("220 sink")
	var data strings.Builder
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.TrimSpace(line))
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250 sink")
		case cmd == "DATA":
			say("354 go on")
			data.Reset()
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.mu.Lock()
			s.mail = append(s.mail, data.String())
			s.mu.Unlock()
			say("250 kept")
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestEmailNotices(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite} {
		t.Run(string(d), func(t *testing.T) {
			sink := newSMTPSink(t)
			app := enginetest.NewWith(t, d, func(c *engine.Config) {
				enginetest.WithWorker(c)
				c.SMTP = engine.SMTPConfig{Addr: sink.ln.Addr().String(), From: "mosaic@example.com"}
				c.BaseURL = "https://mosaic.example.com"
			})
			w := newWorld(t, app)
			key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "tell"},
				{"id": "tell", "type": "action", "actions": [{"type": "notify", "to": [{"type": "user", "value": "sd@example.com"}],
					"email": "contact_email", "link": "sign", "message": "Customer {{name}} is in."}], "next": "done"},
				{"id": "done", "type": "end"}]`)
			id := w.newCustomer(t, `, "contact_email": "buyer@acme.example"`)
			v := w.submit(t, w.rep, "customer", id, key)
			runJobs(t, app, 0)
			sink.mu.Lock()
			mail := slices.Clone(sink.mail)
			sink.mu.Unlock()
			if len(mail) != 2 {
				t.Fatalf("%d messages, want 2 (the director and the customer): %q", len(mail), mail)
			}
			slices.Sort(mail)
			var buyer, director string
			for _, m := range mail {
				if strings.Contains(m, "To: buyer@acme.example") {
					buyer = m
				}
				if strings.Contains(m, "To: sd@example.com") {
					director = m
				}
			}
			if !strings.Contains(director, "Customer Customer 1 is in.") || strings.Contains(director, "/sign/") {
				t.Errorf("the director's copy: %s", director)
			}
			i := strings.Index(buyer, "https://mosaic.example.com/sign/")
			if i < 0 {
				t.Fatalf("the customer's message has no link: %s", buyer)
			}
			tok := strings.TrimSpace(strings.SplitN(buyer[i+len("https://mosaic.example.com/sign/"):], "\r\n", 2)[0])
			g, err := app.Engine.VerifySignToken(tok, time.Now())
			if err != nil || g.Form != "customer" || g.Record != id || g.Address != "buyer@acme.example" {
				t.Errorf("grant %+v, %v", g, err)
			}
			if _, err := app.Engine.VerifySignToken(tok[:len(tok)-2]+"xx", time.Now()); err == nil {
				t.Error("an altered link was accepted")
			}
			if _, err := app.Engine.VerifySignToken(tok, time.Now().Add(15*24*time.Hour)); err == nil {
				t.Error("an expired link was accepted")
			}
			_ = v
		})
	}
}

func TestUpdateTrigger(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		key := fmt.Sprintf("t_flow_%d", w.flowsSeq+1)
		w.flowsSeq++
		body := fmt.Sprintf(`{"kind": "flow", "key": %q, "title": "Level change", "form": "customer",
			"triggers": [{"on": "update", "when": "level == \"A\" && prev.level != \"A\""}],
			"nodes": [{"id": "start", "type": "start", "next": "check"},
				{"id": "check", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "sd@example.com"}]}, "next": "done"},
				{"id": "done", "type": "end"}]}`, key)
		if _, err := app.Engine.Import(context.Background(), [][]byte{[]byte(body)}, engine.PublishOptions{}, forms.Actor{}); err != nil {
			t.Fatal(err)
		}
		id := w.newCustomer(t, `, "level": "B"`)
		url := fmt.Sprintf("/api/v1/forms/customer/records/%d", id)
		app.Expect(t, 200, "PATCH", url, `{"notes": "x"}`, nil)
		if got := w.record(t, "customer", id)["flow_status"]; got != nil && got != "" {
			t.Fatalf("a change the trigger does not name started the flow: %v", got)
		}
		app.Expect(t, 200, "PATCH", url, `{"level": "A"}`, nil)
		if got := w.record(t, "customer", id)["flow_status"]; got != "running: check" {
			t.Fatalf("flow status %v", got)
		}
		app.Expect(t, 200, "PATCH", url, `{"notes": "again"}`, nil) // note: level stays A: prev.level is A now
	})
}
