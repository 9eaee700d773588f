// Package enginetest builds a complete Mosaic for tests: a fresh database of
// the chosen dialect, the order-management example imported through the
// normal import path, an administrator, and the HTTP app. APIScenario runs
// one request against it as a row of a table test.
package enginetest

import (
	"context"
	"encoding/json"
	"io"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/api"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// AdminEmail and AdminPassword sign in to every test app.
const (
	AdminEmail    = "admin@example.com"
	AdminPassword = "correct horse battery"
)

// App is a running engine with its HTTP app and an admin token.
type App struct {
	Engine *engine.Engine
	HTTP   *fiber.App
	Token  string
	Admin  *store.User
}

// ExampleDir is the order-management example in the repository.
func ExampleDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "order-management")
}

// SeedPlan is the example's seed plan.
func SeedPlan(t testing.TB) *engine.SeedPlan {
	t.Helper()
	p, err := engine.LoadSeedPlan(filepath.Join(ExampleDir(), engine.SeedPlanFile))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// WithWorker runs the job worker in a test's engine, looking for work often
// and retrying soon. Without it, an engine of a test enqueues jobs but runs
// none: on SQLite's one connection an idle worker's polling would slow
// every other test down.
func WithWorker(c *engine.Config) {
	c.Jobs = engine.JobsConfig{Poll: 50 * time.Millisecond, RetryBase: 20 * time.Millisecond, ConditionPoll: time.Hour}
}

// WithReceiver is WithWorker plus an outbound allow-list letting webhooks
// reach a receiver the test runs on loopback, which is refused by default.
func WithReceiver(c *engine.Config) {
	WithWorker(c)
	c.OutboundAllow = []string{"127.0.0.1/32", "::1/128"}
}

// New starts an engine on a fresh database of dialect d with the example
// application imported. Everything is removed when the test ends.
func New(t testing.TB, d store.Dialect) *App {
	t.Helper()
	return NewWith(t, d, nil)
}

// NewWith is New with the engine's configuration changed by configure.
func NewWith(t testing.TB, d store.Dialect, configure func(*engine.Config)) *App {
	t.Helper()
	ctx := context.Background()
	cfg := engine.Config{DataDir: t.TempDir(), DSN: storetest.DSN(t, d), Jobs: engine.JobsConfig{Off: true}}
	if configure != nil {
		configure(&cfg)
	}
	e, err := engine.Open(ctx, cfg)
	if err != nil {
		t.Fatalf("open engine: %v", err)
	}
	t.Cleanup(func() { _ = e.Close() })
	if _, err := e.ImportDir(ctx, ExampleDir(), engine.PublishOptions{}, forms.Actor{}); err != nil {
		t.Fatalf("import example: %v", err)
	}
	admin, err := e.CreateUser(ctx, AdminEmail, "Admin", AdminPassword, engine.RoleAdmin)
	if err != nil {
		t.Fatalf("create admin: %v", err)
	}
	token, _, err := e.Login(ctx, AdminEmail, AdminPassword, "test")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	return &App{Engine: e, HTTP: api.New(e), Token: token, Admin: admin}
}

// Each runs fn once per dialect with a fresh App.
func Each(t *testing.T, fn func(t *testing.T, app *App)) {
	t.Helper()
	EachWith(t, nil, fn)
}

// EachWith is Each with the engines' configuration changed by configure.
func EachWith(t *testing.T, configure func(*engine.Config), fn func(t *testing.T, app *App)) {
	t.Helper()
	for _, d := range storetest.Dialects {
		t.Run(string(d), func(t *testing.T) { fn(t, NewWith(t, d, configure)) })
	}
}

// Response is what a request returned.
type Response struct {
	Status  int
	Body    string
	Headers map[string]string
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("response is not JSON (%v): %s", err, r.Body)
	}
}

