package forms_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// FuzzFilter feeds arbitrary filters to the translator. The only acceptable
// outcomes are a condition or a *FilterError; a condition must render on
// both dialects with every value bound (no quote in the SQL text but the
// fixed ESCAPE '\'), and a panic fails.
func FuzzFilter(f *testing.F) {
	for _, tc := range filterCases {
		f.Add(tc.src)
	}
	for _, tc := range filterErrorCases {
		f.Add(tc.src)
	}
	for _, g := range filterGoldens {
		f.Add(g.src)
	}
	for _, s := range []string{"\xff", `name == "\xff"`, `"\u{10FFFF}" in tags`, "qty == 0b101", "qty == 0o17",
		"qty == 0x1F", "-9223372036854775808 < qty", "qty > 1.5e-300", "a?.b?.c", "#", ".x", "::x()",
		`name contains "` + strings.Repeat("%_", 100) + `"`, "((((((((((((((((((((((((((((((((((((active))))))))))))))))))))))))))))))))))))"} {
		f.Add(s)
	}
	c := compileFilterForm(f)
	dbs := make([]*store.DB, 0, len(storetest.Dialects))
	for _, d := range storetest.Dialects {
		dbs = append(dbs, storetest.Open(f, d))
	}
	f.Fuzz(func(t *testing.T, src string) {
		cond, err := c.Filter(src, filterActor)
		if err != nil {
			checkFilterError(t, src, cond, err)
			return
		}
		if cond == nil {
			if strings.TrimSpace(src) != "" {
				t.Fatalf("Filter(%q) = nil, nil for a filter that is not blank", src)
			}
			return
		}
		for _, db := range dbs {
			sql, vars := db.RenderCond(cond)
			checkRenderedCond(t, db, src, sql, vars)
		}
	})
}

func checkFilterError(t *testing.T, src string, cond store.Cond, err error) {
	t.Helper()
	var fe *forms.FilterError
	if !errors.As(err, &fe) {
		t.Fatalf("Filter(%q): %T %v; want a *FilterError", src, err, err)
	}
	if cond != nil {
		t.Fatalf("Filter(%q): a condition together with an error", src)
	}
	if fe.Message == "" {
		t.Fatalf("Filter(%q): empty message", src)
	}
	if fe.Column < 0 || fe.Column > utf8.RuneCountInString(src)+1 {
		t.Fatalf("Filter(%q): column %d is outside the filter", src, fe.Column)
	}
}

var pgPlaceholder = regexp.MustCompile(`\$[0-9]+`)

func checkRenderedCond(t *testing.T, db *store.DB, src, sql string, vars []any) {
	t.Helper()
	if strings.Contains(strings.ReplaceAll(sql, `ESCAPE '\'`, ""), "'") {
		t.Fatalf("Filter(%q) put a quote into the SQL text: %s", src, sql)
	}
	n := strings.Count(sql, "?")
	if db.Dialect() == store.Postgres {
		n = len(pgPlaceholder.FindAllString(sql, -1))
	}
	if n != len(vars) {
		t.Fatalf("Filter(%q): %d placeholders for %d values: %s", src, n, len(vars), sql)
	}
}

// FuzzSort feeds arbitrary sort specs: the result is orders ending in a
// unique key, or a *SortError.
func FuzzSort(f *testing.F) {
	for _, s := range []string{"", "-amount,created_at", " -amount , +qty ", "tags", "a,b,c,d,e,f", "amount,amount", ",", "-"} {
		f.Add(s)
	}
	c := compileFilterForm(f)
	f.Fuzz(func(t *testing.T, spec string) {
		orders, err := c.Sort(spec)
		if err != nil {
			var se *forms.SortError
			if !errors.As(err, &se) || se.Message == "" {
				t.Fatalf("Sort(%q): %T %v; want a *SortError", spec, err, err)
			}
			return
		}
		if len(orders) == 0 || len(orders) > 6 {
			t.Fatalf("Sort(%q) = %d orders", spec, len(orders))
		}
		seen := map[store.Ident]bool{}
		for _, o := range orders {
			if seen[o.Column] {
				t.Fatalf("Sort(%q): %s twice", spec, o.Column)
			}
			seen[o.Column] = true
		}
		if !seen["id"] {
			t.Fatalf("Sort(%q) has no id tie-breaker", spec)
		}
	})
}
