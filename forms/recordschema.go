package forms

import (
	"fmt"
	"slices"
	"strconv"
)

// recordSchemaDialect is the JSON Schema dialect RecordSchema produces.
const recordSchemaDialect = "https://json-schema.org/draft/2020-12/schema"

// maxAttachmentIDLength mirrors the id length attachmentType.Prepare accepts.
const maxAttachmentIDLength = 40

// urlPattern is what a url field needs beyond format "uri": an http or https
// scheme (in any case, as url.Parse lowercases it) and a host.
const urlPattern = `^[Hh][Tt][Tt][Pp][Ss]?://[^/?#]`

// RecordSchema returns a JSON Schema (draft 2020-12) of the body that creates
// a record of the form, so the studio can check input as the user types
// against the limits Validate enforces. The map holds plain JSON values and is
// built afresh on every call, so callers may change it.
//
// Writable fields are properties; computed fields (formula, auto_number) are
// listed in "x-computed" and read-only ones in "x-read-only", and sending
// either is an error, as it is for Validate. "required" holds the fields that
// are required with neither a visibility condition nor a default; the others
// carry "x-required": true and, when visible_if is set, "x-required-if".
// Expressions the schema cannot evaluate travel as annotations: "x-default",
// "x-visible-if", "x-rules" and "x-formulas" (in evaluation order). Decimal
// fields take a JSON number or a string such as "1234.50"; the number of
// decimal places is "x-scale", which consumers enforce themselves because
// multipleOf is unreliable with floating-point validators.
//
// NB! The schema describes canonical input. Validate also takes the lenient
// forms a spreadsheet produces (option labels, "yes", "2026/3/31", digit
// strings for integers, "" for empty) and ignores limits of hidden fields, so
// passing the schema is necessary, not sufficient, and failing it is not
// always fatal on the server. Rules and conditional requirements are checked
// only by Validate.
func (c *Compiled) RecordSchema() map[string]any { return c.RecordSchemaAs(nil) }

// RecordSchemaAs is RecordSchema for a caller with access acc: fields acc
// hides are left out entirely, and fields it lets the caller read but not
// change are listed in "x-read-only".
func (c *Compiled) RecordSchemaAs(acc *Access) map[string]any {
	s := c.objectSchema(acc)
	s["$schema"] = recordSchemaDialect
	s["$id"] = fmt.Sprintf("mosaic:form/%s/v%d", c.Form.Key, c.Version)
	s["title"] = c.Form.Title
	if c.Form.Description != "" {
		s["description"] = c.Form.Description
	}
	if rules := c.rulesSchema(); len(rules) > 0 {
		s["x-rules"] = rules
	}
	return s
}

// objectSchema describes a record (or a sub-table row) of c.
func (c *Compiled) objectSchema(acc *Access) map[string]any {
	props := map[string]any{}
	var required, computed, readOnly []string
	for _, f := range c.fields {
		path := c.fieldPath(f.Key)
		switch {
		case !acc.CanRead(path):
			continue
		case f.Computed():
			computed = append(computed, f.Key)
		case f.ReadOnly || !acc.CanWrite(path):
			readOnly = append(readOnly, f.Key)
		default:
			props[f.Key] = propertySchema(f, acc)
			if alwaysRequired(f) {
				required = append(required, f.Key)
			}
		}
	}
	if c.parent != nil {
		// note: Validate ignores the ids of rows sent back by clients.
		props["id"] = map[string]any{"description": "Ignored: the rows are replaced as a whole."}
	}
	s := map[string]any{"type": "object", "additionalProperties": false, "properties": props}
	setStrings(s, "required", required)
	setStrings(s, "x-computed", computed)
	setStrings(s, "x-read-only", readOnly)
	if fs := c.formulasSchema(acc); len(fs) > 0 {
		s["x-formulas"] = fs
	}
	return s
}

