package engine

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: events reach subscriptions through durable jobs inserted in the
// transaction of the change (the record store's observer and the flow
// runtime's listener both run inside it), so an event exists exactly when
// its change committed, and survives a crash before it is sent.

// subscriptionsTTL is how stale the list of active subscriptions may be on
// a replica that did not make the change itself.
const subscriptionsTTL = time.Second

// subscriptionCache keeps the active subscriptions by form, so a record
// write does not query them every time.
type subscriptionCache struct {
	mu     sync.Mutex
	at     time.Time
	byForm map[string][]store.WebhookSubscription
}

func (c *subscriptionCache) invalidate() {
	c.mu.Lock()
	c.at = time.Time{}
	c.mu.Unlock()
}

// subscriptionsOf lists the active subscriptions of form that want event,
// reading them in the transaction ctx carries when the cache is stale.
func (e *Engine) subscriptionsOf(ctx context.Context, form, event string) ([]store.WebhookSubscription, error) {
	c := e.subs
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.at) > subscriptionsTTL {
		list, err := e.db.WebhookSubscriptions(ctx, "", true)
		if err != nil {
			return nil, err
		}
		c.byForm = map[string][]store.WebhookSubscription{}
		for _, s := range list {
			c.byForm[s.Form] = append(c.byForm[s.Form], s)
		}
		c.at = time.Now()
	}
	var out []store.WebhookSubscription
	for _, s := range c.byForm[form] {
		var events []string
		_ = json.Unmarshal([]byte(s.Events), &events)
		if slices.Contains(events, event) {
			out = append(out, s)
		}
	}
	return out, nil
}

var recordEvents = map[string]string{"record.create": EventRecordCreated, "record.update": EventRecordUpdated, "record.delete": EventRecordDeleted}

// recordChanged is the record store's observer: it queues the event of a
// write for every subscription that wants it.
func (e *Engine) recordChanged(ctx context.Context, c *forms.Compiled, action string, id int64, before, after forms.Record) error {
	event, ok := recordEvents[action]
	if !ok {
		return nil
	}
	subs, err := e.subscriptionsOf(ctx, c.Form.Key, event)
	if err != nil || len(subs) == 0 {
		return err
	}
	rec := after
	if rec == nil {
		rec = before
	}
	for _, s := range subs {
		payload := map[string]any{"event": event, "form": c.Form.Key, "record_id": id}
		if ok, err := e.payloadRecord(ctx, payload, &s, c, id, rec); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		if err := e.enqueueDelivery(ctx, &s, event, id, payload); err != nil {
			return err
		}
	}
	return nil
}

// payloadRecord puts rec (record id) into payload as the subscription's
// role sees it, or reports false when the role may not read it: no grant to
// read the form, or the record outside the grant's rows. A subscription acts
// as no user, so scopes by owner (own, department) give it no rows; scopes
// by a filter and "all" do.
func (e *Engine) payloadRecord(ctx context.Context, payload map[string]any, s *store.WebhookSubscription, c *forms.Compiled, id int64, rec forms.Record) (bool, error) {
	acc, err := e.Access().Access(rbac.Subject{Roles: []string{s.Role}}, c, rbac.ActRead)
	if err != nil {
		return false, nil
	}
	if acc.Rows != nil {
		if rec == nil {
			return false, nil
		}
		in, err := e.records.InRows(ctx, c, id, acc)
		if err != nil || !in {
			return false, err
		}
	}
	if rec != nil {
		payload["record"] = c.JSONAs(rec, acc, nil)
	}
	return true, nil
}

// flowEvents tells subscriptions of a flow's decisions and ends.
type flowEvents struct{ e *Engine }

func (l flowEvents) FlowEvent(ctx context.Context, ev flows.Event) error {
	e := l.e
	subs, err := e.subscriptionsOf(ctx, ev.Form, ev.Kind)
	if err != nil || len(subs) == 0 {
		return err
	}
	c, ok := e.Snapshot().Form(ev.Form)
	if !ok {
		return nil
	}
	rec, err := e.records.Get(ctx, c, ev.RecordID)
	if errors.Is(err, store.ErrNotFound) {
		rec, err = nil, nil
	}
	if err != nil {
		return err
	}
	for _, s := range subs {
		payload := map[string]any{"event": ev.Kind, "form": ev.Form, "record_id": ev.RecordID, "flow": ev}
		if ok, err := e.payloadRecord(ctx, payload, &s, c, ev.RecordID, rec); err != nil || !ok {
			if err != nil {
				return err
			}
			continue
		}
		if err := e.enqueueDelivery(ctx, &s, ev.Kind, ev.RecordID, payload); err != nil {
			return err
		}
	}
	return nil
}

// enqueueDelivery stores a pending delivery of payload to s and queues its
// job, in the transaction ctx carries.
func (e *Engine) enqueueDelivery(ctx context.Context, s *store.WebhookSubscription, event string, recordID int64, payload map[string]any) error {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return err
	}
	key := "whd_" + hex.EncodeToString(b)
	now := time.Now().UTC()
	payload["delivery"], payload["subscription"], payload["occurred_at"] = key, s.ID, now
	body, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	d := &store.WebhookDelivery{SubscriptionID: s.ID, Key: key, Event: event, RecordID: recordID, Payload: string(body),
		Status: store.DeliveryPending, CreatedAt: now}
	if err := e.db.CreateWebhookDelivery(ctx, d); err != nil {
		return err
	}
	return e.jobs.Enqueue(ctx, deliveryArgs{Delivery: d.ID}, time.Time{})
}
