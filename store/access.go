package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// AccessData is everything the access model is built from, read in one go.
type AccessData struct {
	Users       []User
	Roles       []UserRole
	Departments []Department
	Members     []UserDepartment
}

// LoadAccessData reads users, their roles and departments, and the
// department tree.
func (db *DB) LoadAccessData(ctx context.Context) (*AccessData, error) {
	var d AccessData
	g := db.conn(ctx)
	if err := g.Select("id", "email", "name", "active", "manager_id", "attributes").Find(&d.Users).Error; err != nil {
		return nil, translate(err)
	}
	if err := g.Find(&d.Roles).Error; err != nil {
		return nil, translate(err)
	}
	if err := g.Find(&d.Departments).Error; err != nil {
		return nil, translate(err)
	}
	if err := g.Find(&d.Members).Error; err != nil {
		return nil, translate(err)
	}
	return &d, nil
}

// AccessVersionNow reads the access version counter (0 before any change).
func (db *DB) AccessVersionNow(ctx context.Context) (int64, error) {
	var v AccessVersion
	err := db.conn(ctx).Where("id = 1").Limit(1).Find(&v).Error
	return v.Version, translate(err)
}

// BumpAccessVersion increments the access version counter; call it in the
// transaction of every change to roles, memberships, departments, keys or
// role definitions.
func (db *DB) BumpAccessVersion(ctx context.Context) error {
	return translate(db.conn(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "id"}},
		DoUpdates: clause.Assignments(map[string]any{"version": clause.Expr{SQL: "mosaic_access_version.version + 1"}}),
	}).Create(&AccessVersion{ID: 1, Version: 1}).Error)
}

// SetUserRoles replaces the roles of a user.
func (db *DB) SetUserRoles(ctx context.Context, userID int64, roles []string) error {
	if err := db.conn(ctx).Where("user_id = ?", userID).Delete(&UserRole{}).Error; err != nil {
		return translate(err)
	}
	for _, r := range roles {
		if err := db.conn(ctx).Create(&UserRole{UserID: userID, Role: r}).Error; err != nil {
			return translate(err)
		}
	}
	return nil
}

// RecordFailedLogin counts a failed login and locks the user until lockUntil
// once the count reaches max.
func (db *DB) RecordFailedLogin(ctx context.Context, userID int64, max int, lockUntil time.Time) error {
	g := db.conn(ctx)
	if err := g.Model(&User{}).Where("id = ?", userID).
		Update("failed_logins", gormExpr("failed_logins + 1")).Error; err != nil {
		return translate(err)
	}
	return translate(g.Model(&User{}).Where("id = ? AND failed_logins >= ?", userID, max).
		Updates(map[string]any{"locked_until": lockUntil, "failed_logins": 0}).Error)
}

// ResetFailedLogins clears the failure count after a successful login.
func (db *DB) ResetFailedLogins(ctx context.Context, userID int64) error {
	return translate(db.conn(ctx).Model(&User{}).Where("id = ?", userID).
		Updates(map[string]any{"failed_logins": 0, "locked_until": nil}).Error)
}

func gormExpr(sql string) clause.Expr { return clause.Expr{SQL: sql} }

// APIKeyByHash finds a key by the SHA-256 of its text.
func (db *DB) APIKeyByHash(ctx context.Context, hash string) (*APIKey, error) {
	var k APIKey
	err := db.conn(ctx).Where("key_hash = ?", hash).Take(&k).Error
	return &k, translate(err)
}
