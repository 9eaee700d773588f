package engine

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// PortalLinkLife is how long a portal link stays good unless asked otherwise.
const PortalLinkLife = 30 * 24 * time.Hour

// portalPurpose is mixed into a portal token's MAC, so a token made for one
// purpose (an invitation to sign) is never accepted for another.
const portalPurpose = "mosaic portal session\x00"

// PortalGrant is what a portal link lets its holder do: see one customer's
// records in one portal until it expires.
type PortalGrant struct {
	Portal   string    `json:"p"`
	Customer int64     `json:"c"`
	Expires  time.Time `json:"x"`
	// User is the portal user who signed in, 0 for a link.
	User int64 `json:"u,omitempty"`
}

// PortalToken signs g.
func (e *Engine) PortalToken(g PortalGrant) (string, error) {
	body, err := json.Marshal(g)
	if err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(body) + "." + base64.RawURLEncoding.EncodeToString(e.portalMAC(body)), nil
}

func (e *Engine) portalMAC(body []byte) []byte {
	m := hmac.New(sha256.New, e.linkSecret)
	m.Write([]byte(portalPurpose))
	m.Write(body)
	return m.Sum(nil)
}

// VerifyPortalToken reads a portal token: a forged, altered, expired one,
// or a token made for something else, is store.ErrForbidden.
func (e *Engine) VerifyPortalToken(tok string, now time.Time) (PortalGrant, error) {
	var g PortalGrant
	bad := fmt.Errorf("%w: this portal link is not valid; ask your contact for a new one", store.ErrForbidden)
	body, ok := readToken(tok, e.portalMAC)
	if !ok {
		return g, bad
	}
	if err := json.Unmarshal(body, &g); err != nil || g.Portal == "" || g.Customer <= 0 {
		return g, bad
	}
	if !now.Before(g.Expires) {
		return g, fmt.Errorf("%w: this portal link expired on %s; ask your contact for a new one", store.ErrForbidden, g.Expires.Format("2006-01-02"))
	}
	return g, nil
}
