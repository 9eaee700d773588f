package forms

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = selectType{}
var _ FieldType = multiSelectType{}
var _ Constrained = selectType{}
var _ Constrained = multiSelectType{}

// selectType is one value out of the field's options.
type selectType struct{}

func (selectType) Name() string                           { return "select" }
func (selectType) Column(*Field) (store.ColumnType, bool) { return store.TypeText, true }
func (selectType) CheckSettings(f *Field, path string) []Problem {
	return checkOptions(f, path)
}
func (selectType) ToDB(_ *Field, v any) (any, error)   { return v, nil }
func (selectType) ToJSON(_ *Field, v any) any          { return v }
func (selectType) FromDB(_ *Field, v any) (any, error) { return fromDBString(v) }
func (selectType) ExprValue(_ *Field, v any) any       { s, _ := v.(string); return s }

func (selectType) Prepare(f *Field, raw any) (any, error) {
	s, ok := raw.(string)
	if !ok {
		return nil, badValue("must be one of the options")
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	return optionValue(f, s), nil
}

func (selectType) Check(f *Field, v any) (string, string) {
	if !hasOption(f, v.(string)) {
		return CodeNotAnOption, fmt.Sprintf("must be one of: %s", optionList(f))
	}
	return "", ""
}

// multiSelectType is any number of the field's options, stored as a JSON array.
type multiSelectType struct{}

func (multiSelectType) Name() string                           { return "multi_select" }
func (multiSelectType) Column(*Field) (store.ColumnType, bool) { return store.TypeJSON, true }
func (multiSelectType) CheckSettings(f *Field, path string) []Problem {
	return checkOptions(f, path)
}
func (multiSelectType) ToJSON(_ *Field, v any) any { return v }

func (multiSelectType) Prepare(f *Field, raw any) (any, error) {
	var items []any
	switch v := raw.(type) {
	case []any:
		items = v
	case []string:
		for _, s := range v {
			items = append(items, s)
		}
	case string:
		// note: CSV cells hold "a, b" or "a|b".
		for _, s := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' }) {
			items = append(items, strings.TrimSpace(s))
		}
	default:
		return nil, badValue("must be a list of options")
	}
	out := make([]string, 0, len(items))
	seen := map[string]bool{}
	for _, it := range items {
		s, ok := it.(string)
		if !ok {
			return nil, badValue("must be a list of options")
		}
		s = optionValue(f, strings.TrimSpace(s))
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	if len(out) == 0 {
		return nil, nil
	}
	return out, nil
}

func (multiSelectType) Check(f *Field, v any) (string, string) {
	for _, s := range v.([]string) {
		if !hasOption(f, s) {
			return CodeNotAnOption, fmt.Sprintf("%q is not an option; choose from: %s", s, optionList(f))
		}
	}
	return "", ""
}

func (multiSelectType) ToDB(_ *Field, v any) (any, error) {
	b, err := json.Marshal(v)
	return string(b), err
}

func (multiSelectType) FromDB(_ *Field, v any) (any, error) {
	var out []string
	return jsonFromDB(v, &out, func() any { return out })
}

func (multiSelectType) ExprValue(_ *Field, v any) any {
	s, _ := v.([]string)
	if s == nil {
		return []string{}
	}
	return s
}

func checkOptions(f *Field, path string) []Problem {
	if len(f.Options) == 0 {
		return []Problem{problem(path+"/options", CodeInvalidSetting, "a %s field needs at least one option", f.Type)}
	}
	var ps []Problem
	seen := map[string]bool{}
	for i, o := range f.Options {
		if seen[o.Value] {
			ps = append(ps, problem(fmt.Sprintf("%s/options/%d/value", path, i), CodeDuplicateKey, "option %q appears twice", o.Value))
		}
		seen[o.Value] = true
	}
	return ps
}

// optionValue accepts an option's label as well as its value, in any case,
// which is what people type in spreadsheets.
func optionValue(f *Field, s string) string {
	for _, o := range f.Options {
		if o.Value == s {
			return s
		}
	}
	for _, o := range f.Options {
		if o.Label == s || strings.EqualFold(o.Value, s) || strings.EqualFold(o.Label, s) {
			return o.Value
		}
	}
	return s
}

func hasOption(f *Field, s string) bool {
	for _, o := range f.Options {
		if o.Value == s {
			return true
		}
	}
	return false
}

func optionList(f *Field) string {
	vs := make([]string, len(f.Options))
	for i, o := range f.Options {
		vs[i] = o.Value
	}
	return strings.Join(vs, ", ")
}

// jsonFromDB decodes a JSON column into out and returns result() (nil for SQL
// NULL).
func jsonFromDB(v any, out any, result func() any) (any, error) {
	var b []byte
	switch s := v.(type) {
	case nil:
		return nil, nil
	case string:
		b = []byte(s)
	case []byte:
		b = s
	default:
		return nil, fmt.Errorf("unexpected %T for a JSON column", v)
	}
	if err := json.Unmarshal(b, out); err != nil {
		return nil, err
	}
	return result(), nil
}
