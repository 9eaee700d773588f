package engine

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
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

// Principal is the signed-in user a request acts for.
type Principal struct {
	User store.User
}

// Actor is the principal as the domain packages see it.
func (p Principal) Actor() forms.Actor {
	return forms.Actor{ID: p.User.ID, Email: p.User.Email, Name: p.User.Name}
}

// CreateUser adds a user with a bcrypt-hashed password.
func (e *Engine) CreateUser(ctx context.Context, email, name, password string, admin bool) (*store.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
		return nil, invalid("/email", "must be an e-mail address such as name@example.com")
	}
	if len(password) < 8 || len(password) > 72 {
		return nil, invalid("/password", "must be 8 to 72 characters")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return nil, err
	}
	if name == "" {
		name = strings.SplitN(email, "@", 2)[0]
	}
	u := &store.User{Email: email, Name: name, PasswordHash: string(hash), Admin: admin, Active: true, CreatedAt: time.Now().UTC()}
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := e.db.CreateUser(ctx, u); err != nil {
			if errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("%w: a user with e-mail %s already exists", store.ErrConflict, email)
			}
			return err
		}
		return e.db.Append(ctx, &store.AuditEntry{Action: "user.create", TargetKind: "user", TargetKey: email, RecordID: u.ID,
			Summary: "created user " + email})
	})
	return u, err
}

// CountUsers counts the users, so serve can tell an empty database.
func (e *Engine) CountUsers(ctx context.Context) (int64, error) { return e.db.CountUsers(ctx) }

// Login checks an e-mail and password and returns a new bearer token. The
// attempt is audited whether it succeeds or not.
func (e *Engine) Login(ctx context.Context, email, password, ip string) (string, *store.User, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	u, err := e.db.UserByEmail(ctx, email)
	if err != nil || !u.Active || bcrypt.CompareHashAndPassword([]byte(u.PasswordHash), []byte(password)) != nil {
		if err != nil {
			// note: hash anyway so a missing user takes as long as a wrong password.
			_ = bcrypt.CompareHashAndPassword([]byte("$2a$10$7EqJtq98hPqEX7fNZaFWoOhi5BWX4Z3J8Kq1m7u2a2c3o6K7R8x9e"), []byte(password))
		}
		_ = e.db.Append(ctx, &store.AuditEntry{Action: "auth.login_failed", TargetKind: "user", TargetKey: email, Summary: "failed login from " + ip})
		return "", nil, ErrBadCredentials
	}
	token := randomToken()
	err = e.db.WithTx(ctx, func(ctx context.Context) error {
		now := time.Now().UTC()
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

// Authenticate resolves a bearer token to its user.
func (e *Engine) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" || len(token) > 200 {
		return nil, ErrBadCredentials
	}
	u, err := e.db.SessionUser(ctx, hashToken(token), time.Now().UTC())
	if err != nil {
		return nil, ErrBadCredentials
	}
	return &Principal{User: *u}, nil
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
