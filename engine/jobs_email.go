package engine

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// SMTPConfig is the mail server e-mail copies of notices go through.
type SMTPConfig struct {
	// Addr is host:port; empty sends no e-mail.
	Addr     string
	From     string
	Username string
	Password string
	// Language is what people without a lang attribute, and addresses
	// outside Mosaic, are written to in: zh (the default) or en.
	Language string
}

// emailWorker sends the e-mail copy of a notice.
type emailWorker struct {
	river.WorkerDefaults[flows.EmailArgs]
	e *Engine
}

func (w *emailWorker) NextRetry(job *river.Job[flows.EmailArgs]) time.Time {
	return w.e.retryAfter(job.Attempt)
}

func (w *emailWorker) Work(ctx context.Context, job *river.Job[flows.EmailArgs]) error {
	a := job.Args
	to, name := a.Address, a.Address
	var user *store.User
	if a.User != 0 {
		u, err := w.e.db.UserByID(ctx, a.User)
		if err != nil || !u.Active {
			return w.e.db.WithTx(ctx, func(ctx context.Context) error { return w.e.completeJob(ctx, job) })
		}
		to, name, user = u.Email, cmp.Or(u.Name, u.Email), u
	}
	if a.Template != "" {
		vars := maps.Clone(a.Vars)
		if vars == nil {
			vars = map[string]string{}
		}
		vars["name"], vars["app"] = name, w.e.baseURL()+"/app"
		subject, body, err := w.e.mail.render(w.e.mailLanguage(user), a.Template, vars)
		if err != nil {
			w.e.log.Warn("e-mail template not written; the plain notice goes instead", "template", a.Template, "error", err)
		} else {
			a.Subject, a.Body = subject, body
		}
	}
	err := w.send(to, a, fmt.Sprintf("<%d.%d@mosaic>", job.ID, a.Instance))
	if err == nil {
		return w.e.db.WithTx(ctx, func(ctx context.Context) error { return w.e.completeJob(ctx, job) })
	}
	if job.Attempt >= job.MaxAttempts {
		d := flows.Delivery{Kind: "email", To: to, Attempt: job.Attempt, Of: job.MaxAttempts, Error: err.Error(), Final: true}
		if rerr := w.e.flowRuntime(w.e.Access()).RecordDelivery(ctx, a.Instance, "", d); rerr != nil {
			w.e.log.Warn("e-mail outcome not recorded", "instance", a.Instance, "error", rerr)
		}
	}
	return err
}

// send writes one message through the configured server. The Message-ID is
// the job's, so a copy sent twice after a crash reads as one message.
func (w *emailWorker) send(to string, a flows.EmailArgs, id string) error {
	c := w.e.cfg.SMTP
	var auth smtp.Auth
	if c.Username != "" {
		host, _, _ := net.SplitHostPort(c.Addr)
		auth = smtp.PlainAuth("", c.Username, c.Password, host)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: %s\r\n",
		c.From, to, mime.QEncoding.Encode("utf-8", a.Subject), time.Now().UTC().Format(time.RFC1123Z), id)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(a.Body, "\n", "\r\n"))
	b.WriteString("\r\n")
	return smtp.SendMail(c.Addr, auth, c.From, []string{to}, []byte(b.String()))
}
