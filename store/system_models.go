package store

import "time"

// User is a person who signs in. What they may do comes from their roles
// (UserRole) and departments (UserDepartment); Attributes are free
// key/values (a JSON object, e.g. {"region": "east"}) that row-scope filters
// read as user.<name>.
type User struct {
	ID           int64      `gorm:"primaryKey" json:"id"`
	Email        string     `gorm:"size:254;not null;uniqueIndex" json:"email"`
	Name         string     `gorm:"size:200;not null;default:''" json:"name"`
	PasswordHash string     `gorm:"size:200;not null;default:''" json:"-"`
	Active       bool       `gorm:"not null;default:true" json:"active"`
	ManagerID    *int64     `json:"manager_id"`
	Attributes   string     `gorm:"type:text;not null;default:'{}'" json:"-"`
	FailedLogins int        `gorm:"not null;default:0" json:"-"`
	LockedUntil  *time.Time `json:"locked_until,omitempty"`
	CreatedAt    time.Time  `gorm:"not null" json:"created_at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (User) TableName() string { return "mosaic_users" }

// Department is a node of the organisation tree.
type Department struct {
	ID        int64     `gorm:"primaryKey" json:"id"`
	Name      string    `gorm:"size:200;not null" json:"name"`
	ParentID  *int64    `gorm:"index" json:"parent_id"`
	HeadID    *int64    `json:"head_id"`
	CreatedAt time.Time `gorm:"not null" json:"created_at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (Department) TableName() string { return "mosaic_departments" }

// UserRole gives a user a role (the key of a role definition, or "admin").
type UserRole struct {
	UserID int64  `gorm:"primaryKey;autoIncrement:false" json:"user_id"`
	Role   string `gorm:"primaryKey;size:48" json:"role"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (UserRole) TableName() string { return "mosaic_user_roles" }

// UserDepartment puts a user in a department.
type UserDepartment struct {
	UserID       int64 `gorm:"primaryKey;autoIncrement:false" json:"user_id"`
	DepartmentID int64 `gorm:"primaryKey;autoIncrement:false" json:"department_id"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (UserDepartment) TableName() string { return "mosaic_user_departments" }

// APIKey lets an integration act as a user, limited to some of that user's
// roles. Only the key's SHA-256 is stored; Prefix (the first characters) is
// kept so people can tell keys apart.
type APIKey struct {
	ID         int64      `gorm:"primaryKey" json:"id"`
	Name       string     `gorm:"size:200;not null" json:"name"`
	Prefix     string     `gorm:"size:16;not null" json:"prefix"`
	KeyHash    string     `gorm:"size:64;not null;uniqueIndex" json:"-"`
	UserID     int64      `gorm:"not null;index" json:"user_id"`
	Roles      string     `gorm:"type:text;not null;default:'[]'" json:"-"`
	CreatedBy  int64      `gorm:"not null;default:0" json:"created_by"`
	CreatedAt  time.Time  `gorm:"not null" json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (APIKey) TableName() string { return "mosaic_api_keys" }

// OutOfOffice is a period when a user is away and Delegate acts for them
// (flows route their tasks to the delegate).
type OutOfOffice struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	UserID     int64     `gorm:"not null;index" json:"user_id"`
	DelegateID int64     `gorm:"not null" json:"delegate_id"`
	StartsAt   time.Time `gorm:"not null" json:"starts_at"`
	EndsAt     time.Time `gorm:"not null" json:"ends_at"`
	Note       string    `gorm:"size:500;not null;default:''" json:"note"`
	CreatedAt  time.Time `gorm:"not null" json:"created_at"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (OutOfOffice) TableName() string { return "mosaic_out_of_office" }

// AccessVersion is a single counter bumped by every change to users' roles,
// departments, role definitions or keys. Each replica polls it to know when
// to rebuild its in-memory access model.
type AccessVersion struct {
	ID      int   `gorm:"primaryKey;autoIncrement:false"`
	Version int64 `gorm:"not null;default:0"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (AccessVersion) TableName() string { return "mosaic_access_version" }

// Session is a bearer token issued at login; only its SHA-256 is stored.
type Session struct {
	ID        int64      `gorm:"primaryKey"`
	TokenHash string     `gorm:"size:64;not null;uniqueIndex"`
	UserID    int64      `gorm:"not null;index"`
	CreatedAt time.Time  `gorm:"not null"`
	ExpiresAt time.Time  `gorm:"not null"`
	RevokedAt *time.Time ``
}

// TableName keeps system tables under the mosaic_ prefix.
func (Session) TableName() string { return "mosaic_sessions" }

// Draft is the editable, unpublished text of a definition.
type Draft struct {
	ID        int64     `gorm:"primaryKey" json:"-"`
	Kind      string    `gorm:"size:40;not null;uniqueIndex:ux_draft_kind_key" json:"kind"`
	Key       string    `gorm:"size:48;not null;uniqueIndex:ux_draft_kind_key" json:"key"`
	Body      string    `gorm:"type:text;not null" json:"-"`
	UpdatedAt time.Time `gorm:"not null" json:"updated_at"`
	UpdatedBy int64     `gorm:"not null;default:0" json:"updated_by"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (Draft) TableName() string { return "mosaic_drafts" }

// DefinitionVersion is one immutable published version of a definition.
type DefinitionVersion struct {
	ID          int64     `gorm:"primaryKey" json:"-"`
	Kind        string    `gorm:"size:40;not null;uniqueIndex:ux_defver" json:"kind"`
	Key         string    `gorm:"size:48;not null;uniqueIndex:ux_defver" json:"key"`
	Version     int       `gorm:"not null;uniqueIndex:ux_defver" json:"version"`
	Body        string    `gorm:"type:text;not null" json:"-"`
	PublishedBy int64     `gorm:"not null;default:0" json:"published_by"`
	PublishedAt time.Time `gorm:"not null" json:"published_at"`
	Note        string    `gorm:"size:500;not null;default:''" json:"note"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (DefinitionVersion) TableName() string { return "mosaic_definition_versions" }

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID         int64     `gorm:"primaryKey" json:"id"`
	At         time.Time `gorm:"not null;index" json:"at"`
	ActorID    int64     `gorm:"not null;default:0" json:"actor_id"`
	Action     string    `gorm:"size:40;not null" json:"action"`
	TargetKind string    `gorm:"size:40;not null;default:'';index:ix_audit_target" json:"target_kind"`
	TargetKey  string    `gorm:"size:100;not null;default:'';index:ix_audit_target" json:"target_key"`
	RecordID   int64     `gorm:"not null;default:0;index:ix_audit_target" json:"record_id"`
	Changes    string    `gorm:"type:text;not null;default:''" json:"-"`
	Summary    string    `gorm:"size:500;not null;default:''" json:"summary"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (AuditEntry) TableName() string { return "mosaic_audit" }

// Sequence is a counter behind auto-number fields, one per name and period.
type Sequence struct {
	Name   string `gorm:"size:120;primaryKey"`
	Period string `gorm:"size:20;primaryKey"`
	Value  int64  `gorm:"not null;default:0"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (Sequence) TableName() string { return "mosaic_sequences" }

// File is an uploaded attachment; its bytes live in the file store.
type File struct {
	ID          string    `gorm:"size:40;primaryKey" json:"id"`
	Form        string    `gorm:"size:48;not null" json:"form"`
	Field       string    `gorm:"size:48;not null" json:"field"`
	Name        string    `gorm:"size:255;not null" json:"name"`
	ContentType string    `gorm:"size:120;not null" json:"type"`
	Size        int64     `gorm:"not null" json:"size"`
	SHA256      string    `gorm:"size:64;not null" json:"sha256"`
	CreatedAt   time.Time `gorm:"not null" json:"created_at"`
	CreatedBy   int64     `gorm:"not null;default:0" json:"created_by"`
}

// TableName keeps system tables under the mosaic_ prefix.
func (File) TableName() string { return "mosaic_files" }

// SystemModels lists the engine's own tables for Migrate.
func SystemModels() []any {
	return []any{&User{}, &Session{}, &Draft{}, &DefinitionVersion{}, &AuditEntry{}, &Sequence{}, &File{},
		&Department{}, &UserRole{}, &UserDepartment{}, &APIKey{}, &OutOfOffice{}, &AccessVersion{}, &FlowInstance{}, &FlowTask{}, &FlowStep{},
		&FlowSchedule{}, &Setting{}, &WebhookSubscription{}, &WebhookDelivery{}, &WebhookAttempt{}, &IdempotencyKey{}, &Signature{}, &Notification{}}
}
