package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// IdempotencyTTL is how long an Idempotency-Key is remembered.
const IdempotencyTTL = 24 * time.Hour

// MaxIdempotencyKey bounds the length of an Idempotency-Key.
const MaxIdempotencyKey = 255

// CodeIdempotencyKeyReused is the error code of a key sent again with
// another request.
const CodeIdempotencyKeyReused = "idempotency_key_reused"

// Answer is the response an idempotent request gave, kept to be given
// again to its retries.
type Answer struct {
	Status   int
	Body     []byte
	Location string
	ETag     string
	// Replayed is set on an answer given again.
	Replayed bool
}

// RequestHash fingerprints a request: what it is sent to and its body.
func RequestHash(target string, body []byte) string {
	h := sha256.New()
	h.Write([]byte(target))
	h.Write([]byte{0})
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}

// Caller names who sends a request, for the keys they own: each API key
// apart from the user it acts for.
func (p *Principal) Caller() string {
	if p.APIKeyID != 0 {
		return fmt.Sprintf("apikey:%d", p.APIKeyID)
	}
	return fmt.Sprintf("user:%d", p.User.ID)
}

// errKeyTaken is the claim of a key another request holds.
var errKeyTaken = errors.New("idempotency key taken")

// Idempotent runs do once per caller and key: the key is claimed in the
// transaction do writes in, with its answer, so a retry (even one sent
// while the first is still running) gets the first answer, and a key sent
// with another request (hash) is refused. Keys are forgotten after a day.
func (e *Engine) Idempotent(ctx context.Context, p *Principal, key, hash string, do func(ctx context.Context) (*Answer, error)) (*Answer, error) {
	if len(key) > MaxIdempotencyKey {
		return nil, invalid("/headers/Idempotency-Key", fmt.Sprintf("the Idempotency-Key is longer than %d characters", MaxIdempotencyKey))
	}
	caller := p.Caller()
	cutoff := time.Now().UTC().Add(-IdempotencyTTL)
	if k, err := e.db.IdempotencyKeyOf(ctx, caller, key); err == nil {
		if k.CreatedAt.After(cutoff) {
			return replay(k, hash)
		}
		if err := e.db.ForgetIdempotencyKeys(ctx, cutoff, caller, key); err != nil {
			return nil, err
		}
	} else if !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	var ans *Answer
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		row := &store.IdempotencyKey{Caller: caller, Key: key, RequestHash: hash, CreatedAt: time.Now().UTC()}
		if err := e.db.ClaimIdempotencyKey(ctx, row); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return errKeyTaken
			}
			return err
		}
		var err error
		if ans, err = do(ctx); err != nil {
			return err
		}
		row.Status, row.Body, row.Location, row.ETag = ans.Status, string(ans.Body), ans.Location, ans.ETag
		return e.db.SaveIdempotencyAnswer(ctx, row)
	})
	if errors.Is(err, errKeyTaken) {
		// note: the request that holds the key has committed by now (the
		// claim waited for it), so its answer is there to read.
		k, err := e.db.IdempotencyKeyOf(ctx, caller, key)
		if err != nil {
			return nil, err
		}
		return replay(k, hash)
	}
	return ans, err
}

// replay gives a stored answer again, if the request is the same.
func replay(k *store.IdempotencyKey, hash string) (*Answer, error) {
	if k.RequestHash != hash {
		return nil, &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: "/headers/Idempotency-Key", Code: CodeIdempotencyKeyReused,
			Message: "this Idempotency-Key was already used with a different request; send a new key for a new request, or the same body to get the first answer again"}}}
	}
	return &Answer{Status: k.Status, Body: []byte(k.Body), Location: k.Location, ETag: k.ETag, Replayed: true}, nil
}

// forgetIdempotencyKeys removes the keys older than a day.
func (e *Engine) forgetIdempotencyKeys(ctx context.Context, now time.Time) error {
	return e.db.ForgetIdempotencyKeys(ctx, now.Add(-IdempotencyTTL), "", "")
}
