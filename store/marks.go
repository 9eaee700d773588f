package store

import (
	"context"
	"time"

	"gorm.io/gorm"
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
	err := scanFirst(db.conn(ctx).Raw(`SELECT u.*,
		(SELECT v.version FROM mosaic_access_version v WHERE v.id = 1) AS access_mark,
		(SELECT MAX(d.id) FROM mosaic_definition_versions d) AS definitions_mark
		FROM mosaic_users u JOIN mosaic_sessions s ON s.user_id = u.id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active`, hash, now), &row)
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
	err := scanFirst(db.conn(ctx).Raw(`SELECT
		(SELECT v.version FROM mosaic_access_version v WHERE v.id = 1) AS access_mark,
		(SELECT MAX(d.id) FROM mosaic_definition_versions d) AS definitions_mark`), &row)
	var m Marks
	if row.AccessMark != nil {
		m.Access = *row.AccessMark
	}
	if row.DefinitionsMark != nil {
		m.Definitions = *row.DefinitionsMark
	}
	return m, translate(err)
}

// scanFirst reads the first row of q into dest, which keeps its zero value
// when there is none. It is gorm's Scan without the copy of the statement
// with its values written in, which Scan makes for the log even when
// nothing logs (a regular expression run over every request's session
// lookup).
func scanFirst(q *gorm.DB, dest any) error {
	rows, err := q.Rows()
	if err != nil {
		return err
	}
	defer func() { _ = rows.Close() }()
	if !rows.Next() {
		return rows.Err()
	}
	if err := q.ScanRows(rows, dest); err != nil {
		return err
	}
	return rows.Close()
}
