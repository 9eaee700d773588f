// Package schemas ships the JSON Schemas (draft 2020-12) of Mosaic
// definitions and validates definition documents against them.
//
// The schemas are the single source of truth for the definition format: the
// server checks every definition with them, the studio validates with the
// same files (served through Raw), and their descriptions are the format's
// documentation. A document is checked in two steps: against the envelope
// every definition shares (kind, key, title), then against its kind's schema.
package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed *.json
var files embed.FS

// Envelope is the name under which Raw returns the schema every definition
// shares; kind schemas refer to its $defs (key, title, expression).
const Envelope = "definition"

// schemaSuffix ends the file name of every schema: "<kind>.schema.json".
const schemaSuffix = ".schema.json"

// Problem codes. They are stable: the studio translates them and tests match
// them instead of messages.
const (
	// CodeInvalidJSON means the document is not well-formed JSON.
	CodeInvalidJSON = "invalid_json"
	// CodeRequired means a property the schema requires is missing.
	CodeRequired = "schema_required"
	// CodeType means a value has the wrong JSON type (text instead of a number…).
	CodeType = "schema_type"
	// CodeEnum means a value is not one of the allowed values.
	CodeEnum = "schema_enum"
	// CodeConst means a value differs from the only value allowed.
	CodeConst = "schema_const"
	// CodeAdditionalProperty means an object has a property the schema does not know.
	CodeAdditionalProperty = "schema_additional_property"
	// CodePattern means a text value does not have the expected form (keys, currency codes…).
	CodePattern = "schema_pattern"
	// CodeMinLength means a text value is empty or too short.
	CodeMinLength = "schema_min_length"
	// CodeMaxLength means a text value is too long.
	CodeMaxLength = "schema_max_length"
	// CodeMinItems means a list is empty or too short.
	CodeMinItems = "schema_min_items"
	// CodeMaxItems means a list is too long.
	CodeMaxItems = "schema_max_items"
	// CodeMinimum means a number is too small.
	CodeMinimum = "schema_minimum"
	// CodeMaximum means a number is too large.
	CodeMaximum = "schema_maximum"
	// CodeInvalid means any other schema violation.
	CodeInvalid = "schema_invalid"
)

// Problem is one reason a definition document is invalid.
type Problem struct {
	// Path is a JSON pointer to the offending value, e.g. "/fields/2/type";
	// for a missing property it points at where the property belongs, and it
	// is "" for the document as a whole.
	Path string
	// Code is one of the Code… constants.
	Code string
	// Message is a plain English sentence saying what is wrong and how to fix it.
	Message string
}

// Validator checks definition documents against the embedded schemas. It is
// immutable once built and safe for concurrent use.
type Validator struct {
	envelope *jsonschema.Schema
	kinds    map[string]*jsonschema.Schema
	names    []string
	// docs holds each schema file decoded, by $id, to word messages from the
	// schema nodes (descriptions, allowed values, limits).
	docs map[string]map[string]any
}

// New compiles the embedded schemas. An error means the shipped schemas are
// broken, never that a definition is.
func New() (*Validator, error) {
	v := &Validator{kinds: map[string]*jsonschema.Schema{}, docs: map[string]map[string]any{}}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	ids, err := v.addResources(c)
	if err != nil {
		return nil, err
	}
	for name, id := range ids {
		s, err := c.Compile(id)
		if err != nil {
			return nil, fmt.Errorf("compile schema %s: %w", name, err)
		}
		if name == Envelope {
			v.envelope = s
			continue
		}
		v.kinds[name] = s
		v.names = append(v.names, name)
	}
	slices.Sort(v.names)
	if err := v.checkKinds(ids[Envelope]); err != nil {
		return nil, err
	}
	return v, nil
}

// addResources registers every embedded schema with c under its $id and
// returns the $ids by schema name ("form", Envelope…).
func (v *Validator) addResources(c *jsonschema.Compiler) (map[string]string, error) {
	entries, err := fs.Glob(files, "*"+schemaSuffix)
	if err != nil {
		return nil, fmt.Errorf("list schemas: %w", err)
	}
	ids := map[string]string{}
	for _, file := range entries {
		raw, err := files.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("read schema %s: %w", file, err)
		}
		var doc map[string]any
		if err := json.Unmarshal(raw, &doc); err != nil {
			return nil, fmt.Errorf("decode schema %s: %w", file, err)
		}
		id, _ := doc["$id"].(string)
		if id == "" {
			return nil, fmt.Errorf("schema %s has no $id", file)
		}
		if err := c.AddResource(id, bytes.NewReader(raw)); err != nil {
			return nil, fmt.Errorf("add schema %s: %w", file, err)
		}
		v.docs[id] = doc
		ids[strings.TrimSuffix(file, schemaSuffix)] = id
	}
	if _, ok := ids[Envelope]; !ok {
		return nil, fmt.Errorf("schema %s%s is missing", Envelope, schemaSuffix)
	}
	return ids, nil
}

