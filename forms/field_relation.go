package forms

import (
	"encoding/json"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = relationType{}
var _ FieldType = idType{}

// relationType links to records of the Target form: one (a foreign-key
// column) or, with Multiple, several (a JSON array of ids).
type relationType struct{}

func (relationType) Name() string { return "relation" }

func (relationType) Column(f *Field) (store.ColumnType, bool) {
	if f.Multiple {
		return store.TypeJSON, true
	}
	return store.TypeBigInt, true
}

func (relationType) CheckSettings(f *Field, path string) []Problem {
	if f.Target == "" {
		return []Problem{problem(path+"/target", CodeInvalidSetting, "a relation needs a target form")}
	}
	return nil
}

func (relationType) Prepare(f *Field, raw any) (any, error) {
	if !f.Multiple {
		if s, ok := raw.(string); ok && strings.TrimSpace(s) == "" {
			return nil, nil
		}
		id, err := toInt64(raw)
		if err != nil || id <= 0 {
			return nil, badValue("must be the id of a %s record", f.Target)
		}
		return id, nil
	}
	var items []any
	switch v := raw.(type) {
	case []any:
		items = v
	case string:
		for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' }) {
			items = append(items, strings.TrimSpace(s))
		}
	default:
		return nil, badValue("must be a list of %s record ids", f.Target)
	}
	ids := make([]int64, 0, len(items))
	seen := map[int64]bool{}
	for _, it := range items {
		id, err := toInt64(it)
		if err != nil || id <= 0 {
			return nil, badValue("must be a list of %s record ids", f.Target)
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return ids, nil
}

func (relationType) ToDB(f *Field, v any) (any, error) {
	if !f.Multiple {
		return v, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

func (relationType) FromDB(f *Field, v any) (any, error) {
	if !f.Multiple {
		return fromDBInt(v)
	}
	var ids []int64
	return jsonFromDB(v, &ids, func() any { return ids })
}

func (relationType) ToJSON(_ *Field, v any) any { return v }

func (relationType) ExprValue(f *Field, v any) any {
	if f.Multiple {
		ids, _ := v.([]int64)
		out := make([]int, len(ids))
		for i, id := range ids {
			out[i] = int(id)
		}
		return out
	}
	n, _ := v.(int64)
	return int(n)
}

// idType covers user and department fields: the id of a person or a
// department.
type idType struct{ name string }

func (t idType) Name() string                         { return t.name }
func (idType) Column(*Field) (store.ColumnType, bool) { return store.TypeBigInt, true }
func (idType) CheckSettings(*Field, string) []Problem { return nil }
func (idType) ToDB(_ *Field, v any) (any, error)      { return v, nil }
func (idType) FromDB(_ *Field, v any) (any, error)    { return fromDBInt(v) }
func (idType) ToJSON(_ *Field, v any) any             { return v }
func (idType) ExprValue(_ *Field, v any) any          { n, _ := v.(int64); return int(n) }

func (t idType) Prepare(_ *Field, raw any) (any, error) {
	if s, ok := raw.(string); ok && strings.TrimSpace(s) == "" {
		return nil, nil
	}
	if n, ok := raw.(int); ok && n == 0 {
		// note: an expression such as `user.id` gives 0 for a system write.
		return nil, nil
	}
	id, err := toInt64(raw)
	if err != nil || id <= 0 {
		return nil, badValue("must be the id of a %s", t.name)
	}
	return id, nil
}

// IsNullable marks empty values as nil in expressions.
func (relationType) IsNullable() bool { return true }

// IsNullable marks empty values as nil in expressions.
func (idType) IsNullable() bool { return true }
