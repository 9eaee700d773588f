package forms_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func init() {
	// note: other golden tests in this package may define -update too; a
	// second definition would panic, so define it only when missing.
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite golden files")
	}
}

func updateGolden() bool {
	f := flag.Lookup("update")
	if f == nil {
		return false
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return false
	}
	b, _ := g.Get().(bool)
	return b
}

// filterFormJSON is the form every filter test uses: one field of each kind
// a filter treats differently.
const filterFormJSON = `{
  "kind": "form", "key": "deal", "title": "Deal",
  "fields": [
    {"key": "code", "type": "text", "label": "Code"},
    {"key": "name", "type": "text", "label": "Name"},
    {"key": "email", "type": "email", "label": "E-mail"},
    {"key": "qty", "type": "integer", "label": "Quantity"},
    {"key": "amount", "type": "money", "label": "Amount", "currency": "CNY"},
    {"key": "rate", "type": "percent", "label": "Rate"},
    {"key": "due", "type": "date", "label": "Due"},
    {"key": "closed_at", "type": "datetime", "label": "Closed at"},
    {"key": "active", "type": "boolean", "label": "Active"},
    {"key": "stage", "type": "select", "label": "Stage", "options": [
      {"value": "lead", "label": "Lead"}, {"value": "won", "label": "Won"}, {"value": "lost", "label": "Lost"}]},
    {"key": "tags", "type": "multi_select", "label": "Tags", "options": [
      {"value": "vip", "label": "VIP customer"}, {"value": "east", "label": "East region"},
      {"value": "west", "label": "West region"}]},
    {"key": "customer", "type": "relation", "label": "Customer", "target": "customer"},
    {"key": "contacts", "type": "relation", "label": "Contacts", "target": "contact", "multiple": true},
    {"key": "double", "type": "formula", "label": "Double", "formula": "amount * 2", "result": "money"},
    {"key": "files", "type": "attachment", "label": "Files"},
    {"key": "lines", "type": "sub_table", "label": "Lines", "fields": [
      {"key": "sku", "type": "text", "label": "SKU"}]}
  ]
}`

type anyForm struct{}

func (anyForm) HasForm(string) bool { return true }

// filterActor is who runs the filters: user.id is 7.
var filterActor = forms.Actor{ID: 7, Email: "ann@example.com", Name: "Acme", Attrs: map[string]any{"tags": []any{"a"}}}

func compileFilterForm(t testing.TB) *forms.Compiled {
	t.Helper()
	form, err := forms.Parse([]byte(filterFormJSON))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	c, err := forms.Compile(form, 1, anyForm{}, forms.DefaultTypes())
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return c
}

// filterRows are the records the filters run on, by code. Every column not
// given is empty (NULL).
var filterRows = []map[string]any{
	{"code": "a", "name": "Acme 50% off", "email": "ann@example.com", "qty": 5, "amount": "100000.00", "rate": "0.15",
		"due": "2026-01-01", "closed_at": "2026-01-01T08:00:00Z", "active": true, "stage": "won",
		"tags": []any{"vip", "east"}, "customer": 1, "contacts": []any{1, 2}, "owner": 7, "flow_status": "approved"},
	{"code": "b", "name": "acme corp", "email": "bob@example.com", "qty": 10, "amount": "100000.01", "rate": "0.2",
		"due": "2026-01-02", "closed_at": "2026-01-02T00:30:00+08:00", "active": false, "stage": "lead",
		"tags": []any{"east"}, "customer": 2, "contacts": []any{2}, "owner": 7},
	{"code": "c", "name": "Beta 50 off", "qty": 0, "amount": "99999.99", "due": "2025-12-31", "active": true,
		"stage": "lost", "owner": 8},
	{"code": "d", "owner": 8},
	{"code": "e", "name": "O'Brien", "qty": -3, "amount": "-20.50", "due": "2025-03-15", "stage": "won",
		"tags": []any{"west"}, "customer": 3, "owner": 9},
	{"code": "f", "name": "日本語テスト", "qty": 7, "amount": "0.50", "due": "2999-12-31",
		"closed_at": "2999-01-01T00:00:00Z", "stage": "lead", "tags": []any{"vip"}, "contacts": []any{3}, "owner": 9},
	{"code": "g", "name": "under_score", "qty": 2, "amount": "100", "active": false, "owner": 9},
	{"code": "h", "name": "Straße Ünïcode", "qty": 3, "amount": "12.34", "owner": 9},
	{"code": "i", "name": `back\slash`, "qty": 4, "amount": "5", "owner": 9},
	{"code": "j", "name": "Acme", "qty": 1, "amount": "100000", "active": true, "stage": "lost",
		"tags": []any{"west", "vip"}, "owner": 9},
}

