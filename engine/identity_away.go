package engine

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// OutOfOfficeInput is a period when a user is away and who acts for them.
type OutOfOfficeInput struct {
	DelegateID int64
	StartsAt   time.Time
	EndsAt     time.Time
	Note       string
}

// OutOfOfficeOf lists a user's out-of-office periods by start.
func (e *Engine) OutOfOfficeOf(ctx context.Context, userID int64) ([]store.OutOfOffice, error) {
	if _, err := e.ViewUser(ctx, userID); err != nil {
		return nil, err
	}
	os, err := e.db.OutOfOfficeOf(ctx, userID)
	return orEmpty(os), err
}

// AddOutOfOffice records that userID is away from in.StartsAt to in.EndsAt
// and in.DelegateID acts for them. The delegate must be another active
// user; the period must end after it starts and after now, and must not
// overlap another of the user's periods (store.ErrConflict).
func (e *Engine) AddOutOfOffice(ctx context.Context, userID int64, in OutOfOfficeInput, by Principal) (*store.OutOfOffice, error) {
	var ps problems
	in.StartsAt, in.EndsAt = in.StartsAt.UTC().Truncate(time.Second), in.EndsAt.UTC().Truncate(time.Second)
	switch {
	case !in.EndsAt.After(in.StartsAt):
		ps.add("/ends_at", forms.CodeTooSmall, "must be after starts_at")
	case !in.EndsAt.After(time.Now()):
		ps.add("/ends_at", forms.CodeTooSmall, "must be in the future: the period has already ended")
	}
	if utf8.RuneCountInString(in.Note) > 500 {
		ps.add("/note", forms.CodeTooLong, "must be at most 500 characters")
	}
	o := &store.OutOfOffice{UserID: userID, DelegateID: in.DelegateID, StartsAt: in.StartsAt, EndsAt: in.EndsAt,
		Note: in.Note, CreatedAt: time.Now().UTC()}
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		u, err := e.db.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := e.checkDelegate(ctx, &ps, userID, in.DelegateID); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		if other, err := e.db.OverlappingOutOfOffice(ctx, userID, in.StartsAt, in.EndsAt); err == nil {
			return fmt.Errorf("%w: this period overlaps your out-of-office period %d (%s to %s); change or delete that one first",
				store.ErrConflict, other.ID, other.StartsAt.UTC().Format(time.RFC3339), other.EndsAt.UTC().Format(time.RFC3339))
		} else if !errors.Is(err, store.ErrNotFound) {
			return err
		}
		if err := e.db.CreateOutOfOffice(ctx, o); err != nil {
			return err
		}
		ch := changes{"out_of_office_id": o.ID}
		ch.note("delegate_id", nil, o.DelegateID)
		ch.note("starts_at", nil, o.StartsAt)
		ch.note("ends_at", nil, o.EndsAt)
		return e.audit(ctx, by, "out_of_office.create", "user", u.Email, u.ID, ch,
			fmt.Sprintf("%s is away from %s to %s", u.Email, o.StartsAt.Format(time.RFC3339), o.EndsAt.Format(time.RFC3339)))
	})
	if err != nil {
		return nil, err
	}
	return o, nil
}

func (e *Engine) checkDelegate(ctx context.Context, ps *problems, userID, delegateID int64) error {
	if delegateID == userID {
		ps.add("/delegate_id", forms.CodeInvalidValue, "you cannot delegate to yourself; choose someone else")
		return nil
	}
	d, err := e.db.UserByID(ctx, delegateID)
	switch {
	case errors.Is(err, store.ErrNotFound):
		ps.add("/delegate_id", forms.CodeNotFound, "there is no user %d", delegateID)
	case err != nil:
		return err
	case !d.Active:
		ps.add("/delegate_id", forms.CodeInvalidValue, "user %d is deactivated; choose an active user", delegateID)
	}
	return nil
}

// RemoveOutOfOffice deletes one of userID's out-of-office periods; another
// user's is not found.
func (e *Engine) RemoveOutOfOffice(ctx context.Context, userID, id int64, by Principal) error {
	return e.db.WithTx(ctx, func(ctx context.Context) error {
		o, err := e.db.OutOfOfficeByID(ctx, id)
		if errors.Is(err, store.ErrNotFound) || (err == nil && o.UserID != userID) {
			return fmt.Errorf("%w: there is no out-of-office period %d", store.ErrNotFound, id)
		}
		if err != nil {
			return err
		}
		u, err := e.db.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if err := e.db.DeleteOutOfOffice(ctx, id); err != nil {
			return err
		}
		ch := changes{"out_of_office_id": id}
		ch.note("delegate_id", o.DelegateID, nil)
		ch.note("starts_at", o.StartsAt, nil)
		ch.note("ends_at", o.EndsAt, nil)
		return e.audit(ctx, by, "out_of_office.delete", "user", u.Email, u.ID, ch,
			fmt.Sprintf("%s removed out-of-office period %d", u.Email, id))
	})
}

// DelegateOf says who acts for userID at the given time: when the user is
// out of office, their delegate; when the delegate is away too, the
// delegate's delegate, and so on for up to five hops. The chain stops before
// a user it has already visited (A away to B, B away to A: B acts for A) and
// before a deactivated delegate. ok is false when the user is not away or
// nobody can act for them, and the user keeps their own tasks.
//
// Example:
//
//	if d, ok, err := e.DelegateOf(ctx, assignee, time.Now()); err == nil && ok {
//		assignee = d
//	}
func (e *Engine) DelegateOf(ctx context.Context, userID int64, at time.Time) (int64, bool, error) {
	cur := userID
	seen := map[int64]bool{userID: true}
	for range maxDelegationHops {
		o, err := e.db.OutOfOfficeAt(ctx, cur, at.UTC())
		if errors.Is(err, store.ErrNotFound) {
			break
		}
		if err != nil {
			return 0, false, err
		}
		if seen[o.DelegateID] {
			break
		}
		d, err := e.db.UserByID(ctx, o.DelegateID)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !d.Active) {
			break
		}
		if err != nil {
			return 0, false, err
		}
		seen[o.DelegateID] = true
		cur = o.DelegateID
	}
	return cur, cur != userID, nil
}
