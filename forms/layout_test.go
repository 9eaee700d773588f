package forms_test

import (
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
)

func TestLayoutNamesOnlyFieldsOfTheForm(t *testing.T) {
	t.Parallel()
	const fields = `[{"key":"a","type":"text","label":"A"},{"key":"b","type":"integer","label":"B"},
		{"key":"lines","type":"sub_table","label":"Lines","fields":[{"key":"qty","type":"integer","label":"Qty"}]}]`
	cases := []struct {
		name, layout string
		want         []string // "path code"
	}{
		{"none", `null`, nil},
		{"sections and tabs", `{"sections":[{"title":"Top","columns":2,"fields":["a"]}],"tabs":[{"title":"More","sections":[{"fields":["b","lines"]}]}]}`, nil},
		{"a field left out is fine", `{"sections":[{"fields":["b"]}]}`, nil},
		{"unknown field", `{"sections":[{"fields":["a","nope"]}]}`, []string{"/layout/sections/0/fields/1 definition_unknown_field"}},
		{"sub-table column", `{"tabs":[{"title":"T","sections":[{"fields":["qty"]}]}]}`, []string{"/layout/tabs/0/sections/0/fields/0 definition_unknown_field"}},
		{"placed twice", `{"sections":[{"fields":["a"]}],"tabs":[{"title":"T","sections":[{"fields":["b","a"]}]}]}`, []string{"/layout/tabs/0/sections/0/fields/1 definition_duplicate_key"}},
		{"four columns", `{"sections":[{"columns":4,"fields":["a"]}]}`, []string{"/layout/sections/0/columns definition_invalid_setting"}},
		{"not an object", `[1]`, []string{"/layout definition_invalid_setting"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := forms.Parse([]byte(`{"kind":"form","key":"t","title":"T","fields":` + fields + `,"layout":` + tc.layout + `}`))
			if err != nil {
				t.Fatal(err)
			}
			_, err = forms.Compile(f, 1, knownForms{}, forms.DefaultTypes())
			var got []string
			if pl, ok := forms.AsProblems(err); ok {
				for _, p := range pl.Problems {
					got = append(got, p.Path+" "+p.Code)
				}
			} else if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("problems %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("problem %d = %s, want %s", i, got[i], tc.want[i])
				}
			}
		})
	}
}
