package reports_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
	"github.com/mosaic-lowcode/mosaic/store"
)

// accessMap is an AccessResolver over fixed accesses; forms it lacks are
// forbidden.
type accessMap map[string]*forms.Access

func (m accessMap) ReadAccess(f *forms.Compiled) (*forms.Access, error) {
	if a, ok := m[f.Form.Key]; ok {
		return a, nil
	}
	return nil, fmt.Errorf("%w: no access to %s", store.ErrForbidden, f.Form.Key)
}

// salesRep is a rep who reads their own orders without costs and margins,
// every customer but not their credit limits, and the east region's
// customers only when eastOnly is set.
func salesRep(id int64, eastOnly bool) reports.Viewer {
	var customerRows store.Cond
	if eastOnly {
		customerRows = store.Compare("region", store.OpEq, "east")
	}
	return reports.Viewer{Actor: forms.Actor{ID: id}, Access: accessMap{
		"order": forms.NewAccess(store.Compare("owner", store.OpEq, id),
			map[string]forms.FieldLevel{"cost": forms.Hidden, "margin": forms.Hidden}, forms.ReadOnly),
		"customer": forms.NewAccess(customerRows, map[string]forms.FieldLevel{"credit_limit": forms.Hidden}, forms.ReadOnly),
		"product":  forms.NewAccess(nil, nil, forms.ReadOnly),
	}}
}

func TestRowScopeFiltersTheRowsAggregated(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "by_region", "title": "By region", "source": "order",
		"dimensions": [{"key": "region", "field": "customer.region"}],
		"measures": [{"key": "n", "agg": "count"}, {"key": "revenue", "agg": "sum", "field": "amount"}],
		"totals": {"grand": true}}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		for _, eastOnly := range []bool{false, true} {
			rep := salesRep(reps[1], eastOnly)
			res := run(t, fx, c, reports.Request{}, rep)
			groups, all := map[string]*agg{}, &agg{}
			for _, o := range fx.orders {
				if o.rep != reps[1] {
					continue
				}
				region := fx.regionOf(o)
				if eastOnly && region != "east" {
					region = "" // note: a customer out of scope counts as no customer.
				}
				get(groups, region).add(o)
				all.add(o)
			}
			var want strings.Builder
			for _, r := range slices.SortedFunc(mapKeys(groups), cmpText) {
				fmt.Fprintf(&want, "%s|%d|%s\n", opt(r), groups[r].count, groups[r].sumText())
			}
			if got := lines(res.Rows, "region", "n", "revenue"); got != want.String() {
				t.Errorf("east only %v:\n%s\nwant:\n%s", eastOnly, got, want.String())
			}
			if got := line(*res.Totals, "n"); got != fmt.Sprint(all.count) {
				t.Errorf("totals %s, want %d", got, all.count)
			}
			// every cell drills down to the rep's own records, as many as counted
			for _, r := range res.Rows {
				d, err := reports.Drill(context.Background(), fx.db, c, reports.Request{}, reports.Click{Values: map[string]any{"region": r.Values["region"]}}, rep)
				if err != nil {
					t.Fatal(err)
				}
				acc, _ := rep.Access.ReadAccess(fx.forms["order"])
				list, err := fx.records.List(context.Background(), fx.forms["order"], forms.ListQuery{Filter: d.Records.Filter, PerPage: 500, Access: acc, Actor: rep.Actor})
				if err != nil {
					t.Fatal(err)
				}
				if show(r.Values["n"]) != fmt.Sprint(len(list.Items)) {
					t.Errorf("east only %v, region %v: %d records listed for %v counted (%s)", eastOnly, r.Values["region"], len(list.Items), r.Values["n"], d.Records.Filter)
				}
			}
		}
	})
}

