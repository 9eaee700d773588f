package forms

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

// keyRegex is the rule for every key in a definition (forms, fields, rules).
var keyRegex = regexp.MustCompile(`^[a-z][a-z0-9_]{0,47}$`)

// SystemColumns are the columns every form table has besides its fields.
var SystemColumns = []string{"id", "created_at", "created_by", "updated_at", "updated_by",
	"owner", "row_version", "flow_status", "form_version"}

// childSystemColumns are the columns every sub-table row has besides its fields.
var childSystemColumns = []string{"id", "parent_id", "position"}

var reservedKeys = func() map[string]bool {
	m := map[string]bool{}
	words := append([]string{}, SystemColumns...)
	words = append(words, childSystemColumns...)
	words = append(words,
		// names the expression environment gives meaning to
		"user", "prev", "today", "record", "parent", "env", "submitter", "decisions", "related",
		// expr operators and literals
		"in", "not", "and", "or", "matches", "contains", "startswith", "endswith",
		"nil", "true", "false", "let", "if", "else",
		// SQL words that make poor column names on some dialect
		"select", "from", "where", "table", "order", "group", "by", "limit", "offset",
		"user_id", "default", "check", "primary", "foreign", "references", "null",
		"all", "any", "case", "when", "then", "end", "as", "on", "join", "union", "having")
	// note: a field named like an expr builtin hides it from every expression
	// of the form; these are the builtins formulas and rules need most.
	// Others (type, first, keys…) stay usable as field keys.
	words = append(words, "sum", "len", "count", "min", "max", "mean", "round", "abs", "floor", "ceil",
		"now", "date", "duration", "filter", "map", "none", "one", "int", "float", "string", "trim", "upper", "lower")
	for _, w := range words {
		m[w] = true
	}
	delete(m, "order") // note: a form may be called "order"; its table is f_order.
	return m
}()

// CheckKey reports why s cannot be a key, or "" when it can. Form keys may use
// words reserved for fields, so pass field true for field and rule keys.
func CheckKey(s string, field bool) string {
	if !keyRegex.MatchString(s) {
		return fmt.Sprintf("%q is not a valid key: use 1 to 48 lower-case letters, digits and underscores, starting with a letter", s)
	}
	if strings.Contains(s, "__") {
		return fmt.Sprintf("%q is not a valid key: it must not contain a double underscore", s)
	}
	if field && reservedKeys[s] {
		return fmt.Sprintf("%q is reserved; choose another key", s)
	}
	if field && s == "order" {
		return fmt.Sprintf("%q is reserved; choose another key", s)
	}
	return ""
}

// TableName is the table of the form with key formKey. Form tables carry an
// "f_" prefix so they never collide with the engine's mosaic_ tables.
func TableName(formKey string) (store.Ident, error) {
	if msg := CheckKey(formKey, false); msg != "" {
		return "", fmt.Errorf("%w: %s", store.ErrInvalid, msg)
	}
	return store.NewIdent("f_" + formKey)
}

// childTableName is the table of a sub-table's rows.
func childTableName(formKey, fieldKey string) (store.Ident, error) {
	return store.NewIdent("f_" + formKey + "__" + fieldKey)
}
