package store

import (
	"context"
	"time"
)

// WebhookSubscription sends the events of one form to a URL. Secret is the
// signing secret sealed by the engine (never the secret in clear); Role is
// the role whose field permissions filter the payloads.
type WebhookSubscription struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Name      string    `gorm:"size:200;not null;default:''" json:"name"`
	Form      string    `gorm:"size:48;not null;index" json:"form"`
	Events    string    `gorm:"type:text;not null;default:'[]'" json:"-"`
	URL       string    `gorm:"type:text;not null" json:"url"`
	Secret    string    `gorm:"type:text;not null" json:"-"`
	Role      string    `gorm:"size:48;not null" json:"role"`
	Active    bool      `gorm:"not null;default:true" json:"active"`
	CreatedBy int64     `gorm:"not null;default:0" json:"created_by"`
	CreatedAt time.Time `gorm:"not null" json:"created_at"`
	UpdatedAt time.Time `gorm:"not null" json:"updated_at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (WebhookSubscription) TableName() string { return "mosaic_webhook_subscriptions" }

// WebhookDelivery is one event sent (or being sent) to a subscription. Key
// is its idempotency key, the same on every attempt and on a replay.
type WebhookDelivery struct {
	ID             int64      `gorm:"primaryKey" json:"id"`
	SubscriptionID int64      `gorm:"not null;index" json:"subscription_id"`
	Key            string     `gorm:"size:64;not null;uniqueIndex" json:"key"`
	Event          string     `gorm:"size:32;not null" json:"event"`
	RecordID       int64      `gorm:"not null;default:0" json:"record_id"`
	Payload        string     `gorm:"type:text;not null" json:"-"`
	Status         string     `gorm:"size:16;not null" json:"status"`
	Attempts       int        `gorm:"not null;default:0" json:"attempts"`
	ResponseCode   int        `gorm:"not null;default:0" json:"response_code"`
	Error          string     `gorm:"type:text;not null;default:''" json:"error"`
	CreatedAt      time.Time  `gorm:"not null" json:"created_at"`
	LastAttemptAt  *time.Time `json:"last_attempt_at,omitempty"`
	DeliveredAt    *time.Time `json:"delivered_at,omitempty"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (WebhookDelivery) TableName() string { return "mosaic_webhook_deliveries" }

// WebhookAttempt is one try at a delivery: the receiver's status code, or
// the error that kept it from answering.
type WebhookAttempt struct {
	ID           int64     `gorm:"primaryKey" json:"-"`
	DeliveryID   int64     `gorm:"not null;index" json:"-"`
	Attempt      int       `gorm:"not null" json:"attempt"`
	ResponseCode int       `gorm:"not null;default:0" json:"response_code"`
	Error        string    `gorm:"type:text;not null;default:''" json:"error"`
	At           time.Time `gorm:"not null" json:"at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (WebhookAttempt) TableName() string { return "mosaic_webhook_attempts" }

// Delivery states.
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// CreateWebhookSubscription inserts s and sets its ID.
func (db *DB) CreateWebhookSubscription(ctx context.Context, s *WebhookSubscription) error {
	return translate(db.conn(ctx).Create(s).Error)
}

// SaveWebhookSubscription writes every column of s.
func (db *DB) SaveWebhookSubscription(ctx context.Context, s *WebhookSubscription) error {
	return translate(db.conn(ctx).Save(s).Error)
}

// DeleteWebhookSubscription removes subscription id and its delivery log.
func (db *DB) DeleteWebhookSubscription(ctx context.Context, id int64) error {
	c := db.conn(ctx)
	ids := c.Model(&WebhookDelivery{}).Select("id").Where("subscription_id = ?", id)
	if err := c.Where("delivery_id IN (?)", ids).Delete(&WebhookAttempt{}).Error; err != nil {
		return translate(err)
	}
	if err := c.Where("subscription_id = ?", id).Delete(&WebhookDelivery{}).Error; err != nil {
		return translate(err)
	}
	res := c.Delete(&WebhookSubscription{}, id)
	if res.Error == nil && res.RowsAffected == 0 {
		return ErrNotFound
	}
	return translate(res.Error)
}

// WebhookSubscription reads subscription id.
func (db *DB) WebhookSubscription(ctx context.Context, id int64) (*WebhookSubscription, error) {
	var s WebhookSubscription
	err := db.conn(ctx).Take(&s, id).Error
	return &s, translate(err)
}

// WebhookSubscriptions lists the subscriptions, of one form when form is
// not empty, active ones only when active is set.
func (db *DB) WebhookSubscriptions(ctx context.Context, form string, active bool) ([]WebhookSubscription, error) {
	q := db.conn(ctx).Order("id")
	if form != "" {
		q = q.Where("form = ?", form)
	}
	if active {
		q = q.Where("active = ?", true)
	}
	var out []WebhookSubscription
	return out, translate(q.Find(&out).Error)
}

// CreateWebhookDelivery inserts d and sets its ID.
func (db *DB) CreateWebhookDelivery(ctx context.Context, d *WebhookDelivery) error {
	return translate(db.conn(ctx).Create(d).Error)
}

// WebhookDelivery reads delivery id.
func (db *DB) WebhookDelivery(ctx context.Context, id int64) (*WebhookDelivery, error) {
	var d WebhookDelivery
	err := db.conn(ctx).Take(&d, id).Error
	return &d, translate(err)
}

// WebhookDeliveries lists a subscription's deliveries, newest first.
func (db *DB) WebhookDeliveries(ctx context.Context, subscription int64, limit int) ([]WebhookDelivery, error) {
	var out []WebhookDelivery
	err := db.conn(ctx).Where("subscription_id = ?", subscription).Order("id DESC").Limit(limit).Find(&out).Error
	return out, translate(err)
}

// RecordWebhookAttempt stores one attempt (when a is not nil) and the
// delivery's new state.
func (db *DB) RecordWebhookAttempt(ctx context.Context, d *WebhookDelivery, a *WebhookAttempt) error {
	return db.WithTx(ctx, func(ctx context.Context) error {
		if a != nil {
			if err := db.conn(ctx).Create(a).Error; err != nil {
				return translate(err)
			}
		}
		return translate(db.conn(ctx).Model(d).Select("status", "attempts", "response_code", "error", "last_attempt_at", "delivered_at").
			Updates(d).Error)
	})
}

// WebhookAttempts lists the attempts of deliveries ids, oldest first.
func (db *DB) WebhookAttempts(ctx context.Context, ids []int64) ([]WebhookAttempt, error) {
	var out []WebhookAttempt
	if len(ids) == 0 {
		return out, nil
	}
	err := db.conn(ctx).Where("delivery_id IN ?", ids).Order("id").Find(&out).Error
	return out, translate(err)
}
