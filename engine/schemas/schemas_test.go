package schemas_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/schemas"
)

// examplesDir is the example application every schema must accept.
const examplesDir = "../../examples/order-management"

// newValidator builds a Validator or stops the test.
func newValidator(t *testing.T) *schemas.Validator {
	t.Helper()
	v, err := schemas.New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return v
}

// minimal is a small valid form; the scenarios below break it one way each.
const minimal = `{
  "kind": "form",
  "key": "lead",
  "title": "Lead",
  "fields": [
    {"key": "name", "type": "text", "label": "Name", "required": true},
    {"key": "source", "type": "select", "label": "Source", "options": [{"value": "web", "label": "Website"}]},
    {"key": "account", "type": "relation", "label": "Account", "target": "customer"},
    {"key": "lines", "type": "sub_table", "label": "Lines", "fields": [
      {"key": "qty", "type": "integer", "label": "Qty", "min": 1},
      {"key": "price", "type": "money", "label": "Price", "scale": 2, "currency": "CNY"}
    ]}
  ],
  "rules": [{"key": "has_name", "expr": "name != \"\"", "message": "Name is needed", "field": "name"}]
}`

// edit decodes minimal, lets change modify it and encodes it again.
func edit(t *testing.T, change func(doc map[string]any)) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal([]byte(minimal), &doc); err != nil {
		t.Fatalf("decode minimal: %v", err)
	}
	change(doc)
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("encode: %v", err)
	}
	return raw
}

// field returns the i-th field of doc (a decoded form).
func field(doc map[string]any, i int) map[string]any {
	return doc["fields"].([]any)[i].(map[string]any)
}

func TestValidateAcceptsValidForms(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	scenarios := []struct {
		name string
		doc  string
	}{
		{"minimal", minimal},
		{"every type", `{"kind": "form", "key": "all_types", "title": "All", "description": "", "layout": {"tabs": []}, "fields": [
			{"key": "a", "type": "text", "label": "A", "min_length": 0, "max_length": 10, "pattern": "^x", "help": "h", "read_only": true, "unique": true, "index": true, "default": "\"x\"", "visible_if": "true"},
			{"key": "b", "type": "long_text", "label": "B"},
			{"key": "c", "type": "integer", "label": "C", "min": -5, "max": 5},
			{"key": "d", "type": "decimal", "label": "D", "scale": 6, "min": 0.5},
			{"key": "e", "type": "money", "label": "E", "currency": "USD", "scale": 0},
			{"key": "f", "type": "percent", "label": "F", "max": 1},
			{"key": "g", "type": "boolean", "label": "G"},
			{"key": "h", "type": "date", "label": "H"},
			{"key": "i", "type": "datetime", "label": "I"},
			{"key": "j", "type": "select", "label": "J", "options": [{"value": "x", "label": "X"}]},
			{"key": "k", "type": "multi_select", "label": "K", "options": [{"value": "x", "label": "X"}, {"value": "y", "label": "Y"}]},
			{"key": "l", "type": "email", "label": "L"},
			{"key": "m", "type": "phone", "label": "M"},
			{"key": "n", "type": "url", "label": "N"},
			{"key": "o", "type": "relation", "label": "O", "target": "customer", "multiple": true},
			{"key": "p", "type": "sub_table", "label": "P", "fields": [{"key": "q", "type": "text", "label": "Q"}]},
			{"key": "r", "type": "attachment", "label": "R", "max_size": 1, "accept": ["image/*"], "max_files": 100},
			{"key": "s", "type": "user", "label": "S"},
			{"key": "t", "type": "department", "label": "T"},
			{"key": "u", "type": "auto_number", "label": "U", "format": "U-{seq:3}"},
			{"key": "v", "type": "formula", "label": "V", "formula": "c * 2", "result": "integer"}
		]}`},
		{"longest key", `{"kind": "form", "key": "` + "k" + strings.Repeat("_x", 23) + `9", "title": "T", "fields": [{"key": "a_1", "type": "text", "label": "A"}]}`},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			problems, err := v.Validate([]byte(sc.doc))
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			if len(problems) > 0 {
				t.Errorf("want no problems, got %+v", problems)
			}
		})
	}
}

