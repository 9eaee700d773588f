package engine

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/riverqueue/river"

	"github.com/mosaic-lowcode/mosaic/flows"
)

// Headers of a webhook delivery. The signature is the hex HMAC-SHA256, under
// the webhook secret, of the timestamp, a dot and the body, so a receiver
// can check both who sent it and that it is fresh.
const (
	HeaderDelivery  = "X-Mosaic-Delivery"
	HeaderTimestamp = "X-Mosaic-Timestamp"
	HeaderSignature = "X-Mosaic-Signature"
)

// SignWebhook is the signature header value of body sent at ts.
func SignWebhook(secret []byte, ts int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// webhookWorker posts a webhook delivery and records each attempt's outcome
// on the instance's timeline.
type webhookWorker struct {
	river.WorkerDefaults[flows.WebhookArgs]
	e *Engine
}

func (w *webhookWorker) NextRetry(job *river.Job[flows.WebhookArgs]) time.Time {
	return w.e.retryAfter(job.Attempt)
}

func (w *webhookWorker) Work(ctx context.Context, job *river.Job[flows.WebhookArgs]) error {
	a := job.Args
	status, err := w.post(ctx, a)
	d := flows.Delivery{Kind: "webhook", Delivery: a.Delivery, Attempt: job.Attempt, Of: job.MaxAttempts, Status: status,
		Delivered: err == nil, Final: err == nil || job.Attempt >= job.MaxAttempts}
	if err != nil {
		d.Error = err.Error()
	}
	rt := w.e.flowRuntime(w.e.Access())
	if err != nil {
		if rerr := rt.RecordDelivery(ctx, a.Instance, a.Node, d); rerr != nil {
			w.e.log.Warn("webhook outcome not recorded", "delivery", a.Delivery, "error", rerr)
		}
		return err
	}
	return w.e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := rt.RecordDelivery(ctx, a.Instance, a.Node, d); err != nil {
			return err
		}
		return w.e.completeJob(ctx, job)
	})
}

// post sends one attempt; any answer but 2xx is a failure.
func (w *webhookWorker) post(ctx context.Context, a flows.WebhookArgs) (int, error) {
	return w.e.postSigned(ctx, a.URL, w.e.webhookSecret, a.Payload, map[string]string{HeaderDelivery: a.Delivery})
}

// postSigned posts body to url through the outbound guard, signed with
// secret at the time of sending, with headers added; any answer but 2xx is
// a failure.
func (e *Engine) postSigned(ctx context.Context, url string, secret, body []byte, headers map[string]string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	ts := time.Now().Unix()
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Mosaic-Webhook/1")
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set(HeaderTimestamp, strconv.FormatInt(ts, 10))
	req.Header.Set(HeaderSignature, SignWebhook(secret, ts, body))
	res, err := e.outbound.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 64<<10))
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, fmt.Errorf("the receiver answered %s", res.Status)
	}
	return res.StatusCode, nil
}
