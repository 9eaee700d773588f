package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm/clause"
)

// Setting returns the value stored under key, storing made() first when
// there is none. Two processes racing on an empty key both get the value
// that was stored first.
func (db *DB) Setting(ctx context.Context, key string, made func() (string, error)) (string, error) {
	var s Setting
	err := db.conn(ctx).Where("key = ?", key).Take(&s).Error
	if err == nil {
		return s.Value, nil
	}
	if err = translate(err); !errors.Is(err, ErrNotFound) {
		return "", err
	}
	v, err := made()
	if err != nil {
		return "", err
	}
	if err := db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&Setting{Key: key, Value: v}).Error; err != nil {
		return "", translate(err)
	}
	err = db.conn(ctx).Where("key = ?", key).Take(&s).Error
	return s.Value, translate(err)
}

// ClaimSchedule moves the last run of schedule key from last to next and
// reports whether this call did it: of several replicas that tick at the
// same minute, exactly one claims it. A key seen for the first time is
// created at next (claimed) when last is zero.
func (db *DB) ClaimSchedule(ctx context.Context, key string, last, next time.Time) (bool, error) {
	if last.IsZero() {
		res := db.conn(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&FlowSchedule{Key: key, LastRun: next})
		return res.RowsAffected == 1, translate(res.Error)
	}
	res := db.conn(ctx).Model(&FlowSchedule{}).Where("key = ? AND last_run = ?", key, last).Update("last_run", next)
	return res.RowsAffected == 1, translate(res.Error)
}

// ScheduleLastRun reads when schedule key last fired; zero when never.
func (db *DB) ScheduleLastRun(ctx context.Context, key string) (time.Time, error) {
	var s FlowSchedule
	err := db.conn(ctx).Where("key = ?", key).Take(&s).Error
	if err = translate(err); errors.Is(err, ErrNotFound) {
		return time.Time{}, nil
	}
	return s.LastRun, err
}
