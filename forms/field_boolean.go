package forms

import (
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = booleanType{}

// booleanType is true or false.
type booleanType struct{}

func (booleanType) Name() string                           { return "boolean" }
func (booleanType) Column(*Field) (store.ColumnType, bool) { return store.TypeBool, true }
func (booleanType) CheckSettings(*Field, string) []Problem { return nil }
func (booleanType) ToDB(_ *Field, v any) (any, error)      { return v, nil }
func (booleanType) ToJSON(_ *Field, v any) any             { return v }
func (booleanType) ExprValue(_ *Field, v any) any          { b, _ := v.(bool); return b }

func (booleanType) Prepare(_ *Field, raw any) (any, error) {
	switch v := raw.(type) {
	case bool:
		return v, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "":
			return nil, nil
		case "true", "yes", "1", "y", "是":
			return true, nil
		case "false", "no", "0", "n", "否":
			return false, nil
		}
	}
	return nil, badValue("must be true or false")
}

func (booleanType) FromDB(_ *Field, v any) (any, error) {
	switch b := v.(type) {
	case nil:
		return nil, nil
	case bool:
		return b, nil
	case int64:
		return b != 0, nil
	case string:
		return b == "1" || b == "true" || b == "t", nil
	}
	return nil, fmt.Errorf("unexpected %T for a boolean column", v)
}
