package forms

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/mosaic-lowcode/mosaic/store"
)

// FieldType is the behaviour of one kind of field: how it is stored, how an
// input value becomes its canonical Go value, and how that value travels to
// the database, to JSON and into expressions.
//
// Canonical values: string for text-like fields, int64 for integers and ids,
// decimal.Decimal for exact numbers, bool, time.Time (UTC; midnight for dates),
// []string, []int64, []Attachment and []Record for sub-tables. nil is "empty".
type FieldType interface {
	// Name is the type's name in definitions ("money").
	Name() string
	// Column is the storage type; ok is false for fields without a column of
	// their own (sub-tables).
	Column(f *Field) (t store.ColumnType, ok bool)
	// CheckSettings reports mistakes in the type-specific settings of f,
	// whose JSON pointer is path.
	CheckSettings(f *Field, path string) []Problem
	// Prepare turns an input value (from JSON decoded with UseNumber, from a
	// CSV cell as a string, or from an expression) into the canonical value.
	Prepare(f *Field, raw any) (any, error)
	// ToDB turns a canonical value into the value bound for the database.
	ToDB(f *Field, v any) (any, error)
	// FromDB turns a value read from the database into the canonical value.
	FromDB(f *Field, v any) (any, error)
	// ToJSON turns a canonical value into its API form.
	ToJSON(f *Field, v any) any
	// ExprValue turns a canonical value (nil included) into the value an
	// expression sees; its type must not depend on v.
	ExprValue(f *Field, v any) any
}

// Constrained is implemented by types whose values have limits (min, max,
// length, pattern, options) beyond their type; Check returns a code and
// message, or "" when v is acceptable.
type Constrained interface {
	Check(f *Field, v any) (code, message string)
}

// Nullable is implemented by types whose empty value expressions see as nil
// rather than as a zero value: dates and links to other records.
type Nullable interface {
	IsNullable() bool
}

// Computed is implemented by types whose value the engine computes: input for
// them is rejected.
type Computed interface {
	IsComputed() bool
}

// Types maps type names to their behaviour.
type Types map[string]FieldType

// DefaultTypes returns every built-in field type.
func DefaultTypes() Types {
	list := []FieldType{
		textType{name: "text"}, textType{name: "long_text"},
		textType{name: "email", check: checkEmail}, textType{name: "phone", check: checkPhone},
		textType{name: "url", check: checkURL},
		integerType{}, decimalType{name: "decimal"}, decimalType{name: "money"}, decimalType{name: "percent"},
		booleanType{}, dateType{}, datetimeType{},
		selectType{}, multiSelectType{},
		relationType{}, idType{name: "user"}, idType{name: "department"},
		subTableType{}, attachmentType{}, autoNumberType{}, formulaType{},
	}
	ts := make(Types, len(list))
	for _, t := range list {
		ts[t.Name()] = t
	}
	return ts
}

// errValue is the error Prepare returns: the message is shown to the user,
// the code (CodeInvalidType when empty) tells clients what kind of problem it
// is.
type errValue struct {
	code string
	msg  string
}

func (e errValue) Error() string { return e.msg }

func badValue(format string, args ...any) error { return errValue{msg: fmt.Sprintf(format, args...)} }

// badValueCode is badValue with a code other than CodeInvalidType.
func badValueCode(code, format string, args ...any) error {
	return errValue{code: code, msg: fmt.Sprintf(format, args...)}
}

// toInt64 accepts the integer inputs Prepare sees.
func toInt64(raw any) (int64, error) {
	switch v := raw.(type) {
	case json.Number:
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			// note: 3.0 and 3e2 are whole numbers too.
			f, ferr := strconv.ParseFloat(string(v), 64)
			if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
				return 0, badValue("must be a whole number")
			}
			return int64(f), nil
		}
		return n, nil
	case string:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, badValue("must be a whole number")
		}
		return n, nil
	case int:
		return int64(v), nil
	case int64:
		return v, nil
	case float64:
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return 0, badValue("must be a whole number")
		}
		return int64(v), nil
	}
	return 0, badValue("must be a whole number")
}

// rangeOf returns the min and max settings as floats (nil when unset).
func numberSetting(n *json.Number) (float64, bool) {
	if n == nil {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

func checkRangeSettings(f *Field, path string) []Problem {
	var ps []Problem
	lo, hasLo := numberSetting(f.Min)
	hi, hasHi := numberSetting(f.Max)
	if f.Min != nil && !hasLo {
		ps = append(ps, problem(path+"/min", CodeInvalidSetting, "min must be a number"))
	}
	if f.Max != nil && !hasHi {
		ps = append(ps, problem(path+"/max", CodeInvalidSetting, "max must be a number"))
	}
	if hasLo && hasHi && lo > hi {
		ps = append(ps, problem(path+"/min", CodeInvalidSetting, "min (%v) is greater than max (%v)", lo, hi))
	}
	return ps
}

func noColumnSettings(f *Field, path string, names ...string) []Problem {
	var ps []Problem
	for _, n := range names {
		set := false
		switch n {
		case "options":
			set = len(f.Options) > 0
		case "target":
			set = f.Target != ""
		case "fields":
			set = len(f.Fields) > 0
		case "formula":
			set = f.Formula != ""
		case "format":
			set = f.Format != ""
		}
		if set {
			ps = append(ps, problem(path+"/"+n, CodeInvalidSetting, "%s does not apply to a %s field", n, f.Type))
		}
	}
	return ps
}
