package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/mosaic-lowcode/mosaic/store"
)

// HeaderEvent names the event of a subscription delivery; the delivery's
// key is also sent as Idempotency-Key, the header receivers commonly
// deduplicate on.
const (
	HeaderEvent          = "X-Mosaic-Event"
	HeaderIdempotencyKey = "Idempotency-Key"
)

// deliveryArgs is the job that sends one subscription delivery; the
// delivery row holds the payload and its key.
type deliveryArgs struct {
	Delivery int64 `json:"delivery"`
}

// Kind names the job.
func (deliveryArgs) Kind() string { return "webhook_delivery" }

// deliveryWorker posts a delivery and logs each attempt.
type deliveryWorker struct {
	river.WorkerDefaults[deliveryArgs]
	e *Engine
}

func (w *deliveryWorker) NextRetry(job *river.Job[deliveryArgs]) time.Time {
	return w.e.retryAfter(job.Attempt)
}

func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[deliveryArgs]) error {
	e := w.e
	d, err := e.db.WebhookDelivery(ctx, job.Args.Delivery)
	var s *store.WebhookSubscription
	if err == nil {
		s, err = e.db.WebhookSubscription(ctx, d.SubscriptionID)
	}
	if errors.Is(err, store.ErrNotFound) {
		return e.db.WithTx(ctx, func(ctx context.Context) error { return e.completeJob(ctx, job) }) // note: its subscription was deleted
	}
	if err != nil {
		return err
	}
	code, sendErr := w.post(ctx, s, d)
	now := time.Now().UTC()
	a := &store.WebhookAttempt{DeliveryID: d.ID, Attempt: d.Attempts + 1, ResponseCode: code, At: now}
	d.Attempts, d.ResponseCode, d.LastAttemptAt, d.Error = d.Attempts+1, code, &now, ""
	var stop noRetry
	stopped := errors.As(sendErr, &stop)
	switch {
	case sendErr == nil:
		d.Status, d.DeliveredAt = store.DeliveryDelivered, &now
	case stopped || job.Attempt >= job.MaxAttempts:
		d.Status, d.Error, a.Error = store.DeliveryFailed, sendErr.Error(), sendErr.Error()
	default:
		d.Status, d.Error, a.Error = store.DeliveryPending, sendErr.Error(), sendErr.Error()
	}
	if sendErr != nil && !stopped {
		if err := e.db.RecordWebhookAttempt(ctx, d, a); err != nil {
			e.log.Warn("webhook attempt not logged", "delivery", d.Key, "error", err)
		}
		return sendErr
	}
	return e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.db.RecordWebhookAttempt(ctx, d, a); err != nil {
			return err
		}
		return e.completeJob(ctx, job)
	})
}

// noRetry is a failure no retry can mend (a paused subscription, a secret
// sealed under another key): the delivery fails at once, to be replayed
// once it is mended.
type noRetry struct{ error }

// post sends one attempt, signed with the subscription's secret; any
// answer but 2xx is a failure.
func (w *deliveryWorker) post(ctx context.Context, s *store.WebhookSubscription, d *store.WebhookDelivery) (int, error) {
	if !s.Active {
		return 0, noRetry{errors.New("the subscription is paused; activate it and replay the delivery")}
	}
	secret, err := w.e.openSecret(s.Secret)
	if err != nil {
		return 0, noRetry{err}
	}
	return w.e.postSigned(ctx, s.URL, secret, []byte(d.Payload),
		map[string]string{HeaderDelivery: d.Key, HeaderIdempotencyKey: d.Key, HeaderEvent: d.Event})
}

// DeliveryView is one delivery of the log with its attempts.
type DeliveryView struct {
	store.WebhookDelivery
	Attempts []store.WebhookAttempt `json:"attempt_log"`
}

// WebhookDeliveries is the delivery log of subscription id, newest first.
func (e *Engine) WebhookDeliveries(ctx context.Context, p *Principal, id int64, limit int) ([]DeliveryView, error) {
	if _, err := e.Webhook(ctx, p, id); err != nil {
		return nil, err
	}
	list, err := e.db.WebhookDeliveries(ctx, id, limit)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(list))
	for i, d := range list {
		ids[i] = d.ID
	}
	attempts, err := e.db.WebhookAttempts(ctx, ids)
	if err != nil {
		return nil, err
	}
	byDelivery := map[int64][]store.WebhookAttempt{}
	for _, a := range attempts {
		byDelivery[a.DeliveryID] = append(byDelivery[a.DeliveryID], a)
	}
	out := make([]DeliveryView, len(list))
	for i, d := range list {
		out[i] = DeliveryView{WebhookDelivery: d, Attempts: byDelivery[d.ID]}
		if out[i].Attempts == nil {
			out[i].Attempts = []store.WebhookAttempt{}
		}
	}
	return out, nil
}

// ReplayDelivery sends delivery did of subscription id again, with the
// same payload and key (a receiver that already has it may drop it).
func (e *Engine) ReplayDelivery(ctx context.Context, p *Principal, id, did int64) (*store.WebhookDelivery, error) {
	s, err := e.Webhook(ctx, p, id)
	if err != nil {
		return nil, err
	}
	var d *store.WebhookDelivery
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		if d, err = e.db.WebhookDelivery(ctx, did); err != nil || d.SubscriptionID != id {
			return fmt.Errorf("%w: subscription %d has no delivery %d", store.ErrNotFound, id, did)
		}
		d.Status, d.Error = store.DeliveryPending, ""
		if err := e.db.RecordWebhookAttempt(ctx, d, nil); err != nil {
			return err
		}
		if err := e.db.Append(ctx, &store.AuditEntry{ActorID: p.User.ID, Action: "webhook.replay", TargetKind: "webhook",
			TargetKey: s.Form, RecordID: id, Summary: fmt.Sprintf("webhook.replay #%d delivery %s", id, d.Key)}); err != nil {
			return err
		}
		return e.jobs.Enqueue(ctx, deliveryArgs{Delivery: d.ID}, time.Time{})
	})
	return d, err
}