// filterSystemColumns are the system columns of the test table and their
// storage types.
var filterSystemColumns = []store.Column{
	{Name: "created_at", Type: store.TypeTimestamp}, {Name: "created_by", Type: store.TypeBigInt},
	{Name: "updated_at", Type: store.TypeTimestamp}, {Name: "updated_by", Type: store.TypeBigInt},
	{Name: "owner", Type: store.TypeBigInt}, {Name: "row_version", Type: store.TypeBigInt},
	{Name: "flow_status", Type: store.TypeText}, {Name: "form_version", Type: store.TypeBigInt},
}

// seedFilterTable creates the form's table in db, inserts filterRows and
// returns the code of each record id.
func seedFilterTable(t *testing.T, db *store.DB, c *forms.Compiled) map[int64]string {
	t.Helper()
	ctx := context.Background()
	cols := slices.Clone(filterSystemColumns)
	for _, f := range c.Fields() {
		if f.Column == "" {
			continue
		}
		ct, _ := f.Kind.Column(f.Field)
		cols = append(cols, store.Column{Name: f.Column, Type: ct})
	}
	if err := db.CreateTable(ctx, store.Table{Name: c.Table, Columns: cols}); err != nil {
		t.Fatalf("create table: %v", err)
	}
	codes := map[int64]string{}
	for i, row := range filterRows {
		vals := filterRowValues(t, c, row, i)
		id, err := db.Insert(ctx, c.Table, vals)
		if err != nil {
			t.Fatalf("insert %s: %v", row["code"], err)
		}
		codes[id] = row["code"].(string)
	}
	return codes
}

func filterRowValues(t *testing.T, c *forms.Compiled, row map[string]any, i int) []store.Value {
	t.Helper()
	created, err := forms.DefaultTypes()["datetime"].Prepare(nil, fmt.Sprintf("2026-01-01T%02d:00:00Z", i))
	if err != nil {
		t.Fatal(err)
	}
	status, _ := row["flow_status"].(string)
	vals := []store.Value{
		{Column: "created_at", Value: created}, {Column: "updated_at", Value: created},
		{Column: "created_by", Value: int64(row["owner"].(int))}, {Column: "updated_by", Value: int64(row["owner"].(int))},
		{Column: "owner", Value: int64(row["owner"].(int))}, {Column: "row_version", Value: int64(1)},
		{Column: "form_version", Value: int64(1)}, {Column: "flow_status", Value: status},
	}
	for _, f := range c.Fields() {
		raw, ok := row[f.Key]
		if f.Column == "" || !ok {
			continue
		}
		v, err := f.Kind.Prepare(f.Field, raw)
		if err != nil {
			t.Fatalf("row %s, %s: prepare %v: %v", row["code"], f.Key, raw, err)
		}
		dbv, err := f.Kind.ToDB(f.Field, v)
		if err != nil {
			t.Fatalf("row %s, %s: to db: %v", row["code"], f.Key, err)
		}
		vals = append(vals, store.Value{Column: f.Column, Value: dbv})
	}
	return vals
}

// filterCase is a filter and the codes of the records it must match.
type filterCase struct {
	src  string
	want string // codes, e.g. "abj"; "" is none, "*" is every record
}

