package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// MigrateSystem creates or updates the engine's own tables.
func (db *DB) MigrateSystem(ctx context.Context) error {
	return db.Migrate(ctx, SystemModels()...)
}

// CreateUser inserts u and sets its ID.
func (db *DB) CreateUser(ctx context.Context, u *User) error {
	return translate(db.conn(ctx).Create(u).Error)
}

// UserByEmail finds a user by e-mail address.
func (db *DB) UserByEmail(ctx context.Context, email string) (*User, error) {
	var u User
	err := db.conn(ctx).Where("email = ?", email).Take(&u).Error
	return &u, translate(err)
}

// UserByID finds a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (*User, error) {
	var u User
	err := db.conn(ctx).Where("id = ?", id).Take(&u).Error
	return &u, translate(err)
}

// CountUsers counts every user.
func (db *DB) CountUsers(ctx context.Context) (int64, error) {
	var n int64
	err := db.conn(ctx).Model(&User{}).Count(&n).Error
	return n, translate(err)
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s *Session) error {
	return translate(db.conn(ctx).Create(s).Error)
}

// SessionByTokenHash finds a live (unrevoked, unexpired) session.
func (db *DB) SessionByTokenHash(ctx context.Context, hash string, now time.Time) (*Session, error) {
	var s Session
	err := db.conn(ctx).Where("token_hash = ? AND revoked_at IS NULL AND expires_at > ?", hash, now).Take(&s).Error
	return &s, translate(err)
}

// SessionUser finds the active user of a live session in one query.
func (db *DB) SessionUser(ctx context.Context, hash string, now time.Time) (*User, error) {
	var u User
	err := db.conn(ctx).Raw(`SELECT u.* FROM mosaic_users u JOIN mosaic_sessions s ON s.user_id = u.id
		WHERE s.token_hash = ? AND s.revoked_at IS NULL AND s.expires_at > ? AND u.active`, hash, now).Scan(&u).Error
	if err == nil && u.ID == 0 {
		err = ErrNotFound
	}
	return &u, translate(err)
}

// RevokeSession marks the session with hash as revoked.
func (db *DB) RevokeSession(ctx context.Context, hash string, now time.Time) error {
	return translate(db.conn(ctx).Model(&Session{}).Where("token_hash = ?", hash).Update("revoked_at", now).Error)
}

// SaveDraft creates or replaces the draft of (d.Kind, d.Key).
func (db *DB) SaveDraft(ctx context.Context, d *Draft) error {
	return translate(db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "kind"}, {Name: "key"}},
		DoUpdates: clause.AssignmentColumns([]string{"body", "updated_at", "updated_by"}),
	}).Create(d).Error)
}

// DraftOf returns the draft of a definition.
func (db *DB) DraftOf(ctx context.Context, kind, key string) (*Draft, error) {
	var d Draft
	err := db.conn(ctx).Where("kind = ? AND key = ?", kind, key).Take(&d).Error
	return &d, translate(err)
}

// Drafts lists every draft, ordered by kind and key.
func (db *DB) Drafts(ctx context.Context) ([]Draft, error) {
	var ds []Draft
	err := db.conn(ctx).Order("kind, key").Find(&ds).Error
	return ds, translate(err)
}

// DeleteDraft removes the draft of a definition.
func (db *DB) DeleteDraft(ctx context.Context, kind, key string) error {
	return translate(db.conn(ctx).Where("kind = ? AND key = ?", kind, key).Delete(&Draft{}).Error)
}

// AddVersion stores v; a concurrent publish of the same version number fails
// with ErrConflict.
func (db *DB) AddVersion(ctx context.Context, v *DefinitionVersion) error {
	return translate(db.conn(ctx).Create(v).Error)
}

// Versions lists the published versions of a definition, newest first.
func (db *DB) Versions(ctx context.Context, kind, key string) ([]DefinitionVersion, error) {
	var vs []DefinitionVersion
	err := db.conn(ctx).Where("kind = ? AND key = ?", kind, key).Order("version DESC").Find(&vs).Error
	return vs, translate(err)
}

// Version returns one published version.
func (db *DB) Version(ctx context.Context, kind, key string, version int) (*DefinitionVersion, error) {
	var v DefinitionVersion
	err := db.conn(ctx).Where("kind = ? AND key = ? AND version = ?", kind, key, version).Take(&v).Error
	return &v, translate(err)
}

// LatestVersions returns the newest version of every published definition.
func (db *DB) LatestVersions(ctx context.Context) ([]DefinitionVersion, error) {
	var vs []DefinitionVersion
	err := db.conn(ctx).Raw(`SELECT v.* FROM mosaic_definition_versions v
		JOIN (SELECT kind, key, MAX(version) AS version FROM mosaic_definition_versions GROUP BY kind, key) m
		ON v.kind = m.kind AND v.key = m.key AND v.version = m.version
		ORDER BY v.kind, v.key`).Scan(&vs).Error
	return vs, translate(err)
}

