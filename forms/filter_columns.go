package forms

import (
	"fmt"
	"strings"
	"time"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
)

// colClass is how a filter treats a column.
type colClass int

const (
	classText colClass = iota
	classInteger
	classDecimal
	classBool
	classDate
	classDatetime
	classList // JSON array of option values or record ids
	classJSON // other JSON documents (attachments)
)

// filterCol is a column a filter or a sort may name.
type filterCol struct {
	key   string
	col   store.Ident
	field *Field
	kind  FieldType
	class colClass
}

// typeName is the field's type as people read it in messages.
func (fc *filterCol) typeName() string {
	if fc.field.Type == "formula" {
		if fc.field.Result == "" {
			return "decimal formula"
		}
		return fc.field.Result + " formula"
	}
	return strings.ReplaceAll(fc.field.Type, "_", "-")
}

// aTypeName is typeName with its article ("a money", "an email").
func (fc *filterCol) aTypeName() string {
	t := fc.typeName()
	if t != "" && strings.ContainsRune("aeiou", rune(t[0])) {
		return "an " + t
	}
	return "a " + t
}

var (
	rootFilterCols  = systemFilterCols(SystemColumns)
	childFilterCols = systemFilterCols(childSystemColumns)
)

// systemFilterCols describes system columns as fields of their storage type.
func systemFilterCols(names []string) map[string]*filterCol {
	m := make(map[string]*filterCol, len(names))
	for _, k := range names {
		var kind FieldType = integerType{}
		class := classInteger
		switch k {
		case "created_at", "updated_at":
			kind, class = datetimeType{}, classDatetime
		case "flow_status":
			kind, class = textType{name: "text"}, classText
		}
		m[k] = &filterCol{key: k, col: store.MustIdent(k), class: class, kind: kind,
			field: &Field{Key: k, Type: kind.Name(), Label: k}}
	}
	return m
}

// filterColumn resolves key through the allow-list: system columns and the
// form's fields that have a column. On failure it returns a message.
func (c *Compiled) filterColumn(key string, acc *Access) (*filterCol, string) {
	sys := rootFilterCols
	if c.parent != nil {
		sys = childFilterCols
	}
	if fc, ok := sys[key]; ok {
		return fc, ""
	}
	f, ok := c.byKey[key]
	if !ok || !acc.CanRead(key) {
		// note: a field the caller may not read is unknown to them, so a
		// filter or sort on it cannot reveal anything, not even by count.
		return nil, fmt.Sprintf("unknown field %q", key)
	}
	if f.Child != nil {
		return nil, fmt.Sprintf("%s is a sub-table; its rows cannot be filtered or sorted from here", key)
	}
	class, ok := classify(f.Field, f.Kind)
	if f.Column == "" || !ok {
		return nil, fmt.Sprintf("%s has no column of its own and cannot be filtered or sorted", key)
	}
	return &filterCol{key: key, col: f.Column, field: f.Field, kind: f.Kind, class: class}, ""
}

func classify(f *Field, kind FieldType) (colClass, bool) {
	t, ok := kind.Column(f)
	if !ok {
		return 0, false
	}
	switch t {
	case store.TypeBigInt:
		base := kind
		if ft, ok := kind.(formulaType); ok {
			base = ft.result(f)
		}
		if _, ok := base.(decimalType); ok {
			return classDecimal, true
		}
		return classInteger, true
	case store.TypeBool:
		return classBool, true
	case store.TypeDate:
		return classDate, true
	case store.TypeTimestamp:
		return classDatetime, true
	case store.TypeJSON:
		if f.Type == "multi_select" || f.Type == "relation" {
			return classList, true
		}
		return classJSON, true
	}
	return classText, true
}

// valueKind is the type of a value written in a filter.
type valueKind int

const (
	valNil valueKind = iota
	valNumber
	valString
	valBool
	valTime
	valList // a list parameter, for in
)

// filterValue is a value written in a filter (a literal, user.*, now()).
type filterValue struct {
	kind valueKind
	num  decimal.Decimal
	str  string
	b    bool
	t    time.Time
	list []operand
}

// operand is one side of a comparison: a column or a value. param is set
// when the value is a report parameter (params.<name>).
type operand struct {
	col   *filterCol
	val   filterValue
	node  ast.Node
	param bool
}
