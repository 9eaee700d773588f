package store

import (
	"context"
	"time"
)

// Signature is a customer's acceptance of a document on a record: who typed
// their name, when, from where, and the SHA-256 of the file they were shown.
// Rows are only ever inserted; a second signing is a second row.
type Signature struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	FormKey   string    `gorm:"size:48;not null;index:ix_signature_record,priority:1" json:"form"`
	RecordID  int64     `gorm:"not null;index:ix_signature_record,priority:2" json:"record_id"`
	Provider  string    `gorm:"size:40;not null" json:"provider"`
	Name      string    `gorm:"size:200;not null" json:"name"`
	Address   string    `gorm:"size:320;not null;default:''" json:"address"`
	FileID    string    `gorm:"size:40;not null;default:''" json:"file_id"`
	FileName  string    `gorm:"size:255;not null;default:''" json:"file_name"`
	SHA256    string    `gorm:"size:64;not null;default:''" json:"sha256"`
	IP        string    `gorm:"size:64;not null;default:''" json:"ip"`
	UserAgent string    `gorm:"size:500;not null;default:''" json:"user_agent"`
	Evidence  string    `gorm:"type:text;not null;default:''" json:"evidence,omitempty"`
	At        time.Time `gorm:"not null" json:"at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (Signature) TableName() string { return "mosaic_signatures" }

// AddSignature appends a signature.
func (db *DB) AddSignature(ctx context.Context, s *Signature) error {
	return translate(db.conn(ctx).Create(s).Error)
}

// Signatures lists the signatures of records of a form, oldest first.
func (db *DB) Signatures(ctx context.Context, form string, ids []int64) ([]Signature, error) {
	var out []Signature
	if len(ids) == 0 {
		return out, nil
	}
	err := db.conn(ctx).Where("form_key = ? AND record_id IN ?", form, ids).Order("at, id").Find(&out).Error
	return out, translate(err)
}
