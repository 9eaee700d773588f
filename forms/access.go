package forms

import (
	"strings"

	"github.com/mosaic-lowcode/mosaic/store"
)

// FieldLevel is how much of a field someone may see and change.
type FieldLevel int

// Field levels, from least to most.
const (
	Hidden FieldLevel = iota
	ReadOnly
	Writable
)

// String names the level as definitions write it.
func (l FieldLevel) String() string {
	switch l {
	case ReadOnly:
		return "read"
	case Writable:
		return "write"
	}
	return "hidden"
}

// Access is what one caller may do with the records of one form for one
// action: which rows (Rows, a condition; nil means all) and how much of each
// field. It is built by the rbac package and applied by the record store to
// every read and write, so no path can skip it.
type Access struct {
	// Rows limits the records the action applies to; nil means every record.
	Rows store.Cond
	// levels by field path: "amount", or "items.unit_cost" for a sub-table
	// column. Fields not listed get Default.
	levels  map[string]FieldLevel
	Default FieldLevel
}

// FullAccess is access to every row and field, for the engine's own writes
// and for administrators.
func FullAccess() *Access { return &Access{Default: Writable} }

// NewAccess builds an access from field levels (by path) and a default.
func NewAccess(rows store.Cond, levels map[string]FieldLevel, def FieldLevel) *Access {
	return &Access{Rows: rows, levels: levels, Default: def}
}

// Level is the level of the field at path ("amount", "items.qty"). A
// sub-table column is never more open than its sub-table.
func (a *Access) Level(path string) FieldLevel {
	if a == nil {
		return Writable
	}
	if l, ok := a.levels[path]; ok {
		if parent, _, isChild := strings.Cut(path, "."); isChild {
			return min(l, a.Level(parent))
		}
		return l
	}
	if parent, _, isChild := strings.Cut(path, "."); isChild {
		return a.Level(parent)
	}
	return a.Default
}

// CanRead reports whether the field at path may be seen.
func (a *Access) CanRead(path string) bool { return a.Level(path) >= ReadOnly }

// CanWrite reports whether the field at path may be changed.
func (a *Access) CanWrite(path string) bool { return a.Level(path) >= Writable }

// Widen returns a copy of a in which the given fields are writable. Flows use
// it: an approval node may let its approver edit fields their roles only let
// them read.
func (a *Access) Widen(paths ...string) *Access {
	if a == nil {
		return nil
	}
	cp := &Access{Rows: a.Rows, Default: a.Default, levels: make(map[string]FieldLevel, len(a.levels)+len(paths))}
	for k, v := range a.levels {
		cp.levels[k] = v
	}
	for _, p := range paths {
		cp.levels[p] = Writable
	}
	return cp
}

// readable is the set of top-level fields (and system columns) a may see,
// for MarshalRecord; nil when everything is readable.
func (a *Access) readable(c *Compiled) map[string]bool {
	if a == nil || (a.Default >= ReadOnly && len(a.levels) == 0) {
		return nil
	}
	only := map[string]bool{}
	for _, k := range SystemColumns {
		only[k] = true
	}
	for _, f := range c.fields {
		if a.CanRead(f.Key) {
			only[f.Key] = true
		}
	}
	return only
}

// DefinitionAs is the form's definition as a caller with access acc may see
// it: fields (and sub-table columns) acc hides are left out, so their names
// and formulas do not leak either.
func (c *Compiled) DefinitionAs(acc *Access) *Form { return VisibleDefinition(c.Form, acc) }

// VisibleDefinition is f (any version of a form) without the fields acc
// hides; nil acc shows everything.
func VisibleDefinition(f *Form, acc *Access) *Form {
	if acc == nil {
		return f
	}
	cp := *f
	cp.Fields = visibleFields(f.Fields, "", acc)
	// note: a conversion's mapping names fields the caller may not read;
	// they see only that it exists.
	cp.Conversions = nil
	for _, cv := range f.Conversions {
		cp.Conversions = append(cp.Conversions, Conversion{Key: cv.Key, Title: cv.Title, From: cv.From})
	}
	return &cp
}

func visibleFields(fields []Field, prefix string, acc *Access) []Field {
	out := make([]Field, 0, len(fields))
	for _, f := range fields {
		if !acc.CanRead(prefix + f.Key) {
			continue
		}
		if len(f.Fields) > 0 {
			f.Fields = visibleFields(f.Fields, f.Key+".", acc)
		}
		out = append(out, f)
	}
	return out
}