// Do sends one request with the admin token (unless headers set
// Authorization, empty to send none) and returns the response.
func (a *App) Do(t testing.TB, method, url, body string, headers map[string]string) Response {
	t.Helper()
	req := httptest.NewRequest(method, url, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if _, ok := headers["Authorization"]; !ok {
		req.Header.Set("Authorization", "Bearer "+a.Token)
	}
	for k, v := range headers {
		if v == "" {
			req.Header.Del(k)
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := a.HTTP.Test(req, -1)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	h := map[string]string{}
	for k := range resp.Header {
		h[k] = resp.Header.Get(k)
	}
	return Response{Status: resp.StatusCode, Body: string(b), Headers: h}
}

// APIScenario is one request and what it must produce.
type APIScenario struct {
	Name    string
	Method  string
	URL     string
	Body    string
	Headers map[string]string
	// ExpectedStatus is the status code the response must have.
	ExpectedStatus int
	// ExpectedContent are substrings the body must contain.
	ExpectedContent []string
	// NotExpectedContent are substrings the body must not contain.
	NotExpectedContent []string
	// ExpectedCode, when set, is the error code an error response must carry
	// (error.code), such as "validation_failed".
	ExpectedCode string
	// ExpectedPaths are JSON pointers that must each appear as the path of one
	// of the error details, such as "/items/0/qty".
	ExpectedPaths []string
}

// Test runs the scenario against app. Every error response must be the one
// error shape.
func (s APIScenario) Test(t *testing.T, app *App) Response {
	t.Helper()
	r := app.Do(t, s.Method, s.URL, s.Body, s.Headers)
	if r.Status != s.ExpectedStatus {
		t.Errorf("%s: status %d, want %d; body: %s", s.Name, r.Status, s.ExpectedStatus, truncate(r.Body))
	}
	for _, c := range s.ExpectedContent {
		if !strings.Contains(r.Body, c) {
			t.Errorf("%s: body lacks %q: %s", s.Name, c, truncate(r.Body))
		}
	}
	for _, c := range s.NotExpectedContent {
		if strings.Contains(r.Body, c) {
			t.Errorf("%s: body has %q: %s", s.Name, c, truncate(r.Body))
		}
	}
	if r.Status >= 400 {
		CheckErrorShape(t, s.Name, r)
	}
	if s.ExpectedCode != "" || len(s.ExpectedPaths) > 0 {
		s.checkError(t, r)
	}
	return r
}

// checkError compares the error code and detail paths of r with the
// scenario's expectations.
func (s APIScenario) checkError(t *testing.T, r Response) {
	t.Helper()
	e, ok := DecodeError(r)
	if !ok {
		t.Errorf("%s: expected an error response, got %d: %s", s.Name, r.Status, truncate(r.Body))
		return
	}
	if s.ExpectedCode != "" && e.Code != s.ExpectedCode {
		t.Errorf("%s: error code %q, want %q; body: %s", s.Name, e.Code, s.ExpectedCode, truncate(r.Body))
	}
	for _, p := range s.ExpectedPaths {
		if e.Detail(p) == nil {
			t.Errorf("%s: no error detail at %q; body: %s", s.Name, p, truncate(r.Body))
		}
	}
}

// ErrorDetail is one entry of error.details.
type ErrorDetail struct {
	Path    string `json:"path"`
	Code    string `json:"code"`
	Message string `json:"message"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
}

// APIError is the body of an error response: {"error": {...}}.
type APIError struct {
	Code    string        `json:"code"`
	Message string        `json:"message"`
	Details []ErrorDetail `json:"details"`
}

// Detail returns the first detail whose path is path, or nil.
func (e *APIError) Detail(path string) *ErrorDetail {
	for i := range e.Details {
		if e.Details[i].Path == path {
			return &e.Details[i]
		}
	}
	return nil
}

// DecodeError reads r's body as the error shape; ok is false when it is not
// one.
func DecodeError(r Response) (*APIError, bool) {
	var body struct {
		Error *APIError `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil || body.Error == nil {
		return nil, false
	}
	return body.Error, true
}

// CheckErrorShape fails the test unless r is {"error": {code, message,
// details}} with a non-empty code and message.
func CheckErrorShape(t testing.TB, name string, r Response) {
	t.Helper()
	var body struct {
		Error *struct {
			Code    string            `json:"code"`
			Message string            `json:"message"`
			Details []json.RawMessage `json:"details"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil || body.Error == nil ||
		body.Error.Code == "" || body.Error.Message == "" || body.Error.Details == nil {
		t.Errorf("%s: status %d without the error shape: %s", name, r.Status, truncate(r.Body))
	}
}

func truncate(s string) string {
	if len(s) > 600 {
		return s[:600] + "…"
	}
	return s
}
