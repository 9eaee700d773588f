package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func exampleDir() string { return filepath.Join("..", "..", "examples", "order-management") }

func TestImportAndAdminCreate(t *testing.T) {
	data := t.TempDir()
	if err := run([]string{"import", "--data", data, exampleDir()}); err != nil {
		t.Fatalf("import: %v", err)
	}
	// A second import is a no-op, not an error.
	if err := run([]string{"import", "--data", data, exampleDir()}); err != nil {
		t.Fatalf("re-import: %v", err)
	}
	if err := run([]string{"admin", "create", "--data", data, "--email", "boss@example.com", "--password", "s3cret-pass"}); err != nil {
		t.Fatalf("admin create: %v", err)
	}
	if err := run([]string{"admin", "create", "--data", data, "--email", "boss@example.com", "--password", "s3cret-pass"}); err == nil {
		t.Errorf("creating the same administrator twice should fail")
	}
	if err := run([]string{"admin", "create", "--data", data, "--email", "x@example.com", "--password", "short"}); err == nil ||
		!strings.Contains(err.Error(), "password") {
		t.Errorf("a short password should be refused naming the password: %v", err)
	}
	out := t.TempDir()
	if err := run([]string{"export", "--data", data, out}); err != nil {
		t.Fatalf("export: %v", err)
	}
	if _, err := os.Stat(filepath.Join(out, "forms", "order.json")); err != nil {
		t.Errorf("export did not write forms/order.json: %v", err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, "x.json"), []byte(`{"kind":"form","key":"x","title":"X","fields":[{"key":"a","type":"nope","label":"A"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	err := run([]string{"import", "--data", data, bad})
	if err == nil || !strings.Contains(err.Error(), "x.json#/fields/0/type") {
		t.Errorf("a broken definition should be reported with its file and pointer: %v", err)
	}
	if err := run([]string{"frobnicate"}); err == nil {
		t.Errorf("an unknown command should fail")
	}
}

// TestServeStartsWithTheExample is what `make run` does: build the binary,
// start it on an empty data folder with the example, sign in, read a form.
func TestServeStartsWithTheExample(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := filepath.Join(t.TempDir(), "mosaic")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	addr := freeAddr(t)
	cmd := exec.Command(bin, "serve", "--addr", addr, "--data", t.TempDir(), "--load", exampleDir())
	cmd.Env = append(os.Environ(), "MOSAIC_ADMIN_EMAIL=admin@example.com", "MOSAIC_ADMIN_PASSWORD=mosaic-admin", "MOSAIC_DB=")
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		_ = cmd.Wait()
	}()
	base := "http://" + addr
	waitFor(t, base+"/readyz")
	if !strings.Contains(stdout.String(), base) || !strings.Contains(stdout.String(), "admin@example.com") {
		t.Errorf("serve should print the URL and the admin login; printed:\n%s", stdout.String())
	}
	resp, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"admin@example.com","password":"mosaic-admin"}`))
	if err != nil {
		t.Fatal(err)
	}
	var login struct{ Token string }
	_ = json.NewDecoder(resp.Body).Decode(&login)
	resp.Body.Close()
	req, _ := http.NewRequest("GET", base+"/api/v1/forms/order", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"key":"order"`) {
		t.Errorf("GET /api/v1/forms/order: %d %s", resp.StatusCode, body)
	}
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func waitFor(t *testing.T, url string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(url); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatal(fmt.Sprintf("%s did not become ready", url))
}
