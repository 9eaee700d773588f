package store

import "errors"

// Sentinel error kinds shared by the domain packages. Only engine/api maps
// them to HTTP statuses.
var (
	ErrNotFound  = errors.New("not found")
	ErrConflict  = errors.New("conflict")
	ErrInvalid   = errors.New("invalid")
	ErrForbidden = errors.New("forbidden")
)
