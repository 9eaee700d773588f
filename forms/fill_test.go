package forms_test

import (
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
)

// fillDef is a deal form whose last line column is col and whose header
// field extra follows its relation headline.
func fillDef(header, col string) string {
	return `{"kind":"form","key":"deal","title":"Deal","fields":[
 {"key":"headline","type":"relation","label":"Headline","target":"product"},
 {"key":"many","type":"relation","label":"Many","target":"product","multiple":true},
 ` + header + `,
 {"key":"lines","type":"sub_table","label":"Lines","fields":[
   {"key":"item","type":"relation","label":"Item","target":"product"},
   {"key":"qty","type":"integer","label":"Qty"},
   ` + col + `]}]}`
}

func compileProblems(t *testing.T, src string) []string {
	t.Helper()
	f, err := forms.Parse([]byte(src))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, err := forms.Compile(f, 1, knownForms{"product": true}, forms.DefaultTypes())
	var ps []forms.Problem
	if pl, ok := forms.AsProblems(err); ok {
		ps = pl.Problems
	} else if err != nil {
		t.Fatal(err)
	} else {
		ps = c.CheckFills(formMap{"product": compileJSON(t, itemForm, 1)})
	}
	var out []string
	for _, p := range ps {
		out = append(out, p.Path+" "+p.Code)
	}
	return out
}

func TestFillDefinitionProblems(t *testing.T) {
	t.Parallel()
	const note = `{"key":"note","type":"text","label":"Note"}`
	const price = `{"key":"price","type":"money","label":"Price"}`
	scenarios := []struct {
		name, header, col, want string
	}{
		{"fine", `{"key":"note","type":"text","label":"Note","fill":{"from":"headline","field":"name"}}`,
			`{"key":"price","type":"money","label":"Price","fill":{"from":"item","field":"price","mode":"empty"}}`, ""},
		{"from a field that is not a relation", `{"key":"note","type":"text","label":"Note","fill":{"from":"lines","field":"name"}}`, price,
			"/fields/2/fill/from definition_invalid_setting"},
		{"from a multiple relation", `{"key":"note","type":"text","label":"Note","fill":{"from":"many","field":"name"}}`, price,
			"/fields/2/fill/from definition_invalid_setting"},
		{"from the parent's relation in a row", note, `{"key":"price","type":"money","label":"Price","fill":{"from":"headline","field":"price"}}`,
			"/fields/3/fields/2/fill/from definition_invalid_setting"},
		{"a formula", `{"key":"note","type":"formula","label":"Note","formula":"1","fill":{"from":"headline","field":"price"}}`, price,
			"/fields/2/fill definition_invalid_setting"},
		{"an auto-number", `{"key":"note","type":"auto_number","label":"Note","format":"N-{seq:3}","fill":{"from":"headline","field":"name"}}`, price,
			"/fields/2/fill definition_invalid_setting"},
		{"an unknown mode", note, `{"key":"price","type":"money","label":"Price","fill":{"from":"item","field":"price","mode":"always"}}`,
			"/fields/3/fields/2/fill/mode definition_invalid_setting"},
		{"a field the target lacks", note, `{"key":"price","type":"money","label":"Price","fill":{"from":"item","field":"colour"}}`,
			"/fields/3/fields/2/fill/field definition_unknown_field"},
		{"a text from money", `{"key":"note","type":"text","label":"Note","fill":{"from":"headline","field":"price"}}`, price,
			"/fields/2/fill/field definition_invalid_setting"},
		{"an integer from money", note, `{"key":"price","type":"integer","label":"Price","fill":{"from":"item","field":"price"}}`,
			"/fields/3/fields/2/fill/field definition_invalid_setting"},
		{"a relation filled from itself", `{"key":"note","type":"relation","label":"Note","target":"product","fill":{"from":"note","field":"name"}}`, price,
			"/fields/2/fill/from definition_fill_cycle"},
	}
	for _, s := range scenarios {
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if got := strings.Join(compileProblems(t, fillDef(s.header, s.col)), ","); got != s.want {
				t.Errorf("problems %q, want %q", got, s.want)
			}
		})
	}
}

func TestFillCycleThroughTwoRelations(t *testing.T) {
	t.Parallel()
	src := `{"kind":"form","key":"deal","title":"Deal","fields":[
 {"key":"a","type":"relation","label":"A","target":"deal","fill":{"from":"b","field":"a"}},
 {"key":"b","type":"relation","label":"B","target":"deal","fill":{"from":"a","field":"b"}}]}`
	if got := strings.Join(compileProblems(t, src), ","); got != "/fields/0/fill/from definition_fill_cycle" {
		t.Errorf("problems %q", got)
	}
}