// alwaysRequired reports whether every create must carry a value for f: it
// is required, always visible and has no default to fall back on.
func alwaysRequired(f *CField) bool {
	return f.Required && f.VisibleIf == "" && f.Default == ""
}

// propertySchema describes the input value of f, null included unless the
// field is always required.
func propertySchema(f *CField, acc *Access) map[string]any {
	req := alwaysRequired(f)
	s := valueSchema(f, req, acc)
	if !req {
		allowNull(s)
	}
	annotate(s, f)
	return s
}

// valueSchema describes a non-empty input value of f; req asks for non-empty
// strings and lists.
func valueSchema(f *CField, req bool, acc *Access) map[string]any {
	switch k := f.Kind.(type) {
	case textType:
		return textSchema(k.name, f.Field, req)
	case integerType:
		return withRange(map[string]any{"type": "integer"}, f.Field)
	case decimalType:
		return decimalSchema(f.Field)
	case booleanType:
		return map[string]any{"type": "boolean"}
	case dateType:
		return map[string]any{"type": "string", "format": "date"}
	case datetimeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case selectType:
		return map[string]any{"type": "string", "enum": optionValues(f.Field), "x-options": optionsSchema(f.Field)}
	case multiSelectType:
		items := map[string]any{"type": "string", "enum": optionValues(f.Field)}
		s := map[string]any{"type": "array", "items": items, "uniqueItems": true, "x-options": optionsSchema(f.Field)}
		return withMinItems(s, req)
	case relationType:
		return relationSchema(f.Field, req)
	case idType:
		return idSchema()
	case attachmentType:
		return attachmentSchema(f.Field, req)
	case subTableType:
		s := map[string]any{"type": "array", "maxItems": maxSubTableRows, "items": f.Child.objectSchema(acc)}
		return withMinItems(s, req)
	}
	// note: a type unknown here accepts anything; Validate still decides.
	return map[string]any{}
}

func textSchema(name string, f *Field, req bool) map[string]any {
	s := map[string]any{"type": "string"}
	minLen := 0
	if f.MinLength != nil {
		minLen = *f.MinLength
	}
	if req && minLen < 1 {
		minLen = 1
	}
	if minLen > 0 {
		s["minLength"] = minLen
	}
	if f.MaxLength != nil {
		s["maxLength"] = *f.MaxLength
	}
	var patterns []string
	switch name {
	case "email":
		s["format"] = "email"
	case "url":
		s["format"] = "uri"
		patterns = append(patterns, urlPattern)
	case "phone":
		patterns = append(patterns, phoneRegex.String())
	}
	if f.Pattern != "" {
		patterns = append(patterns, f.Pattern)
	}
	setPatterns(s, patterns)
	return s
}

// setPatterns puts the first pattern in "pattern" and the others in "allOf",
// since a schema holds one pattern.
func setPatterns(s map[string]any, patterns []string) {
	if len(patterns) == 0 {
		return
	}
	s["pattern"] = patterns[0]
	var all []any
	for _, p := range patterns[1:] {
		all = append(all, map[string]any{"pattern": p})
	}
	if len(all) > 0 {
		s["allOf"] = all
	}
}

// decimalSchema takes a JSON number or a decimal string; "minimum" and
// "maximum" apply to numbers only and "pattern" to strings only.
func decimalSchema(f *Field) map[string]any {
	s := map[string]any{
		"type":    []any{"number", "string"},
		"pattern": decimalPattern(f.scale()),
		"x-scale": f.scale(),
	}
	if f.Currency != "" {
		s["x-currency"] = f.Currency
	}
	return withRange(s, f)
}

// decimalPattern matches the decimal strings with at most scale decimal
// places that Prepare accepts without help: an optional sign, digits, and
// trailing zeros beyond the scale ("1.50" for scale 1). Thousands separators
// and exponents are left to the server.
func decimalPattern(scale int) string {
	if scale == 0 {
		return `^[+-]?[0-9]+(\.0*)?$`
	}
	n := strconv.Itoa(scale)
	return `^[+-]?([0-9]+(\.[0-9]{0,` + n + `})?|\.[0-9]{1,` + n + `})0*$`
}

