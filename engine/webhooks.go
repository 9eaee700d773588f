package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Events a webhook subscription can ask for.
const (
	EventRecordCreated = "record.created"
	EventRecordUpdated = "record.updated"
	EventRecordDeleted = "record.deleted"
	EventFlowFinished  = "flow.finished"
	EventTaskDecided   = "task.decided"
)

// WebhookEvents lists every event, in the order the studio shows them.
var WebhookEvents = []string{EventRecordCreated, EventRecordUpdated, EventRecordDeleted, EventFlowFinished, EventTaskDecided}

// WebhookInput is a subscription as an administrator writes it. Nil
// fields are left as they are on an update.
type WebhookInput struct {
	Name   *string   `json:"name"`
	Form   *string   `json:"form"`
	Events *[]string `json:"events"`
	URL    *string   `json:"url"`
	Role   *string   `json:"role"`
	Active *bool     `json:"active"`
	// RotateSecret makes a new secret on an update; the answer shows it once.
	RotateSecret bool `json:"rotate_secret"`
}

// WebhookView is a subscription in API form. Secret is set only in the
// answer that made it.
type WebhookView struct {
	store.WebhookSubscription
	Events []string `json:"events"`
	Secret string   `json:"secret,omitempty"`
}

func webhookView(s *store.WebhookSubscription, secret string) *WebhookView {
	v := &WebhookView{WebhookSubscription: *s, Events: []string{}, Secret: secret}
	_ = json.Unmarshal([]byte(s.Events), &v.Events)
	return v
}

// Webhooks lists the subscriptions, for administrators.
func (e *Engine) Webhooks(ctx context.Context, p *Principal) ([]*WebhookView, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	list, err := e.db.WebhookSubscriptions(ctx, "", false)
	if err != nil {
		return nil, err
	}
	out := make([]*WebhookView, len(list))
	for i := range list {
		out[i] = webhookView(&list[i], "")
	}
	return out, nil
}

// Webhook reads subscription id, for administrators.
func (e *Engine) Webhook(ctx context.Context, p *Principal, id int64) (*WebhookView, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	s, err := e.db.WebhookSubscription(ctx, id)
	if err != nil {
		return nil, notFoundAs(err, "there is no webhook subscription %d", id)
	}
	return webhookView(s, ""), nil
}

// CreateWebhook stores a new subscription with a fresh secret, which the
// answer shows this once.
func (e *Engine) CreateWebhook(ctx context.Context, p *Principal, in WebhookInput) (*WebhookView, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	for path, missing := range map[string]bool{"/form": in.Form == nil, "/url": in.URL == nil, "/events": in.Events == nil} {
		if missing {
			return nil, invalid(path, "a subscription needs a form, a url and a list of events")
		}
	}
	now := time.Now().UTC()
	s := &store.WebhookSubscription{Active: true, Role: RoleAdmin, CreatedBy: p.User.ID, CreatedAt: now, UpdatedAt: now}
	if err := e.applyWebhookInput(ctx, s, in); err != nil {
		return nil, err
	}
	secret, err := e.newWebhookSecret(s)
	if err != nil {
		return nil, err
	}
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.db.CreateWebhookSubscription(ctx, s); err != nil {
			return err
		}
		return e.auditWebhook(ctx, p, "webhook.create", s)
	})
	if err != nil {
		return nil, err
	}
	e.subs.invalidate()
	return webhookView(s, secret), nil
}

// UpdateWebhook changes subscription id; with RotateSecret the answer shows
// the new secret once.
func (e *Engine) UpdateWebhook(ctx context.Context, p *Principal, id int64, in WebhookInput) (*WebhookView, error) {
	if err := e.RequireAdmin(p); err != nil {
		return nil, err
	}
	var secret string
	var s *store.WebhookSubscription
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		var err error
		if s, err = e.db.WebhookSubscription(ctx, id); err != nil {
			return notFoundAs(err, "there is no webhook subscription %d", id)
		}
		if err := e.applyWebhookInput(ctx, s, in); err != nil {
			return err
		}
		if in.RotateSecret {
			if secret, err = e.newWebhookSecret(s); err != nil {
				return err
			}
		}
		s.UpdatedAt = time.Now().UTC()
		if err := e.db.SaveWebhookSubscription(ctx, s); err != nil {
			return err
		}
		return e.auditWebhook(ctx, p, "webhook.update", s)
	})
	if err != nil {
		return nil, err
	}
	e.subs.invalidate()
	return webhookView(s, secret), nil
}