// checkKinds makes sure the envelope's kind enum lists exactly the kinds that
// have a schema file, so neither can be added without the other.
func (v *Validator) checkKinds(envelopeID string) error {
	kind, _ := lookup(v.docs[envelopeID], []string{"properties", "kind"}).(map[string]any)
	var listed []string
	for _, k := range asSlice(kind["enum"]) {
		s, _ := k.(string)
		listed = append(listed, s)
	}
	slices.Sort(listed)
	if !slices.Equal(listed, v.names) {
		return fmt.Errorf("envelope lists kinds %v but schemas exist for %v", listed, v.names)
	}
	return nil
}

// Kinds returns the kinds of definition that have a schema, sorted.
func (v *Validator) Kinds() []string {
	return slices.Clone(v.names)
}

// Raw returns the schema file of kind (or of the envelope, for Envelope) as
// shipped, for the HTTP API to serve to the studio. The caller owns the slice.
//
// Example:
//
//	raw, ok := schemas.Raw("form") // form.schema.json
func Raw(kind string) ([]byte, bool) {
	if kind == "" || strings.ContainsAny(kind, "/\\.") {
		return nil, false
	}
	raw, err := files.ReadFile(kind + schemaSuffix)
	if err != nil {
		return nil, false
	}
	return raw, true
}

// Validate checks one definition document and returns its problems, sorted
// by path; none means the document is valid. Malformed JSON is reported as a
// single CodeInvalidJSON problem. The error is only for internal failures.
func (v *Validator) Validate(raw []byte) ([]Problem, error) {
	doc, problem := decode(raw)
	if problem != nil {
		return []Problem{*problem}, nil
	}
	problems, err := v.check(v.envelope, doc)
	if err != nil {
		return nil, err
	}
	obj, _ := doc.(map[string]any)
	kind, _ := obj["kind"].(string)
	if s, ok := v.kinds[kind]; ok {
		more, err := v.check(s, doc)
		if err != nil {
			return nil, err
		}
		problems = append(problems, more...)
	}
	return tidy(problems), nil
}

// check validates doc against s and explains the failures.
func (v *Validator) check(s *jsonschema.Schema, doc any) ([]Problem, error) {
	err := s.Validate(doc)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, fmt.Errorf("validate against %s: %w", s.Location, err)
	}
	var problems []Problem
	for _, l := range leaves(ve, nil) {
		problems = append(problems, v.explain(doc, l)...)
	}
	return problems, nil
}

// leaves appends the innermost causes of ve to out: the failures of single
// keywords, without the allOf / if-then / $ref wrappers around them.
func leaves(ve *jsonschema.ValidationError, out []*jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(ve.Causes) == 0 {
		return append(out, ve)
	}
	for _, c := range ve.Causes {
		out = leaves(c, out)
	}
	return out
}

// tidy drops repeated problems (the envelope and the kind schema check some
// properties twice; the first wording wins) and sorts the rest by path.
func tidy(problems []Problem) []Problem {
	seen := map[[2]string]bool{}
	out := problems[:0]
	for _, p := range problems {
		k := [2]string{p.Path, p.Code}
		if !seen[k] {
			seen[k] = true
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b Problem) int { return strings.Compare(a.Path, b.Path) })
	return out
}

// decode parses raw the way the schema validator expects (numbers kept as
// json.Number), or says where it is malformed.
func decode(raw []byte) (any, *Problem) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, syntaxProblem(raw, err)
	}
	end := int(dec.InputOffset())
	for end < len(raw) && strings.IndexByte(" \t\r\n", raw[end]) >= 0 {
		end++
	}
	if end < len(raw) {
		return nil, jsonProblem(raw, end, "there is more text after the end of the document")
	}
	return doc, nil
}

