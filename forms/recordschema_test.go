package forms_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v5"
	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/forms"
)

func init() {
	// note: other golden tests in this package define -update too; a second
	// definition would panic, so define it only when missing.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func recordSchemaUpdate() bool {
	g, ok := flag.Lookup("update").Value.(flag.Getter)
	if !ok {
		return false
	}
	b, _ := g.Get().(bool)
	return b
}

// recordSchemaForms says every relation target exists.
type recordSchemaForms struct{}

func (recordSchemaForms) HasForm(string) bool { return true }

// compileRecordSchemaForm compiles testdata/recordschema/<name>.json.
func compileRecordSchemaForm(t *testing.T, name string) *forms.Compiled {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", "recordschema", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	form, err := forms.Parse(raw)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, err := forms.Compile(form, 1, recordSchemaForms{}, forms.DefaultTypes())
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

func TestRecordSchemaGolden(t *testing.T) {
	t.Parallel()
	c := compileRecordSchemaForm(t, "order")
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c.RecordSchema()); err != nil {
		t.Fatal(err)
	}
	got := buf.Bytes()
	path := filepath.Join("testdata", "recordschema", "order.golden.json")
	if recordSchemaUpdate() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is stale (run go test ./forms -run RecordSchemaGolden -update); first difference:\n%s",
			path, firstLineDiff(string(want), string(got)))
	}
}

func firstLineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return "line " + strconv.Itoa(i+1) + ":\n  want " + wl + "\n  got  " + gl
		}
	}
	return "(none)"
}

// recordSchemaCase is one create body, given as changes to a valid one, with
// whether Validate and the schema accept it. Where they disagree, why says
// why that is by design.
type recordSchemaCase struct {
	name   string
	patch  string   // a JSON object whose members replace those of the base
	drop   []string // members removed from the base
	server bool
	schema bool
	why    string
}

// recordSchemaBase is a valid create body of the order form.
const recordSchemaBase = `{
  "customer": 12, "subject": "Spring restock", "priority": 3, "region": "east",
  "items": [{"product": 3, "qty": 2, "unit_price": "19.99"}]
}`

// bigOrder makes the amount exceed 100,000, which shows contract_no.
const bigOrder = `"items": [{"product": 3, "qty": 10, "unit_price": 20000}]`

