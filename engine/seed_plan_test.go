package engine_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/reports"
)

func TestSeedPlanProblems(t *testing.T) {
	good := `{"kind":"seed","key":"x","forms":[{"form":"customer","count":"3","at":"now","values":[{"field":"name","expr":"format('C %d', i)"}]}]}`
	if _, err := engine.ParseSeedPlan([]byte(good)); err != nil {
		t.Fatalf("a good plan: %v", err)
	}
	for _, tc := range []struct{ name, plan, path, says string }{
		{"not JSON", `{"kind":`, "/", "unexpected"},
		{"an unknown setting", `{"kind":"seed","forms":[],"colour":1}`, "/", "colour"},
		{"the wrong kind", strings.Replace(good, `"seed"`, `"form"`, 1), "/kind", "seed"},
		{"no forms", `{"kind":"seed"}`, "/forms", "at least one"},
		{"a bad expression", strings.Replace(good, `format('C %d', i)`, `format('C %d', i`, 1), "/forms/0/values/0/expr", "unexpected"},
		{"an unknown name", strings.Replace(good, `"count":"3"`, `"count":"m * 2"`, 1), "/forms/0/count", "unknown name m"},
		{"a missing time", strings.Replace(good, `"at":"now",`, ``, 1), "/forms/0/at", "required"},
		{"field and let at once", strings.Replace(good, `"field":"name"`, `"field":"name","let":"x"`, 1), "/forms/0/values/0", "either"},
		{"a bad field key", strings.Replace(good, `"field":"name"`, `"field":"Name!"`, 1), "/forms/0/values/0/field", "field key"},
		{"a child without a link", strings.Replace(good, `}]}]}`, `}],"children":[{"form":"order","count":"1","at":"parent_at","values":[]}]}]}`, 1),
			"/forms/0/children/0/link", "parent's id"},
		{"a pool without a name", strings.Replace(good, `"at":"now"`, `"at":"now","pool_when":"true"`, 1), "/forms/0/pool", "pool name"},
		{"a bad user count", strings.Replace(good, `"forms"`, `"users":[{"group":"east","count":0,"email":"a{i}@x.example","name":"A"}],"forms"`, 1), "/users/0/count", "from 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := engine.ParseSeedPlan([]byte(tc.plan))
			pl, ok := forms.AsProblems(err)
			if !ok {
				t.Fatalf("got %v, want problems", err)
			}
			for _, p := range pl.Problems {
				if p.Path == tc.path && strings.Contains(p.Message, tc.says) {
					return
				}
			}
			t.Errorf("want %s %q, got %v", tc.path, tc.says, pl.Problems)
		})
	}

	t.Run("the example's plan is good", func(t *testing.T) {
		if _, err := engine.LoadSeedPlan(filepath.Join(enginetest.ExampleDir(), engine.SeedPlanFile)); err != nil {
			t.Fatal(err)
		}
	})
}

func TestSeedPlanAgainstForms(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		for _, tc := range []struct{ name, plan, path string }{
			{"an unknown form", `{"kind":"seed","forms":[{"form":"nothing","count":"1","at":"now","values":[]}]}`, "/forms/0/form"},
			{"an unknown field", `{"kind":"seed","forms":[{"form":"customer","count":"1","at":"now","values":[{"field":"colour","expr":"1"}]}]}`, "/forms/0/values/0/field"},
			{"rows of a plain field", `{"kind":"seed","forms":[{"form":"customer","count":"1","at":"now","values":[{"field":"name","rows":"2","values":[]}]}]}`, "/forms/0/values/0/rows"},
			{"a link that is no field", `{"kind":"seed","forms":[{"form":"customer","count":"1","at":"now","values":[],"children":[{"form":"order","link":"buyer","count":"1","at":"now","values":[]}]}]}`, "/forms/0/children/0/link"},
			{"a total into an unknown field", `{"kind":"seed","forms":[{"form":"customer","count":"1","at":"now","values":[],"add":[{"form":"customer","id":"1","field":"colour","expr":"1"}]}]}`, "/forms/0/add/0/field"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				p, err := engine.ParseSeedPlan([]byte(tc.plan))
				if err != nil {
					t.Fatal(err)
				}
				_, err = app.Engine.Seed(ctx, engine.SeedOptions{Plan: p, Size: 1})
				pl, ok := forms.AsProblems(err)
				if !ok || len(pl.Problems) != 1 || pl.Problems[0].Path != tc.path {
					t.Fatalf("got %v, want one problem at %s", err, tc.path)
				}
			})
		}
		t.Run("nothing is written when the plan is wrong", func(t *testing.T) {
			if n := len(allRecords(t, app, "customer")); n != 0 {
				t.Errorf("%d customers written", n)
			}
		})
	})
}