// syntaxProblem turns a decoding error into a CodeInvalidJSON problem.
func syntaxProblem(raw []byte, err error) *Problem {
	var se *json.SyntaxError
	switch {
	case errors.Is(err, io.EOF):
		return &Problem{Code: CodeInvalidJSON, Message: "The document is empty; a definition is a JSON object such as {\"kind\": \"form\", …}."}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return jsonProblem(raw, len(raw), "the document ends too early (a closing bracket, brace or quote is missing)")
	case errors.As(err, &se):
		// note: Offset counts the offending byte, which is the one to show.
		return jsonProblem(raw, max(int(se.Offset)-1, 0), strings.TrimPrefix(se.Error(), "json: "))
	default:
		return jsonProblem(raw, 0, strings.TrimPrefix(err.Error(), "json: "))
	}
}

// jsonProblem words a CodeInvalidJSON problem found at byte offset off.
func jsonProblem(raw []byte, off int, what string) *Problem {
	off = min(off, len(raw))
	line := 1 + bytes.Count(raw[:off], []byte("\n"))
	col := off - bytes.LastIndexByte(raw[:off], '\n')
	return &Problem{
		Code:    CodeInvalidJSON,
		Message: fmt.Sprintf("The document is not valid JSON: %s, at line %d, column %d (byte offset %d).", what, line, col, off),
	}
}

// failure is one failed keyword, located in the document and in its schema.
type failure struct {
	at      []string       // instance location, as unescaped tokens
	keyword string         // the keyword that failed: "required", "enum"…
	node    map[string]any // the schema object holding the keyword
	inThen  bool           // node is the "then" of an if/then
	value   any            // the value at at
	subject string         // at in words: `"type" of field "amount"`
	libMsg  string         // the validator's own message, for the fallback
}

// explain turns one failed keyword into problems (one per missing or unknown
// property, else one).
func (v *Validator) explain(doc any, ve *jsonschema.ValidationError) []Problem {
	f := v.locate(doc, ve)
	switch f.keyword {
	case "required":
		return f.missing(doc)
	case "additionalProperties":
		return f.unknown(doc)
	}
	code, msg := f.describe()
	return []Problem{{Path: pointer(f.at), Code: code, Message: msg}}
}

// locate resolves the instance and keyword locations of ve.
func (v *Validator) locate(doc any, ve *jsonschema.ValidationError) failure {
	at := tokens(ve.InstanceLocation)
	id, frag, _ := strings.Cut(ve.AbsoluteKeywordLocation, "#")
	kw := tokens(frag)
	f := failure{at: at, value: lookup(doc, at), subject: subject(doc, at), libMsg: ve.Message}
	if len(kw) > 0 {
		f.keyword = kw[len(kw)-1]
		f.node, _ = lookup(v.docs[id], kw[:len(kw)-1]).(map[string]any)
		f.inThen = len(kw) > 1 && kw[len(kw)-2] == "then"
	}
	return f
}

// missing reports each required property absent from the object.
func (f failure) missing(doc any) []Problem {
	obj, _ := f.value.(map[string]any)
	var out []Problem
	for _, r := range asSlice(f.node["required"]) {
		name, _ := r.(string)
		if _, ok := obj[name]; ok || name == "" {
			continue
		}
		at := append(slices.Clone(f.at), name)
		// note: a "then" node explains why the property is needed for this
		// type; elsewhere the property's own description says what it is.
		why := describeProperty(f.node, name)
		if f.inThen {
			why, _ = f.node["description"].(string)
		}
		msg := sentence(subject(doc, at)+" is required.", why)
		out = append(out, Problem{Path: pointer(at), Code: CodeRequired, Message: msg})
	}
	return out
}

// unknown reports each property the object's schema does not declare.
func (f failure) unknown(doc any) []Problem {
	obj, _ := f.value.(map[string]any)
	props, _ := f.node["properties"].(map[string]any)
	known := sortedKeys(props)
	var out []Problem
	for _, name := range sortedKeys(obj) {
		if _, ok := props[name]; ok {
			continue
		}
		at := append(slices.Clone(f.at), name)
		msg := fmt.Sprintf("%s has an unknown setting %q.", capitalize(ownerWords(doc, f.at, false)), name)
		if s := suggest(name, known); s != "" {
			msg += fmt.Sprintf(" Did you mean %q?", s)
		} else {
			msg += " Known settings are: " + strings.Join(known, ", ") + "."
		}
		out = append(out, Problem{Path: pointer(at), Code: CodeAdditionalProperty, Message: msg})
	}
	return out
}