var filterCases = []filterCase{
	{"", "*"},
	{"   ", "*"},
	// text: exact, case-sensitive, trimmed like stored values
	{`name == "Acme"`, "j"},
	{`name == " Acme "`, "j"},
	{`name == "acme"`, ""},
	{`"Acme" == name`, "j"},
	{`name != "Acme"`, "abcdefghi"},
	{`name in ["Acme", "acme corp"]`, "bj"},
	{`name not in ["Acme", "acme corp"]`, "acdefghi"},
	{`name == nil`, "d"},
	{`name == ""`, "d"},
	{`name != nil`, "abcefghij"},
	// contains and friends: case-sensitive, wildcards are literal
	{`name contains "Acme"`, "aj"},
	{`name contains "acme"`, "b"},
	{`name startsWith "Acme"`, "aj"},
	{`name endsWith "off"`, "ac"},
	{`name contains "50%"`, "a"},
	{`name contains "50"`, "ac"},
	{`name contains "%"`, "a"},
	{`name contains "r_s"`, "g"},
	{`name contains "_"`, "g"},
	{`name contains "\\"`, "i"},
	{`name endsWith "\\slash"`, "i"},
	{`name contains "テスト"`, "f"},
	{`name == "Straße Ünïcode"`, "h"},
	{`name startsWith "Straße"`, "h"},
	{`name contains "straße"`, ""},
	{`name contains ""`, "*"},
	{`not (name contains "Acme")`, "bcdefghi"},
	{`name not contains "Acme"`, "bcdefghi"},
	{`name not startsWith "A"`, "bcdefghi"},
	// SQL-looking input is only ever a value
	{`name == "O'Brien"`, "e"},
	{`name == "x' OR 1=1 --"`, ""},
	{`name == "\" OR \"\"=\""`, ""},
	{`name contains "'; DROP TABLE f_deal; --"`, ""},
	{`name == "Acme' --"`, ""},
	// integers
	{`qty > 3`, "abfi"},
	{`3 < qty`, "abfi"},
	{`qty >= 2.5`, "abfhi"},
	{`qty < 2.5`, "cegj"},
	{`qty == 2.5`, ""},
	{`qty != 2.5`, "*"},
	{`qty > -5 && qty < 1`, "ce"},
	{`qty == -3`, "e"},
	{`qty == -(-3)`, "h"},
	{`1 < qty < 5`, "ghi"},
	{`qty not in [5, 10]`, "cdefghij"},
	{`qty in [1, nil]`, "dj"},
	{`qty not in [1, nil]`, "abcefghi"},
	{`qty in []`, ""},
	{`qty not in []`, "*"},
	{`!(qty > 3)`, "cdeghj"},
	{`qty <= 3`, "ceghj"},
	// money, stored in minor units
	{`amount > 100000`, "b"},
	{`amount > 100_000`, "b"},
	{`amount >= 100000`, "abj"},
	{`100000 <= amount`, "abj"},
	{`amount > 99999.995`, "abj"},
	{`amount >= 99999.995`, "abj"},
	{`amount < 100000.005`, "acefghij"},
	{`amount <= 100000.005`, "acefghij"},
	{`amount == 100000.001`, ""},
	{`amount != 100000.001`, "*"},
	{`amount == 100000.00`, "aj"},
	{`amount < 0`, "e"},
	{`amount == -20.5`, "e"},
	{`amount in [100000, 0.5, 12.345]`, "afj"},
	{`amount == nil`, "d"},
	{`rate >= 0.15`, "ab"},
	{`rate > 0.15`, "b"},
	// dates and times
	{`due >= "2026-01-01"`, "abf"},
	{`due == "2026/1/2"`, "b"},
	{`due < "2026-01-01"`, "ce"},
	{`due > today()`, "f"},
	{`due <= today()`, "abce"},
	{`due == nil`, "dghij"},
	{`closed_at >= "2026-01-01"`, "abf"},
	{`closed_at < "2026-01-01T12:00:00Z"`, "a"},
	{`closed_at > "2026-01-01T09:00:00+08:00"`, "abf"},
	{`closed_at > "2026-01-02T01:00:00+08:00"`, "f"},
	{`closed_at > now()`, "f"},
	{`closed_at == nil`, "cdeghij"},
	{`created_at <= now()`, "*"},
	{`created_at < "2026-01-01T02:00:00Z"`, "ab"},
	// yes/no: empty counts as no
	{`active`, "acj"},
	{`!active`, "bdefghi"},
	{`not active`, "bdefghi"},
	{`active == true`, "acj"},
	{`active == false`, "bdefghi"},
	{`active != true`, "bdefghi"},
	{`false != active`, "acj"},
	{`!!active`, "acj"},
	{`active == nil`, "defhi"},
	{`not active && qty > 3`, "bfi"},
	// select: values and labels
	{`stage == "won"`, "ae"},
	{`stage == "Won"`, "ae"},
	{`stage in ["Lead", "lost"]`, "bcfj"},
	{`stage != "won"`, "bcdfghij"},
	// lists
	{`tags contains "vip"`, "afj"},
	{`tags contains "VIP customer"`, "afj"},
	{`"east" in tags`, "ab"},
	{`"east" not in tags`, "cdefghij"},
	{`not (tags contains "east")`, "cdefghij"},
	{`tags not contains "east"`, "cdefghij"},
	{`tags == nil`, "cdghi"},
	{`tags contains "vip" && tags contains "west"`, "j"},
	// relations
	{`customer == 1`, "a"},
	{`customer in [1, 2]`, "ab"},
	{`customer == nil`, "cdfghij"},
	{`contacts contains 2`, "ab"},
	{`3 in contacts`, "f"},
	// the current user and system columns
	{`owner == user.id`, "ab"},
	{`owner != user.id`, "cdefghij"},
	{`user.id == created_by`, "ab"},
	{`email == user.email`, "a"},
	{`name == user.name`, "j"},
	{`flow_status == "approved"`, "a"},
	{`flow_status == ""`, "bcdefghij"},
	{`flow_status != ""`, "a"},
	{`id > 0`, "*"},
	{`row_version == 1 && form_version == 1`, "*"},
	// logic
	{`(amount > 100000 || stage == "lost") && active`, "cj"},
	{`!(amount >= 100000 && active)`, "bcdefghi"},
	{`not (amount >= 100000 or qty < 0)`, "cdfghi"},
	{`qty > 3 and stage == "won" or qty < 0`, "ae"},
	{`(((qty == 1)))`, "j"},
	{"qty > 3\n&& stage == \"lead\"", "bf"},
}