func TestValidateReportsProblems(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	scenarios := []struct {
		name     string
		doc      func(t *testing.T) []byte
		wantPath string
		wantCode string
		// wantInMessage is a piece of the message the analyst must see.
		wantInMessage string
	}{
		{
			name:     "missing label",
			doc:      changed(func(d map[string]any) { delete(field(d, 0), "label") }),
			wantPath: "/fields/0/label", wantCode: schemas.CodeRequired, wantInMessage: `"label" of field "name" is required`,
		},
		{
			name:     "empty label",
			doc:      changed(func(d map[string]any) { field(d, 0)["label"] = "" }),
			wantPath: "/fields/0/label", wantCode: schemas.CodeMinLength, wantInMessage: "must not be empty",
		},
		{
			name:     "field key with capitals",
			doc:      changed(func(d map[string]any) { field(d, 0)["key"] = "Customer-Name" }),
			wantPath: "/fields/0/key", wantCode: schemas.CodePattern, wantInMessage: `"key" of field 1 ("Customer-Name") is not valid`,
		},
		{
			name:     "field key too long",
			doc:      changed(func(d map[string]any) { field(d, 0)["key"] = "a" + strings.Repeat("b", 48) }),
			wantPath: "/fields/0/key", wantCode: schemas.CodePattern, wantInMessage: "at most 48 characters",
		},
		{
			name:     "key with double underscore",
			doc:      changed(func(d map[string]any) { d["key"] = "lead__x" }),
			wantPath: "/key", wantCode: schemas.CodePattern, wantInMessage: "two underscores",
		},
		{
			name:     "unknown type",
			doc:      changed(func(d map[string]any) { field(d, 0)["type"] = "colour" }),
			wantPath: "/fields/0/type", wantCode: schemas.CodeEnum, wantInMessage: "Use one of: text, long_text",
		},
		{
			name:     "misspelt type",
			doc:      changed(func(d map[string]any) { field(d, 0)["type"] = "mony" }),
			wantPath: "/fields/0/type", wantCode: schemas.CodeEnum, wantInMessage: `Did you mean "money"?`,
		},
		{
			name:     "unknown property",
			doc:      changed(func(d map[string]any) { field(d, 0)["colour"] = "red" }),
			wantPath: "/fields/0/colour", wantCode: schemas.CodeAdditionalProperty, wantInMessage: `Field "name" has an unknown setting "colour"`,
		},
		{
			name:     "camel-case property",
			doc:      changed(func(d map[string]any) { field(d, 0)["maxLength"] = 5 }),
			wantPath: "/fields/0/maxLength", wantCode: schemas.CodeAdditionalProperty, wantInMessage: `Did you mean "max_length"?`,
		},
		{
			name:     "unknown property with a slash",
			doc:      changed(func(d map[string]any) { field(d, 0)["a/b~c"] = true }),
			wantPath: "/fields/0/a~1b~0c", wantCode: schemas.CodeAdditionalProperty, wantInMessage: `"a/b~c"`,
		},
		{
			name:     "unknown top-level property",
			doc:      changed(func(d map[string]any) { d["version"] = 2 }),
			wantPath: "/version", wantCode: schemas.CodeAdditionalProperty, wantInMessage: "The definition has an unknown setting",
		},
		{
			name:     "select without options",
			doc:      changed(func(d map[string]any) { delete(field(d, 1), "options") }),
			wantPath: "/fields/1/options", wantCode: schemas.CodeRequired, wantInMessage: "needs the list of options",
		},
		{
			name:     "multi_select with no options",
			doc:      changed(func(d map[string]any) { field(d, 1)["type"] = "multi_select"; field(d, 1)["options"] = []any{} }),
			wantPath: "/fields/1/options", wantCode: schemas.CodeMinItems, wantInMessage: "at least one entry",
		},
		{
			name:     "option without label",
			doc:      changed(func(d map[string]any) { delete(field(d, 1)["options"].([]any)[0].(map[string]any), "label") }),
			wantPath: "/fields/1/options/0/label", wantCode: schemas.CodeRequired, wantInMessage: `"label" of option 1 of field "source"`,
		},
		{
			name:     "relation without target",
			doc:      changed(func(d map[string]any) { delete(field(d, 2), "target") }),
			wantPath: "/fields/2/target", wantCode: schemas.CodeRequired, wantInMessage: "key of the form it links to",
		},
		{
			name:     "sub_table without columns",
			doc:      changed(func(d map[string]any) { delete(field(d, 3), "fields") }),
			wantPath: "/fields/3/fields", wantCode: schemas.CodeRequired, wantInMessage: "needs its columns",
		},
		{
			name: "nested column with bad type",
			doc: changed(func(d map[string]any) {
				field(d, 3)["fields"].([]any)[1].(map[string]any)["type"] = "currency"
			}),
			wantPath: "/fields/3/fields/1/type", wantCode: schemas.CodeEnum, wantInMessage: `"type" of column "price" of field "lines"`,
		},
		{
			name: "nested column with bad currency",
			doc: changed(func(d map[string]any) {
				field(d, 3)["fields"].([]any)[1].(map[string]any)["currency"] = "rmb"
			}),
			wantPath: "/fields/3/fields/1/currency", wantCode: schemas.CodePattern, wantInMessage: "three capital letters",
		},
		{
			name:     "formula without expression",
			doc:      changed(func(d map[string]any) { field(d, 0)["type"] = "formula" }),
			wantPath: "/fields/0/formula", wantCode: schemas.CodeRequired, wantInMessage: "expression that computes it",
		},
		{
			name:     "auto_number without format",
			doc:      changed(func(d map[string]any) { field(d, 0)["type"] = "auto_number" }),
			wantPath: "/fields/0/format", wantCode: schemas.CodeRequired, wantInMessage: "format of the numbers",
		},
		{
			name:     "required as text",
			doc:      changed(func(d map[string]any) { field(d, 0)["required"] = "yes" }),
			wantPath: "/fields/0/required", wantCode: schemas.CodeType, wantInMessage: "must be true or false, not text",
		},
		{
			name:     "scale out of range",
			doc:      changed(func(d map[string]any) { field(d, 3)["fields"].([]any)[1].(map[string]any)["scale"] = 7 }),
			wantPath: "/fields/3/fields/1/scale", wantCode: schemas.CodeMaximum, wantInMessage: "at most 6, not 7",
		},
		{
			name:     "no fields",
			doc:      changed(func(d map[string]any) { d["fields"] = []any{} }),
			wantPath: "/fields", wantCode: schemas.CodeMinItems, wantInMessage: `"fields" must list at least one entry`,
		},
		{
			name:     "rule without message",
			doc:      changed(func(d map[string]any) { delete(d["rules"].([]any)[0].(map[string]any), "message") }),
			wantPath: "/rules/0/message", wantCode: schemas.CodeRequired, wantInMessage: `of rule "has_name"`,
		},
		{
			name:     "too long expression",
			doc:      changed(func(d map[string]any) { field(d, 0)["visible_if"] = strings.Repeat("x", 2001) }),
			wantPath: "/fields/0/visible_if", wantCode: schemas.CodeMaxLength, wantInMessage: "at most 2000 characters",
		},
		{
			name:     "missing title",
			doc:      changed(func(d map[string]any) { delete(d, "title") }),
			wantPath: "/title", wantCode: schemas.CodeRequired, wantInMessage: `"title" is required`,
		},
		{
			name:     "kind unknown",
			doc:      changed(func(d map[string]any) { d["kind"] = "spreadsheet" }),
			wantPath: "/kind", wantCode: schemas.CodeEnum, wantInMessage: "Use one of: dashboard, document, flow, form, portal, report, role",
		},
		{
			name:     "not an object",
			doc:      literal(`["kind", "form"]`),
			wantPath: "", wantCode: schemas.CodeType, wantInMessage: "The definition must be an object, not a list",
		},
		{
			name:     "malformed JSON",
			doc:      literal("{\n  \"kind\": \"form\",\n  \"key\": \"lead\"\n  \"title\": \"Lead\"\n}"),
			wantPath: "", wantCode: schemas.CodeInvalidJSON, wantInMessage: "line 4, column 3",
		},
		{
			name:     "truncated JSON",
			doc:      literal(`{"kind": "form", "key": "lead"`),
			wantPath: "", wantCode: schemas.CodeInvalidJSON, wantInMessage: "ends too early",
		},
		{
			name:     "text after the document",
			doc:      literal(`{"kind": "form"} {}`),
			wantPath: "", wantCode: schemas.CodeInvalidJSON, wantInMessage: "more text after the end",
		},
		{
			name:     "empty document",
			doc:      literal("  "),
			wantPath: "", wantCode: schemas.CodeInvalidJSON, wantInMessage: "empty",
		},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			problems, err := v.Validate(sc.doc(t))
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			for _, p := range problems {
				t.Logf("%s %q: %s", p.Code, p.Path, p.Message)
			}
			for _, p := range problems {
				if p.Path == sc.wantPath && p.Code == sc.wantCode {
					if !strings.Contains(p.Message, sc.wantInMessage) {
						t.Errorf("message %q does not contain %q", p.Message, sc.wantInMessage)
					}
					return
				}
			}
			t.Errorf("want %s at %q, got %+v", sc.wantCode, sc.wantPath, problems)
		})
	}
}

