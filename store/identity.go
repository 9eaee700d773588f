package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
)

// UserFilter narrows ListUsers. Zero values do not filter.
type UserFilter struct {
	// Query matches a part of the e-mail address or the name, ignoring case.
	Query        string
	Role         string
	DepartmentID int64
	Active       *bool
	// Page counts from 1; PerPage bounds the page.
	Page, PerPage int
}

// ListUsers returns one page of users matching f, ordered by id, and how many
// match in all.
func (db *DB) ListUsers(ctx context.Context, f UserFilter) ([]User, int64, error) {
	var total int64
	if err := db.conn(ctx).Model(&User{}).Scopes(f.where).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	var us []User
	err := db.conn(ctx).Scopes(f.where).Order("id").Offset((f.Page - 1) * f.PerPage).Limit(f.PerPage).Find(&us).Error
	return us, total, translate(err)
}

func (f UserFilter) where(q *gorm.DB) *gorm.DB {
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		q = q.Where(`(LOWER(email) LIKE ? ESCAPE '\' OR LOWER(name) LIKE ? ESCAPE '\')`, like, like)
	}
	if f.Role != "" {
		q = q.Where("id IN (SELECT user_id FROM mosaic_user_roles WHERE role = ?)", f.Role)
	}
	if f.DepartmentID != 0 {
		q = q.Where("id IN (SELECT user_id FROM mosaic_user_departments WHERE department_id = ?)", f.DepartmentID)
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	return q
}

// escapeLike makes LIKE's wildcards match themselves (with ESCAPE '\').
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UsersByID returns the users with the given ids that exist.
func (db *DB) UsersByID(ctx context.Context, ids []int64) ([]User, error) {
	var us []User
	if len(ids) == 0 {
		return us, nil
	}
	err := db.conn(ctx).Where("id IN ?", ids).Find(&us).Error
	return us, translate(err)
}

// UpdateUser sets the given columns of user id; an unknown id is ErrNotFound.
//
// NB! The keys of cols are column names: pass only names written in Go
// source, never input.
func (db *DB) UpdateUser(ctx context.Context, id int64, cols map[string]any) error {
	res := db.conn(ctx).Model(&User{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// RolesOfUsers returns the roles of each of the given users, sorted.
func (db *DB) RolesOfUsers(ctx context.Context, ids []int64) (map[int64][]string, error) {
	var rows []UserRole
	if err := db.conn(ctx).Where("user_id IN ?", ids).Order("user_id, role").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64][]string, len(ids))
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.Role)
	}
	return out, nil
}

