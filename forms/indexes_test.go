package forms_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// indexedSale is a small sale form; withIndexes gives it declared indexes.
const indexedSale = `{"kind":"form","key":"sale","title":"Sale","fields":[
 {"key":"region","type":"select","label":"Region","options":[{"value":"east","label":"East"},{"value":"west","label":"West"}]},
 {"key":"status","type":"text","label":"Status"},
 {"key":"code","type":"text","label":"Code","index":true},
 {"key":"customer","type":"relation","label":"Customer","target":"customer"},
 {"key":"order_date","type":"date","label":"Date"},
 {"key":"price","type":"money","label":"Price"},
 {"key":"qty","type":"integer","label":"Qty"},
 {"key":"amount","type":"formula","label":"Amount","formula":"price * qty","result":"money"},
 {"key":"tags","type":"multi_select","label":"Tags","options":[{"value":"a","label":"A"}]},
 {"key":"files","type":"attachment","label":"Files"},
 {"key":"notes","type":"long_text","label":"Notes"},
 {"key":"others","type":"relation","label":"Others","target":"customer","multiple":true},
 {"key":"lines","type":"sub_table","label":"Lines","fields":[{"key":"n","type":"integer","label":"N"}]}
]%s}`

func withIndexes(indexes string) string {
	if indexes == "" {
		return fmt.Sprintf(indexedSale, "")
	}
	return fmt.Sprintf(indexedSale, `,"indexes":`+indexes)
}

func compileIndexed(t *testing.T, indexes string, version int) *forms.Compiled {
	t.Helper()
	return compileJSON(t, withIndexes(indexes), version)
}

