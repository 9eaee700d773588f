// Package mosaic_test holds checks on the repository as a whole.
package mosaic_test

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestDependencyDirection enforces the layering written in the README:
// cmd → engine (api) → forms | flows | reports | rbac → store. Domain packages
// know nothing of HTTP, only store touches gorm, and only cmd (plus test and
// benchmark harnesses) reads the environment.
func TestDependencyDirection(t *testing.T) {
	const mod = "github.com/mosaic-lowcode/mosaic/"
	rules := []struct {
		dirPrefix string
		forbidden []string
		why       string
	}{
		{"forms", []string{"github.com/gofiber/", mod + "engine", "gorm.io/"}, "domain packages know nothing of HTTP, the engine or gorm"},
		{"flows", []string{"github.com/gofiber/", mod + "engine", "gorm.io/"}, "domain packages know nothing of HTTP, the engine or gorm"},
		{"reports", []string{"github.com/gofiber/", mod + "engine", "gorm.io/"}, "domain packages know nothing of HTTP, the engine or gorm"},
		{"rbac", []string{"github.com/gofiber/", mod + "engine", "gorm.io/"}, "domain packages know nothing of HTTP, the engine or gorm"},
		{"portal", []string{"github.com/gofiber/", mod + "engine", "gorm.io/"}, "domain packages know nothing of HTTP, the engine or gorm"},
		{"store", []string{"github.com/gofiber/", mod + "engine", mod + "forms"}, "store is the bottom layer"},
		{"engine", []string{"gorm.io/"}, "only store touches gorm"},
	}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || d.Name() == "testdata") && path != "." {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		file, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		isTest := strings.HasSuffix(path, "_test.go")
		for _, imp := range file.Imports {
			p, _ := strconv.Unquote(imp.Path.Value)
			for _, r := range rules {
				if !strings.HasPrefix(path, r.dirPrefix+string(filepath.Separator)) {
					continue
				}
				for _, bad := range r.forbidden {
					if strings.HasPrefix(p, bad) && !(isTest && strings.HasPrefix(p, mod)) {
						t.Errorf("%s imports %s: %s", path, p, r.why)
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestOnlyCmdReadsEnvironment keeps configuration flowing from cmd/mosaic
// into the engine as values.
func TestOnlyCmdReadsEnvironment(t *testing.T) {
	allowed := []string{"cmd" + string(filepath.Separator), "bench" + string(filepath.Separator),
		filepath.Join("store", "storetest") + string(filepath.Separator)}
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		for _, a := range allowed {
			if strings.HasPrefix(path, a) {
				return nil
			}
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, call := range []string{"os.Getenv(", "os.LookupEnv(", "flag.Parse("} {
			if strings.Contains(string(src), call) {
				t.Errorf("%s calls %s: only cmd reads configuration", path, call)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
