package engine

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// APIKeyPrefix starts every API key, so a bearer token can be told from a
// session token without a lookup.
const APIKeyPrefix = "mk_"

// API key shape: the prefix and 40 random base62 characters (about 238
// bits); the first apiKeyShown characters are kept in clear to tell keys
// apart.
const (
	apiKeyRandomChars = 40
	apiKeyShown       = 10
	// apiKeyTouchEvery is how stale a key's last use may get: a key used
	// all the time is written at most once per period, not per request.
	apiKeyTouchEvery = time.Minute
)

// API key status values.
const (
	APIKeyActive  = "active"
	APIKeyExpired = "expired"
	APIKeyRevoked = "revoked"
)

// authenticateAPIKey resolves an API key: it must be live, its user active,
// and it acts with the roles it was limited to that its user still has.
func (e *Engine) authenticateAPIKey(ctx context.Context, key string) (*Principal, error) {
	k, err := e.db.APIKeyByHash(ctx, hashToken(key))
	if store.IsUnavailable(err) {
		return nil, err
	}
	now := time.Now().UTC()
	if err != nil || k.RevokedAt != nil || (k.ExpiresAt != nil && !k.ExpiresAt.After(now)) {
		return nil, ErrBadCredentials
	}
	u, err := e.db.UserByID(ctx, k.UserID)
	if store.IsUnavailable(err) {
		return nil, err
	}
	if err != nil || !u.Active {
		return nil, ErrBadCredentials
	}
	// note: keys are for integrations, few requests each; a separate read of
	// the marks is cheap enough to give them the same freshness as sessions.
	if marks, err := e.db.MarksNow(ctx); err == nil {
		e.catchUp(ctx, marks)
	} else if store.IsUnavailable(err) {
		return nil, err
	}
	m, err := e.access.Fresh(ctx)
	if err != nil {
		return nil, err
	}
	var keyRoles []string
	_ = json.Unmarshal([]byte(k.Roles), &keyRoles)
	var roles []string
	for _, r := range m.RolesOf(u.ID) {
		if slices.Contains(keyRoles, r) {
			roles = append(roles, r)
		}
	}
	e.touchAPIKey(ctx, k, now)
	return &Principal{User: *u, Roles: roles, APIKeyID: k.ID}, nil
}

// touchAPIKey records the key's use when its last recorded use is older than
// apiKeyTouchEvery. A failure is logged, not returned: it must not refuse a
// valid key.
func (e *Engine) touchAPIKey(ctx context.Context, k *store.APIKey, now time.Time) {
	notBefore := now.Add(-apiKeyTouchEvery)
	if k.LastUsedAt != nil && !k.LastUsedAt.Before(notBefore) {
		return
	}
	if err := e.db.TouchAPIKey(ctx, k.ID, now, notBefore); err != nil {
		e.log.Warn("record API key use", "key", k.ID, "err", err)
	}
}

// APIKeyView is an API key as admins see it: never its text or hash.
type APIKeyView struct {
	store.APIKey
	Roles []string `json:"roles"`
	// Status is active, expired or revoked.
	Status string `json:"status"`
}

// CreatedAPIKey is a new key with its text, which is shown this once.
type CreatedAPIKey struct {
	APIKeyView
	Key string `json:"key"`
}

// NewAPIKey is what an admin gives to create an API key.
type NewAPIKey struct {
	Name   string
	UserID int64
	Roles  []string
	// ExpiresAt is optional; a key without it lasts until revoked.
	ExpiresAt *time.Time
}

func apiKeyView(k store.APIKey, now time.Time) APIKeyView {
	v := APIKeyView{APIKey: k, Roles: []string{}, Status: APIKeyActive}
	_ = json.Unmarshal([]byte(k.Roles), &v.Roles)
	switch {
	case k.RevokedAt != nil:
		v.Status = APIKeyRevoked
	case k.ExpiresAt != nil && !k.ExpiresAt.After(now):
		v.Status = APIKeyExpired
	}
	return v
}

// APIKeys lists the API keys (of one user when userID is not zero), newest
// first.
func (e *Engine) APIKeys(ctx context.Context, userID int64) ([]APIKeyView, error) {
	ks, err := e.db.APIKeys(ctx, userID)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	out := make([]APIKeyView, len(ks))
	for i, k := range ks {
		out[i] = apiKeyView(k, now)
	}
	return out, nil
}

