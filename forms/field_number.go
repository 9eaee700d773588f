package forms

import (
	"fmt"
	"strconv"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = integerType{}
var _ Constrained = integerType{}

// integerType is a whole number stored as BIGINT.
type integerType struct{}

func (integerType) Name() string                           { return "integer" }
func (integerType) Column(*Field) (store.ColumnType, bool) { return store.TypeBigInt, true }
func (integerType) CheckSettings(f *Field, path string) []Problem {
	return checkRangeSettings(f, path)
}
func (integerType) ToDB(_ *Field, v any) (any, error) { return v, nil }
func (integerType) ToJSON(_ *Field, v any) any        { return v }

func (integerType) Prepare(_ *Field, raw any) (any, error) {
	if s, ok := raw.(string); ok && s == "" {
		return nil, nil
	}
	return toInt64(raw)
}

func (integerType) FromDB(_ *Field, v any) (any, error) { return fromDBInt(v) }

func (integerType) ExprValue(_ *Field, v any) any {
	n, _ := v.(int64)
	return int(n)
}

func (integerType) Check(f *Field, v any) (string, string) {
	n := float64(v.(int64))
	if lo, ok := numberSetting(f.Min); ok && n < lo {
		return CodeTooSmall, fmt.Sprintf("must be at least %v", f.Min)
	}
	if hi, ok := numberSetting(f.Max); ok && n > hi {
		return CodeTooLarge, fmt.Sprintf("must be at most %v", f.Max)
	}
	return "", ""
}

func fromDBInt(v any) (any, error) {
	switch n := v.(type) {
	case nil:
		return nil, nil
	case int64:
		return v, nil // note: v, not n: the boxed value is reused, not boxed again
	case int32:
		return int64(n), nil
	case int:
		return int64(n), nil
	case float64:
		return int64(n), nil
	case string:
		i, err := strconv.ParseInt(n, 10, 64)
		return i, err
	}
	return nil, fmt.Errorf("unexpected %T for an integer column", v)
}
