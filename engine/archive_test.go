package engine_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
)

func zipBytes(t *testing.T, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, content := range files {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = w.Write([]byte(content))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadArchiveAcceptsOnlyDefinitionFiles(t *testing.T) {
	t.Parallel()
	role := `{"kind":"role","key":"r","title":"R","grants":[]}`
	cases := []struct {
		name string
		file string
		body string
		ok   bool
	}{
		{"kind folder", "roles/r.json", role, true},
		{"inside one app folder", "order-management/roles/r.json", role, true},
		{"hyphenated file name", "roles/sales-rep.json", role, true},
		{"parent folder", "../roles/r.json", role, false},
		{"climbs inside", "roles/../../r.json", role, false},
		{"absolute", "/roles/r.json", role, false},
		{"backslashes", `roles\..\r.json`, role, false},
		{"hidden file", "roles/.r.json", role, false},
		{"too deep", "a/b/roles/r.json", role, false},
		{"unknown kind", "scripts/r.json", role, false},
		{"not json", "roles/r.txt", role, false},
		{"wrong folder for its kind", "flows/r.json", role, false},
		{"not a definition", "roles/r.json", `[1,2]`, false},
		{"too large", "roles/r.json", `{"kind":"role","description":"` + strings.Repeat("x", 3<<20) + `"}`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			entries, err := engine.ReadArchive(zipBytes(t, map[string]string{tc.file: tc.body}))
			if tc.ok {
				if err != nil || len(entries) != 1 || entries[0].Name != tc.file {
					t.Fatalf("ReadArchive = %v, %v; want the one entry", entries, err)
				}
				return
			}
			pl, isProblems := forms.AsProblems(err)
			if !isProblems || len(pl.Problems) == 0 {
				t.Fatalf("ReadArchive(%q) = %v, %v; want problems", tc.file, entries, err)
			}
		})
	}
}