// Append writes one audit entry; call it inside the transaction of the write
// it records.
//
// In a transaction the entry is inserted when the transaction ends, with
// the others it wrote, so it exists exactly when the write committed.
func (db *DB) Append(ctx context.Context, e *AuditEntry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	if tx, ok := db.pending(ctx); ok {
		tx.audits = append(tx.audits, e)
		return nil
	}
	return db.insertAudits(ctx, []*AuditEntry{e})
}

// auditColumns is how many values one audit row binds.
const auditColumns = 8

// insertAudits inserts es with one statement.
//
// note: a plain statement; this runs on every write, and gorm's reflective
// Create showed in profiles.
func (db *DB) insertAudits(ctx context.Context, es []*AuditEntry) error {
	var sql strings.Builder
	sql.WriteString(`INSERT INTO mosaic_audit (at, actor_id, action, target_kind, target_key, record_id, changes, summary) VALUES `)
	args := make([]any, 0, len(es)*auditColumns)
	for i, e := range es {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, db.bindValue(e.At), e.ActorID, e.Action, e.TargetKind, e.TargetKey, e.RecordID, e.Changes, e.Summary)
	}
	return translate(db.conn(ctx).Exec(sql.String(), args...).Error)
}

// AuditOf lists the audit entries of one target (and record, when recordID is
// not zero), newest first.
func (db *DB) AuditOf(ctx context.Context, kind, key string, recordID int64, limit int) ([]AuditEntry, error) {
	var es []AuditEntry
	q := db.conn(ctx).Where("target_kind = ? AND target_key = ?", kind, key)
	if recordID != 0 {
		q = q.Where("record_id = ?", recordID)
	}
	err := q.Order("id DESC").Limit(limit).Find(&es).Error
	return es, translate(err)
}

// NextInSequence increments and returns the counter (name, period) atomically;
// two concurrent callers never get the same value.
func (db *DB) NextInSequence(ctx context.Context, name, period string) (int64, error) {
	var v int64
	err := scanFirst(db.conn(ctx).Raw(`INSERT INTO mosaic_sequences (name, period, value) VALUES (?, ?, 1)
		ON CONFLICT (name, period) DO UPDATE SET value = mosaic_sequences.value + 1
		RETURNING value`, name, period), &v)
	return v, translate(err)
}

// ReserveInSequence takes n consecutive values of the counter (name,
// period) at once and returns the first; bulk loads use it instead of
// asking n times.
func (db *DB) ReserveInSequence(ctx context.Context, name, period string, n int64) (int64, error) {
	var last int64
	err := db.conn(ctx).Raw(`INSERT INTO mosaic_sequences (name, period, value) VALUES (?, ?, ?)
		ON CONFLICT (name, period) DO UPDATE SET value = mosaic_sequences.value + ?
		RETURNING value`, name, period, n, n).Scan(&last).Error
	return last - n + 1, translate(err)
}

// CreateFile stores an attachment's metadata.
func (db *DB) CreateFile(ctx context.Context, f *File) error {
	return translate(db.conn(ctx).Create(f).Error)
}

// FilesByID returns the attachments with the given ids.
func (db *DB) FilesByID(ctx context.Context, ids []string) ([]File, error) {
	var fs []File
	if len(ids) == 0 {
		return fs, nil
	}
	err := db.conn(ctx).Where("id IN ?", ids).Find(&fs).Error
	return fs, translate(err)
}

// DefinitionsMark is the id of the newest published version of any
// definition; it changes whenever anything is published, anywhere.
func (db *DB) DefinitionsMark(ctx context.Context) (int64, error) {
	var mark *int64
	err := db.conn(ctx).Raw("SELECT MAX(id) FROM mosaic_definition_versions").Row().Scan(&mark)
	if mark == nil {
		return 0, translate(err)
	}
	return *mark, translate(err)
}

// AuditFilter narrows an audit log query; zero values match everything.
type AuditFilter struct {
	Action     string
	TargetKind string
	TargetKey  string
	RecordID   int64
	ActorID    int64
	Limit      int
	Offset     int
}

// AuditQuery lists audit entries matching f, newest first.
func (db *DB) AuditQuery(ctx context.Context, f AuditFilter) ([]AuditEntry, error) {
	q := db.conn(ctx).Model(&AuditEntry{})
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.TargetKind != "" {
		q = q.Where("target_kind = ?", f.TargetKind)
	}
	if f.TargetKey != "" {
		q = q.Where("target_key = ?", f.TargetKey)
	}
	if f.RecordID != 0 {
		q = q.Where("record_id = ?", f.RecordID)
	}
	if f.ActorID != 0 {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	var es []AuditEntry
	err := q.Order("id DESC").Limit(f.Limit).Offset(f.Offset).Find(&es).Error
	return es, translate(err)
}