func TestFilterMatches(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		codes := seedFilterTable(t, db, c)
		for _, tc := range filterCases {
			t.Run(tc.src, func(t *testing.T) {
				t.Parallel()
				cond, err := c.Filter(tc.src, filterActor)
				if err != nil {
					t.Fatalf("Filter(%q): %v", tc.src, err)
				}
				rows, err := db.Select(context.Background(), store.Query{Table: c.Table, Columns: []store.Ident{"id"}, Where: cond})
				if err != nil {
					sql, vars := db.RenderCond(cond)
					t.Fatalf("select %q: %v\n%s %v", tc.src, err, sql, vars)
				}
				if got, want := matchedCodes(t, rows, codes), expectedCodes(tc.want); got != want {
					sql, vars := db.RenderCond(cond)
					t.Errorf("%s\n got %q\nwant %q\nsql: %s %v", tc.src, got, want, sql, vars)
				}
			})
		}
	})
}

func matchedCodes(t *testing.T, rows []store.Row, codes map[int64]string) string {
	t.Helper()
	var got []string
	for _, r := range rows {
		var id int64
		switch v := r["id"].(type) {
		case int64:
			id = v
		case int32:
			id = int64(v)
		default:
			t.Fatalf("id is %T", r["id"])
		}
		got = append(got, codes[id])
	}
	slices.Sort(got)
	return strings.Join(got, "")
}

func expectedCodes(want string) string {
	if want != "*" {
		return want
	}
	var all []string
	for _, r := range filterRows {
		all = append(all, r["code"].(string))
	}
	return strings.Join(all, "")
}

// filterErrorCase is a filter that must be refused, with a part of the
// message and, when not 0, the column.
type filterErrorCase struct {
	src    string
	msg    string
	column int
}