func withRange(s map[string]any, f *Field) map[string]any {
	if f.Min != nil {
		s["minimum"] = *f.Min
	}
	if f.Max != nil {
		s["maximum"] = *f.Max
	}
	return s
}

func withMinItems(s map[string]any, req bool) map[string]any {
	if req {
		s["minItems"] = 1
	}
	return s
}

func idSchema() map[string]any {
	return map[string]any{"type": "integer", "minimum": 1}
}

func relationSchema(f *Field, req bool) map[string]any {
	s := idSchema()
	if f.Multiple {
		// note: no uniqueItems: Validate drops repeated ids.
		s = withMinItems(map[string]any{"type": "array", "items": s}, req)
	}
	s["x-target"] = f.Target
	return s
}

func attachmentSchema(f *Field, req bool) map[string]any {
	id := map[string]any{"type": "string", "minLength": 1, "maxLength": maxAttachmentIDLength}
	s := withMinItems(map[string]any{"type": "array", "items": id}, req)
	if f.MaxFiles > 0 {
		s["maxItems"] = f.MaxFiles
	}
	if f.MaxSize > 0 {
		s["x-max-size"] = f.MaxSize
	}
	if len(f.Accept) > 0 {
		s["x-accept"] = slices.Clone(f.Accept)
	}
	return s
}

func optionValues(f *Field) []any {
	vs := make([]any, len(f.Options))
	for i, o := range f.Options {
		vs[i] = o.Value
	}
	return vs
}

func optionsSchema(f *Field) []any {
	opts := make([]any, len(f.Options))
	for i, o := range f.Options {
		opts[i] = map[string]any{"value": o.Value, "label": o.Label}
	}
	return opts
}

// allowNull lets s take null, which Validate treats as empty.
func allowNull(s map[string]any) {
	switch t := s["type"].(type) {
	case string:
		s["type"] = []any{t, "null"}
	case []any:
		s["type"] = append(t, "null")
	}
	if e, ok := s["enum"].([]any); ok {
		s["enum"] = append(e, nil)
	}
}

// annotate adds what the studio shows and evaluates itself.
func annotate(s map[string]any, f *CField) {
	s["title"] = labelOf(f)
	if f.Help != "" {
		s["description"] = f.Help
	}
	s["x-type"] = f.Type
	if f.Required {
		s["x-required"] = true
	}
	if f.Required && f.VisibleIf != "" {
		s["x-required-if"] = f.VisibleIf
	}
	if f.VisibleIf != "" {
		s["x-visible-if"] = f.VisibleIf
	}
	if f.Default != "" {
		// note: an expression, not a literal, so not JSON Schema's "default".
		s["x-default"] = f.Default
	}
	if f.Unique {
		s["x-unique"] = true
	}
}

func (c *Compiled) rulesSchema() []any {
	out := make([]any, 0, len(c.rules))
	for _, r := range c.rules {
		m := map[string]any{"key": r.Key, "expr": r.Expr, "message": r.Message}
		if r.Field != "" {
			m["field"] = r.Field
		}
		out = append(out, m)
	}
	return out
}

// formulasSchema lists the formulas in the order they must be evaluated.
func (c *Compiled) formulasSchema(acc *Access) []any {
	out := make([]any, 0, len(c.formulas))
	for _, f := range c.formulas {
		if !acc.CanRead(c.fieldPath(f.Key)) {
			continue
		}
		result := f.Result
		if result == "" {
			result = "decimal"
		}
		out = append(out, map[string]any{"key": f.Key, "formula": f.Formula, "result": result})
	}
	return out
}

func setStrings(s map[string]any, key string, vs []string) {
	if len(vs) > 0 {
		s[key] = vs
	}
}
