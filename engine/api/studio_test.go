package api

import (
	"compress/gzip"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gofiber/fiber/v2"
)

func studioApp() *fiber.App {
	app := fiber.New(fiber.Config{ErrorHandler: errorHandler(slog.New(slog.DiscardHandler))})
	js := "console.log('" + strings.Repeat("mosaic ", 200) + "')"
	mountUI(app, fstest.MapFS{
		"index.html":              {Data: []byte(`<!doctype html><script type="module" src="/studio/assets/index-abc123.js"></script>`)},
		"assets/index-abc123.js":  {Data: []byte(js)},
		"assets/index-abc123.css": {Data: []byte("body{}")},
		"favicon.svg":             {Data: []byte("<svg/>")},
	}, "/studio", "/app", "/portal")
	return app
}

type studioResp struct {
	status  int
	body    string
	headers map[string]string
}

func getStudio(t *testing.T, app *fiber.App, url string, headers map[string]string) studioResp {
	t.Helper()
	req := httptest.NewRequest("GET", url, nil)
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var r io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		if r, err = gzip.NewReader(resp.Body); err != nil {
			t.Fatal(err)
		}
	}
	b, _ := io.ReadAll(r)
	h := map[string]string{}
	for k := range resp.Header {
		h[k] = resp.Header.Get(k)
	}
	return studioResp{resp.StatusCode, string(b), h}
}

func TestStudioServesTheApp(t *testing.T) {
	app := studioApp()
	for _, tc := range []struct {
		url, wantBody, wantType, wantCache string
	}{
		{"/studio", "<!doctype html>", "text/html", "no-cache"},
		{"/studio/", "<!doctype html>", "text/html", "no-cache"},
		// client routes of the app get its page
		{"/studio/forms/order/design", "<!doctype html>", "text/html", "no-cache"},
		{"/studio/index.html", "<!doctype html>", "text/html", "no-cache"},
		{"/studio/assets/index-abc123.js", "console.log", "text/javascript", "immutable"},
		{"/studio/assets/index-abc123.css", "body{}", "text/css", "immutable"},
		{"/studio/favicon.svg", "<svg/>", "image/svg+xml", "max-age=3600"},
		// a path that climbs out stays inside the app
		{"/studio/../../etc/passwd", "<!doctype html>", "text/html", "no-cache"},
	} {
		r := getStudio(t, app, tc.url, nil)
		if r.status != 200 || !strings.HasPrefix(r.body, tc.wantBody) || !strings.HasPrefix(r.headers["Content-Type"], tc.wantType) ||
			!strings.Contains(r.headers["Cache-Control"], tc.wantCache) {
			t.Errorf("GET %s = %d %q (%s, cache %q), want %q (%s, cache %q)", tc.url, r.status, trim(r.body),
				r.headers["Content-Type"], r.headers["Cache-Control"], tc.wantBody, tc.wantType, tc.wantCache)
		}
		if !strings.Contains(r.headers["Content-Security-Policy"], "script-src 'self'") || r.headers["X-Content-Type-Options"] != "nosniff" {
			t.Errorf("GET %s lacks the security headers: %v", tc.url, r.headers)
		}
	}
}

func TestStudioMissingAssetIsNotThePage(t *testing.T) {
	// note: an old page asking for an asset of a previous release must get a
	// 404, not index.html served as JavaScript.
	r := getStudio(t, studioApp(), "/studio/assets/index-old999.js", nil)
	if r.status != 404 || !strings.Contains(r.body, `"code":"not_found"`) {
		t.Errorf("missing asset = %d %s", r.status, trim(r.body))
	}
}

func TestStudioCompressesAndRevalidates(t *testing.T) {
	app := studioApp()
	r := getStudio(t, app, "/studio/assets/index-abc123.js", map[string]string{"Accept-Encoding": "gzip, br"})
	if r.headers["Content-Encoding"] != "gzip" || !strings.HasPrefix(r.body, "console.log('mosaic") {
		t.Errorf("gzip asked: encoding %q, body %q", r.headers["Content-Encoding"], trim(r.body))
	}
	plain := getStudio(t, app, "/studio/assets/index-abc123.js", nil)
	if plain.headers["Content-Encoding"] != "" || plain.body != r.body {
		t.Errorf("no gzip asked: encoding %q", plain.headers["Content-Encoding"])
	}
	again := getStudio(t, app, "/studio/assets/index-abc123.js", map[string]string{"If-None-Match": r.headers["Etag"]})
	if again.status != 304 || again.body != "" {
		t.Errorf("revalidating with the ETag = %d %q, want 304", again.status, trim(again.body))
	}
}

func trim(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