// DepartmentsOfUsers returns the department ids of each of the given users,
// sorted.
func (db *DB) DepartmentsOfUsers(ctx context.Context, ids []int64) (map[int64][]int64, error) {
	var rows []UserDepartment
	if err := db.conn(ctx).Where("user_id IN ?", ids).Order("user_id, department_id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64][]int64, len(ids))
	for _, r := range rows {
		out[r.UserID] = append(out[r.UserID], r.DepartmentID)
	}
	return out, nil
}

// SetUserDepartments replaces the departments of a user.
func (db *DB) SetUserDepartments(ctx context.Context, userID int64, departmentIDs []int64) error {
	g := db.conn(ctx)
	if err := g.Where("user_id = ?", userID).Delete(&UserDepartment{}).Error; err != nil {
		return translate(err)
	}
	if len(departmentIDs) == 0 {
		return nil
	}
	rows := make([]UserDepartment, len(departmentIDs))
	for i, d := range departmentIDs {
		rows[i] = UserDepartment{UserID: userID, DepartmentID: d}
	}
	return translate(g.Create(&rows).Error)
}

// CountActiveWithRoles counts the active users holding any of roles.
func (db *DB) CountActiveWithRoles(ctx context.Context, roles []string) (int64, error) {
	var n int64
	err := db.conn(ctx).Model(&User{}).
		Where("active = ? AND id IN (SELECT user_id FROM mosaic_user_roles WHERE role IN ?)", true, roles).Count(&n).Error
	return n, translate(err)
}

// DistinctRoles lists every role some user holds, sorted.
func (db *DB) DistinctRoles(ctx context.Context) ([]string, error) {
	var roles []string
	err := db.conn(ctx).Model(&UserRole{}).Distinct("role").Order("role").Pluck("role", &roles).Error
	return roles, translate(err)
}

// LiveSessions lists the unrevoked, unexpired sessions of a user, newest
// first.
func (db *DB) LiveSessions(ctx context.Context, userID int64, now time.Time) ([]Session, error) {
	var ss []Session
	err := db.conn(ctx).Where("user_id = ? AND revoked_at IS NULL AND expires_at > ?", userID, now).
		Order("id DESC").Find(&ss).Error
	return ss, translate(err)
}

// SessionByID finds a session, live or not.
func (db *DB) SessionByID(ctx context.Context, id int64) (*Session, error) {
	var s Session
	err := db.conn(ctx).Where("id = ?", id).Take(&s).Error
	return &s, translate(err)
}

// RevokeSessionByID revokes one session; it reports whether it was live.
func (db *DB) RevokeSessionByID(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := db.conn(ctx).Model(&Session{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
	return res.RowsAffected > 0, translate(res.Error)
}

// RevokeUserSessions revokes every session of a user except the one whose
// token hash is keep (empty keeps none), and returns how many it revoked.
func (db *DB) RevokeUserSessions(ctx context.Context, userID int64, keep string, now time.Time) (int64, error) {
	q := db.conn(ctx).Model(&Session{}).Where("user_id = ? AND revoked_at IS NULL", userID)
	if keep != "" {
		q = q.Where("token_hash <> ?", keep)
	}
	res := q.Update("revoked_at", now)
	return res.RowsAffected, translate(res.Error)
}

// Departments lists every department, ordered by id.
func (db *DB) Departments(ctx context.Context) ([]Department, error) {
	var ds []Department
	err := db.conn(ctx).Order("id").Find(&ds).Error
	return ds, translate(err)
}

// DepartmentByID finds a department.
func (db *DB) DepartmentByID(ctx context.Context, id int64) (*Department, error) {
	var d Department
	err := db.conn(ctx).Where("id = ?", id).Take(&d).Error
	return &d, translate(err)
}

// DepartmentsByID returns the departments with the given ids that exist.
func (db *DB) DepartmentsByID(ctx context.Context, ids []int64) ([]Department, error) {
	var ds []Department
	if len(ids) == 0 {
		return ds, nil
	}
	err := db.conn(ctx).Where("id IN ?", ids).Find(&ds).Error
	return ds, translate(err)
}

// CreateDepartment inserts d and sets its ID.
func (db *DB) CreateDepartment(ctx context.Context, d *Department) error {
	return translate(db.conn(ctx).Create(d).Error)
}

// SaveDepartment writes the name, parent and head of d.
func (db *DB) SaveDepartment(ctx context.Context, d *Department) error {
	res := db.conn(ctx).Model(&Department{}).Where("id = ?", d.ID).
		Updates(map[string]any{"name": d.Name, "parent_id": d.ParentID, "head_id": d.HeadID})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// DeleteDepartment removes a department; it does not look at children or
// members, which the caller must have checked.
func (db *DB) DeleteDepartment(ctx context.Context, id int64) error {
	res := db.conn(ctx).Where("id = ?", id).Delete(&Department{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// DepartmentChildren lists the direct children of a department (of the
// roots when parentID is nil), ordered by id.
func (db *DB) DepartmentChildren(ctx context.Context, parentID *int64) ([]Department, error) {
	var ds []Department
	q := db.conn(ctx)
	if parentID == nil {
		q = q.Where("parent_id IS NULL")
	} else {
		q = q.Where("parent_id = ?", *parentID)
	}
	err := q.Order("id").Find(&ds).Error
	return ds, translate(err)
}

// DepartmentSubtree returns the id of a department and of every department
// below it, at any depth.
//
// note: the recursive query is bounded by depth so a cycle that slipped into
// the table cannot make it run forever.
func (db *DB) DepartmentSubtree(ctx context.Context, id int64) ([]int64, error) {
	var ids []int64
	err := db.conn(ctx).Raw(`WITH RECURSIVE sub(id, depth) AS (
			SELECT id, 0 FROM mosaic_departments WHERE id = ?
			UNION
			SELECT d.id, sub.depth + 1 FROM mosaic_departments d JOIN sub ON d.parent_id = sub.id WHERE sub.depth < ?
		) SELECT DISTINCT id FROM sub ORDER BY id`, id, MaxDepartmentDepth).Scan(&ids).Error
	return ids, translate(err)
}

// MaxDepartmentDepth bounds how deep the department tree may grow.
const MaxDepartmentDepth = 64

// DepartmentMembers returns the member ids of every department that has
// members, sorted.
func (db *DB) DepartmentMembers(ctx context.Context) (map[int64][]int64, error) {
	var rows []UserDepartment
	if err := db.conn(ctx).Order("department_id, user_id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := map[int64][]int64{}
	for _, r := range rows {
		out[r.DepartmentID] = append(out[r.DepartmentID], r.UserID)
	}
	return out, nil
}

// CreateAPIKey inserts k and sets its ID.
func (db *DB) CreateAPIKey(ctx context.Context, k *APIKey) error {
	return translate(db.conn(ctx).Create(k).Error)
}

// APIKeys lists the API keys, of one user when userID is not zero, newest
// first.
func (db *DB) APIKeys(ctx context.Context, userID int64) ([]APIKey, error) {
	var ks []APIKey
	q := db.conn(ctx)
	if userID != 0 {
		q = q.Where("user_id = ?", userID)
	}
	err := q.Order("id DESC").Find(&ks).Error
	return ks, translate(err)
}

// APIKeyByID finds an API key.
func (db *DB) APIKeyByID(ctx context.Context, id int64) (*APIKey, error) {
	var k APIKey
	err := db.conn(ctx).Where("id = ?", id).Take(&k).Error
	return &k, translate(err)
}

// RevokeAPIKey revokes a key; it reports whether the key was not revoked
// before.
func (db *DB) RevokeAPIKey(ctx context.Context, id int64, now time.Time) (bool, error) {
	res := db.conn(ctx).Model(&APIKey{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", now)
	return res.RowsAffected > 0, translate(res.Error)
}

// TouchAPIKey records that a key was used at now, unless it was already
// recorded as used after notBefore; the condition keeps replicas that see the
// same key at once from all writing.
func (db *DB) TouchAPIKey(ctx context.Context, id int64, now, notBefore time.Time) error {
	return translate(db.conn(ctx).Model(&APIKey{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, notBefore).
		Update("last_used_at", now).Error)
}

// CreateOutOfOffice inserts o and sets its ID.
func (db *DB) CreateOutOfOffice(ctx context.Context, o *OutOfOffice) error {
	return translate(db.conn(ctx).Create(o).Error)
}

// OutOfOfficeOf lists the out-of-office periods of a user by start.
func (db *DB) OutOfOfficeOf(ctx context.Context, userID int64) ([]OutOfOffice, error) {
	var os []OutOfOffice
	err := db.conn(ctx).Where("user_id = ?", userID).Order("starts_at, id").Find(&os).Error
	return os, translate(err)
}

// OutOfOfficeByID finds an out-of-office period.
func (db *DB) OutOfOfficeByID(ctx context.Context, id int64) (*OutOfOffice, error) {
	var o OutOfOffice
	err := db.conn(ctx).Where("id = ?", id).Take(&o).Error
	return &o, translate(err)
}

// DeleteOutOfOffice removes an out-of-office period.
func (db *DB) DeleteOutOfOffice(ctx context.Context, id int64) error {
	res := db.conn(ctx).Where("id = ?", id).Delete(&OutOfOffice{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ErrNotFound
	}
	return nil
}

// OverlappingOutOfOffice returns a period of the user that overlaps [start,
// end), if any.
func (db *DB) OverlappingOutOfOffice(ctx context.Context, userID int64, start, end time.Time) (*OutOfOffice, error) {
	var o OutOfOffice
	err := db.conn(ctx).Where("user_id = ? AND starts_at < ? AND ends_at > ?", userID, end, start).
		Order("starts_at").Take(&o).Error
	return &o, translate(err)
}

// OutOfOfficeAt returns the period during which the user is away at at, if
// any (starts_at <= at < ends_at).
func (db *DB) OutOfOfficeAt(ctx context.Context, userID int64, at time.Time) (*OutOfOffice, error) {
	var o OutOfOffice
	err := db.conn(ctx).Where("user_id = ? AND starts_at <= ? AND ends_at > ?", userID, at, at).
		Order("starts_at DESC, id DESC").Take(&o).Error
	return &o, translate(err)
}