// DeleteWebhook removes subscription id and its delivery log; deliveries
// still queued are dropped when their turn comes.
func (e *Engine) DeleteWebhook(ctx context.Context, p *Principal, id int64) error {
	if err := e.RequireAdmin(p); err != nil {
		return err
	}
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		s, err := e.db.WebhookSubscription(ctx, id)
		if err != nil {
			return notFoundAs(err, "there is no webhook subscription %d", id)
		}
		if err := e.db.DeleteWebhookSubscription(ctx, id); err != nil {
			return err
		}
		return e.auditWebhook(ctx, p, "webhook.delete", s)
	})
	e.subs.invalidate()
	return err
}

// applyWebhookInput checks in and copies it onto s.
func (e *Engine) applyWebhookInput(ctx context.Context, s *store.WebhookSubscription, in WebhookInput) error {
	snap := e.Snapshot()
	if in.Name != nil {
		if len(*in.Name) > 200 {
			return invalid("/name", "the name is longer than 200 characters")
		}
		s.Name = *in.Name
	}
	if in.Form != nil {
		if !snap.HasForm(*in.Form) {
			return invalid("/form", fmt.Sprintf("there is no published form %q; name one of the published forms", *in.Form))
		}
		s.Form = *in.Form
	}
	if in.Events != nil {
		if len(*in.Events) == 0 {
			return invalid("/events", "name at least one event: "+strings.Join(WebhookEvents, ", "))
		}
		for i, ev := range *in.Events {
			if !slices.Contains(WebhookEvents, ev) {
				return invalid(fmt.Sprintf("/events/%d", i), fmt.Sprintf("%q is not an event; use one of %s", ev, strings.Join(WebhookEvents, ", ")))
			}
		}
		b, _ := json.Marshal(*in.Events)
		s.Events = string(b)
	}
	if in.URL != nil {
		if len(*in.URL) > 2000 {
			return invalid("/url", "the URL is longer than 2000 characters")
		}
		if err := e.guard.CheckURL(ctx, *in.URL); err != nil {
			return invalid("/url", err.Error())
		}
		s.URL = *in.URL
	}
	if in.Role != nil {
		if *in.Role != RoleAdmin && !snap.HasRole(*in.Role) {
			return invalid("/role", fmt.Sprintf("there is no role %q; the payload is filtered by the field permissions of the role you name", *in.Role))
		}
		s.Role = *in.Role
	}
	if in.Active != nil {
		s.Active = *in.Active
	}
	return nil
}

// newWebhookSecret makes a secret for s and stores it sealed on s; the
// secret in clear is returned to be shown once.
func (e *Engine) newWebhookSecret(s *store.WebhookSubscription) (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	secret := "whsec_" + hex.EncodeToString(b)
	sealed, err := e.sealSecret(secret)
	if err != nil {
		return "", err
	}
	s.Secret = sealed
	return secret, nil
}

func (e *Engine) auditWebhook(ctx context.Context, p *Principal, action string, s *store.WebhookSubscription) error {
	changes, _ := json.Marshal(map[string]any{"form": s.Form, "url": s.URL, "events": json.RawMessage(s.Events), "role": s.Role, "active": s.Active})
	return e.db.Append(ctx, &store.AuditEntry{ActorID: p.User.ID, Action: action, TargetKind: "webhook", TargetKey: s.Form,
		RecordID: s.ID, Changes: string(changes), Summary: fmt.Sprintf("%s #%d %s → %s", action, s.ID, s.Form, s.URL)})
}

// notFoundAs gives a missing row a message that names it.
func notFoundAs(err error, format string, args ...any) error {
	if errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("%w: %s", store.ErrNotFound, fmt.Sprintf(format, args...))
	}
	return err
}
