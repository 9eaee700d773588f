package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// SessionView is a live session as its user and admins see it; the token
// is never shown.
type SessionView struct {
	ID        int64     `json:"id"`
	UserID    int64     `json:"user_id"`
	CreatedAt time.Time `json:"created_at"`
	ExpiresAt time.Time `json:"expires_at"`
	// Current marks the session the request was made with.
	Current bool `json:"current"`
}

// Sessions lists the live sessions of a user, newest first.
func (e *Engine) Sessions(ctx context.Context, userID int64, by Principal) ([]SessionView, error) {
	if _, err := e.ViewUser(ctx, userID); err != nil {
		return nil, err
	}
	ss, err := e.db.LiveSessions(ctx, userID, time.Now().UTC())
	if err != nil {
		return nil, err
	}
	out := make([]SessionView, len(ss))
	for i, s := range ss {
		out[i] = SessionView{ID: s.ID, UserID: s.UserID, CreatedAt: s.CreatedAt, ExpiresAt: s.ExpiresAt,
			Current: by.TokenHash != "" && s.TokenHash == by.TokenHash}
	}
	return out, nil
}

// RevokeSession ends a session. With ownerID not zero it must be a session
// of that user: anyone else's is not found, so nobody learns which ids
// exist.
func (e *Engine) RevokeSession(ctx context.Context, id, ownerID int64, by Principal) error {
	return e.db.WithTx(ctx, func(ctx context.Context) error {
		s, err := e.db.SessionByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && ownerID != 0 && s.UserID != ownerID) {
			return fmt.Errorf("%w: there is no session %d", store.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		now := time.Now().UTC()
		revoked, err := e.db.RevokeSessionByID(ctx, id, now)
		if err != nil || !revoked {
			return err
		}
		u, err := e.db.UserByID(ctx, s.UserID)
		if err != nil {
			return err
		}
		ch := changes{"session_id": id}
		ch.note("revoked_at", nil, now)
		return e.audit(ctx, by, "session.revoke", "user", u.Email, u.ID, ch, fmt.Sprintf("revoked session %d of %s", id, u.Email))
	})
}