func TestIndexesAreCheckedWithPointers(t *testing.T) {
	t.Parallel()
	many := make([]string, forms.MaxIndexes+1)
	for i := range many {
		many[i] = fmt.Sprintf(`{"fields":["region","qty"],"unique":%v}`, i%2 == 0)
	}
	cases := []struct {
		name, indexes string
		want          []string // "path code"
	}{
		{"unknown field", `[{"fields":["region","colour"]}]`, []string{"/indexes/0/fields/1 definition_unknown_field"}},
		{"sub-table", `[{"fields":["lines"]}]`, []string{"/indexes/0/fields/0 definition_invalid_setting"}},
		{"lists and documents", `[{"fields":["tags"]},{"fields":["files"]},{"fields":["others","region"]}]`, []string{
			"/indexes/0/fields/0 definition_invalid_setting", "/indexes/1/fields/0 definition_invalid_setting",
			"/indexes/2/fields/0 definition_invalid_setting"}},
		{"long text", `[{"fields":["region","notes"]}]`, []string{"/indexes/0/fields/1 definition_invalid_setting"}},
		{"system column that cannot", `[{"fields":["row_version"]}]`, []string{"/indexes/0/fields/0 definition_invalid_setting"}},
		{"field twice", `[{"fields":["region","amount","region"]}]`, []string{"/indexes/0/fields/2 definition_duplicate_key"}},
		{"index twice", `[{"fields":["region","amount"]},{"fields":["status"]},{"fields":["region","amount"]}]`,
			[]string{"/indexes/2 definition_duplicate_key"}},
		{"no fields", `[{"fields":[]}]`, []string{"/indexes/0/fields validation_required"}},
		{"too many fields", `[{"fields":["region","status","qty","price","amount"]}]`, []string{"/indexes/0/fields definition_invalid_setting"}},
		{"too many indexes", "[" + strings.Join(many, ",") + "]", []string{"/indexes definition_invalid_setting",
			"/indexes/2 definition_duplicate_key", "/indexes/3 definition_duplicate_key", "/indexes/4 definition_duplicate_key",
			"/indexes/5 definition_duplicate_key", "/indexes/6 definition_duplicate_key", "/indexes/7 definition_duplicate_key",
			"/indexes/8 definition_duplicate_key", "/indexes/9 definition_duplicate_key", "/indexes/10 definition_duplicate_key"}},
		{"one field already indexed", `[{"fields":["code"]},{"fields":["customer"]},{"fields":["owner"]}]`, []string{
			"/indexes/0/fields definition_duplicate_key", "/indexes/1/fields definition_duplicate_key", "/indexes/2/fields definition_duplicate_key"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f, err := forms.Parse([]byte(withIndexes(tc.indexes)))
			if err != nil {
				t.Fatal(err)
			}
			_, err = forms.Compile(f, 1, knownForms{"customer": true}, forms.DefaultTypes())
			pl, ok := forms.AsProblems(err)
			if !ok {
				t.Fatalf("compiled, want %v (err %v)", tc.want, err)
			}
			var got []string
			for _, p := range pl.Problems {
				got = append(got, p.Path+" "+p.Code)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("problems\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestIndexesAcceptFieldsAndSystemColumns(t *testing.T) {
	t.Parallel()
	c := compileIndexed(t, `[{"fields":["region","amount"]},{"fields":["owner","order_date"]},
		{"fields":["code"],"unique":true},{"fields":["flow_status","created_at"]},{"fields":["customer","order_date","status","qty"]}]`, 1)
	var got []string
	for _, idx := range c.Indexes() {
		got = append(got, fmt.Sprintf("%s %v %v", idx.Name, idx.Columns, idx.Unique))
	}
	want := []string{
		"idx_f_sale__region__amount [region amount id] false",
		"idx_f_sale__owner__order_date [owner order_date id] false",
		"uidx_f_sale__code [code] true",
		"idx_f_sale__flow_status__created_at [flow_status created_at id] false",
		"idx_f_sale__customer__order_date__status__qty [customer order_date status qty id] false",
	}
	if !slices.Equal(got, want) {
		t.Errorf("indexes\n got %q\nwant %q", got, want)
	}
}

func TestIndexNamesStayWithinPostgresLimit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", 40)
	src := fmt.Sprintf(`{"kind":"form","key":"%s","title":"Long","fields":[
		{"key":"%s_one","type":"text","label":"One"},{"key":"%s_two","type":"text","label":"Two"}],
		"indexes":[{"fields":["%s_one","%s_two"]},{"fields":["%s_two","%s_one"]}]}`, long, long, long, long, long, long, long)
	c := compileJSON(t, src, 1)
	idx := c.Indexes()
	if len(idx) != 2 || idx[0].Name == idx[1].Name {
		t.Fatalf("indexes %+v", idx)
	}
	for _, ix := range idx {
		if len(ix.Name) > 63 || !strings.HasPrefix(string(ix.Name), "idx_") {
			t.Errorf("name %q", ix.Name)
		}
		if _, err := store.NewIdent(string(ix.Name)); err != nil {
			t.Errorf("name %q is no identifier: %v", ix.Name, err)
		}
	}
}

// planOf lists steps as "op table columns" for index steps and "op field" for
// the others.
func planOf(steps []forms.Step) []string {
	var out []string
	for _, s := range steps {
		if len(s.Columns) > 0 {
			out = append(out, s.Op+" "+strings.Join(s.Columns, ","))
			continue
		}
		if s.Op == forms.OpAddIndex || s.Op == forms.OpDropIndex || s.Op == forms.OpCreateTable {
			continue // the one-column and table steps are tested elsewhere
		}
		out = append(out, s.Op+" "+s.Field)
	}
	return out
}

func TestPlanMigrationAddsChangesAndDropsIndexes(t *testing.T) {
	t.Parallel()
	v1 := compileIndexed(t, `[{"fields":["region","amount"]},{"fields":["status","order_date"]}]`, 1)
	first := forms.PlanMigration(nil, v1)
	if got := planOf(first); !slices.Equal(got, []string{"add_index region,amount,id", "add_index status,order_date,id"}) {
		t.Errorf("first publish: %q", got)
	}
	if d := first[len(first)-2].Detail; d != "add index on f_sale (region, amount, id)" {
		t.Errorf("detail %q", d)
	}

	cases := []struct {
		name string
		src  string
		want []string
	}{
		{"unchanged, reordered in the list", withIndexes(`[{"fields":["status","order_date"]},{"fields":["region","amount"]}]`), nil},
		{"one added", withIndexes(`[{"fields":["region","amount"]},{"fields":["status","order_date"]},{"fields":["owner","order_date"],"unique":true}]`),
			[]string{"add_index owner,order_date"}},
		{"columns reordered", withIndexes(`[{"fields":["amount","region"]},{"fields":["status","order_date"]}]`),
			[]string{"drop_index region,amount,id", "add_index amount,region,id"}},
		{"made unique", withIndexes(`[{"fields":["region","amount"],"unique":true},{"fields":["status","order_date"]}]`),
			[]string{"drop_index region,amount,id", "add_index region,amount"}},
		{"all dropped", withIndexes(""), []string{"drop_index region,amount,id", "drop_index status,order_date,id"}},
		// note: a field dropped or retyped takes its indexes along on
		// PostgreSQL and blocks the drop on SQLite, so they go first and
		// the survivors come back last.
		{"indexed field dropped", strings.Replace(withIndexes(`[{"fields":["region","amount"]}]`),
			`{"key":"status","type":"text","label":"Status"},`, "", 1),
			[]string{"drop_index status,order_date,id", "drop_column status"}},
		{"indexed field retyped", strings.Replace(withIndexes(`[{"fields":["region","amount"]},{"fields":["status","order_date"]}]`),
			`{"key":"status","type":"text","label":"Status"}`, `{"key":"status","type":"integer","label":"Status"}`, 1),
			[]string{"drop_index status,order_date,id", "retype status", "add_index status,order_date,id"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			v2 := compileJSON(t, tc.src, 2)
			if got := planOf(forms.PlanMigration(v1, v2)); !slices.Equal(got, tc.want) {
				t.Errorf("plan\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestMigrateBuildsDeclaredIndexes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		m := formMap{"customer": compileJSON(t, customerForm, 1)}
		rs := forms.NewRecordStore(db, m)
		apply := func(old, new *forms.Compiled, destructive bool) {
			t.Helper()
			err := db.WithTx(ctx, func(ctx context.Context) error {
				return rs.Migrate(ctx, forms.PlanMigration(old, new), destructive)
			})
			if err != nil {
				t.Fatalf("migrate to v%d: %v", new.Version, err)
			}
			m[new.Form.Key] = new
		}
		declared := func() []string {
			t.Helper()
			all, err := db.Indexes(ctx, "f_sale")
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for name, cols := range all {
				if strings.HasPrefix(string(name), "idx_") || strings.HasPrefix(string(name), "uidx_") {
					out = append(out, fmt.Sprintf("%s%v", name, cols))
				}
			}
			slices.Sort(out)
			return out
		}
		apply(nil, m["customer"], false)
		v1 := compileIndexed(t, `[{"fields":["region","amount"]},{"fields":["status","order_date"]}]`, 1)
		apply(nil, v1, false)
		if got := declared(); !slices.Equal(got, []string{"idx_f_sale__region__amount[region amount id]", "idx_f_sale__status__order_date[status order_date id]"}) {
			t.Errorf("after v1: %q", got)
		}
		if _, err := rs.Create(ctx, v1, forms.Write{Input: decodeInput(t, `{"region":"east","status":"7","price":3,"qty":2}`), Actor: forms.Actor{ID: 1}}); err != nil {
			t.Fatal(err)
		}

		// status becomes an integer (destructive) and region's index turns unique.
		v2src := strings.Replace(withIndexes(`[{"fields":["region","amount"],"unique":true},{"fields":["status","order_date"]}]`),
			`{"key":"status","type":"text","label":"Status"}`, `{"key":"status","type":"integer","label":"Status"}`, 1)
		v2 := compileJSON(t, v2src, 2)
		apply(v1, v2, true)
		if got := declared(); !slices.Equal(got, []string{"idx_f_sale__status__order_date[status order_date id]", "uidx_f_sale__region__amount[region amount]"}) {
			t.Errorf("after v2: %q", got)
		}
		if _, err := rs.Create(ctx, v2, forms.Write{Input: decodeInput(t, `{"region":"east","price":3,"qty":2}`), Actor: forms.Actor{ID: 1}}); !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second east sale of 6.00 under the unique index: %v", err)
		}

		v3 := compileJSON(t, strings.Replace(withIndexes(""), `"type":"text","label":"Status"`, `"type":"integer","label":"Status"`, 1), 3)
		apply(v2, v3, false)
		if got := declared(); len(got) != 0 {
			t.Errorf("after v3: %q", got)
		}
	})
}