var filterErrorCases = []filterErrorCase{
	{`foo == 1`, `unknown field "foo"`, 1},
	{`name == "a" && bar > 2`, `unknown field "bar"`, 16},
	{`prev == 1`, `unknown field "prev"`, 1},
	{`lines == nil`, "lines is a sub-table", 1},
	{`lines.sku == "x"`, "lines is a sub-table", 1},
	{`name.length > 3`, "name is a field; filters compare whole fields", 0},
	{`amount == "abc"`, "amount is a money field; compare it with a number", 11},
	{`amount > "100"`, "amount is a money field; compare it with a number", 0},
	{`"100" < amount`, "amount is a money field; compare it with a number", 1},
	{`name == 5`, "name is a text field; compare it with text in quotes", 9},
	{`5 == name`, "name is a text field; compare it with text in quotes", 1},
	{`name == now()`, "name is a text field", 0},
	{`email == true`, "email is an email field", 0},
	{`due > 5`, "due is a date field; compare it with a date in quotes", 0},
	{`due == "tomorrow"`, "due must be a date such as 2026-03-31", 8},
	{`closed_at > "soon"`, "closed_at must be a date and time", 0},
	{`active > true`, "active is a yes/no field; compare it with == true or == false", 0},
	{`active == "yes"`, "active is a boolean field; compare it with true or false", 0},
	{`active in [true]`, "active is a yes/no field", 0},
	{`amount`, "amount is a money field, not a yes/no one", 1},
	{`stage == "maybe" || amount`, "amount is a money field, not a yes/no one", 21},
	{`len(name) > 3`, "len() is not available in filters; only now() and today() are", 0},
	{`upper(name) == "X"`, "upper() is not available in filters", 0},
	{`foo()`, "foo() is not available in filters", 1},
	{`name.startsWith("a")`, "", 0},
	{`now(1) > created_at`, "now() takes no arguments", 0},
	{`today(1) > due`, "today() takes no arguments", 0},
	{`today == due`, "today is a function; write today()", 1},
	{`amount >`, "the filter ends too early", 0},
	{`amount > 5 &&`, "the filter ends too early", 0},
	{`(amount > 5`, "", 0},
	{`amount = 5`, `unexpected "="; compare with ==`, 8},
	{`amount >> 1`, "unexpected token", 9},
	{`name == "unterminated`, "literal not terminated", 0},
	{`"a" == "b"`, "a comparison needs a field on one side", 5},
	{`1 == 1`, "a comparison needs a field on one side", 3},
	{`nil == nil`, "a comparison needs a field on one side", 0},
	{`true`, "the filter must be a condition on a field", 1},
	{`"amount"`, "the filter must be a condition on a field", 1},
	{`user.id`, "the filter must be a condition on a field", 0},
	{`amount > qty`, "amount is compared with the field qty", 8},
	{`name contains email`, "name is compared with the field email", 0},
	{`amount + 1 > 5`, "arithmetic (+) is not supported", 0},
	{`amount > 5 * 2`, "arithmetic (*) is not supported", 0},
	{`amount > -qty`, "- applies to numbers only", 0},
	{`name matches "^A"`, "regular expressions (matches) are not supported", 0},
	{`qty in 1..5`, "ranges (..) are not supported", 0},
	{`amount > 1 ? true : false`, "conditional expressions", 0},
	{`let x = 1; x > 0`, "variables (let) are not supported", 0},
	{`qty > 1; qty < 5`, "a filter is a single condition", 0},
	{`all(tags, # == "vip")`, "all() is not available", 0},
	{`{"a": 1} == qty`, "maps are not supported", 0},
	{`[1, 2] == qty`, "a list may only follow in", 0},
	{`qty in [qty]`, "a list holds values, not fields", 0},
	{`1 in [1, 2]`, "put a field before in", 0},
	{`qty in "abc"`, "in needs a list", 0},
	{`tags == "vip"`, "tags holds a list of values", 0},
	{`tags in ["vip"]`, "tags holds a list of values", 0},
	{`tags contains 5`, "tags is a multi-select field", 0},
	{`contacts contains "x"`, "contacts is a relation field; compare it with a record id", 0},
	{`files contains "x"`, "contains works on text fields, and files is an attachment field", 0},
	{`files == "x"`, "files can only be compared with nil", 0},
	{`qty contains "1"`, "contains works on text fields, and qty is an integer field", 0},
	{`name contains 5`, "contains needs text in quotes", 0},
	{`"abc" contains name`, "put the field first", 0},
	{`amount < nil`, "only == and != compare with nil", 0},
	{`name > ""`, "name can only be ordered against a value, not an empty one", 0},
	{`user == 1`, "user is the current user", 1},
	{`user.phone == "1"`, "a comparison needs a field on one side", 0},
	{`name == user.tags`, "user.tags is not a value a filter can compare with", 0},
	{`name == "a\u0000b"`, "name must not contain NUL characters", 0},
	{`name contains "a\u0000b"`, "must not contain NUL characters", 0},
	{`amount == 1e30`, "amount is too large", 0},
	{`qty > 1e30`, "too large for qty", 0},
	{`customer == 0`, "customer must be the id of a customer record", 0},
	{`not amount > 5`, "put the condition in parentheses", 0},
	{`amount?.x == 1`, "", 0},
	{`qty == 1 | upper()`, "upper() is not available", 0},
	{`qty == 0x`, "", 0},
	{`qty == 99999999999999999999`, "invalid integer literal", 0},
	{`qty == 1e999`, "invalid float literal", 0},
	{strings.Repeat(" ", 4001), "", 0}, // blank is no filter, checked below
	{`name == "` + strings.Repeat("x", 4000) + `"`, "the filter is too long (at most 4000 bytes)", 0},
	{strings.Repeat("qty == 1 || ", 120) + "qty == 1", "the filter is too complex", 0},
	{strings.Repeat("!", 40) + "active", "the filter is nested too deeply", 0},
	{strings.Repeat("-", 40) + "1 < qty", "the filter is nested too deeply", 0},
	{"qty in [" + strings.Repeat("1, ", 500) + "1]", "a list holds at most 500 values", 0},
}

