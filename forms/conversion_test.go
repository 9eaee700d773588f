package forms_test

import (
	"slices"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
)

type compiledForms map[string]*forms.Compiled

func (s compiledForms) Form(key string) (*forms.Compiled, bool) { c, ok := s[key]; return c, ok }

const offerForm = `{"kind":"form","key":"offer","title":"Offer","fields":[
 {"key":"customer","type":"relation","label":"Customer","target":"customer"},
 {"key":"state","type":"select","label":"State","options":[{"value":"open","label":"Open"},{"value":"won","label":"Won"}]},
 {"key":"note","type":"text","label":"Note"},
 {"key":"rows","type":"sub_table","label":"Rows","fields":[
   {"key":"product","type":"relation","label":"Product","target":"product"},
   {"key":"n","type":"integer","label":"N"},
   {"key":"price","type":"money","label":"Price"}]}]}`

// deal converts offers; conversions is its "conversions" JSON.
func deal(conversions string) string {
	return `{"kind":"form","key":"deal","title":"Deal","fields":[
 {"key":"customer","type":"relation","label":"Customer","target":"customer","required":true},
 {"key":"offer","type":"relation","label":"Offer","target":"offer"},
 {"key":"title","type":"text","label":"Title"},
 {"key":"total","type":"formula","label":"Total","formula":"sum(items, .qty * .unit_price)","result":"money"},
 {"key":"items","type":"sub_table","label":"Items","fields":[
   {"key":"product","type":"relation","label":"Product","target":"product"},
   {"key":"qty","type":"integer","label":"Qty"},
   {"key":"unit_price","type":"money","label":"Unit price"}]}],
 "conversions": ` + conversions + `}`
}

func TestConversionCompiles(t *testing.T) {
	t.Parallel()
	known := knownForms{"customer": true, "product": true, "offer": true}
	compile := func(src string) *forms.Compiled {
		f, err := forms.Parse([]byte(src))
		if err != nil {
			t.Fatal(err)
		}
		c, err := forms.Compile(f, 1, known, forms.DefaultTypes())
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	offer := compile(offerForm)
	set := compiledForms{"offer": offer}

	good := compile(deal(`[{"key": "from_offer", "from": "offer", "link": "offer", "when": "state == \"won\"",
		"set": {"customer": "customer", "title": "\"Deal: \" + note"},
		"lines": {"items": {"from": "rows", "set": {"product": "product", "qty": "n", "unit_price": "price"}}}}]`))
	if ps := good.CompileConversions(set); len(ps) > 0 {
		t.Fatalf("problems %v", ps)
	}
	cv, ok := good.Conversion("from_offer")
	if !ok {
		t.Fatal("no conversion from_offer")
	}
	src, err := offer.Validate(forms.Write{Input: map[string]any{"customer": 3, "state": "won", "note": "机床",
		"rows": []any{map[string]any{"product": 9, "n": 2, "price": "10.50"}}}})
	if err != nil {
		t.Fatal(err)
	}
	src["id"] = int64(42)
	in, err := cv.Input(src, forms.Actor{ID: 1})
	if err != nil {
		t.Fatal(err)
	}
	rec, err := good.Validate(forms.Write{Input: in, Trusted: true})
	if err != nil {
		t.Fatalf("the converted input does not validate: %v (%v)", err, in)
	}
	if rec["offer"] != int64(42) || rec["title"] != "Deal: 机床" || rec["total"].(interface{ String() string }).String() != "21" {
		t.Errorf("converted deal %v", rec)
	}
	src["state"] = "open"
	if _, err := cv.Input(src, forms.Actor{ID: 1}); err == nil {
		t.Error("an offer that is not won converts")
	} else if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Path != "/when" {
		t.Errorf("refusal %v, want a problem at /when", err)
	}

	for _, c := range []struct{ conversions, path string }{
		{`[{"key": "x", "from": "nowhere"}]`, "/conversions/0/from"},
		{`[{"key": "x", "from": "offer", "link": "title"}]`, "/conversions/0/link"},
		{`[{"key": "x", "from": "offer", "set": {"nope": "note"}}]`, "/conversions/0/set/nope"},
		{`[{"key": "x", "from": "offer", "set": {"total": "1"}}]`, "/conversions/0/set/total"},
		{`[{"key": "x", "from": "offer", "set": {"title": "state +"}}]`, "/conversions/0/set/title"},
		{`[{"key": "x", "from": "offer", "set": {"customer": "note"}}]`, "/conversions/0/set/customer"},
		{`[{"key": "x", "from": "offer", "when": "nope > 1"}]`, "/conversions/0/when"},
		{`[{"key": "x", "from": "offer", "lines": {"title": {"from": "rows", "set": {}}}}]`, "/conversions/0/lines/title"},
		{`[{"key": "x", "from": "offer", "lines": {"items": {"from": "note", "set": {}}}}]`, "/conversions/0/lines/items/from"},
		{`[{"key": "x", "from": "offer", "lines": {"items": {"from": "rows", "set": {"qty": "note"}}}}]`, "/conversions/0/lines/items/set/qty"},
		{`[{"key": "x", "from": "offer"}, {"key": "x", "from": "offer"}]`, "/conversions/1/key"},
	} {
		ps := compile(deal(c.conversions)).CompileConversions(set)
		if !slices.ContainsFunc(ps, func(p forms.Problem) bool { return p.Path == c.path && p.Message != "" }) {
			t.Errorf("%s: problems %v, want one at %s", c.conversions, ps, c.path)
		}
	}
}
