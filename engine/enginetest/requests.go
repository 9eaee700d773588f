package enginetest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/textproto"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// Map decodes the body as one JSON object, failing the test otherwise.
func (r Response) Map(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	r.JSON(t, &m)
	return m
}

// Expect sends one request and fails the test at once unless the response
// has status; it is for the setup steps of a scenario, where going on after a
// failure makes no sense.
//
// Example:
//
//	rec := app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name":"Acme","region":"east"}`, nil).Map(t)
func (a *App) Expect(t testing.TB, status int, method, url, body string, headers map[string]string) Response {
	t.Helper()
	r := a.Do(t, method, url, body, headers)
	if r.Status != status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", method, url, r.Status, status, truncate(r.Body))
	}
	return r
}

// Login signs in through the API and returns the bearer token.
func (a *App) Login(t testing.TB, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	var out struct {
		Token string `json:"token"`
	}
	a.Expect(t, 200, "POST", "/api/v1/auth/login", string(body), map[string]string{"Authorization": ""}).JSON(t, &out)
	if out.Token == "" {
		t.Fatalf("login of %s gave no token", email)
	}
	return out.Token
}

// SessionToken stores a session of the admin that expires at expires and
// returns its bearer token, so tests can present an expired token.
//
// NB! It mirrors how the engine keeps tokens at rest (hex SHA-256 of the
// token); a test that uses it should also show that a token made the same way
// with a future expiry is accepted.
func (a *App) SessionToken(t testing.TB, expires time.Time) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	token := base64.RawURLEncoding.EncodeToString(b)
	sum := sha256.Sum256([]byte(token))
	s := &store.Session{TokenHash: hex.EncodeToString(sum[:]), UserID: a.Admin.ID,
		CreatedAt: expires.Add(-time.Hour).UTC(), ExpiresAt: expires.UTC()}
	if err := a.Engine.DB().CreateSession(context.Background(), s); err != nil {
		t.Fatalf("create session: %v", err)
	}
	return token
}

// Bearer returns request headers carrying token.
func Bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// Multipart builds a multipart/form-data body with one file part called
// part, and returns the body and its Content-Type header value.
//
// Example:
//
//	body, ct := enginetest.Multipart(t, "file", "lines.csv", "text/csv", []byte("name,region\nAcme,east\n"))
//	app.Do(t, "POST", "/api/v1/forms/customer/records/import", body, map[string]string{"Content-Type": ct})
func Multipart(t testing.TB, part, filename, contentType string, content []byte) (body, header string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name=%q; filename=%q`, part, filename))
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	pw, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pw.Write(content); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.String(), w.FormDataContentType()
}

// JSONString renders v as JSON text for a request body, failing the test if
// it cannot.
func JSONString(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
