package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// SessionTTL is how long a login token stays valid.
const SessionTTL = 12 * time.Hour

// ErrBadCredentials is returned for a wrong e-mail or password; it never says
// which of the two was wrong.
var ErrBadCredentials = errors.New("wrong e-mail or password")

// Principal is who a request acts for: a signed-in user, or an integration
// holding an API key that acts as a user with some of that user's roles.
type Principal struct {
	User store.User
	// Roles are the roles in force for this request: the user's roles, or
	// for an API key the roles the key was limited to.
	Roles []string
	// APIKeyID is set when the request carries an API key.
	APIKeyID int64
	// TokenHash identifies the session, so logout can revoke it.
	TokenHash string
}

// Actor is the principal as the domain packages see it.
func (p Principal) Actor() forms.Actor {
	return forms.Actor{ID: p.User.ID, Email: p.User.Email, Name: p.User.Name, Attrs: userAttributes(p.User)}
}

// RoleAdmin is the built-in role that may do everything.
const RoleAdmin = "admin"

// IsAdmin reports whether the admin role is in force.
func (p Principal) IsAdmin() bool {
	for _, r := range p.Roles {
		if r == RoleAdmin {
			return true
		}
	}
	return false
}

// userAttributes decodes a user's free attributes.
func userAttributes(u store.User) map[string]any {
	attrs := map[string]any{}
	if u.Attributes != "" {
		_ = json.Unmarshal([]byte(u.Attributes), &attrs)
	}
	return attrs
}

// CreateUser adds a user with a bcrypt-hashed password and the given roles.
func (e *Engine) CreateUser(ctx context.Context, email, name, password string, roles ...string) (*store.User, error) {
	u, err := newUserRow(email, name, password)
	if err != nil {
		return nil, err
	}
	email = u.Email
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.db.CreateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: a user with e-mail %s already exists", store.ErrConflict, email)
			}
			return err
		}
		if err := e.db.SetUserRoles(ctx, u.ID, roles); err != nil {
			return err
		}
		if err := e.db.BumpAccessVersion(ctx); err != nil {
			return err
		}
		changes, _ := json.Marshal(map[string]any{"roles": map[string]any{"before": nil, "after": roles}})
		return e.db.Append(ctx, &store.AuditEntry{Action: "user.create", TargetKind: "user", TargetKey: email, RecordID: u.ID,
			Changes: string(changes), Summary: "created user " + email})
	})
	if err == nil {
		e.access.Invalidate()
	}
	return u, err
}

// CountUsers counts the users, so serve can tell an empty database.
func (e *Engine) CountUsers(ctx context.Context) (int64, error) { return e.db.CountUsers(ctx) }

// Lock-out after repeated failed logins.
const (
	MaxFailedLogins = 5
	LockoutPeriod   = 15 * time.Minute
)

// ErrLockedOut is returned while an account is locked after repeated failed
// logins.
var ErrLockedOut = errors.New("too many failed logins; the account is locked for a while, try again later")

// Login checks an e-mail and password and returns a new bearer token. The
// attempt is audited whether it succeeds or not; after MaxFailedLogins
// failures in a row the account is locked for LockoutPeriod.
func (e *Engine) Login(ctx context.Context, email, password, ip string) (string, *store.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	now := time.Now().UTC()
	u, err := e.db.UserByEmail(ctx, email)
	if err == nil && u.LockedUntil != nil && u.LockedUntil.After(now) {
		_ = e.db.Append(ctx, &store.AuditEntry{Action: "auth.login_locked", TargetKind: "user", TargetKey: email, RecordID: u.ID,
			Summary: "login refused while locked, from " + ip})
		return "", nil, ErrLockedOut
	}
	if err != nil || !u.Active || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		if err != nil {
			// note: hash anyway so a missing user takes as long as a wrong password.
			_ = bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3J8Kq1m7u2a2c3o6K7R8x9e"), []byte(password))
		} else {
			_ = e.db.RecordFailedLogin(ctx, u.ID, MaxFailedLogins, now.Add(LockoutPeriod))
		}
		_ = e.db.Append(ctx, &store.AuditEntry{Action: "auth.login_failed", TargetKind: "user", TargetKey: email, Summary: "failed login from " + ip})
		return "", nil, ErrBadCredentials
	}
	token := randomToken()
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.db.ResetFailedLogins(ctx, u.ID); err != nil {
			return err
		}
		if err := e.db.CreateSession(ctx, &store.Session{TokenHash: hashToken(token), UserID: u.ID,
			CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}); err != nil {
			return err
		}
		return e.db.Append(ctx, &store.AuditEntry{ActorID: u.ID, Action: "auth.login", TargetKind: "user",
			TargetKey: email, RecordID: u.ID, Summary: "login from " + ip})
	})
	if err != nil {
		return "", nil, err
	}
	return token, u, nil
}

// Logout revokes a token.
func (e *Engine) Logout(ctx context.Context, token string) error {
	return e.db.RevokeSession(ctx, hashToken(token), time.Now().UTC())
}

// Authenticate resolves a bearer token (a session token, or an API key
// starting with APIKeyPrefix) to its principal.
func (e *Engine) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 200 {
		return nil, ErrBadCredentials
	}
	if strings.HasPrefix(token, APIKeyPrefix) {
		return e.authenticateAPIKey(ctx, token)
	}
	hash := hashToken(token)
	u, marks, err := e.db.SessionUserMarks(ctx, hash, time.Now().UTC())
	if store.IsUnavailable(err) {
		return nil, err // note: the session may well be good; the database is away
	}
	if err != nil {
		return nil, ErrBadCredentials
	}
	e.catchUp(ctx, marks)
	m, err := e.access.Fresh(ctx)
	if err != nil {
		return nil, err
	}
	return &Principal{User: *u, Roles: m.RolesOf(u.ID), TokenHash: hash}, nil
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashToken is how tokens are kept at rest: a token is random and long, so a
// plain SHA-256 is enough and lets us look it up by index.
func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