// changed returns a scenario document: minimal with one change.
func changed(change func(doc map[string]any)) func(t *testing.T) []byte {
	return func(t *testing.T) []byte { return edit(t, change) }
}

// literal returns a scenario document given as text.
func literal(doc string) func(t *testing.T) []byte {
	return func(*testing.T) []byte { return []byte(doc) }
}

func TestValidateReportsEveryProblemOnce(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	raw := edit(t, func(d map[string]any) {
		delete(d, "title")
		field(d, 0)["colour"] = "red"
		field(d, 0)["shade"] = "dark"
		delete(field(d, 2), "target")
	})
	problems, err := v.Validate(raw)
	if err != nil {
		t.Fatalf("Validate: %v", err)
	}
	var got []string
	for _, p := range problems {
		got = append(got, p.Code+" "+p.Path)
	}
	want := []string{
		"schema_additional_property /fields/0/colour",
		"schema_additional_property /fields/0/shade",
		"schema_required /fields/2/target",
		"schema_required /title",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// FuzzValidate feeds arbitrary documents to Validate: whatever the input, it
// must answer with problems, never an error or a panic.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(minimal))
	f.Add([]byte(`{"kind": "form", "key": "x", "title": "X", "fields": [{"key": "a", "type": "sub_table", "label": "A", "fields": [{}]}]}`))
	f.Add([]byte(`{"kind": "form", "fields": [{"a/b": 1, "~": [null]}], "rules": [{}], "layout": 1}`))
	f.Add([]byte(`[1, "x", {"kind": null}]`))
	v, err := schemas.New()
	if err != nil {
		f.Fatalf("New: %v", err)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		problems, err := v.Validate(raw)
		if err != nil {
			t.Fatalf("Validate: %v", err)
		}
		for _, p := range problems {
			if p.Code == "" || p.Message == "" || (p.Path != "" && p.Path[0] != '/') {
				t.Errorf("malformed problem %+v", p)
			}
		}
	})
}