// CreateAPIKey issues a key that acts as in.UserID with some of that user's
// roles. Only the key's SHA-256 is stored; its text is in the result and
// nowhere else.
func (e *Engine) CreateAPIKey(ctx context.Context, in NewAPIKey, by Principal) (*CreatedAPIKey, error) {
	var ps problems
	in.Name = strings.TrimSpace(in.Name)
	checkName(&ps, "/name", in.Name, true)
	if in.ExpiresAt != nil && !in.ExpiresAt.After(time.Now()) {
		ps.add("/expires_at", forms.CodeTooSmall, "must be in the future")
	}
	if len(in.Roles) == 0 {
		ps.add("/roles", forms.CodeRequired, "give the key at least one of the user's roles")
	}
	text := APIKeyPrefix + randomBase62(apiKeyRandomChars)
	k := &store.APIKey{Name: in.Name, Prefix: text[:apiKeyShown], KeyHash: hashToken(text), UserID: in.UserID,
		CreatedBy: by.User.ID, CreatedAt: time.Now().UTC(), ExpiresAt: in.ExpiresAt}
	var roles []string
	err := e.accessChange(ctx, func(ctx context.Context) error {
		u, err := e.keyUser(ctx, &ps, in.UserID)
		if err != nil {
			return err
		}
		if roles, err = e.checkKeyRoles(ctx, &ps, in.UserID, in.Roles); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		b, _ := json.Marshal(roles)
		k.Roles = string(b)
		if err := e.db.CreateAPIKey(ctx, k); err != nil {
			return err
		}
		ch := changes{}
		ch.note("name", nil, k.Name)
		ch.note("prefix", nil, k.Prefix)
		ch.note("user_id", nil, k.UserID)
		ch.note("roles", nil, roles)
		ch.note("expires_at", nil, k.ExpiresAt)
		return e.audit(ctx, by, "apikey.create", "apikey", k.Prefix, k.ID, ch,
			fmt.Sprintf("created API key %q (%s…) acting as %s", k.Name, k.Prefix, u.Email))
	})
	if err != nil {
		return nil, err
	}
	return &CreatedAPIKey{APIKeyView: apiKeyView(*k, time.Now().UTC()), Key: text}, nil
}

// keyUser finds the active user a key is for, reporting a missing or
// deactivated one at /user_id.
func (e *Engine) keyUser(ctx context.Context, ps *problems, userID int64) (*store.User, error) {
	if userID == 0 {
		ps.add("/user_id", forms.CodeRequired, "give the id of the user the key acts as")
		return &store.User{}, nil
	}
	u, err := e.db.UserByID(ctx, userID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ps.add("/user_id", forms.CodeNotFound, "there is no user %d", userID)
		return &store.User{}, nil
	case err != nil:
		return nil, err
	case !u.Active:
		ps.add("/user_id", forms.CodeInvalidValue, "user %d is deactivated; a key cannot act as them", userID)
	}
	return u, nil
}

// checkKeyRoles reports the roles the user does not hold and returns the
// rest sorted, without duplicates.
func (e *Engine) checkKeyRoles(ctx context.Context, ps *problems, userID int64, roles []string) ([]string, error) {
	held, err := e.db.RolesOfUsers(ctx, []int64{userID})
	if err != nil {
		return nil, err
	}
	out := []string{}
	for i, r := range roles {
		if !slices.Contains(held[userID], r) {
			ps.add(fmt.Sprintf("/roles/%d", i), CodeRoleNotHeld,
				"user %d does not have role %q; a key can only have roles its user has", userID, r)
			continue
		}
		out = append(out, r)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// RevokeAPIKey revokes a key at once; revoking a revoked key changes
// nothing.
func (e *Engine) RevokeAPIKey(ctx context.Context, id int64, by Principal) error {
	return e.accessChange(ctx, func(ctx context.Context) error {
		k, err := e.db.APIKeyByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("%w: there is no API key %d", store.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		revoked, err := e.db.RevokeAPIKey(ctx, id, now)
		if err != nil || !revoked {
			return err
		}
		ch := changes{}
		ch.note("revoked_at", nil, now)
		return e.audit(ctx, by, "apikey.revoke", "apikey", k.Prefix, k.ID, ch,
			fmt.Sprintf("revoked API key %q (%s…)", k.Name, k.Prefix))
	})
}

// randomBase62 returns n characters drawn uniformly from [0-9A-Za-z].
func randomBase62(n int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	out := make([]byte, 0, n)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		_, _ = rand.Read(buf)
		for _, b := range buf {
			// note: 248 = 4×62; rejecting the rest keeps every character
			// equally likely.
			if b < 248 && len(out) < n {
				out = append(out, alphabet[b%62])
			}
		}
	}
	return string(out)
}