// describe words every other failed keyword.
func (f failure) describe() (code, msg string) {
	s := capitalize(f.subject)
	switch f.keyword {
	case "type":
		return CodeType, fmt.Sprintf("%s must be %s, not %s.", s, typeWords(f.node["type"]), jsonTypeWords(f.value))
	case "enum":
		return CodeEnum, f.enumMessage(s)
	case "const":
		return CodeConst, fmt.Sprintf("%s must be %s.", s, valueWords(f.node["const"]))
	case "pattern":
		why, _ := f.node["description"].(string)
		return CodePattern, sentence(fmt.Sprintf("%s (%s) is not valid.", s, valueWords(f.value)), why)
	case "not":
		// note: "not" only guards the form of keys (no "__"); its node says why.
		not, _ := f.node["not"].(map[string]any)
		why, _ := not["description"].(string)
		return CodePattern, sentence(fmt.Sprintf("%s (%s) is not valid.", s, valueWords(f.value)), why)
	}
	return f.limitMessage(s)
}

// limitMessage words the failures of length, size and range keywords.
func (f failure) limitMessage(s string) (code, msg string) {
	limit := numberWords(f.node[f.keyword])
	switch f.keyword {
	case "minLength":
		if limit == "1" {
			return CodeMinLength, s + " must not be empty."
		}
		return CodeMinLength, fmt.Sprintf("%s must have at least %s characters.", s, limit)
	case "maxLength":
		return CodeMaxLength, fmt.Sprintf("%s is too long: at most %s characters are allowed.", s, limit)
	case "minItems":
		if limit == "1" {
			return CodeMinItems, s + " must list at least one entry."
		}
		return CodeMinItems, fmt.Sprintf("%s must list at least %s entries.", s, limit)
	case "maxItems":
		return CodeMaxItems, fmt.Sprintf("%s lists %d entries; at most %s are allowed.", s, len(asSlice(f.value)), limit)
	case "minimum":
		return CodeMinimum, fmt.Sprintf("%s must be at least %s, not %s.", s, limit, valueWords(f.value))
	case "maximum":
		return CodeMaximum, fmt.Sprintf("%s must be at most %s, not %s.", s, limit, valueWords(f.value))
	}
	return CodeInvalid, fmt.Sprintf("%s is not valid: %s.", s, f.libMsg)
}

// enumMessage words a value outside an enum, suggesting a near miss.
func (f failure) enumMessage(s string) string {
	var allowed []string
	for _, a := range asSlice(f.node["enum"]) {
		allowed = append(allowed, fmt.Sprint(a))
	}
	if str, ok := f.value.(string); ok {
		if near := suggest(str, allowed); near != "" {
			return fmt.Sprintf("%s is %q, which is not allowed. Did you mean %q?", s, str, near)
		}
	}
	return fmt.Sprintf("%s is %s, which is not allowed. Use one of: %s.", s, valueWords(f.value), strings.Join(allowed, ", "))
}

// describeProperty returns the description of property name in an object schema.
func describeProperty(node map[string]any, name string) string {
	prop, _ := lookup(node, []string{"properties", name}).(map[string]any)
	d, _ := prop["description"].(string)
	return d
}

// subject names the value at path in words, innermost first:
// `"type" of column "qty" of field "items"`, or "the definition" for "".
func subject(doc any, path []string) string {
	if len(path) == 0 {
		return "the definition"
	}
	last := path[len(path)-1]
	if _, isIndex := index(last); isIndex {
		return ownerWords(doc, path, false)
	}
	// note: a bad key must not name its own owner, so name that by position.
	owner := ownerWords(doc, path[:len(path)-1], last == "key")
	if owner == "the definition" {
		return fmt.Sprintf("%q", last)
	}
	return fmt.Sprintf("%q of %s", last, owner)
}

// ownerWords names the object at path: `field "items"`, `option 2 of field
// "region"`, `rule "urgent_needs_date"`, or "the definition" at the root.
// With byPosition the innermost entry is named by position, not by key.
func ownerWords(doc any, path []string, byPosition bool) string {
	var parts []string // innermost first
	cur := doc
	for i, tok := range path {
		cur = lookup(cur, []string{tok})
		n, isIndex := index(tok)
		switch {
		case isIndex && i > 0:
			parts = append([]string{element(path[:i], cur, n, byPosition && i == len(path)-1)}, parts...)
		case i == len(path)-1 || !isIndexToken(path[i+1]):
			parts = append([]string{fmt.Sprintf("%q", tok)}, parts...)
		}
	}
	if len(parts) == 0 {
		return "the definition"
	}
	return strings.Join(parts, " of ")
}

