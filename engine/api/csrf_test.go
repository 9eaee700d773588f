package api_test

import (
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
)

// TestCookieSessionsRefuseOtherOrigins: a page of another site (or of a
// sibling subdomain, which SameSite=Lax lets through) makes the signed-in
// user's browser send a state-changing request with the session cookie. It
// is refused and changes nothing; the same request from the server's own
// pages, or with a bearer token, works; reads are not affected.
func TestCookieSessionsRefuseOtherOrigins(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		login := app.Expect(t, 200, "POST", "/api/v1/auth/login",
			`{"email":"`+enginetest.AdminEmail+`","password":"`+enginetest.AdminPassword+`"}`, map[string]string{"Authorization": ""})
		if c := strings.ToLower(login.Headers["Set-Cookie"]); !strings.Contains(c, "samesite=lax") || !strings.Contains(c, "httponly") {
			t.Errorf("session cookie %q: want HttpOnly and SameSite=Lax", login.Headers["Set-Cookie"])
		}
		var tok struct{ Token string }
		login.JSON(t, &tok)
		cookie := func(extra map[string]string) map[string]string {
			h := map[string]string{"Authorization": "", "Cookie": "mosaic_session=" + tok.Token}
			for k, v := range extra {
				h[k] = v
			}
			return h
		}
		body := `{"name":"CSRF Ltd","region":"east"}`
		for _, attack := range []struct {
			name    string
			method  string
			url     string
			headers map[string]string
		}{
			{"another site's form", "POST", "/api/v1/forms/customer/records", map[string]string{"Origin": "https://evil.example"}},
			{"a sibling subdomain", "POST", "/api/v1/forms/customer/records", map[string]string{"Origin": "http://evil.example.com"}},
			{"an opaque origin (sandboxed frame)", "POST", "/api/v1/forms/customer/records", map[string]string{"Origin": "null"}},
			{"no origin at all", "POST", "/api/v1/forms/customer/records", nil},
			{"a lying referer", "POST", "/api/v1/forms/customer/records", map[string]string{"Referer": "https://example.com.evil.example/x"}},
			{"same host but the browser says cross-site", "POST", "/api/v1/forms/customer/records",
				map[string]string{"Origin": "http://example.com", "Sec-Fetch-Site": "cross-site"}},
			{"granting a role", "PATCH", "/api/v1/admin/users/1", map[string]string{"Origin": "https://evil.example"}},
			{"deleting", "DELETE", "/api/v1/forms/customer/records/1", map[string]string{"Origin": "https://evil.example"}},
			{"publishing", "POST", "/api/v1/definitions/import", map[string]string{"Origin": "https://evil.example"}},
			{"signing out", "POST", "/api/v1/auth/logout", map[string]string{"Origin": "https://evil.example"}},
		} {
			enginetest.APIScenario{Name: attack.name, Method: attack.method, URL: attack.url, Body: body,
				Headers: cookie(attack.headers), ExpectedStatus: 403, ExpectedCode: "cross_origin"}.Test(t, app)
		}
		list := app.Expect(t, 200, "GET", "/api/v1/forms/customer/records?filter="+
			strings.ReplaceAll(`name == "CSRF Ltd"`, " ", "%20"), "", nil).Map(t)
		if items, _ := list["items"].([]any); len(items) != 0 {
			t.Errorf("a refused request created %d records", len(items))
		}
		// The session survived the forged sign-out, and works from home.
		app.Expect(t, 200, "GET", "/api/v1/auth/me", "", cookie(map[string]string{"Origin": "https://evil.example"}))
		app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", body, cookie(map[string]string{"Origin": "http://example.com"}))
		app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name":"CSRF 2","region":"east"}`,
			cookie(map[string]string{"Referer": "http://example.com/studio/forms"}))
		app.Expect(t, 201, "POST", "/api/v1/forms/customer/records", `{"name":"CSRF 3","region":"east"}`,
			map[string]string{"Origin": "https://evil.example"}) // note: a bearer token is never sent by a browser on its own
	})
}
