package api_test

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

const archiveURL = "/api/v1/definitions/archive"

// zipOf builds a zip archive of name → content.
func zipOf(t *testing.T, files [][2]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, f := range files {
		w, err := zw.Create(f[0])
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(f[1])); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readZip opens an exported archive as name → content.
func readZip(t *testing.T, body string) map[string]string {
	t.Helper()
	zr, err := zip.NewReader(strings.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatalf("export is not a zip: %v", err)
	}
	out := map[string]string{}
	for _, f := range zr.File {
		r, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(r)
		r.Close()
		out[f.Name] = b.String()
	}
	return out
}

type archivePlan struct {
	DryRun bool `json:"dry_run"`
	Items  []struct {
		File        string `json:"file"`
		Kind        string `json:"kind"`
		Key         string `json:"key"`
		Change      string `json:"change"`
		LiveVersion int    `json:"live_version"`
		Version     int    `json:"version"`
		Unchanged   bool   `json:"unchanged"`
	} `json:"items"`
}

func postArchive(t *testing.T, app *enginetest.App, status int, query string, data []byte) enginetest.Response {
	t.Helper()
	body, ct := enginetest.Multipart(t, "file", "app.zip", "application/zip", data)
	return app.Expect(t, status, "POST", archiveURL+query, body, map[string]string{"Content-Type": ct})
}

func TestArchiveRoundTrip(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		exp := app.Expect(t, 200, "GET", archiveURL, "", nil)
		if ct := exp.Headers["Content-Type"]; ct != "application/zip" {
			t.Errorf("export content type = %q", ct)
		}
		files := readZip(t, exp.Body)
		role, ok := files["roles/sales_rep.json"]
		if !ok || files["forms/order.json"] == "" {
			t.Fatalf("export lacks roles/sales_rep.json or forms/order.json: %d files", len(files))
		}

		// The same archive back: everything unchanged, nothing published.
		var plan archivePlan
		postArchive(t, app, 200, "?dry_run=true", []byte(exp.Body)).JSON(t, &plan)
		if !plan.DryRun || len(plan.Items) != len(files) {
			t.Fatalf("plan = %+v, want %d items", plan, len(files))
		}
		for _, it := range plan.Items {
			if it.Change != "unchanged" || it.LiveVersion < 1 {
				t.Errorf("re-importing the export: %s/%s is %s (live v%d)", it.Kind, it.Key, it.Change, it.LiveVersion)
			}
		}

		// One role changed: the dry run names it and publishes nothing.
		var def map[string]any
		if err := json.Unmarshal([]byte(role), &def); err != nil {
			t.Fatal(err)
		}
		def["description"] = "changed by the archive test"
		changed := [][2]string{}
		for name, content := range files {
			if name == "roles/sales_rep.json" {
				content = enginetest.JSONString(t, def)
			}
			changed = append(changed, [2]string{"order-management/" + name, content})
		}
		data := zipOf(t, changed)
		postArchive(t, app, 200, "?dry_run=1", data).JSON(t, &plan)
		for _, it := range plan.Items {
			want := "unchanged"
			if it.Key == "sales_rep" {
				want = "changed"
			}
			if it.Change != want {
				t.Errorf("plan: %s/%s is %s, want %s", it.Kind, it.Key, it.Change, want)
			}
		}
		versions := func() int {
			var v struct {
				Items []map[string]any `json:"items"`
			}
			app.Expect(t, 200, "GET", "/api/v1/definitions/role/sales_rep/versions", "", nil).JSON(t, &v)
			return len(v.Items)
		}
		before := versions()

		postArchive(t, app, 200, "", data).JSON(t, &plan)
		published := 0
		for _, it := range plan.Items {
			if !it.Unchanged {
				published++
				if it.Key != "sales_rep" {
					t.Errorf("import published %s/%s, which did not change", it.Kind, it.Key)
				}
			}
		}
		if published != 1 || versions() != before+1 {
			t.Errorf("import published %d definitions; sales_rep has %d versions, want %d", published, versions(), before+1)
		}
	})
}

func TestArchiveRefusesBadArchives(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		role := `{"kind":"role","key":"auditor","title":"Auditor","grants":[{"form":"order","actions":["read"]}]}`
		bad := []struct {
			name  string
			data  []byte
			code  string
			paths []string
		}{
			{"not a zip", []byte("PK but not really"), "validation_failed", []string{"/file"}},
			{"zip slip", zipOf(t, [][2]string{{"../roles/auditor.json", role}}), "validation_failed", []string{"/file/..~1roles~1auditor.json"}},
			{"absolute", zipOf(t, [][2]string{{"/roles/auditor.json", role}}), "validation_failed", []string{"/file/~1roles~1auditor.json"}},
			{"unknown kind", zipOf(t, [][2]string{{"widgets/auditor.json", role}}), "validation_failed", []string{"/file/widgets~1auditor.json"}},
			{"kind in the wrong folder", zipOf(t, [][2]string{{"forms/auditor.json", role}}), "validation_failed", []string{"/file/forms~1auditor.json"}},
			{"empty", zipOf(t, nil), "validation_failed", []string{"/file"}},
			{"one invalid definition stops all", zipOf(t, [][2]string{{"roles/auditor.json", role},
				{"roles/broken.json", `{"kind":"role","key":"broken","title":"Broken","grants":[{"form":"nope","actions":["read"]}]}`}}),
				"validation_failed", nil},
		}
		for _, b := range bad {
			body, ct := enginetest.Multipart(t, "file", "app.zip", "application/zip", b.data)
			for _, q := range []string{"?dry_run=true", ""} {
				enginetest.APIScenario{Name: b.name + q, Method: "POST", URL: archiveURL + q, Body: body,
					Headers: map[string]string{"Content-Type": ct}, ExpectedStatus: 422, ExpectedCode: b.code, ExpectedPaths: b.paths}.Test(t, app)
			}
		}
		// Nothing of the refused archives was published.
		app.Expect(t, 404, "GET", "/api/v1/definitions/role/auditor/versions", "", nil)

		body, ct := enginetest.Multipart(t, "file", "app.zip", "application/zip", zipOf(t, [][2]string{{"roles/auditor.json", role}}))
		headers := map[string]string{"Content-Type": ct}
		enginetest.APIScenario{Name: "misspelt dry run", Method: "POST", URL: archiveURL + "?dry_run=maybe", Body: body,
			Headers: headers, ExpectedStatus: 400}.Test(t, app)
		enginetest.APIScenario{Name: "no file", Method: "POST", URL: archiveURL, Body: "{}", ExpectedStatus: 400}.Test(t, app)

		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Roles: []string{"sales_rep"}})
		h := rep.Headers()
		h["Content-Type"] = ct
		enginetest.APIScenario{Name: "not an admin", Method: "POST", URL: archiveURL, Body: body, Headers: h, ExpectedStatus: 403}.Test(t, app)
		enginetest.APIScenario{Name: "not an admin exports", Method: "GET", URL: archiveURL, Headers: rep.Headers(), ExpectedStatus: 403}.Test(t, app)

		var plan archivePlan
		postArchive(t, app, 200, "", zipOf(t, [][2]string{{"roles/auditor.json", role}})).JSON(t, &plan)
		if len(plan.Items) != 1 || plan.Items[0].Version != 1 {
			t.Errorf("import of a new role = %+v", plan)
		}
	})
}
