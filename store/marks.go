package store

import (
	"context"
	"time"
)

// Marks are the counters by which a replica knows that another one changed
// what it holds in memory: the access version and the newest published
// definition.
type Marks struct {
	Access      int64
	Definitions int64
}

// SessionUserMarks is SessionUser plus the current marks, read in the same
// round trip, so that every authenticated request can see another
// replica's permission change or publish without a query of its own.
func (db *DB) SessionUserMarks(ctx context.Context, hash string, now time.Time) (*User, Marks, error) {
	var row struct {
		User
		AccessMark      *int64
		DefinitionsMark *int64
	}
	err := db.conn(ctx).Raw(`SELECT u.*,
		(SELECT v.version FROM mosaic_access_version v WHERE v.id = 1) AS access_mark,
		(SELECT MAX(d.id) FROM mosaic_definition_versions d) AS definitions_mark
		FROM mosaic_users u JOIN mosaic_sessions s ON s.user_id = u.id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active`, hash, now).Scan(&row).Error
	if err == nil && row.ID == 0 {
		err = ErrNotFound
	}
	var m Marks
	if row.AccessMark != nil {
		m.Access = *row.AccessMark
	}
	if row.DefinitionsMark != nil {
		m.Definitions = *row.DefinitionsMark
	}
	return &row.User, m, translate(err)
}

// MarksNow reads the current marks.
func (db *DB) MarksNow(ctx context.Context) (Marks, error) {
	var row struct {
		AccessMark      *int64
		DefinitionsMark *int64
	}
	err := db.conn(ctx).Raw(`SELECT
		(SELECT v.version FROM mosaic_access_version v WHERE v.id = 1) AS access_mark,
		(SELECT MAX(d.id) FROM mosaic_definition_versions d) AS definitions_mark`).Scan(&row).Error
	var m Marks
	if row.AccessMark != nil {
		m.Access = *row.AccessMark
	}
	if row.DefinitionsMark != nil {
		m.Definitions = *row.DefinitionsMark
	}
	return m, translate(err)
}
