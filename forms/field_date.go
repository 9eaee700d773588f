package forms

import (
	"fmt"
	"strings"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = dateType{}
var _ FieldType = datetimeType{}

// DateLayout is how dates travel in JSON and are stored.
const DateLayout = "2006-01-02"

// dateType is a calendar date, canonically midnight UTC.
type dateType struct{}

func (dateType) Name() string                           { return "date" }
func (dateType) Column(*Field) (store.ColumnType, bool) { return store.TypeDate, true }
func (dateType) CheckSettings(*Field, string) []Problem { return nil }

func (dateType) Prepare(_ *Field, raw any) (any, error) {
	switch v := raw.(type) {
	case time.Time:
		return time.Date(v.Year(), v.Month(), v.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return nil, nil
		}
		for _, layout := range []string{DateLayout, "2006/01/02", "2006/1/2", "2006-1-2"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t, nil
			}
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
		}
	}
	return nil, badValue("must be a date such as 2026-03-31")
}

func (dateType) ToDB(_ *Field, v any) (any, error) { return v.(time.Time).Format(DateLayout), nil }
func (dateType) ToJSON(_ *Field, v any) any        { return v.(time.Time).Format(DateLayout) }

// AppendJSON writes v as ToJSON does, quoted, into buf.
func (dateType) AppendJSON(buf []byte, _ *Field, v any) []byte {
	buf = append(buf, '"')
	buf = v.(time.Time).AppendFormat(buf, DateLayout)
	return append(buf, '"')
}

func (dateType) FromDB(_ *Field, v any) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC), nil
	case string:
		if len(t) >= 10 {
			return time.Parse(DateLayout, t[:10])
		}
	}
	return nil, fmt.Errorf("unexpected %v for a date column", v)
}

func (dateType) ExprValue(_ *Field, v any) any {
	t, _ := v.(time.Time)
	return t
}

// datetimeType is an instant, canonically UTC with microsecond precision.
type datetimeType struct{}

func (datetimeType) Name() string                           { return "datetime" }
func (datetimeType) Column(*Field) (store.ColumnType, bool) { return store.TypeTimestamp, true }
func (datetimeType) CheckSettings(*Field, string) []Problem { return nil }

func (datetimeType) Prepare(_ *Field, raw any) (any, error) {
	switch v := raw.(type) {
	case time.Time:
		return v.UTC().Truncate(time.Microsecond), nil
	case string:
		s := strings.TrimSpace(v)
		if s == "" {
			return nil, nil
		}
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04", "2006-01-02 15:04:05", "2006-01-02 15:04"} {
			if t, err := time.Parse(layout, s); err == nil {
				return t.UTC().Truncate(time.Microsecond), nil
			}
		}
	}
	return nil, badValue("must be a date and time such as 2026-03-31T14:30:00+08:00")
}

func (datetimeType) ToDB(_ *Field, v any) (any, error) { return v, nil }
func (datetimeType) ToJSON(_ *Field, v any) any        { return v.(time.Time).Format(time.RFC3339Nano) }

func (datetimeType) FromDB(_ *Field, v any) (any, error) {
	return timeFromDB(v)
}

func (datetimeType) ExprValue(_ *Field, v any) any {
	t, _ := v.(time.Time)
	return t
}

// timeFromDB reads a timestamp column on either dialect.
func timeFromDB(v any) (any, error) {
	switch t := v.(type) {
	case nil:
		return nil, nil
	case time.Time:
		if t.Location() == time.UTC {
			return v, nil // note: already UTC; the boxed value is reused
		}
		return t.UTC(), nil
	case string:
		for _, layout := range []string{store.TimestampLayout, time.RFC3339Nano, "2006-01-02 15:04:05.999999999-07:00", "2006-01-02 15:04:05"} {
			if p, err := time.Parse(layout, t); err == nil {
				return p.UTC(), nil
			}
		}
	}
	return nil, fmt.Errorf("unexpected %v for a timestamp column", v)
}

// IsNullable marks empty values as nil in expressions.
func (dateType) IsNullable() bool { return true }

// IsNullable marks empty values as nil in expressions.
func (datetimeType) IsNullable() bool { return true }