var recordSchemaCases = []recordSchemaCase{
	// accepted by both
	{name: "minimal", patch: `{}`, server: true, schema: true},
	{name: "every writable field", patch: `{
		"contacts": [4, 5], "po_number": "PO-12345", "notes": "Leave at the gate\n",
		"contact_email": "ann@example.com", "contact_phone": "+86 21 5555-0100",
		"website": "https://example.com/orders", "weight": 12.345, "discount": "0.125",
		"urgent": true, "order_date": "2026-03-31", "deliver_at": "2026-04-02T09:30:00+08:00",
		"tags": ["vip", "export"], "sales_rep": 9, "dept": 2, "attachments": ["f_1", "f_2"],
		"items": [{"product": 3, "description": "Red", "qty": 2, "unit_price": "19.99"},
		          {"product": 4, "qty": 1, "unit_price": 5}]}`, server: true, schema: true},
	{name: "optional fields null", patch: `{
		"contacts": null, "po_number": null, "notes": null, "contact_email": null, "contact_phone": null,
		"website": null, "weight": null, "discount": null, "urgent": null, "order_date": null,
		"deliver_at": null, "tags": null, "sales_rep": null, "dept": null, "attachments": null,
		"contract_no": null, "items": [{"product": 3, "description": null, "qty": 1, "unit_price": 1}]}`,
		server: true, schema: true},
	{name: "empty lists", patch: `{"contacts": [], "tags": [], "attachments": []}`, server: true, schema: true},
	{name: "decimal forms", patch: `{"weight": "0.1000", "items": [
		{"product": 1, "qty": 1, "unit_price": 19.9}, {"product": 1, "qty": 1, "unit_price": "19.900"},
		{"product": 1, "qty": 1, "unit_price": "+5"}, {"product": 1, "qty": 1, "unit_price": ".5"},
		{"product": 1, "qty": 1, "unit_price": 1e2}]}`, server: true, schema: true},
	{name: "values at their limits", patch: `{"priority": 5, "discount": 0.5, "weight": 0,
		"subject": "abc", "attachments": ["a", "b", "c"],
		"items": [{"product": 1, "qty": 100000, "unit_price": 0}]}`, server: true, schema: true},
	{name: "row ids sent back", patch: `{"items": [{"id": 41, "product": 3, "qty": 2, "unit_price": "19.99"}]}`,
		server: true, schema: true},
	{name: "hidden field sent", patch: `{"contract_no": "C-1"}`, server: true, schema: true},
	{name: "conditionally required field given", patch: `{"contract_no": "C-1", ` + bigOrder + `}`,
		server: true, schema: true},
	{name: "rules hold", patch: `{"urgent": true, "order_date": "2026-03-31", "deliver_at": "2026-03-31T10:00:00Z"}`,
		server: true, schema: true},

	// rejected by both
	{name: "text for an integer", patch: `{"priority": "high"}`},
	{name: "fraction for an integer", patch: `{"priority": 2.5}`},
	{name: "number for text", patch: `{"subject": 123}`},
	{name: "word for a boolean", patch: `{"urgent": "maybe"}`},
	{name: "list for one relation", patch: `{"customer": [1, 2]}`},
	{name: "unknown field", patch: `{"colour": "red"}`},
	{name: "system column", patch: `{"owner": 3}`},
	{name: "id", patch: `{"id": 5}`},
	{name: "formula field", patch: `{"amount": "10.00"}`},
	{name: "auto number", patch: `{"number": "SO-1"}`},
	{name: "read-only field", patch: `{"status": "approved"}`},
	{name: "not an option", patch: `{"region": "mars"}`},
	{name: "not an option in a list", patch: `{"tags": ["vip", "mars"]}`},
	{name: "too many decimals as text", patch: `{"weight": "1.2345"}`},
	{name: "too many decimals as a number", patch: `{"weight": 1.2345}`},
	{name: "too many decimals in a row", patch: `{"items": [{"product": 3, "qty": 2, "unit_price": "19.999"}]}`},
	{name: "not a number", patch: `{"weight": "heavy"}`},
	{name: "over max", patch: `{"priority": 6}`},
	{name: "decimal over max", patch: `{"discount": 0.6}`},
	{name: "decimal under min", patch: `{"weight": -1}`},
	{name: "row over max", patch: `{"items": [{"product": 3, "qty": 100001, "unit_price": 0}]}`},
	{name: "required missing", drop: []string{"customer"}},
	{name: "required null", patch: `{"subject": null}`},
	{name: "required blank", patch: `{"subject": ""}`},
	{name: "required sub-table missing", drop: []string{"items"}},
	{name: "required sub-table empty", patch: `{"items": []}`},
	{name: "too short", patch: `{"subject": "ab"}`},
	{name: "too long", patch: `{"subject": "` + strings.Repeat("x", 81) + `"}`},
	{name: "pattern", patch: `{"po_number": "PO-12"}`},
	{name: "e-mail", patch: `{"contact_email": "ann(at)example.com"}`},
	{name: "phone", patch: `{"contact_phone": "call me"}`},
	{name: "url scheme", patch: `{"website": "ftp://example.com"}`},
	{name: "url without scheme", patch: `{"website": "example.com"}`},
	{name: "no such date", patch: `{"order_date": "2026-02-30"}`},
	{name: "not a datetime", patch: `{"deliver_at": "tomorrow"}`},
	{name: "relation id zero", patch: `{"customer": 0}`},
	{name: "negative id in a list", patch: `{"contacts": [4, -1]}`},
	{name: "user by name", patch: `{"sales_rep": "ann"}`},
	{name: "too many files", patch: `{"attachments": ["a", "b", "c", "d"]}`},
	{name: "empty file id", patch: `{"attachments": [""]}`},
	{name: "row not an object", patch: `{"items": ["a"]}`},
	{name: "row unknown field", patch: `{"items": [{"product": 3, "qty": 2, "unit_price": 1, "colour": "red"}]}`},
	{name: "row formula field", patch: `{"items": [{"product": 3, "qty": 2, "unit_price": 1, "line_total": 2}]}`},
	{name: "row required missing", patch: `{"items": [{"product": 3, "qty": 2}]}`},
	{name: "too many rows", patch: `{"items": [` +
		strings.Repeat(`{"product": 1, "qty": 1, "unit_price": 1}, `, 1000) + `{"product": 1, "qty": 1, "unit_price": 1}]}`},

	// the server is lenient: spreadsheet and hand-typed forms
	{name: "integer as digits", patch: `{"priority": "3"}`, server: true,
		why: "Prepare takes CSV cells; JSON clients send numbers"},
	{name: "option label", patch: `{"region": "East China 华东"}`, server: true,
		why: "Prepare maps labels to values for spreadsheets; the studio sends values"},
	{name: "boolean word", patch: `{"urgent": "否"}`, server: true, why: "CSV cells"},
	{name: "date with slashes", patch: `{"order_date": "2026/3/31"}`, server: true, why: "CSV cells; format date is RFC 3339"},
	{name: "datetime without offset", patch: `{"order_date": "2026-03-31", "deliver_at": "2026-04-02T09:30"}`, server: true,
		why: "the server reads it as UTC; date-time needs seconds and an offset"},
	{name: "decimal with separators", patch: `{"weight": "1,234.5"}`, server: true, why: "CSV cells"},
	{name: "option twice", patch: `{"tags": ["vip", "vip"]}`, server: true,
		why: "the server drops repeats; the schema says uniqueItems"},
	{name: "blank optional text", patch: `{"po_number": ""}`, server: true,
		why: "the server treats blank as empty; the schema's empty is null"},
	{name: "padded text", patch: `{"subject": "` + strings.Repeat("x", 80) + ` "}`, server: true,
		why: "the server trims before checking the length"},
	{name: "attachment objects", patch: `{"attachments": [{"id": "f_1"}]}`, server: true,
		why: "records are read with attachment objects; create takes ids"},
	{name: "underscore in e-mail domain", patch: `{"contact_email": "ann@mail_1.example.com"}`, server: true,
		why: "net/mail allows it; format email asks for a hostname"},

	// the schema cannot see everything
	{name: "rule broken", patch: `{"order_date": "2026-03-31", "deliver_at": "2026-03-30T10:00:00Z"}`, schema: true,
		why: "rules are x-rules, for the studio to evaluate"},
	{name: "rule without field broken", patch: `{"urgent": true}`, schema: true, why: "x-rules"},
	{name: "conditionally required missing", patch: `{` + bigOrder + `}`, schema: true,
		why: "contract_no is required only when visible: x-required-if"},
	{name: "integer written as a fraction", patch: `{"priority": 3.0}`, server: true, schema: true},
	{name: "decimal beyond storage", patch: `{"weight": "99999999999999999"}`, schema: true,
		why: "the server stores minor units in a BIGINT; the schema sets no bound"},
	{name: "quoted e-mail", patch: `{"contact_email": "\"ann b\"@example.com"}`, schema: true,
		why: "format email allows quoted local parts; net/mail unquotes them"},
}

