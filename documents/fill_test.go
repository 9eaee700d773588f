package documents_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/documents"
	"github.com/mosaic-lowcode/mosaic/forms"
)

type formSet map[string]*forms.Compiled

func (s formSet) Form(key string) (*forms.Compiled, bool) { c, ok := s[key]; return c, ok }
func (s formSet) HasForm(key string) bool                 { _, ok := s[key]; return ok }

func compileForm(t *testing.T, set formSet, raw string) *forms.Compiled {
	t.Helper()
	f, err := forms.Parse([]byte(raw))
	if err != nil {
		t.Fatal(err)
	}
	c, err := forms.Compile(f, 1, set, forms.DefaultTypes())
	if err != nil {
		t.Fatal(err)
	}
	set[f.Key] = c
	return c
}

// A template resolves its paths through relations and sub-tables; Fill
// prints labels, option labels, grouped money and the linked record's
// fields, and leaves out what the reader may not read.
func TestCompileAndFill(t *testing.T) {
	t.Parallel()
	set := formSet{}
	compileForm(t, set, `{"kind": "form", "key": "client", "title": "Client", "fields": [{"key": "name", "type": "text", "label": "Name 名称"}]}`)
	compileForm(t, set, `{"kind": "form", "key": "offer", "title": "Offer", "fields": [
		{"key": "client", "type": "relation", "label": "Client", "target": "client"},
		{"key": "status", "type": "select", "label": "Status", "options": [{"value": "sent", "label": "Sent 已发送"}]},
		{"key": "secret", "type": "money", "label": "Cost 成本"},
		{"key": "files", "type": "attachment", "label": "Files", "accept": ["application/pdf"]},
		{"key": "lines", "type": "sub_table", "label": "Lines", "fields": [
			{"key": "what", "type": "text", "label": "What"}, {"key": "price", "type": "money", "label": "Price 价格"}]}]}`)
	tpl, err := documents.Parse([]byte(`{"kind": "document", "key": "offer_pdf", "title": "Offer", "form": "offer", "heading": "报价 Offer", "attach": "files",
		"sections": [{"fields": ["client.name", "status", "secret"], "labels": {"client.name": "客户 Client"}},
			{"table": "lines", "columns": ["what", "price"]}, {"text": "Thank you 谢谢"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	c, err := documents.Compile(tpl, 1, set)
	if err != nil {
		t.Fatal(err)
	}
	rec, err := set["offer"].Validate(forms.Write{Input: map[string]any{"client": 7, "status": "sent", "secret": "10",
		"lines": []any{map[string]any{"what": "机床", "price": "1234567.5"}}}})
	if err != nil {
		t.Fatal(err)
	}
	related := documents.Related{"client": {7: forms.Record{"id": int64(7), "name": "上海明远"}}}
	page := c.Fill(rec, related, func(path string) bool { return path != "secret" })
	if page.Heading != "报价 Offer" || len(page.Blocks) != 3 || page.Blocks[2].Text != "Thank you 谢谢" {
		t.Fatalf("page %+v", page)
	}
	if want := [][2]string{{"客户 Client", "上海明远"}, {"Status", "Sent 已发送"}}; !slices.Equal(page.Blocks[0].Pairs, want) {
		t.Errorf("pairs %q, want %q (the cost hidden)", page.Blocks[0].Pairs, want)
	}
	if tb := page.Blocks[1].Table; tb == nil || !slices.Equal(tb.Rows[0], []string{"机床", "1,234,567.50"}) || !tb.Numeric[1] {
		t.Errorf("table %+v", page.Blocks[1].Table)
	}

	for _, bad := range []struct{ body, path string }{
		{`"form": "nope", "attach": "files", "sections": [{"text": "x"}]`, "/form"},
		{`"form": "offer", "attach": "status", "sections": [{"text": "x"}]`, "/attach"},
		{`"form": "offer", "attach": "files", "sections": [{"fields": ["client.nope"]}]`, "/sections/0/fields/0"},
		{`"form": "offer", "attach": "files", "sections": [{"fields": ["status.name"]}]`, "/sections/0/fields/0"},
		{`"form": "offer", "attach": "files", "sections": [{"table": "lines", "columns": ["what", "nope"]}]`, "/sections/0/columns/1"},
		{`"form": "offer", "attach": "files", "sections": [{"fields": ["status"], "text": "both"}]`, "/sections/0"},
	} {
		tpl, _ := documents.Parse([]byte(`{"kind": "document", "key": "bad", "title": "Bad", "heading": "H", ` + bad.body + `}`))
		_, err := documents.Compile(tpl, 1, set)
		pl, ok := forms.AsProblems(err)
		if !ok || !slices.ContainsFunc(pl.Problems, func(p forms.Problem) bool { return p.Path == bad.path }) {
			t.Errorf("%s: %v, want a problem at %s", bad.body, err, bad.path)
		}
		if ok && strings.TrimSpace(pl.Problems[0].Message) == "" {
			t.Errorf("%s: a problem without a message", bad.body)
		}
	}
}