func TestFilterErrors(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	for _, tc := range filterErrorCases {
		name := tc.src
		if len(name) > 60 {
			name = name[:60]
		}
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cond, err := c.Filter(tc.src, filterActor)
			if strings.TrimSpace(tc.src) == "" {
				if cond != nil || err != nil {
					t.Fatalf("blank filter: got %v, %v; want no filter", cond, err)
				}
				return
			}
			var fe *forms.FilterError
			if !errors.As(err, &fe) {
				t.Fatalf("Filter(%q) = %v, %v; want a *FilterError", tc.src, cond, err)
			}
			if !strings.Contains(fe.Message, tc.msg) {
				t.Errorf("Filter(%q): message %q does not contain %q", tc.src, fe.Message, tc.msg)
			}
			if tc.column != 0 && fe.Column != tc.column {
				t.Errorf("Filter(%q): column %d, want %d (%s)", tc.src, fe.Column, tc.column, fe.Message)
			}
			if !errors.Is(err, store.ErrInvalid) {
				t.Errorf("Filter(%q): error does not wrap store.ErrInvalid", tc.src)
			}
		})
	}
}

func TestFilterErrorText(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	_, err := c.Filter(`amount > 1 && nope == 2`, filterActor)
	if got, want := fmt.Sprint(err), `filter: unknown field "nope" (column 15)`; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	_, err = c.Filter(strings.Repeat("x", 4001), filterActor)
	if got, want := fmt.Sprint(err), "filter: the filter is too long (at most 4000 bytes)"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
}

// filterGoldens are rendered for both dialects and compared with
// testdata/filter/<name>.golden.
var filterGoldens = []struct{ name, src string }{
	{"money", `amount > 100000 && double <= 10`},
	{"money_off_grid", `amount >= 99999.995 && amount != 100000.001 && amount < 0.001`},
	{"text_not_equal", `name != "Acme" && name != ""`},
	{"not_in", `stage not in ["Won", "lost"] || qty not in [1, nil]`},
	{"contains_escaped", `name contains "50%_\\" || name startsWith "x' OR 1=1 --"`},
	{"negated_match", `not (name endsWith "off") && !(flow_status == "")`},
	{"lists", `tags contains "VIP customer" || contacts contains 2 || "east" not in tags`},
	{"dates", `due >= "2026/1/2" && closed_at < "2026-01-01T09:00:00+08:00" && created_at >= "2026-01-01"`},
	{"yes_no", `active || !active && qty > 3`},
	{"current_user", `owner == user.id || email == user.email`},
	{"de_morgan", `!(amount > 100 && (stage == "won" || active))`},
}

func TestFilterGolden(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	dbs := map[store.Dialect]*store.DB{}
	for _, d := range storetest.Dialects {
		dbs[d] = storetest.Open(t, d)
	}
	for _, g := range filterGoldens {
		t.Run(g.name, func(t *testing.T) {
			cond, err := c.Filter(g.src, filterActor)
			if err != nil {
				t.Fatalf("Filter(%q): %v", g.src, err)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "-- filter\n%s\n", g.src)
			for _, d := range storetest.Dialects {
				sql, vars := dbs[d].RenderCond(cond)
				fmt.Fprintf(&b, "-- %s\n%s\n-- vars\n%s\n", d, sql, formatVars(vars))
			}
			checkGolden(t, filepath.Join("testdata", "filter", g.name+".golden"), b.String())
		})
	}
}

func formatVars(vars []any) string {
	parts := make([]string, len(vars))
	for i, v := range vars {
		parts[i] = fmt.Sprintf("%T(%v)", v, v)
	}
	return strings.Join(parts, "\n")
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if updateGolden() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./forms -run Golden -update to create it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs (run with -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