func TestRecordSchemaAgreesWithValidate(t *testing.T) {
	t.Parallel()
	form := compileRecordSchemaForm(t, "order")
	schema := compileRecordSchema(t, form.RecordSchema())
	for _, tc := range recordSchemaCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if tc.server != tc.schema && tc.why == "" {
				t.Fatal("server and schema disagree; say why")
			}
			body := recordSchemaBody(t, tc)
			_, err := form.Validate(forms.Write{Input: decodeRecordSchemaBody(t, body), Actor: forms.Actor{ID: 7}})
			if got := err == nil; got != tc.server {
				t.Errorf("Validate accepts = %v, want %v: %v", got, tc.server, err)
			}
			err = schema.Validate(decodeRecordSchemaBody(t, body))
			if got := err == nil; got != tc.schema {
				t.Errorf("schema accepts = %v, want %v: %v", got, tc.schema, err)
			}
		})
	}
}

// recordSchemaBody applies tc to the base body.
func recordSchemaBody(t *testing.T, tc recordSchemaCase) []byte {
	t.Helper()
	body := decodeRecordSchemaBody(t, []byte(recordSchemaBase))
	if tc.patch != "" {
		for k, v := range decodeRecordSchemaBody(t, []byte(tc.patch)) {
			body[k] = v
		}
	}
	for _, k := range tc.drop {
		delete(body, k)
	}
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func decodeRecordSchemaBody(t *testing.T, b []byte) map[string]any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return m
}

// compileRecordSchema compiles schema the way the studio runs it: draft
// 2020-12 with formats asserted and the x-scale keyword enforced.
func compileRecordSchema(t *testing.T, schema map[string]any) *jsonschema.Schema {
	t.Helper()
	b, err := json.Marshal(schema)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	c.AssertFormat = true
	c.RegisterExtension("x-scale", xScaleMeta, xScaleCompiler{})
	url := schema["$id"].(string)
	if err := c.AddResource(url, bytes.NewReader(b)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile the record schema: %#v", err)
	}
	return s
}

var xScaleMeta = jsonschema.MustCompileString("x-scale.json", `{
	"properties": {"x-scale": {"type": "integer", "minimum": 0}}
}`)

// xScaleCompiler implements "x-scale": a decimal, as a JSON number or a
// numeric string, has at most that many decimal places (trailing zeros
// aside). Exact, unlike multipleOf in a floating-point validator.
type xScaleCompiler struct{}

func (xScaleCompiler) Compile(_ jsonschema.CompilerContext, m map[string]any) (jsonschema.ExtSchema, error) {
	n, ok := m["x-scale"].(json.Number)
	if !ok {
		return nil, nil
	}
	scale, err := n.Int64()
	return xScale(scale), err
}

type xScale int32

func (s xScale) Validate(ctx jsonschema.ValidationContext, v any) error {
	var text string
	switch x := v.(type) {
	case json.Number:
		text = string(x)
	case string:
		text = x
	default:
		return nil
	}
	d, err := decimal.NewFromString(text)
	if err != nil {
		return nil // note: not a number at all is the pattern's to report.
	}
	if !d.Equal(d.Round(int32(s))) {
		return ctx.Error("x-scale", "has more than %d decimal places", int(s))
	}
	return nil
}
