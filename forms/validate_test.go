package forms_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
)

type knownForms map[string]bool

func (k knownForms) HasForm(key string) bool { return k[key] }

// compileJSON compiles a form definition written in a test.
func compileJSON(t testing.TB, src string, version int) *forms.Compiled {
	t.Helper()
	f, err := forms.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, err := forms.Compile(f, version, knownForms{"customer": true, "product": true}, forms.DefaultTypes())
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

const orderForm = `{"kind":"form","key":"sale","title":"Sale","fields":[
 {"key":"number","type":"auto_number","label":"Number","format":"S-{yyyy}-{seq:4}","unique":true},
 {"key":"customer","type":"relation","label":"Customer","target":"customer"},
 {"key":"title","type":"text","label":"Title","required":true,"max_length":20},
 {"key":"email","type":"email","label":"E-mail"},
 {"key":"kind","type":"select","label":"Kind","options":[{"value":"std","label":"Standard"},{"value":"urgent","label":"Urgent"}],"default":"\"std\""},
 {"key":"tags","type":"multi_select","label":"Tags","options":[{"value":"a","label":"A"},{"value":"b","label":"B"}]},
 {"key":"due","type":"date","label":"Due"},
 {"key":"discount","type":"percent","label":"Discount","min":0,"max":0.5,"default":"0"},
 {"key":"lines","type":"sub_table","label":"Lines","fields":[
   {"key":"qty","type":"integer","label":"Qty","required":true,"min":1},
   {"key":"price","type":"money","label":"Price","required":true},
   {"key":"total","type":"formula","label":"Total","formula":"qty * price","result":"money"}]},
 {"key":"subtotal","type":"formula","label":"Subtotal","formula":"sum(lines, .total)","result":"money"},
 {"key":"amount","type":"formula","label":"Amount","formula":"subtotal * (1 - discount)","result":"money"},
 {"key":"big","type":"boolean","label":"Big deal","visible_if":"amount > 1000"}
],"rules":[{"key":"urgent_due","expr":"kind != \"urgent\" || due != nil","message":"Urgent sales need a due date","field":"due"}]}`

func decodeInput(t testing.TB, s string) map[string]any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return m
}

