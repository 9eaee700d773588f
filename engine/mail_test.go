package engine_test

import (
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// received is one message the test mail server was given.
type received struct {
	from    string
	to      []string
	header  mail.Header
	subject string // decoded
	body    string
}

// mailServer is an in-process SMTP server (go-smtp) keeping every message.
type mailServer struct {
	addr string
	mu   sync.Mutex
	msgs []received
}

func newMailServer(t *testing.T) *mailServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	m := &mailServer{addr: ln.Addr().String()}
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mailSession{srv: m}, nil }))
	s.Domain, s.AllowInsecureAuth = "localhost", true
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return m
}

// to lists the messages sent to addr.
func (m *mailServer) to(addr string) []received {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []received
	for _, r := range m.msgs {
		for _, a := range r.to {
			if a == addr {
				out = append(out, r)
			}
		}
	}
	return out
}

type mailSession struct {
	srv  *mailServer
	from string
	to   []string
}

func (s *mailSession) Reset()                                      { s.from, s.to = "", nil }
func (s *mailSession) Logout() error                               { return nil }
func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }
func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error   { s.to = append(s.to, to); return nil }

func (s *mailSession) Data(r io.Reader) error {
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return err
	}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return err
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		return err
	}
	s.srv.mu.Lock()
	s.srv.msgs = append(s.srv.msgs, received{from: s.from, to: s.to, header: msg.Header, subject: subject,
		body: strings.ReplaceAll(string(body), "\r\n", "\n")})
	s.srv.mu.Unlock()
	return nil
}

func TestTemplatedMailInTheRecipientsLanguage(t *testing.T) {
	srv := newMailServer(t)
	app := enginetest.NewWith(t, store.SQLite, func(c *engine.Config) {
		enginetest.WithWorker(c)
		c.SMTP = engine.SMTPConfig{Addr: srv.addr, From: "mosaic@example.com"}
		c.BaseURL = "https://mosaic.example.com"
	})
	w := newWorld(t, app)
	// The director reads English; the rep has no language: Chinese.
	app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", w.sd.ID), `{"attributes": {"lang": "en"}}`, nil)
	key := w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "check"},
		{"id": "check", "title": "Director check", "type": "approval", "approval": {"mode": "single", "assignees": [{"type": "user", "value": "sd@example.com"}]}, "next": "tell"},
		{"id": "tell", "type": "action", "actions": [
			{"type": "notify", "to": [{"type": "user", "value": "rep@example.com"}], "template": "ticket_update", "message": "工单 {{name}} 已处理完毕。"},
			{"type": "notify", "email": "contact_email", "link": "sign", "message": "尊敬的客户，{{name}} 的合同请签署。"}], "next": "done"},
		{"id": "done", "type": "end"}]`)
	id := w.newCustomer(t, `, "contact_email": "buyer@acme.example"`)
	v := w.submit(t, w.rep, "customer", id, key)
	runJobs(t, app, 0)

	assigned := srv.to("sd@example.com")
	if len(assigned) != 1 {
		t.Fatalf("%d messages to the approver, want 1 (task assigned)", len(assigned))
	}
	if m := assigned[0]; !strings.HasPrefix(m.subject, "Waiting for you: Director check") || !strings.Contains(m.body, "waits for your decision") ||
		!strings.Contains(m.body, "https://mosaic.example.com/app") || m.from != "mosaic@example.com" {
		t.Errorf("the English task message: %q\n%s", m.subject, m.body)
	}

	w.approve(t, w.sd, v.ID)
	runJobs(t, app, 0)
	wantState(t, w.instance(t, v.ID), store.FlowApproved)

	rep := srv.to("rep@example.com")
	var decision, ticket *received
	for i := range rep {
		switch {
		case strings.Contains(rep[i].subject, "已同意"):
			decision = &rep[i]
		case strings.Contains(rep[i].subject, "服务工单"):
			ticket = &rep[i]
		}
	}
	if decision == nil || ticket == nil {
		subjects := []string{}
		for _, m := range rep {
			subjects = append(subjects, m.subject)
		}
		t.Fatalf("the rep's messages: %q, want a decision and a ticket update in Chinese", subjects)
	}
	if !strings.Contains(decision.body, "已在「Director check」节点已同意") || !strings.Contains(decision.body, "rep，您好") {
		t.Errorf("the decision message:\n%s", decision.body)
	}
	if !strings.Contains(ticket.body, "工单 Customer 1 已处理完毕。") {
		t.Errorf("the ticket update:\n%s", ticket.body)
	}
	// The Chinese subject travels as an RFC 2047 encoded word, the body as
	// UTF-8.
	if raw := ticket.header.Get("Subject"); !strings.HasPrefix(strings.ToLower(raw), "=?utf-8?") {
		t.Errorf("the Chinese subject is not encoded: %q", raw)
	}
	if ct := ticket.header.Get("Content-Type"); !strings.Contains(ct, "charset=utf-8") {
		t.Errorf("content type %q", ct)
	}

	buyer := srv.to("buyer@acme.example")
	if len(buyer) != 1 {
		t.Fatalf("%d messages to the customer, want 1", len(buyer))
	}
	if m := buyer[0]; !strings.HasPrefix(m.subject, "请签署") || !strings.Contains(m.body, "尊敬的客户，Customer 1 的合同请签署。") ||
		!strings.Contains(m.body, "https://mosaic.example.com/sign/") {
		t.Errorf("the e-sign invitation: %q\n%s", m.subject, m.body)
	}
	tok := strings.TrimSpace(strings.SplitN(buyer[0].body[strings.Index(buyer[0].body, "/sign/")+len("/sign/"):], "\n", 2)[0])
	if g, err := app.Engine.VerifySignToken(tok, time.Now()); err != nil || g.Record != id {
		t.Errorf("the invitation's link: %+v, %v", g, err)
	}
}

func TestMailTemplatesFlowDefinitionCheck(t *testing.T) {
	app := enginetest.New(t, store.SQLite)
	w := newWorld(t, app)
	body := `{"kind": "flow", "key": "bad_template", "title": "x", "form": "customer", "triggers": [{"on": "submit"}],
		"nodes": [{"id": "start", "type": "start", "next": "tell"},
		{"id": "tell", "type": "action", "actions": [{"type": "notify", "to": [{"type": "user", "value": "rep@example.com"}], "template": "poem", "message": "x"}], "next": "done"},
		{"id": "done", "type": "end"}]}`
	r := app.Do(t, "POST", "/api/v1/definitions/import", `{"definitions": [`+body+`]}`, nil)
	if r.Status != 422 || !strings.Contains(r.Body, "template") {
		t.Errorf("an unknown template was accepted: %d %s", r.Status, r.Body)
	}
	_ = w
}
