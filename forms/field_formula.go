package forms

import (
	"github.com/mosaic-lowcode/mosaic/store"
)

var _ FieldType = formulaType{}
var _ Computed = formulaType{}

// formulaType is computed from an expression on every write and stored, so
// reports can aggregate it. It behaves like its Result type everywhere else.
type formulaType struct{}

// FormulaResults are the value types a formula may produce.
var formulaResults = map[string]FieldType{
	"integer": integerType{},
	"decimal": decimalType{name: "decimal"},
	"money":   decimalType{name: "money"},
	"percent": decimalType{name: "percent"},
	"text":    textType{name: "text"},
	"boolean": booleanType{},
	"date":    dateType{},
}

func (formulaType) result(f *Field) FieldType {
	if t, ok := formulaResults[f.Result]; ok {
		return t
	}
	return formulaResults["decimal"]
}

func (formulaType) Name() string     { return "formula" }
func (formulaType) IsComputed() bool { return true }

func (t formulaType) Column(f *Field) (store.ColumnType, bool) { return t.result(f).Column(f) }

func (formulaType) CheckSettings(f *Field, path string) []Problem {
	var ps []Problem
	if f.Formula == "" {
		ps = append(ps, problem(path+"/formula", CodeInvalidSetting, "a formula field needs a formula"))
	}
	if _, ok := formulaResults[f.Result]; f.Result != "" && !ok {
		ps = append(ps, problem(path+"/result", CodeInvalidSetting, "result must be integer, decimal, money, percent, text, boolean or date"))
	}
	return ps
}

func (t formulaType) Prepare(f *Field, raw any) (any, error) {
	if n, ok := raw.(int); ok {
		if _, dec := t.result(f).(decimalType); dec {
			return t.result(f).Prepare(f, float64(n))
		}
	}
	return t.result(f).Prepare(f, raw)
}
func (t formulaType) ToDB(f *Field, v any) (any, error)   { return t.result(f).ToDB(f, v) }
func (t formulaType) FromDB(f *Field, v any) (any, error) { return t.result(f).FromDB(f, v) }
func (t formulaType) ToJSON(f *Field, v any) any          { return t.result(f).ToJSON(f, v) }

// AppendJSON writes v as its result type does.
func (t formulaType) AppendJSON(buf []byte, f *Field, v any) []byte {
	return appendFieldJSON(buf, t.result(f), f, v)
}
func (t formulaType) ExprValue(f *Field, v any) any { return t.result(f).ExprValue(f, v) }
