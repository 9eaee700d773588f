package forms

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = autoNumberType{}
var _ Computed = autoNumberType{}

// autoNumberType is a number the engine assigns on create from a format such
// as "SO-{yyyy}{mm}-{seq:5}". The sequence restarts whenever the date part of
// the format changes (monthly for {yyyy}{mm}), and is unique under
// concurrency because it comes from one counter row updated in the record's
// transaction.
type autoNumberType struct{}

var autoTokenRegex = regexp.MustCompile(`\{([a-z]+)(?::([0-9]+))?\}`)

func (autoNumberType) Name() string                           { return "auto_number" }
func (autoNumberType) IsComputed() bool                       { return true }
func (autoNumberType) Column(*Field) (store.ColumnType, bool) { return store.TypeText, true }
func (autoNumberType) Prepare(_ *Field, raw any) (any, error) { return textType{}.Prepare(nil, raw) }
func (autoNumberType) ToDB(_ *Field, v any) (any, error)      { return v, nil }
func (autoNumberType) FromDB(_ *Field, v any) (any, error)    { return fromDBString(v) }
func (autoNumberType) ToJSON(_ *Field, v any) any             { return v }
func (autoNumberType) ExprValue(_ *Field, v any) any          { s, _ := v.(string); return s }

func (autoNumberType) CheckSettings(f *Field, path string) []Problem {
	if f.Format == "" {
		return []Problem{problem(path+"/format", CodeInvalidSetting, "an auto-number needs a format such as SO-{yyyy}{mm}-{seq:5}")}
	}
	seqs := 0
	for _, m := range autoTokenRegex.FindAllStringSubmatch(f.Format, -1) {
		switch m[1] {
		case "yyyy", "yy", "mm", "dd":
		case "seq":
			seqs++
			if n, _ := strconv.Atoi(m[2]); m[2] != "" && (n < 1 || n > 12) {
				return []Problem{problem(path+"/format", CodeInvalidSetting, "{seq:N} takes a width from 1 to 12")}
			}
		default:
			return []Problem{problem(path+"/format", CodeInvalidSetting, "unknown token {%s}; use {yyyy}, {yy}, {mm}, {dd} and {seq:N}", m[1])}
		}
	}
	if seqs != 1 {
		return []Problem{problem(path+"/format", CodeInvalidSetting, "the format needs exactly one {seq} or {seq:N}")}
	}
	return nil
}

// autoNumberPeriod is the date part of the format at t: the counter restarts
// when it changes.
func autoNumberPeriod(format string, t time.Time) string {
	var b strings.Builder
	for _, m := range autoTokenRegex.FindAllStringSubmatch(format, -1) {
		if m[1] != "seq" {
			b.WriteString(dateToken(m[1], t))
		}
	}
	return b.String()
}

// formatAutoNumber renders format at time t with sequence value seq.
func formatAutoNumber(format string, t time.Time, seq int64) string {
	return autoTokenRegex.ReplaceAllStringFunc(format, func(tok string) string {
		m := autoTokenRegex.FindStringSubmatch(tok)
		if m[1] == "seq" {
			width, _ := strconv.Atoi(m[2])
			return fmt.Sprintf("%0*d", width, seq)
		}
		return dateToken(m[1], t)
	})
}

func dateToken(tok string, t time.Time) string {
	switch tok {
	case "yyyy":
		return t.Format("2006")
	case "yy":
		return t.Format("06")
	case "mm":
		return t.Format("01")
	case "dd":
		return t.Format("02")
	}
	return ""
}

func itoa(i int) string { return strconv.Itoa(i) }
