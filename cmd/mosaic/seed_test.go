package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSeedCommand(t *testing.T) {
	data := t.TempDir()
	if err := run([]string{"import", "--data", data, exampleDir()}); err != nil {
		t.Fatalf("import: %v", err)
	}
	plan := filepath.Join(exampleDir(), "seed.json")

	bad := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(bad, []byte(`{"kind":"seed","forms":[{"form":"order","count":"n +","at":"now","values":[]}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := run([]string{"seed", "--data", data, "--plan", bad, "--size", "10"}); err == nil || !strings.Contains(err.Error(), "/forms/0/count") {
		t.Errorf("a bad plan should be refused with the pointer of its mistake: %v", err)
	}
	if err := run([]string{"seed", "--data", data, "--plan", plan, "--size", "0"}); err == nil || !strings.Contains(err.Error(), "size") {
		t.Errorf("a size of 0 should be refused: %v", err)
	}
	if err := run([]string{"seed", "--data", data, "--plan", plan, "--orders", "60", "--seed", "4"}); err != nil {
		t.Fatalf("seed: %v", err)
	}
}
