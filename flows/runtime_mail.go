package flows

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/store"
)

// maxAddresses bounds the e-mail addresses one notify action writes to.
const maxAddresses = 50

// mail enqueues the e-mail copy of a notice to each user, written with
// template tmpl (empty: notice), when e-mail is configured, and says on the
// step what became of it.
func (t *transition) mail(n *cnode, users []int64, message, tmpl string, data map[string]any) error {
	if !t.r.deps.Jobs.Mail() {
		data["email"] = "not sent: no SMTP server is configured"
		return nil
	}
	if len(users) == 0 {
		return nil
	}
	for _, u := range users {
		args := EmailArgs{Instance: t.inst.ID, User: u, Subject: t.subject(n), Body: t.mailBody(message),
			Template: cmp.Or(tmpl, TemplateNotice), Vars: t.mailVars(n, message)}
		if err := t.enqueue(args, time.Time{}); err != nil {
			return err
		}
	}
	data["email"] = "queued"
	return nil
}

func (t *transition) subject(n *cnode) string {
	return fmt.Sprintf("%s: %s #%d — %s", orWord(t.cf.Flow.Title, t.cf.Flow.Key), t.inst.FormKey, t.inst.RecordID, orWord(n.Title, n.ID))
}

func (t *transition) mailBody(message string) string {
	if message == "" {
		message = fmt.Sprintf("There is news on %s #%d.", t.inst.FormKey, t.inst.RecordID)
	}
	return message
}

// mailOut writes a notify action's message to the addresses its email
// expression gives, people outside Mosaic, with the signed link the action
// asks for. failed is why the addresses could not be used.
func (t *transition) mailOut(n *cnode, a caction, message string, env map[string]any) (failed string, err error) {
	out, err := expr.Run(a.email, env)
	if err != nil {
		return fmt.Sprintf("the addresses could not be computed: %v", err), nil
	}
	var list []string
	switch v := out.(type) {
	case string:
		list = strings.Split(v, ",")
	case []any:
		for _, x := range v {
			s, ok := x.(string)
			if !ok {
				return fmt.Sprintf("%s is not an e-mail address", jsonText(x)), nil
			}
			list = append(list, s)
		}
	case nil:
	default:
		return fmt.Sprintf("%s is not an e-mail address or a list of them", jsonText(out)), nil
	}
	var to []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		addr, err := mail.ParseAddress(s)
		if err != nil {
			return fmt.Sprintf("%q is not an e-mail address", s), nil
		}
		to = append(to, addr.Address)
	}
	if len(to) == 0 {
		return "the message has nobody to go to: the addresses are empty", nil
	}
	if len(to) > maxAddresses {
		return fmt.Sprintf("%d addresses; a notice writes to at most %d", len(to), maxAddresses), nil
	}
	data := map[string]any{"addresses": to}
	if !t.r.deps.Jobs.Mail() {
		data["email"] = "not sent: no SMTP server is configured"
		t.engineStep(n.ID, StepNotified, 0, "", data)
		return "", nil
	}
	for _, addr := range to {
		body := t.mailBody(message)
		vars := t.mailVars(n, message)
		tmpl := cmp.Or(a.Template, TemplateNotice)
		if a.Link == LinkSign {
			if t.r.deps.Links == nil {
				return "signed links are not configured", nil
			}
			link, err := t.r.deps.Links.Sign(t.inst.FormKey, t.inst.RecordID, addr)
			if err != nil {
				return "", err
			}
			body += "\n\nSign here: " + link
			data["link"] = LinkSign
			vars["link"], tmpl = link, TemplateESignInvitation
		}
		args := EmailArgs{Instance: t.inst.ID, Address: addr, Subject: t.subject(n), Body: body, Template: tmpl, Vars: vars}
		if err := t.enqueue(args, time.Time{}); err != nil {
			return "", err
		}
	}
	data["email"] = "queued"
	t.engineStep(n.ID, StepNotified, 0, "", data)
	return "", nil
}

// webhook enqueues one delivery of a webhook action: the record as it is
// now, signed by the engine when it is sent. The delivery id is the same on
// every attempt, so the receiver can drop repeats.
func (t *transition) webhook(n *cnode, i int, a caction) error {
	t.data.Activations++
	delivery := fmt.Sprintf("%d-%s-%d-%d", t.inst.ID, n.ID, t.data.Activations, i)
	payload, err := json.Marshal(map[string]any{
		"event": "flow.webhook", "delivery": delivery, "at": t.now,
		"flow": t.cf.Flow.Key, "flow_version": t.cf.Version, "instance": t.inst.ID, "node": n.ID,
		"form": t.inst.FormKey, "record_id": t.inst.RecordID,
		"record":    json.RawMessage(t.cf.Form.MarshalRecord(t.record(), nil, nil, nil)),
		"decisions": t.data.Decisions,
	})
	if err != nil {
		return err
	}
	t.engineStep(n.ID, StepAction, 0, "", map[string]any{"action": ActionWebhook, "index": i, "url": a.URL,
		"delivery": delivery, "state": "queued"})
	return t.enqueue(WebhookArgs{Delivery: delivery, Instance: t.inst.ID, Node: n.ID, Action: i, URL: a.URL, Payload: payload}, time.Time{})
}

// mailVars are what an e-mail template of node n can say.
func (t *transition) mailVars(n *cnode, message string) map[string]string {
	return map[string]string{"flow": orWord(t.cf.Flow.Title, t.cf.Flow.Key), "node": orWord(n.Title, n.ID),
		"form": t.inst.FormKey, "record": strconv.FormatInt(t.inst.RecordID, 10), "message": message,
		"subject": t.subject(n), "instance": strconv.FormatInt(t.inst.ID, 10)}
}

// mailTasks writes to each assignee of a new task that it waits for them.
func (t *transition) mailTasks(n *cnode, tasks []*store.FlowTask) error {
	if !t.r.deps.Jobs.Mail() {
		return nil
	}
	for _, task := range tasks {
		if task.State != store.TaskPending {
			continue
		}
		vars := t.mailVars(n, task.Message)
		vars["task"] = strconv.FormatInt(task.ID, 10)
		args := EmailArgs{Instance: t.inst.ID, User: task.AssigneeID, Subject: t.subject(n),
			Body: fmt.Sprintf("A task waits for you: %s.", t.subject(n)), Template: TemplateTaskAssigned, Vars: vars}
		if err := t.enqueue(args, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}

// mailDecisions writes to the submitter of the instance about each
// decision of the transition made by someone else.
func (t *transition) mailDecisions() error {
	if !t.r.deps.Jobs.Mail() || t.inst.SubmitterID == 0 {
		return nil
	}
	for _, s := range t.steps {
		if s.Kind != StepDecided || s.ActorID == t.inst.SubmitterID {
			continue
		}
		n := t.cf.nodes[s.NodeID]
		if n == nil {
			continue
		}
		var d struct {
			Decision string `json:"decision"`
		}
		_ = json.Unmarshal([]byte(s.Data), &d)
		vars := t.mailVars(n, s.Comment)
		vars["decision"], vars["comment"] = d.Decision, s.Comment
		if t.ended {
			vars["outcome"] = t.inst.State
		}
		args := EmailArgs{Instance: t.inst.ID, User: t.inst.SubmitterID, Subject: t.subject(n),
			Body: fmt.Sprintf("%s: %s.", t.subject(n), d.Decision), Template: TemplateDecisionMade, Vars: vars}
		if err := t.enqueue(args, time.Time{}); err != nil {
			return err
		}
	}
	return nil
}