func TestFieldsTheViewerMayNotReadAreRefused(t *testing.T) {
	t.Parallel()
	scenarios := []struct {
		name, dims, measures, filter string
		viewer                       reports.Viewer
		field, form, use             string
	}{
		{"a hidden measure field", `[{"key": "region", "field": "customer.region"}]`, `[{"key": "cost", "agg": "sum", "field": "cost"}]`, "",
			salesRep(11, false), "cost", "order", `measure "cost"`},
		{"a hidden formula", "[]", `[{"key": "m", "agg": "avg", "field": "margin"}]`, "",
			salesRep(11, false), "margin", "order", `measure "m"`},
		{"a hidden field of a related form", `[{"key": "limit", "field": "customer.credit_limit", "bin": 1000}]`, `[{"key": "n", "agg": "count"}]`, "",
			salesRep(11, false), "customer.credit_limit", "customer", `dimension "limit"`},
		{"a hidden field in the filter", "[]", `[{"key": "n", "agg": "count"}]`, "cost > 100",
			salesRep(11, false), "cost", "order", "the filter"},
		{"a hidden field in a measure's filter", "[]", `[{"key": "n", "agg": "count", "filter": "margin > 0"}]`, "",
			salesRep(11, false), "margin", "order", `the filter of measure "n"`},
		{"a related form the viewer may not read", `[{"key": "line", "field": "product.line"}]`, `[{"key": "n", "agg": "count"}]`, "",
			reports.Viewer{Access: accessMap{"order": forms.FullAccess()}}, "product.line", "product", `dimension "line"`},
		{"a hidden relation field", `[{"key": "region", "field": "customer.region"}]`, `[{"key": "n", "agg": "count"}]`, "",
			reports.Viewer{Access: accessMap{"order": forms.NewAccess(nil, map[string]forms.FieldLevel{"customer": forms.Hidden}, forms.ReadOnly),
				"customer": forms.FullAccess()}}, "customer.region", "order", `dimension "region"`},
		{"the source", "[]", `[{"key": "n", "agg": "count"}]`, "",
			reports.Viewer{Access: accessMap{}}, "", "order", "its source"},
	}
	eachFixture(t, func(t *testing.T, fx *fixture) {
		for _, sc := range scenarios {
			filter := ""
			if sc.filter != "" {
				filter = fmt.Sprintf(`"filter": %q,`, sc.filter)
			}
			c := compile(t, fmt.Sprintf(`{"kind": "report", "key": "r", "title": "R", "source": "order", %s "dimensions": %s, "measures": %s}`,
				filter, sc.dims, sc.measures))
			_, err := reports.Run(context.Background(), fx.db, c, reports.Request{}, sc.viewer)
			var fe *reports.ForbiddenError
			if !errors.As(err, &fe) || !errors.Is(err, store.ErrForbidden) {
				t.Errorf("%s: %v, want a ForbiddenError", sc.name, err)
				continue
			}
			if fe.Field != sc.field || fe.Form != sc.form || fe.Use != sc.use {
				t.Errorf("%s: %+v, want field %q of %s in %s", sc.name, fe, sc.field, sc.form, sc.use)
			}
			if sc.field != "" && !strings.Contains(err.Error(), sc.field) {
				t.Errorf("%s: the message %q does not name %s", sc.name, err, sc.field)
			}
		}
	})
}

func TestBuiltinSourcesAreForAdministrators(t *testing.T) {
	t.Parallel()
	c := compile(t, `{"kind": "report", "key": "actions", "title": "Audit actions", "source": "mosaic.audit",
		"dimensions": [{"key": "action", "field": "action"}], "measures": [{"key": "n", "agg": "count"}]}`)
	eachFixture(t, func(t *testing.T, fx *fixture) {
		_, err := reports.Run(context.Background(), fx.db, c, reports.Request{}, salesRep(11, false))
		if !errors.Is(err, store.ErrForbidden) {
			t.Errorf("a rep reads the audit log: %v", err)
		}
		res := run(t, fx, c, reports.Request{}, admin)
		got := map[string]string{}
		for _, r := range res.Rows {
			got[show(r.Values["action"])] = show(r.Values["n"])
		}
		want := fmt.Sprint(len(fx.customers) + len(fx.products) + len(fx.orders) + len(fx.payments))
		if got["record.create"] != want {
			t.Errorf("audit actions %v, want record.create %s", got, want)
		}
	})
}
