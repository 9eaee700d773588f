package store

import (
	"context"
	"regexp"
)

type tagKey struct{}

var tagRegex = regexp.MustCompile(`^[a-z0-9_.]{1,100}$`)

// WithTag makes every statement run with ctx start with the comment
// /* tag */. The record store tags statements with the form version they
// were built for: PostgreSQL drivers cache prepared statements by text, and a
// migration that changes a table's columns must not meet a plan cached
// before it ("cached plan must not change result type").
//
// A tag that is not lower-case letters, digits, "_" and "." is ignored.
func WithTag(ctx context.Context, tag string) context.Context {
	if !tagRegex.MatchString(tag) {
		return ctx
	}
	return context.WithValue(ctx, tagKey{}, tag)
}

func tagged(ctx context.Context, sql string) string {
	if tag, ok := ctx.Value(tagKey{}).(string); ok {
		return "/* " + tag + " */ " + sql
	}
	return sql
}