func TestValidateIsSafeForConcurrentUse(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	bad := edit(t, func(d map[string]any) { field(d, 0)["type"] = "colour" })
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			doc := []byte(minimal)
			if i%2 == 1 {
				doc = bad
			}
			problems, err := v.Validate(doc)
			if err != nil || len(problems) != i%2 {
				t.Errorf("run %d: problems %+v, err %v", i, problems, err)
			}
		})
	}
	wg.Wait()
}

func TestExamplesAreValid(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	var paths []string
	err := filepath.WalkDir(examplesDir, func(path string, d fs.DirEntry, err error) error {
		// note: seed.json is the data plan of mosaic seed, not a definition.
		if err == nil && !d.IsDir() && strings.HasSuffix(path, ".json") && d.Name() != "seed.json" {
			paths = append(paths, path)
		}
		return err
	})
	if err != nil {
		t.Fatalf("walk %s: %v", examplesDir, err)
	}
	if len(paths) == 0 {
		t.Fatalf("no definitions found under %s", examplesDir)
	}
	for _, path := range paths {
		t.Run(filepath.ToSlash(path), func(t *testing.T) {
			t.Parallel()
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			problems, err := v.Validate(raw)
			if err != nil {
				t.Fatalf("Validate: %v", err)
			}
			for _, p := range problems {
				t.Errorf("%s %s: %s", p.Path, p.Code, p.Message)
			}
		})
	}
}

// TestFormSchemaMatchesGoStruct checks that the form schema declares exactly
// the JSON properties of the Go structs in forms/definition.go, so the two
// cannot drift apart silently. It reads the source, not the package, to stay
// independent of work in progress there.
func TestFormSchemaMatchesGoStruct(t *testing.T) {
	t.Parallel()
	nodes := schemaNodes(t, "form", "Form", map[string]string{"Field": "field", "Option": "option", "Rule": "rule", "Index": "index"})
	sameProperties(t, nodes, structTags(t, "../../forms/definition.go"))
}

