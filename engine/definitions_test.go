package engine_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

const noteV1 = `{"kind":"form","key":"note","title":"Note","fields":[
 {"key":"title","type":"text","label":"Title","required":true},
 {"key":"price","type":"money","label":"Price","scale":2},
 {"key":"qty","type":"integer","label":"Qty"},
 {"key":"memo","type":"text","label":"Memo"}]}`

// noteV2 adds a field, widens price to 4 decimals, turns qty into a decimal
// and indexes title: all without losing anything.
const noteV2 = `{"kind":"form","key":"note","title":"Note (renamed)","fields":[
 {"key":"title","type":"text","label":"Headline","required":true,"index":true},
 {"key":"price","type":"money","label":"Price","scale":4},
 {"key":"qty","type":"decimal","label":"Qty","scale":1},
 {"key":"memo","type":"text","label":"Memo"},
 {"key":"due","type":"date","label":"Due"}]}`

// noteV3 drops memo: destructive.
const noteV3 = `{"kind":"form","key":"note","title":"Note","fields":[
 {"key":"title","type":"text","label":"Headline","required":true,"index":true},
 {"key":"price","type":"money","label":"Price","scale":4},
 {"key":"qty","type":"decimal","label":"Qty","scale":1},
 {"key":"due","type":"date","label":"Due"}]}`

func publish(t *testing.T, e *engine.Engine, body string, opts engine.PublishOptions) (*engine.PublishResult, error) {
	t.Helper()
	ctx := context.Background()
	if _, _, err := e.SaveDraft(ctx, []byte(body), forms.Actor{ID: 1}); err != nil {
		t.Fatalf("save draft: %v", err)
	}
	return e.Publish(ctx, "form", "note", opts, forms.Actor{ID: 1})
}

func TestPublishMigratesTablesWithRecords(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		if _, err := publish(t, e, noteV1, engine.PublishOptions{}); err != nil {
			t.Fatal(err)
		}
		v1, _ := e.Form("note")
		rec, err := e.Records().Create(ctx, v1, forms.Write{Input: map[string]any{"title": "Keep me", "price": "12.34", "qty": "3", "memo": "m"}})
		if err != nil {
			t.Fatal(err)
		}

		if _, _, err := e.SaveDraft(ctx, []byte(noteV2), forms.Actor{ID: 1}); err != nil {
			t.Fatal(err)
		}
		diff, err := e.DiffDraft(ctx, "form", "note")
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, s := range diff.Steps {
			ops = append(ops, s.Op+":"+s.Field)
		}
		if got := strings.Join(ops, ","); got != "add_index:title,rescale:price,rescale:qty,add_column:due" || diff.Destructive {
			t.Errorf("diff steps %s (destructive %v)", got, diff.Destructive)
		}
		res, err := e.Publish(ctx, "form", "note", engine.PublishOptions{}, forms.Actor{ID: 1})
		if err != nil || res.Version != 2 {
			t.Fatalf("publish v2: %v %+v", err, res)
		}
		v2, _ := e.Form("note")
		got, err := e.Records().Get(ctx, v2, rec.ID())
		if err != nil {
			t.Fatal(err)
		}
		j := v2.JSON(got, nil)
		if s := strings.Join([]string{str(j["title"]), str(j["price"]), str(j["qty"]), str(j["form_version"])}, " "); s != "Keep me 12.3400 3.0 1" {
			t.Errorf("record after migration: %s", s)
		}
		if _, err := e.Records().Update(ctx, v2, rec.ID(), 0, forms.Write{Input: map[string]any{"due": "2026-12-24"}}); err != nil {
			t.Errorf("new field not writable: %v", err)
		}

		// Destructive: refused with what would be lost, then allowed.
		_, err = publish(t, e, noteV3, engine.PublishOptions{})
		pl, ok := forms.AsProblems(err)
		if !ok || !strings.Contains(pl.Problems[0].Message, "remove column memo") || !strings.Contains(pl.Problems[0].Message, "1 stored value") {
			t.Fatalf("destructive publish: %v", err)
		}
		if cur, _ := e.Form("note"); cur.Version != 2 {
			t.Errorf("a refused publish changed the live version to %d", cur.Version)
		}
		if _, err := e.Records().Get(ctx, v2, rec.ID()); err != nil {
			t.Errorf("a refused publish lost the record: %v", err)
		}
		if res, err := publish(t, e, noteV3, engine.PublishOptions{AllowDestructive: true}); err != nil || res.Version != 3 {
			t.Fatalf("allowed destructive publish: %v", err)
		}

		// The old version stays readable, and rollback republishes it.
		body, _, err := e.VersionBody(ctx, "form", "note", 1)
		if err != nil || !strings.Contains(string(body), `"memo"`) {
			t.Errorf("version 1: %v %s", err, body)
		}
		res, err = e.Rollback(ctx, "form", "note", 2, engine.PublishOptions{}, forms.Actor{ID: 1})
		if err != nil || res.Version != 4 {
			t.Fatalf("rollback: %v", err)
		}
		cur, _ := e.Form("note")
		if _, ok := cur.Field("memo"); !ok {
			t.Errorf("rollback to v2 should bring memo back")
		}
		entries, _ := e.DB().AuditOf(ctx, "form", "note", 0, 50)
		publishes := 0
		for _, en := range entries {
			if en.Action == "definition.publish" {
				publishes++
			}
		}
		if publishes != 4 {
			t.Errorf("%d publishes audited, want 4", publishes)
		}
	})
}

