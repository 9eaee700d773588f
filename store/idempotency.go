package store

import (
	"context"
	"time"
)

// IdempotencyKey is the first answer to a request sent with an
// Idempotency-Key header: a retry of the same request by the same caller
// gets this answer again instead of doing the work twice.
type IdempotencyKey struct {
	Caller      string    `gorm:"primaryKey;size:64"`
	Key         string    `gorm:"primaryKey;size:255"`
	RequestHash string    `gorm:"size:64;not null"`
	Status      int       `gorm:"not null;default:0"`
	Body        string    `gorm:"type:text;not null;default:''"`
	Location    string    `gorm:"type:text;not null;default:''"`
	ETag        string    `gorm:"size:100;not null;default:''"`
	CreatedAt   time.Time `gorm:"not null;index"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (IdempotencyKey) TableName() string { return "mosaic_idempotency_keys" }

// ClaimIdempotencyKey inserts k. A key the caller already holds is
// ErrConflict; on PostgreSQL the insert waits for a concurrent transaction
// holding the same key to end, so exactly one of them claims it.
func (db *DB) ClaimIdempotencyKey(ctx context.Context, k *IdempotencyKey) error {
	return translate(db.conn(ctx).Create(k).Error)
}

// SaveIdempotencyAnswer stores the answer of claimed key k.
func (db *DB) SaveIdempotencyAnswer(ctx context.Context, k *IdempotencyKey) error {
	return translate(db.conn(ctx).Model(k).Select("status", "body", "location", "e_tag").Updates(k).Error)
}

// IdempotencyKeyOf reads a caller's key, or ErrNotFound.
func (db *DB) IdempotencyKeyOf(ctx context.Context, caller, key string) (*IdempotencyKey, error) {
	var k IdempotencyKey
	err := db.conn(ctx).Where("caller = ? AND key = ?", caller, key).Take(&k).Error
	return &k, translate(err)
}

// ForgetIdempotencyKeys removes the keys stored before cutoff; with a
// caller and key, only that one.
func (db *DB) ForgetIdempotencyKeys(ctx context.Context, cutoff time.Time, caller, key string) error {
	q := db.conn(ctx).Where("created_at < ?", cutoff)
	if caller != "" {
		q = q.Where("caller = ? AND key = ?", caller, key)
	}
	return translate(q.Delete(&IdempotencyKey{}).Error)
}
