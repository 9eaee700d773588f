package forms

import (
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = textType{}
var _ Constrained = textType{}

// textType covers text, long_text, email, phone and url: strings with an
// optional format check.
type textType struct {
	name  string
	check func(string) string
}

// maxTextBytes bounds any text value so no single field can flood a row.
const maxTextBytes = 1 << 20

func (t textType) Name() string                                  { return t.name }
func (textType) Column(*Field) (store.ColumnType, bool)          { return store.TypeText, true }
func (textType) ToDB(_ *Field, v any) (any, error)               { return v, nil }
func (textType) ToJSON(_ *Field, v any) any                      { return v }
func (textType) ExprValue(_ *Field, v any) any                   { s, _ := v.(string); return s }
func (textType) FromDB(_ *Field, v any) (any, error)             { return fromDBString(v) }
func (t textType) CheckSettings(f *Field, path string) []Problem { return checkTextSettings(f, path) }

func (t textType) Prepare(_ *Field, raw any) (any, error) {
	s, ok := raw.(string)
	if !ok {
		return nil, badValue("must be text")
	}
	if !utf8.ValidString(s) {
		return nil, badValue("must be valid UTF-8 text")
	}
	if strings.ContainsRune(s, 0) {
		return nil, badValue("must not contain NUL characters")
	}
	if len(s) > maxTextBytes {
		return nil, badValueCode(CodeTooLong, "is longer than %d bytes", maxTextBytes)
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if t.name != "long_text" {
		s = strings.TrimSpace(s)
	}
	return s, nil
}

func (t textType) Check(f *Field, v any) (string, string) {
	s := v.(string)
	if code, msg := checkLength(f, s); code != "" {
		return code, msg
	}
	if f.pattern != nil {
		if !f.pattern.MatchString(s) {
			return CodePattern, fmt.Sprintf("does not match the expected format %s", f.Pattern)
		}
	}
	if t.check != nil {
		if msg := t.check(s); msg != "" {
			return CodeInvalidValue, msg
		}
	}
	return "", ""
}

func checkLength(f *Field, s string) (string, string) {
	n := utf8.RuneCountInString(s)
	if f.MinLength != nil && n < *f.MinLength {
		return CodeTooShort, fmt.Sprintf("must be at least %d characters", *f.MinLength)
	}
	if f.MaxLength != nil && n > *f.MaxLength {
		return CodeTooLong, fmt.Sprintf("must be at most %d characters", *f.MaxLength)
	}
	return "", ""
}

func checkTextSettings(f *Field, path string) []Problem {
	var ps []Problem
	if f.Pattern != "" {
		re, err := regexp.Compile(f.Pattern)
		if err != nil {
			ps = append(ps, problem(path+"/pattern", CodeInvalidSetting, "pattern is not a valid regular expression: %v", err))
		}
		f.pattern = re
	}
	if f.MinLength != nil && f.MaxLength != nil && *f.MinLength > *f.MaxLength {
		ps = append(ps, problem(path+"/min_length", CodeInvalidSetting, "min_length is greater than max_length"))
	}
	return ps
}

func fromDBString(v any) (any, error) {
	switch s := v.(type) {
	case nil:
		return nil, nil
	case string:
		return v, nil // note: v, not s: the boxed value is reused, not boxed again
	case []byte:
		return string(s), nil
	}
	return nil, fmt.Errorf("unexpected %T for a text column", v)
}

func checkEmail(s string) string {
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s, "@") {
		return "must be an e-mail address such as name@example.com"
	}
	return ""
}

var phoneRegex = regexp.MustCompile(`^\+?[0-9][0-9 ()\-]{4,30}$`)

func checkPhone(s string) string {
	if !phoneRegex.MatchString(s) {
		return "must be a phone number: digits, spaces, dashes and brackets, optionally starting with +"
	}
	return ""
}

func checkURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "must be a web address starting with http:// or https://"
	}
	return ""
}