func str(v any) string { return fmt.Sprint(v) }

func TestImportIsAllOrNothing(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		dir := t.TempDir()
		good := `{"kind":"form","key":"alpha","title":"Alpha","fields":[{"key":"a","type":"text","label":"A"}]}`
		bad := `{"kind":"form","key":"beta","title":"Beta","fields":[{"key":"b","type":"formula","label":"B","formula":"a +"},{"key":"b","type":"text","label":"B again"}]}`
		writeFile(t, filepath.Join(dir, "alpha.json"), good)
		writeFile(t, filepath.Join(dir, "forms", "beta.json"), bad)
		_, err := app.Engine.ImportDir(ctx, dir, engine.PublishOptions{}, forms.Actor{})
		pl, ok := forms.AsProblems(err)
		if !ok || len(pl.Problems) < 2 {
			t.Fatalf("import with mistakes: %v", err)
		}
		for _, p := range pl.Problems {
			if !strings.Contains(p.Path, "beta.json#/fields/") {
				t.Errorf("problem not located in its file: %+v", p)
			}
		}
		if _, err := app.Engine.Form("alpha"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("a failed import published alpha")
		}
		// Importing the example again changes nothing.
		res, err := app.Engine.ImportDir(ctx, enginetest.ExampleDir(), engine.PublishOptions{}, forms.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range res {
			if !r.Unchanged {
				t.Errorf("re-import republished %s", r.Key)
			}
		}
	})
}

func TestExportRoundTrips(t *testing.T) {
	app := enginetest.New(t, store.SQLite)
	dir := t.TempDir()
	paths, err := app.Engine.Export(context.Background(), dir)
	if err != nil || len(paths) != 37 { // 9 forms, 6 roles, 3 flows, 11 reports, 4 dashboards, 3 documents and 1 portal
		t.Fatalf("export: %v %v", err, paths)
	}
	other := enginetest.New(t, store.SQLite)
	res, err := other.Engine.ImportDir(context.Background(), dir, engine.PublishOptions{}, forms.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if !r.Unchanged {
			t.Errorf("exported %s differs from what was imported", r.Key)
		}
	}
}

func writeFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestPublishingTheLiveTextInAnotherLayoutChangesNothing(t *testing.T) {
	app := enginetest.New(t, store.SQLite)
	body, err := os.ReadFile(filepath.Join(enginetest.ExampleDir(), "forms", "order.json"))
	if err != nil {
		t.Fatal(err)
	}
	relaid := strings.ReplaceAll(strings.ReplaceAll(string(body), ">", `\u003e`), "\n", "\n\n  ")
	res, err := app.Engine.Import(context.Background(), [][]byte{[]byte(relaid)}, engine.PublishOptions{}, forms.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if !res[0].Unchanged || res[0].Version != 1 {
		t.Errorf("the same definition laid out differently was republished: %+v", res[0])
	}
}