// seedDigest hashes every record of the example's forms but the system
// columns, so two seeds compare whole.
func seedDigest(t *testing.T, app *enginetest.App) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, form := range []string{"product", "customer", "lead", "quote", "order", "contract", "payment", "delivery_project", "service_ticket"} {
		h := sha256.New()
		for _, r := range allRecords(t, app, form) {
			for _, k := range []string{"created_at", "updated_at", "created_by", "updated_by", "owner", "id", "version", "row_version"} {
				delete(r, k)
			}
			b, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			h.Write(b)
		}
		out[form] = fmt.Sprintf("%x", h.Sum(nil))
	}
	return out
}

func TestSeedRepeatable(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		now := time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)
		plan := enginetest.SeedPlan(t)
		if _, err := app.Engine.Seed(ctx, engine.SeedOptions{Plan: plan, Size: 400, Seed: 11, Now: now}); err != nil {
			t.Fatal(err)
		}
		want := seedDigest(t, app)
		same := enginetest.New(t, app.Engine.DB().Dialect())
		if _, err := same.Engine.Seed(ctx, engine.SeedOptions{Plan: plan, Size: 400, Seed: 11, Now: now}); err != nil {
			t.Fatal(err)
		}
		if got := seedDigest(t, same); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("the same seed made different data:\n%v\n%v", got, want)
		}
		other := enginetest.New(t, app.Engine.DB().Dialect())
		if _, err := other.Engine.Seed(ctx, engine.SeedOptions{Plan: plan, Size: 400, Seed: 12, Now: now}); err != nil {
			t.Fatal(err)
		}
		if got := seedDigest(t, other); got["order"] == want["order"] {
			t.Error("another seed made the same orders")
		}
	})
}

// hasFigure says whether any row holds a number other than zero.
func hasFigure(rows []reports.Row) bool {
	for _, r := range rows {
		for _, v := range r.Values {
			s := fmt.Sprint(v)
			if s == "" || s == "<nil>" {
				continue
			}
			if _, err := fmt.Sscan(s, new(float64)); err == nil && strings.Trim(s, "0.") != "" {
				return true
			}
		}
	}
	return false
}

// checkDashboards runs every dashboard of the example and wants each
// widget to show figures, not an empty chart or zeros.
func checkDashboards(t *testing.T, app *enginetest.App, admin *engine.Principal) {
	t.Helper()
	entries, err := filepath.Glob(filepath.Join(enginetest.ExampleDir(), "dashboards", "*.json"))
	if err != nil || len(entries) == 0 {
		t.Fatalf("no dashboards: %v", err)
	}
	for _, file := range entries {
		key := strings.TrimSuffix(filepath.Base(file), ".json")
		run, err := app.Engine.RunDashboard(context.Background(), admin, key, reports.DashboardRequest{})
		if err != nil {
			t.Fatalf("dashboard %s: %v", key, err)
		}
		for _, w := range run.Widgets {
			if w.Err != nil || w.Result == nil {
				t.Errorf("dashboard %s, widget %s: %v", key, w.Key, w.Err)
				continue
			}
			if !hasFigure(w.Result.Rows) {
				t.Errorf("dashboard %s, widget %s shows no figure: %d rows", key, w.Key, len(w.Result.Rows))
			}
		}
	}
}

// TestExampleDashboardsAfterSeed: the seed alone gives every dashboard of
// the example a story, the operations one included (the seed runs flows).
func TestExampleDashboardsAfterSeed(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		if _, err := app.Engine.Seed(ctx, engine.SeedOptions{Plan: enginetest.SeedPlan(t), Size: 800, Seed: 5}); err != nil {
			t.Fatal(err)
		}
		admin, err := app.Engine.Authenticate(ctx, app.Token)
		if err != nil {
			t.Fatal(err)
		}
		checkDashboards(t, app, admin)
	})
}
