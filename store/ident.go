package store

import (
	"fmt"
	"regexp"
)

// Ident is an SQL identifier (table or column name) that has passed validation.
// It is the only kind of name that may reach SQL text, and it is always quoted
// by the dialect when it does (see clause.Table and clause.Column).
//
// NB! Never convert user input to Ident with a plain conversion; use NewIdent.
type Ident string

var identRegex = regexp.MustCompile(`^[a-z_][a-z0-9_]{0,62}$`)

// NewIdent validates name as an SQL identifier: lower-case ASCII letters,
// digits and underscores, starting with a letter or underscore, at most 63
// bytes (PostgreSQL's limit).
func NewIdent(name string) (Ident, error) {
	if !identRegex.MatchString(name) {
		return "", fmt.Errorf("%w: %q is not a valid identifier", ErrInvalid, name)
	}
	return Ident(name), nil
}

// MustIdent is NewIdent for names written in Go source; it panics on a bad name
// because that is a programming error, never input.
func MustIdent(name string) Ident {
	id, err := NewIdent(name)
	if err != nil {
		panic(err)
	}
	return id
}

// String returns the unquoted name.
func (i Ident) String() string { return string(i) }
