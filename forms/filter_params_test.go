package forms_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// paramCase is a report filter, its parameters and the records it matches.
type paramCase struct {
	src    string
	params map[string]any
	want   string
}

var paramCases = []paramCase{
	// a parameter is converted through the compared field's type
	{`amount >= params.min`, map[string]any{"min": json.Number("100000")}, "abj"},
	{`amount >= params.min`, map[string]any{"min": decimal.RequireFromString("99999.995")}, "abj"},
	{`qty > params.n`, map[string]any{"n": int64(5)}, "bf"},
	{`due >= params.from && due < params.to`, map[string]any{"from": "2026-01-01", "to": "2026-01-02"}, "a"},
	{`closed_at >= params.from`, map[string]any{"from": "2026-01-01"}, "abf"},
	{`closed_at < params.at`, map[string]any{"at": time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)}, "a"},
	{`stage == params.stage`, map[string]any{"stage": "Won"}, "ae"},
	{`active == params.yes`, map[string]any{"yes": false}, "bdefghi"},
	// nil is empty, as a literal nil is
	{`stage == params.stage`, map[string]any{"stage": nil}, "dghi"},
	// optional filters: a parameter compared with a value is decided at once
	{`params.stage == nil || stage == params.stage`, map[string]any{"stage": nil}, "*"},
	{`params.stage == nil || stage == params.stage`, map[string]any{"stage": "lost"}, "cj"},
	{`params.stage != nil && stage == params.stage`, map[string]any{"stage": ""}, ""},
	{`not (params.n == 3) && qty == params.n`, map[string]any{"n": 3}, ""},
	// an ordering with a parameter without a value is moot after a term
	// that decides the chain, as in expr
	{`params.to == nil || due < params.to`, map[string]any{"to": nil}, "*"},
	{`(params.from == nil || due >= params.from) && (params.to == nil || (due < params.to && qty > 0))`, map[string]any{"from": nil, "to": nil}, "*"},
	{`params.to != nil && due < params.to`, map[string]any{"to": nil}, ""},
	{`(params.from == nil || due >= params.from) && (params.to == nil || due < params.to)`, map[string]any{"from": "2026-01-01", "to": "2026-01-02"}, "a"},
	// lists
	{`stage in params.stages`, map[string]any{"stages": []any{"won", "lost"}}, "acej"},
	{`stage not in params.stages`, map[string]any{"stages": []string{"won", "lost"}}, "bdfghi"},
	{`stage in params.stages`, map[string]any{"stages": []any{}}, ""},
	{`stage not in params.stages`, map[string]any{"stages": nil}, "*"},
	{`params.stages == nil || stage in params.stages`, map[string]any{"stages": []any{}}, "*"},
	{`customer in params.ids`, map[string]any{"ids": []any{json.Number("1"), json.Number("3")}}, "ae"},
}

func TestFilterParamsMatch(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		t.Parallel()
		codes := seedFilterTable(t, db, c)
		for _, tc := range paramCases {
			t.Run(tc.src, func(t *testing.T) {
				cond, err := c.FilterParams(tc.src, filterActor, nil, tc.params)
				if err != nil {
					t.Fatalf("FilterParams(%q, %v): %v", tc.src, tc.params, err)
				}
				rows, err := db.Select(context.Background(), store.Query{Table: c.Table, Columns: []store.Ident{"id"}, Where: cond})
				if err != nil {
					t.Fatalf("select: %v", err)
				}
				if got, want := matchedCodes(t, rows, codes), expectedCodes(tc.want); got != want {
					sql, vars := db.RenderCond(cond)
					t.Errorf("%s %v\n got %q\nwant %q\nsql: %s %v", tc.src, tc.params, got, want, sql, vars)
				}
			})
		}
	})
}

func TestFilterParamsErrors(t *testing.T) {
	t.Parallel()
	c := compileFilterForm(t)
	scenarios := []struct {
		src    string
		params map[string]any
		want   string
	}{
		{`amount > params.nope`, map[string]any{}, `there is no parameter "nope"`},
		{`amount > params.min`, map[string]any{"min": "lots"}, "amount is a money field; compare it with a number"},
		{`amount > params.min`, map[string]any{"min": nil}, "only == and != compare with nil"},
		{`amount > params.min || params.min == nil`, map[string]any{"min": nil}, "only == and != compare with nil"},
		{`params.min == nil || nope > params.min`, map[string]any{"min": nil}, `unknown field "nope"`},
		{`params.min > 3`, map[string]any{"min": 1}, "only through == and !="},
		{`stage == params.stages`, map[string]any{"stages": []any{"won"}}, "is a list of values; write stage in params.stages"},
		{`stage in params.stages`, map[string]any{"stages": []any{[]any{"won"}}}, "list of lists"},
		{`stage in params.stages`, map[string]any{"stages": []any{"won", 1}}, "stage is a select field"},
		{`stage == params.x`, map[string]any{"x": map[string]any{}}, "holds a value a filter cannot compare with"},
		{`params.x`, map[string]any{"x": true}, "the filter must be a condition on a field"},
		{`stage == params`, map[string]any{}, `unknown field "params"`},
	}
	for _, sc := range scenarios {
		_, err := c.FilterParams(sc.src, filterActor, nil, sc.params)
		if err == nil || !strings.Contains(err.Error(), sc.want) {
			t.Errorf("FilterParams(%q, %v) = %v, want an error with %q", sc.src, sc.params, err, sc.want)
		}
	}
	// without parameters, params is an ordinary field name
	if _, err := c.Filter(`stage == params.x`, filterActor); err == nil || !strings.Contains(err.Error(), `unknown field "params"`) {
		t.Errorf("Filter with params.x = %v, want unknown field", err)
	}
}