// schemaNodes reads the properties of the schema of kind (as the Go struct
// top) and of its $defs (by the Go struct each is).
func schemaNodes(t *testing.T, kind, top string, defs map[string]string) map[string]map[string]any {
	t.Helper()
	raw, _ := schemas.Raw(kind)
	var doc struct {
		Properties map[string]any            `json:"properties"`
		Defs       map[string]map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode %s schema: %v", kind, err)
	}
	nodes := map[string]map[string]any{top: doc.Properties}
	for goName, def := range defs {
		nodes[goName], _ = doc.Defs[def]["properties"].(map[string]any)
	}
	return nodes
}

// sameProperties checks each schema node declares exactly its Go struct's
// JSON names.
func sameProperties(t *testing.T, nodes map[string]map[string]any, tags map[string][]string) {
	t.Helper()
	for goName, props := range nodes {
		var inSchema []string
		for name := range props {
			inSchema = append(inSchema, name)
		}
		slices.Sort(inSchema)
		if !slices.Equal(inSchema, tags[goName]) {
			t.Errorf("%s: schema has %q, Go struct has %q", goName, inSchema, tags[goName])
		}
	}
}

// TestFlowSchemaMatchesGoStruct is TestFormSchemaMatchesGoStruct for flows:
// the flow schema declares exactly the JSON properties of the Go structs in
// flows/definition.go.
func TestFlowSchemaMatchesGoStruct(t *testing.T) {
	t.Parallel()
	tags := structTags(t, "../../flows/definition.go")
	raw, _ := schemas.Raw("flow")
	var doc struct {
		Properties map[string]any            `json:"properties"`
		Defs       map[string]map[string]any `json:"$defs"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode flow schema: %v", err)
	}
	nodes := map[string]map[string]any{"Flow": doc.Properties}
	for goName, def := range map[string]string{"Trigger": "trigger", "Node": "node", "Branch": "branch",
		"Approval": "approval", "Assignee": "assignee", "Deadline": "deadline", "Action": "action",
		"Wait": "wait", "Subflow": "subflow"} {
		nodes[goName], _ = doc.Defs[def]["properties"].(map[string]any)
	}
	if len(nodes) != len(tags) {
		t.Errorf("flows/definition.go has structs %d, the test knows %d; add the new struct here", len(tags), len(nodes))
	}
	for goName, props := range nodes {
		var inSchema []string
		for name := range props {
			inSchema = append(inSchema, name)
		}
		slices.Sort(inSchema)
		if !slices.Equal(inSchema, tags[goName]) {
			t.Errorf("%s: schema has %q, Go struct has %q", goName, inSchema, tags[goName])
		}
	}
}

// TestReportSchemasMatchGoStructs is TestFormSchemaMatchesGoStruct for
// reports and dashboards: their schemas declare exactly the JSON properties
// of the Go structs in reports/definition.go and reports/dashboard.go.
func TestReportSchemasMatchGoStructs(t *testing.T) {
	t.Parallel()
	for _, kind := range []struct {
		schema, file, root string
		defs               map[string]string
	}{
		{"report", "../../reports/definition.go", "Report", map[string]string{"Param": "param", "Dimension": "dimension",
			"Measure": "measure", "SortKey": "sort_key", "Limit": "limit", "Totals": "totals", "Pivot": "pivot", "Chart": "chart", "Compare": "compare"}},
		{"dashboard", "../../reports/dashboard.go", "Dashboard", map[string]string{"DashboardFilter": "filter", "Widget": "widget", "Binding": "binding"}},
	} {
		tags := structTags(t, kind.file)
		raw, _ := schemas.Raw(kind.schema)
		var doc struct {
			Properties map[string]any            `json:"properties"`
			Defs       map[string]map[string]any `json:"$defs"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("decode %s schema: %v", kind.schema, err)
		}
		nodes := map[string]map[string]any{kind.root: doc.Properties}
		for goName, def := range kind.defs {
			nodes[goName], _ = doc.Defs[def]["properties"].(map[string]any)
		}
		if len(nodes) != len(tags) {
			t.Errorf("%s has %d structs, the test knows %d; add the new struct here", kind.file, len(tags), len(nodes))
		}
		for goName, props := range nodes {
			var inSchema []string
			for name := range props {
				inSchema = append(inSchema, name)
			}
			slices.Sort(inSchema)
			if !slices.Equal(inSchema, tags[goName]) {
				t.Errorf("%s: schema has %q, Go struct has %q", goName, inSchema, tags[goName])
			}
		}
	}
}