// element names the n-th entry of the list at listPath: by its key when it
// has one (and byPosition is false), else by its position counted from 1.
func element(listPath []string, value any, n int, byPosition bool) string {
	noun := "entry"
	switch listPath[len(listPath)-1] {
	case "fields":
		noun = "field"
		if len(listPath) > 1 {
			noun = "column"
		}
	case "options":
		noun = "option"
	case "rules":
		noun = "rule"
	case "accept":
		noun = "file type"
	}
	obj, _ := value.(map[string]any)
	if key, ok := obj["key"].(string); ok && key != "" && !byPosition {
		return fmt.Sprintf("%s %q", noun, key)
	}
	return fmt.Sprintf("%s %d", noun, n+1)
}

// tokens splits a location written by the validator ("/fields/0/a~1b",
// property names URL-escaped) into unescaped tokens.
func tokens(loc string) []string {
	if loc == "" || loc == "/" {
		return nil
	}
	parts := strings.Split(strings.TrimPrefix(loc, "/"), "/")
	for i, p := range parts {
		if u, err := url.PathUnescape(p); err == nil {
			p = u
		}
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(p, "~1", "/"), "~0", "~")
	}
	return parts
}

// pointer writes tokens as a JSON pointer (RFC 6901).
func pointer(toks []string) string {
	var b strings.Builder
	for _, t := range toks {
		b.WriteByte('/')
		b.WriteString(strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1"))
	}
	return b.String()
}

// lookup returns the value at path inside a decoded JSON value, or nil.
func lookup(v any, path []string) any {
	for _, tok := range path {
		switch c := v.(type) {
		case map[string]any:
			v = c[tok]
		case []any:
			n, ok := index(tok)
			if !ok || n >= len(c) {
				return nil
			}
			v = c[n]
		default:
			return nil
		}
	}
	return v
}

// index parses an array index token.
func index(tok string) (int, bool) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, false
	}
	n := 0
	for _, r := range tok {
		if r < '0' || r > '9' || n > 1<<30 {
			return 0, false
		}
		n = n*10 + int(r-'0')
	}
	return n, true
}

// isIndexToken reports whether tok is an array index.
func isIndexToken(tok string) bool {
	_, ok := index(tok)
	return ok
}

// typeWords names schema types: "a number", "text or a list".
func typeWords(t any) string {
	var words []string
	if s, ok := t.(string); ok {
		t = []any{s}
	}
	for _, x := range asSlice(t) {
		s, _ := x.(string)
		words = append(words, jsonTypeName[s])
	}
	return strings.Join(words, " or ")
}

// jsonTypeName words JSON Schema type names for people.
var jsonTypeName = map[string]string{
	"string":  "text",
	"number":  "a number",
	"integer": "a whole number",
	"boolean": "true or false",
	"array":   "a list",
	"object":  "an object",
	"null":    "null",
}

// jsonTypeWords names the JSON type of a decoded value.
func jsonTypeWords(v any) string {
	switch x := v.(type) {
	case string:
		return "text"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "a whole number"
		}
		return "a number"
	case bool:
		return jsonTypeName["boolean"]
	case []any:
		return jsonTypeName["array"]
	case map[string]any:
		return jsonTypeName["object"]
	}
	return "null"
}

// valueWords shows a value in a message: strings quoted and shortened,
// lists and objects by their type.
func valueWords(v any) string {
	switch x := v.(type) {
	case string:
		if r := []rune(x); len(r) > 60 {
			x = string(r[:57]) + "..."
		}
		return fmt.Sprintf("%q", x)
	case json.Number, bool, float64:
		return fmt.Sprint(x)
	}
	return jsonTypeWords(v)
}

// numberWords shows a schema limit (decoded as float64) without a trailing ".0".
func numberWords(v any) string {
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// suggest returns the candidate name most probably meant by s (same letters
// ignoring case and separators, or at most two edits away), or "".
func suggest(s string, candidates []string) string {
	best, bestDist := "", 3
	for _, c := range candidates {
		if squash(c) == squash(s) {
			return c
		}
		if d := distance(s, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	if len([]rune(s)) <= bestDist {
		return "" // note: too short for a guess to mean anything.
	}
	return best
}

// squash lower-cases s and drops "_" and "-", so maxLength ≈ max_length.
func squash(s string) string {
	return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s))
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// sentence joins a statement and an optional explanation.
func sentence(statement, why string) string {
	if why == "" {
		return statement
	}
	return statement + " " + capitalize(why)
}

// capitalize upper-cases the first letter of s.
func capitalize(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// asSlice returns v as a JSON array, or nil.
func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

// sortedKeys returns the keys of m, sorted.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