func TestValidateComputesFormulasAndDefaults(t *testing.T) {
	t.Parallel()
	c := compileJSON(t, orderForm, 1)
	rec, err := c.Validate(forms.Write{Input: decodeInput(t, `{"title":"Big","lines":[{"qty":3,"price":"400.10"},{"qty":1,"price":0.2}],"discount":0.1,"big":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	out := c.JSON(rec, nil)
	got, _ := json.Marshal([]any{out["subtotal"], out["amount"], out["kind"], out["big"], out["lines"].([]any)[0].(map[string]any)["total"]})
	if string(got) != `[1200.50,1080.45,"std",true,1200.30]` {
		t.Errorf("computed values: %s", got)
	}
}

func TestValidateHidesInvisibleFields(t *testing.T) {
	t.Parallel()
	c := compileJSON(t, orderForm, 1)
	rec, err := c.Validate(forms.Write{Input: decodeInput(t, `{"title":"Small","lines":[{"qty":1,"price":5}],"big":true}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, kept := rec["big"]; kept {
		t.Errorf("a field whose visibility condition is false must not keep its value")
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	c := compileJSON(t, orderForm, 1)
	cases := []struct {
		name, input string
		want        []string // "path code"
	}{
		{"missing required", `{}`, []string{"/title validation_required"}},
		{"too long", `{"title":"123456789012345678901"}`, []string{"/title validation_too_long"}},
		{"bad email", `{"title":"x","email":"nope"}`, []string{"/email validation_invalid_value"}},
		{"not an option", `{"title":"x","kind":"slow"}`, []string{"/kind validation_not_an_option"}},
		{"label accepted as option", `{"title":"x","kind":"Urgent","due":"2026-01-01"}`, nil},
		{"multi not a list", `{"title":"x","tags":5}`, []string{"/tags validation_invalid_type"}},
		{"bad date", `{"title":"x","due":"2026-02-30"}`, []string{"/due validation_invalid_type"}},
		{"percent over max", `{"title":"x","discount":0.9}`, []string{"/discount validation_too_large"}},
		{"too many decimals", `{"title":"x","lines":[{"qty":1,"price":"1.001"}]}`, []string{"/lines/0/price validation_too_many_decimals"}},
		{"row problems", `{"title":"x","lines":[{"qty":0,"price":1},{"price":1}]}`,
			[]string{"/lines/0/qty validation_too_small", "/lines/1/qty validation_required"}},
		{"computed field", `{"title":"x","amount":5}`, []string{"/amount validation_read_only"}},
		{"system field", `{"title":"x","row_version":5}`, []string{"/row_version validation_read_only"}},
		{"unknown field", `{"title":"x","colour":"red"}`, []string{"/colour validation_unknown_field"}},
		{"rule", `{"title":"x","kind":"urgent"}`, []string{"/due validation_rule"}},
		{"relation id", `{"title":"x","customer":"abc"}`, []string{"/customer validation_invalid_type"}},
		{"several at once", `{"email":"x","discount":-1}`,
			[]string{"/title validation_required", "/email validation_invalid_value", "/discount validation_too_small"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.Validate(forms.Write{Input: decodeInput(t, tc.input)})
			var got []string
			if pl, ok := forms.AsProblems(err); ok {
				for _, p := range pl.Problems {
					got = append(got, p.Path+" "+p.Code)
				}
			} else if err != nil {
				t.Fatalf("unexpected error kind: %v", err)
			}
			if strings.Join(got, ",") != strings.Join(tc.want, ",") {
				t.Errorf("problems %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCompileReportsMistakesWithPositions(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, fields string
		want         string // "path code line:col"
	}{
		{"reserved key", `[{"key":"id","type":"text","label":"Id"}]`, "/fields/0/key definition_reserved_key 0:0"},
		{"duplicate key", `[{"key":"a","type":"text","label":"A"},{"key":"a","type":"text","label":"A"}]`, "/fields/1/key definition_duplicate_key 0:0"},
		{"formula syntax", `[{"key":"a","type":"integer","label":"A"},{"key":"f","type":"formula","label":"F","formula":"a +* 2"}]`, "/fields/1/formula definition_invalid_expression 1:4"},
		{"unknown name", `[{"key":"f","type":"formula","label":"F","formula":"1 + nope"}]`, "/fields/0/formula definition_invalid_expression 1:5"},
		{"type mismatch", `[{"key":"a","type":"text","label":"A"},{"key":"f","type":"formula","label":"F","formula":"a > 2","result":"boolean"}]`, "/fields/1/formula definition_invalid_expression 1:3"},
		{"wrong result type", `[{"key":"f","type":"formula","label":"F","formula":"\"x\"","result":"money"}]`, "/fields/0/formula definition_invalid_expression 1:1"},
		{"cycle", `[{"key":"a","type":"formula","label":"A","formula":"b + 1"},{"key":"b","type":"formula","label":"B","formula":"a + 1"}]`, "/fields/1/formula definition_formula_cycle 0:0"},
		{"unknown target", `[{"key":"r","type":"relation","label":"R","target":"nowhere"}]`, "/fields/0/target definition_unknown_target 0:0"},
		{"bad pattern", `[{"key":"a","type":"text","label":"A","pattern":"("}]`, "/fields/0/pattern definition_invalid_setting 0:0"},
		{"bad auto number", `[{"key":"n","type":"auto_number","label":"N","format":"X-{yyyy}"}]`, "/fields/0/format definition_invalid_setting 0:0"},
		{"visible_if not bool", `[{"key":"a","type":"text","label":"A","visible_if":"a"}]`, "/fields/0/visible_if definition_invalid_expression 0:0"},
		{"nested sub-table", `[{"key":"s","type":"sub_table","label":"S","fields":[{"key":"t","type":"sub_table","label":"T","fields":[{"key":"x","type":"text","label":"X"}]}]}]`, "/fields/0/fields/0/type definition_invalid_setting 0:0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := forms.Parse([]byte(`{"kind":"form","key":"t","title":"T","fields":` + tc.fields + `}`))
			if err != nil {
				t.Fatal(err)
			}
			_, err = forms.Compile(f, 1, knownForms{}, forms.DefaultTypes())
			pl, ok := forms.AsProblems(err)
			if !ok || len(pl.Problems) == 0 {
				t.Fatalf("want problems, got %v", err)
			}
			p := pl.Problems[0]
			got := p.Path + " " + p.Code
			wantParts := strings.SplitN(tc.want, " ", 3)
			if got != wantParts[0]+" "+wantParts[1] {
				t.Errorf("got %s (%s), want %s", got, p.Message, tc.want)
			}
			if wantParts[2] != "0:0" {
				pos := strings.Split(wantParts[2], ":")
				if strconv.Itoa(p.Line) != pos[0] || strconv.Itoa(p.Column) != pos[1] {
					t.Errorf("position %d:%d, want %s (%s)", p.Line, p.Column, wantParts[2], p.Message)
				}
			}
		})
	}
}
