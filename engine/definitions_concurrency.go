package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/store"
)

// DraftCondition is what a draft save expects to find, so two people editing
// one definition do not overwrite each other unawares. The zero value saves
// unconditionally.
type DraftCondition struct {
	// Tag, when set, is the DraftTag of the draft the caller read: the save
	// is a conflict if the draft has changed or gone since.
	Tag string
	// NoDraft says the caller started from the published version: the save
	// is a conflict if someone saved a draft meanwhile.
	NoDraft bool
}

// DraftTag identifies the text of a draft, for If-Match: equal texts have
// equal tags whatever their layout.
func DraftTag(body []byte) string {
	sum := sha256.Sum256(compact(body))
	return "d-" + hex.EncodeToString(sum[:8])
}

// DraftWithTag returns the draft text of a definition and its tag.
func (e *Engine) DraftWithTag(ctx context.Context, kind, key string) ([]byte, string, error) {
	body, err := e.Draft(ctx, kind, key)
	if err != nil {
		return nil, "", err
	}
	return body, DraftTag(body), nil
}

func (e *Engine) checkDraftCondition(ctx context.Context, h Header, cond DraftCondition) error {
	if cond.Tag == "" && !cond.NoDraft {
		return nil
	}
	d, err := e.db.DraftOf(ctx, h.Kind, h.Key)
	if errors.Is(err, store.ErrNotFound) {
		if cond.Tag != "" {
			return fmt.Errorf("%w: the draft of %s/%s you opened has been published or removed since; reload it and make your change again", store.ErrConflict, h.Kind, h.Key)
		}
		return nil
	}
	if err != nil {
		return err
	}
	if cond.NoDraft || DraftTag([]byte(d.Body)) != cond.Tag {
		return fmt.Errorf("%w: %s saved a newer draft of %s/%s at %s, after you opened it; reload it to see their change, then make yours again",
			store.ErrConflict, e.actorName(ctx, d.UpdatedBy), h.Kind, h.Key, d.UpdatedAt.Format("2006-01-02 15:04:05 UTC"))
	}
	return nil
}

// checkBaseVersion refuses a publish made on another version than the live
// one; prev lists the published versions, newest first.
func (e *Engine) checkBaseVersion(ctx context.Context, h Header, prev []store.DefinitionVersion, base *int) error {
	if base == nil {
		return nil
	}
	live := 0
	if len(prev) > 0 {
		live = prev[0].Version
	}
	if live == *base {
		return nil
	}
	if live == 0 {
		return fmt.Errorf("%w: you opened version %d of %s/%s, which is not published; reload it", store.ErrConflict, *base, h.Kind, h.Key)
	}
	who, when := e.actorName(ctx, prev[0].PublishedBy), prev[0].PublishedAt.Format("2006-01-02 15:04:05 UTC")
	if *base == 0 {
		return fmt.Errorf("%w: %s published %s/%s (version %d) at %s, after you started it; reload to see theirs, then make your change again",
			store.ErrConflict, who, h.Kind, h.Key, live, when)
	}
	return fmt.Errorf("%w: %s published version %d of %s/%s at %s, after you opened version %d; reload to see it, then make your change again",
		store.ErrConflict, who, live, h.Kind, h.Key, when, *base)
}

// actorName names a user for a message: their name, else their e-mail, else
// "someone".
func (e *Engine) actorName(ctx context.Context, id int64) string {
	if id == 0 {
		return "someone"
	}
	u, err := e.db.UserByID(ctx, id)
	if err != nil {
		return "someone"
	}
	if u.Name != "" {
		return u.Name
	}
	return u.Email
}
