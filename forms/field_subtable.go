package forms

import (
	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = subTableType{}

// maxSubTableRows bounds the line items of one record.
const maxSubTableRows = 1000

// subTableType holds line items: rows with their own fields, stored in a child
// table. The validator and the record store treat it specially; these methods
// cover what is generic.
type subTableType struct{}

func (subTableType) Name() string                           { return "sub_table" }
func (subTableType) Column(*Field) (store.ColumnType, bool) { return "", false }

func (subTableType) CheckSettings(f *Field, path string) []Problem {
	if len(f.Fields) == 0 {
		return []Problem{problem(path+"/fields", CodeInvalidSetting, "a sub-table needs at least one column")}
	}
	return nil
}

func (subTableType) Prepare(_ *Field, raw any) (any, error) {
	rows, ok := raw.([]any)
	if !ok {
		return nil, badValue("must be a list of rows")
	}
	if len(rows) > maxSubTableRows {
		return nil, badValueCode(CodeTooMany, "has more than %d rows", maxSubTableRows)
	}
	for _, r := range rows {
		if _, ok := r.(map[string]any); !ok {
			return nil, badValue("must be a list of rows (objects)")
		}
	}
	return rows, nil
}

func (subTableType) ToDB(*Field, any) (any, error)   { return nil, nil }
func (subTableType) FromDB(*Field, any) (any, error) { return nil, nil }
func (subTableType) ToJSON(_ *Field, v any) any      { return v }

func (subTableType) ExprValue(_ *Field, v any) any {
	rows, _ := v.([]map[string]any)
	if rows == nil {
		return []map[string]any{}
	}
	return rows
}
