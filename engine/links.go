package engine

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// signLinkLife is how long an invitation to sign stays good.
const signLinkLife = 14 * 24 * time.Hour

// SignGrant is what a signed link lets its holder do: sign one record, as
// the address it was sent to, until it expires.
type SignGrant struct {
	Form    string    `json:"f"`
	Record  int64     `json:"r"`
	Address string    `json:"a"`
	Expires time.Time `json:"x"`
}

// signLinks makes signed links for the flow runtime.
type signLinks struct{ e *Engine }

func (l signLinks) Sign(form string, id int64, address string) (string, error) {
	g := SignGrant{Form: form, Record: id, Address: address, Expires: time.Now().UTC().Add(signLinkLife).Truncate(time.Second)}
	tok, err := l.e.signToken(g)
	if err != nil {
		return "", err
	}
	return l.e.baseURL() + "/sign/" + tok, nil
}

func (e *Engine) baseURL() string {
	if e.cfg.BaseURL == "" {
		return "http://localhost:8080"
	}
	return strings.TrimRight(e.cfg.BaseURL, "/")
}

// signToken encodes g with its HMAC under the link secret.
func (e *Engine) signToken(g SignGrant) (string, error) {
	body, err := json.Marshal(g)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(e.signMAC(body)), nil
}

func (e *Engine) signMAC(body []byte) []byte {
	m := hmac.New(sha256.New, e.linkSecret)
	m.Write(body)
	return m.Sum(nil)
}

// readToken returns the body of a token "body.mac" (both base64url) whose
// MAC is mac(body); ok is false for anything else.
func readToken(tok string, mac func(body []byte) []byte) (body []byte, ok bool) {
	body64, mac64, found := strings.Cut(tok, ".")
	if !found || len(tok) > 2048 {
		return nil, false
	}
	body, err1 := base64.RawURLEncoding.DecodeString(body64)
	sum, err2 := base64.RawURLEncoding.DecodeString(mac64)
	if err1 != nil || err2 != nil || !hmac.Equal(sum, mac(body)) {
		return nil, false
	}
	return body, true
}

// VerifySignToken reads a signed link's token: a forged, altered or
// expired one is store.ErrForbidden.
func (e *Engine) VerifySignToken(tok string, now time.Time) (SignGrant, error) {
	var g SignGrant
	bad := fmt.Errorf("%w: this link is not valid; ask the sender for a new one", store.ErrForbidden)
	body, ok := readToken(tok, e.signMAC)
	if !ok {
		return g, bad
	}
	if err := json.Unmarshal(body, &g); err != nil {
		return g, bad
	}
	if !now.Before(g.Expires) {
		return g, fmt.Errorf("%w: this link expired on %s; ask the sender for a new one", store.ErrForbidden, g.Expires.Format("2006-01-02"))
	}
	return g, nil
}

// loadSecrets reads the engine's signing secrets, making them on first use.
// Every replica reads the same ones from the database.
func (e *Engine) loadSecrets(ctx context.Context) error {
	random := func() (string, error) {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", err
		}
		return hex.EncodeToString(b), nil
	}
	link, err := e.db.Setting(ctx, "link_secret", random)
	if err != nil {
		return err
	}
	e.linkSecret = []byte(link)
	if e.cfg.WebhookSecret != "" {
		e.webhookSecret = []byte(e.cfg.WebhookSecret)
		return nil
	}
	hook, err := e.db.Setting(ctx, "webhook_secret", random)
	if err != nil {
		return err
	}
	e.webhookSecret = []byte(hook)
	return nil
}

// WebhookSecret is the secret webhook payloads are signed with, for the
// admin who sets up a receiver.
func (e *Engine) WebhookSecret() []byte { return e.webhookSecret }