// structTags returns the JSON names of the fields of each struct in a Go
// file, sorted, by struct name.
func structTags(t *testing.T, path string) map[string][]string {
	t.Helper()
	file, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	out := map[string][]string{}
	ast.Inspect(file, func(n ast.Node) bool {
		spec, ok := n.(*ast.TypeSpec)
		if !ok {
			return true
		}
		st, ok := spec.Type.(*ast.StructType)
		if !ok {
			return false
		}
		for _, f := range st.Fields.List {
			if f.Tag == nil {
				continue
			}
			tag, _ := strconv.Unquote(f.Tag.Value)
			name, _, _ := strings.Cut(reflect.StructTag(tag).Get("json"), ",")
			if name != "" && name != "-" {
				out[spec.Name.Name] = append(out[spec.Name.Name], name)
			}
		}
		slices.Sort(out[spec.Name.Name])
		return false
	})
	return out
}

func TestKindsAndRaw(t *testing.T) {
	t.Parallel()
	v := newValidator(t)
	if got := v.Kinds(); !slices.Equal(got, []string{"dashboard", "document", "flow", "form", "portal", "report", "role"}) {
		t.Errorf("Kinds() = %q, want [dashboard document flow form portal report role]", got)
	}
	for _, name := range append(v.Kinds(), schemas.Envelope) {
		raw, ok := schemas.Raw(name)
		if !ok {
			t.Errorf("Raw(%q) not found", name)
			continue
		}
		var doc struct {
			ID     string `json:"$id"`
			Schema string `json:"$schema"`
		}
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Errorf("Raw(%q) is not JSON: %v", name, err)
		}
		if want := "https://mosaic.dev/schemas/" + name + ".schema.json"; doc.ID != want {
			t.Errorf("Raw(%q) $id = %q, want %q", name, doc.ID, want)
		}
		if doc.Schema != "https://json-schema.org/draft/2020-12/schema" {
			t.Errorf("Raw(%q) $schema = %q", name, doc.Schema)
		}
	}
	for _, name := range []string{"", "chart", "../schemas/form", "form.schema.json", "schemas.go"} {
		if _, ok := schemas.Raw(name); ok {
			t.Errorf("Raw(%q) found a schema", name)
		}
	}
}

// TestEverySchemaNodeIsDescribed keeps the schemas usable as documentation:
// the studio shows each node's description.
func TestEverySchemaNodeIsDescribed(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"form", "flow", "report", "dashboard", "portal", schemas.Envelope} {
		raw, _ := schemas.Raw(name)
		var doc any
		if err := json.Unmarshal(raw, &doc); err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		for _, path := range undescribed(doc, "") {
			t.Errorf("%s.schema.json#%s has no description", name, path)
		}
	}
}

// undescribed lists the schema nodes in the schema node (at path) that lack
// a description.
func undescribed(node any, path string) []string {
	n, ok := node.(map[string]any)
	if !ok {
		return nil
	}
	var out []string
	if _, ok := n["description"]; !ok {
		out = append(out, path)
	}
	for k, child := range n {
		switch k {
		case "properties", "$defs":
			for name, sub := range child.(map[string]any) {
				out = append(out, undescribed(sub, path+"/"+k+"/"+name)...)
			}
		case "items", "not", "if", "then", "else":
			out = append(out, undescribed(child, path+"/"+k)...)
		case "allOf", "anyOf", "oneOf":
			for i, sub := range child.([]any) {
				out = append(out, undescribed(sub, path+"/"+k+"/"+strconv.Itoa(i))...)
			}
		}
	}
	return out
}

// TestDocumentSchemaMatchesGoStruct is TestFormSchemaMatchesGoStruct for
// document templates: document.schema.json against documents/definition.go.
func TestDocumentSchemaMatchesGoStruct(t *testing.T) {
	t.Parallel()
	nodes := schemaNodes(t, "document", "Template", map[string]string{"Section": "section"})
	sameProperties(t, nodes, structTags(t, "../../documents/definition.go"))
}
