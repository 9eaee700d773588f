package api_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// Identity administration over HTTP: users, departments, API keys, sessions
// and out-of-office periods. Every table row must answer in the one error
// shape with a status openapi.json lists, and every change must be in the
// audit log without a secret.

const (
	forbidden     = 403
	codeForbidden = "forbidden"
	codeConflict  = "conflict"
	userPassword  = "a long passphrase"
)

// runRows runs scenario rows in order, checking each error against the
// documented shape and status.
func runRows(t *testing.T, app *enginetest.App, rows []enginetest.APIScenario) {
	t.Helper()
	for _, s := range rows {
		s.NotExpectedContent = append(s.NotExpectedContent, internals...)
		r := s.Test(t, app)
		if r.Status >= 400 {
			conforms(t, "Error", r.Body)
		}
		if route, ok := documented(t, s.Method, s.URL, r.Status); route != "" && !ok {
			t.Errorf("%s: %s answered %d, which openapi.json does not list", s.Name, route, r.Status)
		}
	}
}

// signIn creates a user with roles straight through the engine and signs
// them in through the API.
func signIn(t *testing.T, app *enginetest.App, email string, roles ...string) (*store.User, map[string]string) {
	t.Helper()
	u, err := app.Engine.CreateUser(context.Background(), email, "", userPassword, roles...)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u, enginetest.Bearer(app.Login(t, email, userPassword))
}

// identityAudit returns the audit entries of one target, oldest first and
// without sign-ins (auth.*), failing the test if any entry shows a secret.
func identityAudit(t *testing.T, app *enginetest.App, kind, key string, id int64, secrets ...string) []store.AuditEntry {
	t.Helper()
	es, err := app.Engine.DB().AuditOf(context.Background(), kind, key, id, 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]store.AuditEntry, 0, len(es))
	secrets = append(secrets, "$2a$", userPassword)
	for i := len(es) - 1; i >= 0; i-- {
		if e := es[i]; !strings.HasPrefix(e.Action, "auth.") {
			out = append(out, e)
		}
	}
	for _, e := range es {
		for _, s := range secrets {
			if s != "" && (strings.Contains(e.Changes, s) || strings.Contains(e.Summary, s)) {
				t.Errorf("audit %s of %s %s shows a secret: %s / %s", e.Action, kind, key, e.Changes, e.Summary)
			}
		}
	}
	return out
}

// actionsOf lists the actions of audit entries.
func actionsOf(es []store.AuditEntry) string {
	var as []string
	for _, e := range es {
		as = append(as, e.Action)
	}
	return strings.Join(as, " ")
}

func TestAdminUsers(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		dept := idOf(t, app.Expect(t, 201, "POST", "/api/v1/admin/departments", `{"name": "Sales"}`, nil).Map(t))
		created := app.Expect(t, 201, "POST", "/api/v1/admin/users", fmt.Sprintf(`{"email": " Li.Chen@Example.com ", "name": "Li Chen",
			"password": %q, "roles": ["sales_rep", "sales_rep"], "department_ids": [%d], "manager_id": %d,
			"attributes": {"region": "east", "quota": 120000000000000000001, "tags": ["a", 1]}}`, userPassword, dept, app.Admin.ID), nil)
		conforms(t, "AdminUser", created.Body)
		li := exact(t, created)
		id := idOf(t, created.Map(t))
		user := fmt.Sprintf("/api/v1/admin/users/%d", id)
		wantAt(t, "created", li, "li.chen@example.com", "email")
		wantAt(t, "created", li, "[sales_rep]", "roles")
		wantAt(t, "created", li, fmt.Sprintf("[%d]", dept), "department_ids")
		wantAt(t, "created", li, fmt.Sprint(app.Admin.ID), "manager_id")
		wantAt(t, "created", li, "120000000000000000001", "attributes", "quota")
		if created.Headers["Location"] != user {
			t.Errorf("Location = %q, want %q", created.Headers["Location"], user)
		}
		if strings.Contains(created.Body, "password") || strings.Contains(created.Body, "$2a$") {
			t.Errorf("the created user shows the password: %s", created.Body)
		}
		app.Login(t, "li.chen@example.com", userPassword)

		list := "/api/v1/admin/users"
		body := func(s string, args ...any) string { return fmt.Sprintf(s, args...) }
		rows := []enginetest.APIScenario{
			{Name: "list", Method: "GET", URL: list, ExpectedStatus: 200,
				ExpectedContent: []string{"li.chen@example.com", enginetest.AdminEmail, `"total":2`, `"page":1`}},
			{Name: "search by name, any case", Method: "GET", URL: list + "?q=CHEN", ExpectedStatus: 200,
				ExpectedContent: []string{"li.chen@example.com", `"total":1`}, NotExpectedContent: []string{enginetest.AdminEmail}},
			{Name: "search by e-mail part", Method: "GET", URL: list + "?q=admin@", ExpectedStatus: 200,
				ExpectedContent: []string{enginetest.AdminEmail}, NotExpectedContent: []string{"li.chen"}},
			{Name: "wildcards are text", Method: "GET", URL: list + "?q=%25", ExpectedStatus: 200, ExpectedContent: []string{`"total":0`}},
			{Name: "by role", Method: "GET", URL: list + "?role=sales_rep", ExpectedStatus: 200,
				ExpectedContent: []string{"li.chen", `"total":1`}},
			{Name: "by department", Method: "GET", URL: body("%s?department_id=%d", list, dept), ExpectedStatus: 200,
				ExpectedContent: []string{"li.chen", `"total":1`}},
			{Name: "deactivated only", Method: "GET", URL: list + "?active=false", ExpectedStatus: 200, ExpectedContent: []string{`"total":0`}},
			{Name: "a page past the end", Method: "GET", URL: list + "?page=9&per_page=1", ExpectedStatus: 200,
				ExpectedContent: []string{`"items":[]`, `"total":2`}},
			{Name: "per_page too large", Method: "GET", URL: list + "?per_page=1000", ExpectedStatus: badRequest, ExpectedPaths: []string{"/per_page"}},
			{Name: "page zero", Method: "GET", URL: list + "?page=0", ExpectedStatus: badRequest, ExpectedPaths: []string{"/page"}},
			{Name: "active not true or false", Method: "GET", URL: list + "?active=yes", ExpectedStatus: badRequest,
				ExpectedCode: codeQuery, ExpectedPaths: []string{"/active"}},
			{Name: "department_id not an id", Method: "GET", URL: list + "?department_id=-4", ExpectedStatus: badRequest,
				ExpectedCode: codeQuery, ExpectedPaths: []string{"/department_id"}},
			{Name: "q not UTF-8", Method: "GET", URL: list + "?q=%ff", ExpectedStatus: badRequest, ExpectedPaths: []string{"/q"}},
			{Name: "q too long", Method: "GET", URL: list + "?q=" + strings.Repeat("x", 201), ExpectedStatus: badRequest, ExpectedPaths: []string{"/q"}},
			{Name: "SQL-looking search", Method: "GET", URL: list + "?q=" + url.QueryEscape(sqlLooking[1]), ExpectedStatus: 200,
				ExpectedContent: []string{`"total":0`}},

			{Name: "read one", Method: "GET", URL: user, ExpectedStatus: 200, ExpectedContent: []string{`"department_ids":[`, `"region":"east"`}},
			{Name: "no such user", Method: "GET", URL: "/api/v1/admin/users/999999", ExpectedStatus: notFound, ExpectedCode: codeNotFound},
			{Name: "id not a number", Method: "GET", URL: "/api/v1/admin/users/abc", ExpectedStatus: notFound, ExpectedCode: codeNotFound},
			{Name: "negative id", Method: "GET", URL: "/api/v1/admin/users/-1", ExpectedStatus: notFound, ExpectedCode: codeNotFound},

			{Name: "create: no body", Method: "POST", URL: list, ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
			{Name: "create: not JSON", Method: "POST", URL: list, Body: `{"email":`, ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
			{Name: "create: a list", Method: "POST", URL: list, Body: `[]`, ExpectedStatus: badRequest, ExpectedCode: codeBadRequest},
			{Name: "create: unknown property", Method: "POST", URL: list, Body: `{"email": "x@example.com", "password": "long enough", "admin": true}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/admin"}},
			{Name: "create: not an e-mail", Method: "POST", URL: list, Body: `{"email": "nope", "password": "long enough"}`,
				ExpectedStatus: invalid, ExpectedCode: codeValidation, ExpectedPaths: []string{"/email"}},
			{Name: "create: short password", Method: "POST", URL: list, Body: `{"email": "p@example.com", "password": "short"}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/password"}},
			{Name: "create: no password", Method: "POST", URL: list, Body: `{"email": "p@example.com"}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/password"}},
			{Name: "create: unpublished role", Method: "POST", URL: list, Body: `{"email": "p@example.com", "password": "long enough", "roles": ["pope"]}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/roles/0"}, ExpectedContent: []string{"pope"}},
			{Name: "create: roles not a list", Method: "POST", URL: list, Body: `{"email": "p@example.com", "password": "long enough", "roles": "admin"}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/roles"}},
			{Name: "create: missing department", Method: "POST", URL: list,
				Body:           `{"email": "p@example.com", "password": "long enough", "department_ids": [999999]}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/department_ids/0"}},
			{Name: "create: missing manager", Method: "POST", URL: list, Body: `{"email": "p@example.com", "password": "long enough", "manager_id": 999999}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/manager_id"}},
			{Name: "create: manager not a number", Method: "POST", URL: list, Body: `{"email": "p@example.com", "password": "long enough", "manager_id": "1"}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/manager_id"}},
			{Name: "create: attribute name filters cannot use", Method: "POST", URL: list,
				Body:           `{"email": "p@example.com", "password": "long enough", "attributes": {"Sales Region": "x"}}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/attributes/Sales Region"}},
			{Name: "create: attribute holding an object", Method: "POST", URL: list,
				Body:           `{"email": "p@example.com", "password": "long enough", "attributes": {"a/b": 1, "region": {"x": 1}}}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/attributes/a~1b", "/attributes/region"}},
			{Name: "create: attributes a list", Method: "POST", URL: list, Body: `{"email": "p@example.com", "password": "long enough", "attributes": []}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/attributes"}},
			{Name: "create: control characters in the name", Method: "POST", URL: list,
				Body: `{"email": "p@example.com", "password": "long enough", "name": "a\u0000b"}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "create: several mistakes at once", Method: "POST", URL: list, Body: `{"email": "@", "password": "", "roles": ["admin", "x"]}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/email", "/password", "/roles/1"}},
			{Name: "create: the same e-mail again", Method: "POST", URL: list, Body: body(`{"email": "LI.CHEN@example.com", "password": %q}`, userPassword),
				ExpectedStatus: conflict, ExpectedCode: codeConflict, ExpectedContent: []string{"already exists"}},

			{Name: "patch: rename", Method: "PATCH", URL: user, Body: `{"name": "Chen Li"}`, ExpectedStatus: 200, ExpectedContent: []string{`"name":"Chen Li"`}},
			{Name: "patch: nothing", Method: "PATCH", URL: user, Body: `{}`, ExpectedStatus: 200},
			{Name: "patch: remove the manager", Method: "PATCH", URL: user, Body: `{"manager_id": null}`, ExpectedStatus: 200,
				ExpectedContent: []string{`"manager_id":null`}},
			{Name: "patch: roles and departments", Method: "PATCH", URL: user, Body: `{"roles": ["sales_rep", "finance"], "department_ids": []}`,
				ExpectedStatus: 200, ExpectedContent: []string{`"roles":["finance","sales_rep"]`, `"department_ids":[]`}},
			{Name: "patch: attributes are replaced", Method: "PATCH", URL: user, Body: `{"attributes": {"region": "west"}}`, ExpectedStatus: 200,
				ExpectedContent: []string{`"attributes":{"region":"west"}`}},
			{Name: "patch: null name", Method: "PATCH", URL: user, Body: `{"name": null}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "patch: blank name", Method: "PATCH", URL: user, Body: `{"name": "  "}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "patch: null roles", Method: "PATCH", URL: user, Body: `{"roles": null}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/roles"}},
			{Name: "patch: the e-mail address cannot change", Method: "PATCH", URL: user, Body: `{"email": "x@example.com"}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/email"}},
			{Name: "patch: active not true or false", Method: "PATCH", URL: user, Body: `{"active": "no"}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/active"}},
			{Name: "patch: one's own manager", Method: "PATCH", URL: user, Body: body(`{"manager_id": %d}`, id),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/manager_id"}},
			{Name: "patch: unpublished role", Method: "PATCH", URL: user, Body: `{"roles": ["finance", "root"]}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/roles/1"}},
			{Name: "patch: short password", Method: "PATCH", URL: user, Body: `{"password": "1234567"}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/password"}},
			{Name: "patch: missing user", Method: "PATCH", URL: "/api/v1/admin/users/999999", Body: `{"name": "x"}`,
				ExpectedStatus: notFound, ExpectedCode: codeNotFound},
			{Name: "patch: an admin's own roles", Method: "PATCH", URL: fmt.Sprintf("/api/v1/admin/users/%d", app.Admin.ID),
				Body: `{"roles": ["sales_rep"]}`, ExpectedStatus: conflict, ExpectedCode: codeConflict, ExpectedContent: []string{"your own roles"}},
			{Name: "patch: an admin deactivating themselves", Method: "PATCH", URL: fmt.Sprintf("/api/v1/admin/users/%d", app.Admin.ID),
				Body: `{"active": false}`, ExpectedStatus: conflict, ExpectedCode: codeConflict, ExpectedContent: []string{"deactivate yourself"}},
			{Name: "patch: one's own roles unchanged", Method: "PATCH", URL: fmt.Sprintf("/api/v1/admin/users/%d", app.Admin.ID),
				Body: `{"roles": ["admin"], "name": "Root"}`, ExpectedStatus: 200, ExpectedContent: []string{`"name":"Root"`}},
		}
		runRows(t, app, rows)
		conforms(t, "UserList", app.Expect(t, 200, "GET", list, "", nil).Body)

		es := identityAudit(t, app, "user", "li.chen@example.com", id)
		if got := actionsOf(es); got != "user.create user.update user.update user.update user.update" {
			t.Errorf("audit of the user = %q, want create and one update per change", got)
		}
		if len(es) == 5 && (!strings.Contains(es[1].Changes, `"name":{"after":"Chen Li","before":"Li Chen"}`) || es[1].ActorID != app.Admin.ID) {
			t.Errorf("the rename is audited as %s by %d", es[1].Changes, es[1].ActorID)
		}
		if admin := identityAudit(t, app, "user", enginetest.AdminEmail, app.Admin.ID); !strings.Contains(actionsOf(admin), "user.update") ||
			strings.Contains(admin[len(admin)-1].Changes, "roles") {
			t.Errorf("the admin's refused changes or unchanged roles were audited: %+v", admin)
		}
	})
}

// TestAdminOnly shows every administration route to a user without the
// admin role, to a sales rep, and to nobody.
func TestAdminOnly(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		plain, plainAuth := signIn(t, app, "plain@example.com")
		_, repAuth := signIn(t, app, "rep@example.com", "sales_rep")
		routes := []struct{ method, url, body string }{
			{"GET", "/api/v1/admin/users", ""},
			{"POST", "/api/v1/admin/users", `{"email": "evil@example.com", "password": "long enough", "roles": ["admin"]}`},
			{"GET", fmt.Sprintf("/api/v1/admin/users/%d", plain.ID), ""},
			{"PATCH", fmt.Sprintf("/api/v1/admin/users/%d", plain.ID), `{"roles": ["admin"]}`},
			{"GET", fmt.Sprintf("/api/v1/admin/users/%d/sessions", app.Admin.ID), ""},
			{"GET", fmt.Sprintf("/api/v1/admin/users/%d/out-of-office", app.Admin.ID), ""},
			{"DELETE", "/api/v1/admin/sessions/1", ""},
			{"GET", "/api/v1/admin/departments", ""},
			{"POST", "/api/v1/admin/departments", `{"name": "Shadow"}`},
			{"GET", "/api/v1/admin/departments/1", ""},
			{"PATCH", "/api/v1/admin/departments/1", `{"name": "x"}`},
			{"DELETE", "/api/v1/admin/departments/1", ""},
			{"GET", "/api/v1/admin/api-keys", ""},
			{"POST", "/api/v1/admin/api-keys", fmt.Sprintf(`{"name": "mine", "user_id": %d, "roles": ["admin"]}`, app.Admin.ID)},
			{"DELETE", "/api/v1/admin/api-keys/1", ""},
		}
		var rows []enginetest.APIScenario
		for _, r := range routes {
			for who, h := range map[string]map[string]string{"no role": plainAuth, "sales rep": repAuth} {
				rows = append(rows, enginetest.APIScenario{Name: who + ": " + r.method + " " + r.url, Method: r.method, URL: r.url, Body: r.body,
					Headers: h, ExpectedStatus: forbidden, ExpectedCode: codeForbidden})
			}
			rows = append(rows, enginetest.APIScenario{Name: "nobody: " + r.method + " " + r.url, Method: r.method, URL: r.url, Body: r.body,
				Headers: map[string]string{"Authorization": ""}, ExpectedStatus: unauthorized, ExpectedCode: codeUnauthorized})
		}
		for _, u := range []string{"/api/v1/me/sessions", "/api/v1/me/out-of-office"} {
			rows = append(rows, enginetest.APIScenario{Name: "a plain user's own " + u, Method: "GET", URL: u, Headers: plainAuth, ExpectedStatus: 200},
				enginetest.APIScenario{Name: "nobody's " + u, Method: "GET", URL: u, Headers: map[string]string{"Authorization": ""},
					ExpectedStatus: unauthorized})
		}
		runRows(t, app, rows)
		if v, _ := app.Engine.ViewUser(context.Background(), plain.ID); len(v.Roles) != 0 {
			t.Errorf("a user without the admin role gave themselves roles %v", v.Roles)
		}
		if r := app.Expect(t, 200, "GET", "/api/v1/admin/users", "", nil); strings.Contains(r.Body, "evil@") {
			t.Error("a user without the admin role created a user")
		}
		if r := app.Expect(t, 200, "GET", "/api/v1/admin/departments", "", nil); strings.Contains(r.Body, "Shadow") {
			t.Error("a user without the admin role created a department")
		}
	})
}

func TestDeactivationAndPasswordReset(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		u, first := signIn(t, app, "leaver@example.com", "sales_rep")
		second := enginetest.Bearer(app.Login(t, "leaver@example.com", userPassword))
		user := fmt.Sprintf("/api/v1/admin/users/%d", u.ID)
		login := func(name, password string, status int) enginetest.APIScenario {
			return enginetest.APIScenario{Name: name, Method: "POST", URL: "/api/v1/auth/login",
				Body: fmt.Sprintf(`{"email": "leaver@example.com", "password": %q}`, password), Headers: map[string]string{"Authorization": ""},
				ExpectedStatus: status}
		}
		me := func(name string, h map[string]string, status int) enginetest.APIScenario {
			return enginetest.APIScenario{Name: name, Method: "GET", URL: "/api/v1/auth/me", Headers: h, ExpectedStatus: status}
		}
		runRows(t, app, []enginetest.APIScenario{
			me("signed in", first, 200),
			{Name: "reset the password", Method: "PATCH", URL: user, Body: `{"password": "a new passphrase"}`, ExpectedStatus: 200,
				NotExpectedContent: []string{"passphrase", "$2a$"}},
			me("the first session after the reset", first, unauthorized),
			me("the second session after the reset", second, unauthorized),
			login("the old password", userPassword, unauthorized),
			login("the new password", "a new passphrase", 200),
			{Name: "deactivate", Method: "PATCH", URL: user, Body: `{"active": false}`, ExpectedStatus: 200, ExpectedContent: []string{`"active":false`}},
			login("a deactivated user", "a new passphrase", unauthorized),
			{Name: "reactivate", Method: "PATCH", URL: user, Body: `{"active": true}`, ExpectedStatus: 200},
		})
		fresh := enginetest.Bearer(app.Login(t, "leaver@example.com", "a new passphrase"))
		app.Expect(t, 200, "GET", "/api/v1/auth/me", "", fresh)
		app.Expect(t, 200, "PATCH", user, `{"active": false}`, nil)
		runRows(t, app, []enginetest.APIScenario{me("a session when its user is deactivated", fresh, unauthorized)})

		// An admin resetting their own password keeps the session doing it.
		other := enginetest.Bearer(app.Login(t, enginetest.AdminEmail, enginetest.AdminPassword))
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", app.Admin.ID), `{"password": "another long one"}`, nil)
		runRows(t, app, []enginetest.APIScenario{
			me("the admin's session that reset the password", nil, 200),
			me("the admin's other session", other, unauthorized),
		})

		// A reset unlocks an account locked by failed logins.
		app.Expect(t, 200, "PATCH", user, `{"active": true}`, nil)
		for range engine.MaxFailedLogins {
			app.Do(t, "POST", "/api/v1/auth/login", `{"email": "leaver@example.com", "password": "guess"}`, map[string]string{"Authorization": ""})
		}
		runRows(t, app, []enginetest.APIScenario{
			login("locked out", "a new passphrase", unauthorized),
			{Name: "reset while locked", Method: "PATCH", URL: user, Body: `{"password": "unlocked at last"}`, ExpectedStatus: 200},
			login("after the reset", "unlocked at last", 200),
		})

		es := identityAudit(t, app, "user", "leaver@example.com", u.ID, "a new passphrase", "unlocked at last")
		if got := actionsOf(es); !strings.Contains(got, "user.update user.update user.update user.update") {
			t.Errorf("the resets and (de)activations are not all audited: %s", got)
		}
		if !strings.Contains(es[1].Changes, `"password":{"changed":true}`) || !strings.Contains(es[1].Changes, `"sessions_revoked":2`) {
			t.Errorf("the reset is audited as %s", es[1].Changes)
		}
	})
}

func TestAdminDepartments(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		const list = "/api/v1/admin/departments"
		mk := func(body string) int64 {
			t.Helper()
			r := app.Expect(t, 201, "POST", list, body, nil)
			conforms(t, "Department", r.Body)
			return idOf(t, r.Map(t))
		}
		root := mk(`{"name": "Company"}`)
		sales := mk(fmt.Sprintf(`{"name": "Sales", "parent_id": %d, "head_id": %d}`, root, app.Admin.ID))
		east := mk(fmt.Sprintf(`{"name": "East", "parent_id": %d}`, sales))
		dep := func(id int64) string { return fmt.Sprintf("%s/%d", list, id) }
		member, _ := signIn(t, app, "member@example.com")
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", member.ID), fmt.Sprintf(`{"department_ids": [%d]}`, sales), nil)

		rows := []enginetest.APIScenario{
			{Name: "list", Method: "GET", URL: list, ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"East"`, fmt.Sprintf(`"parent_id":%d`, sales), fmt.Sprintf(`"member_ids":[%d]`, member.ID)}},
			{Name: "read one", Method: "GET", URL: dep(sales), ExpectedStatus: 200, ExpectedContent: []string{fmt.Sprintf(`"head_id":%d`, app.Admin.ID)}},
			{Name: "no such department", Method: "GET", URL: dep(999999), ExpectedStatus: notFound, ExpectedCode: codeNotFound},
			{Name: "id not a number", Method: "GET", URL: list + "/sales", ExpectedStatus: notFound},
			{Name: "create: no name", Method: "POST", URL: list, Body: `{}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "create: blank name", Method: "POST", URL: list, Body: `{"name": " "}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "create: name too long", Method: "POST", URL: list, Body: fmt.Sprintf(`{"name": %q}`, strings.Repeat("部", 201)),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "create: missing parent", Method: "POST", URL: list, Body: `{"name": "X", "parent_id": 999999}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/parent_id"}},
			{Name: "create: parent not a number", Method: "POST", URL: list, Body: `{"name": "X", "parent_id": "1"}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/parent_id"}},
			{Name: "create: missing head", Method: "POST", URL: list, Body: `{"name": "X", "head_id": 999999}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/head_id"}},
			{Name: "create: unknown property", Method: "POST", URL: list, Body: `{"name": "X", "members": []}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/members"}},
			{Name: "create: a sibling of the same name", Method: "POST", URL: list, Body: fmt.Sprintf(`{"name": "SALES", "parent_id": %d}`, root),
				ExpectedStatus: conflict, ExpectedCode: codeConflict},
			{Name: "create: the same name elsewhere", Method: "POST", URL: list, Body: fmt.Sprintf(`{"name": "Sales", "parent_id": %d}`, east),
				ExpectedStatus: 201},
			{Name: "patch: under its own grandchild", Method: "PATCH", URL: dep(root), Body: fmt.Sprintf(`{"parent_id": %d}`, east),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/parent_id"}, ExpectedContent: []string{"validation_department_cycle"}},
			{Name: "patch: under itself", Method: "PATCH", URL: dep(sales), Body: fmt.Sprintf(`{"parent_id": %d}`, sales),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/parent_id"}},
			{Name: "patch: null name", Method: "PATCH", URL: dep(sales), Body: `{"name": null}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "patch: missing department", Method: "PATCH", URL: dep(999999), Body: `{"name": "x"}`, ExpectedStatus: notFound},
			{Name: "patch: rename and change the head", Method: "PATCH", URL: dep(sales), Body: fmt.Sprintf(`{"name": "Sales & Marketing", "head_id": %d}`, member.ID),
				ExpectedStatus: 200, ExpectedContent: []string{`"name":"Sales \u0026 Marketing"`}},
			{Name: "patch: make a root", Method: "PATCH", URL: dep(east), Body: `{"parent_id": null, "head_id": null}`,
				ExpectedStatus: 200, ExpectedContent: []string{`"parent_id":null`}},
			{Name: "delete: with sub-departments", Method: "DELETE", URL: dep(root), ExpectedStatus: conflict, ExpectedContent: []string{"sub-departments"}},
			{Name: "delete: with members", Method: "DELETE", URL: dep(sales), ExpectedStatus: conflict, ExpectedContent: []string{"members"}},
			{Name: "delete: a missing department", Method: "DELETE", URL: dep(999999), ExpectedStatus: notFound},
		}
		runRows(t, app, rows)
		conforms(t, "DepartmentList", app.Expect(t, 200, "GET", list, "", nil).Body)

		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", member.ID), `{"department_ids": []}`, nil)
		runRows(t, app, []enginetest.APIScenario{
			{Name: "delete: once empty", Method: "DELETE", URL: dep(sales), ExpectedStatus: 204},
			{Name: "delete: again", Method: "DELETE", URL: dep(sales), ExpectedStatus: notFound},
		})
		es := identityAudit(t, app, "department", "Sales & Marketing", sales)
		if got := actionsOf(es); got != "department.update department.delete" {
			t.Errorf("audit of the renamed department = %q", got)
		}
		if got := actionsOf(identityAudit(t, app, "department", "East", east)); got != "department.create department.update" {
			t.Errorf("audit of East = %q: its refused move must leave no entry", got)
		}
	})
}

func TestAdminAPIKeys(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		rep, _ := signIn(t, app, "rep@example.com", "sales_rep")
		boss, _ := signIn(t, app, "boss@example.com", "admin", "sales_director")
		const keys = "/api/v1/admin/api-keys"
		mkKey := func(body string) (int64, string) {
			t.Helper()
			r := app.Expect(t, 201, "POST", keys, body, nil)
			conforms(t, "APIKeyCreated", r.Body)
			if r.Headers["Cache-Control"] != "no-store" {
				t.Errorf("the new key may be cached: Cache-Control %q", r.Headers["Cache-Control"])
			}
			m := r.Map(t)
			key, _ := m["key"].(string)
			if !strings.HasPrefix(key, engine.APIKeyPrefix) || len(key) != len(engine.APIKeyPrefix)+40 || m["prefix"] != key[:10] {
				t.Fatalf("the key is %q with prefix %v", key, m["prefix"])
			}
			return idOf(t, m), key
		}
		tomorrow := time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
		repKeyID, repKey := mkKey(fmt.Sprintf(`{"name": "ERP", "user_id": %d, "roles": ["sales_rep"], "expires_at": %q}`, rep.ID, tomorrow))
		_, bossLimited := mkKey(fmt.Sprintf(`{"name": "reports", "user_id": %d, "roles": ["sales_director"]}`, boss.ID))
		_, bossAdmin := mkKey(fmt.Sprintf(`{"name": "ops", "user_id": %d, "roles": ["admin", "admin"]}`, boss.ID))

		listed := app.Expect(t, 200, "GET", keys, "", nil)
		conforms(t, "APIKeyList", listed.Body)
		for _, k := range []string{repKey, bossLimited, bossAdmin} {
			if strings.Contains(listed.Body, k[len(engine.APIKeyPrefix):]) {
				t.Fatalf("the key list shows a key: %s", listed.Body)
			}
		}
		key := func(k string) map[string]string { return enginetest.Bearer(k) }
		revoke := fmt.Sprintf("%s/%d", keys, repKeyID)
		rows := []enginetest.APIScenario{
			{Name: "the key signs in as its user", Method: "GET", URL: "/api/v1/auth/me", Headers: key(repKey), ExpectedStatus: 200,
				ExpectedContent: []string{"rep@example.com"}},
			{Name: "a key limited to a role that is not admin", Method: "GET", URL: "/api/v1/admin/users", Headers: key(bossLimited),
				ExpectedStatus: forbidden, ExpectedCode: codeForbidden},
			{Name: "a key with the admin role", Method: "GET", URL: "/api/v1/admin/users", Headers: key(bossAdmin), ExpectedStatus: 200},
			{Name: "a forged key", Method: "GET", URL: "/api/v1/auth/me", Headers: key(forge(repKey)), ExpectedStatus: unauthorized},
			{Name: "a key's prefix alone", Method: "GET", URL: "/api/v1/auth/me", Headers: key(repKey[:10]), ExpectedStatus: unauthorized},
			{Name: "one user's keys", Method: "GET", URL: fmt.Sprintf("%s?user_id=%d", keys, boss.ID), ExpectedStatus: 200,
				ExpectedContent: []string{`"name":"ops"`, `"status":"active"`}, NotExpectedContent: []string{`"name":"ERP"`}},
			{Name: "user_id not an id", Method: "GET", URL: keys + "?user_id=boss", ExpectedStatus: badRequest, ExpectedPaths: []string{"/user_id"}},
			{Name: "create: a role the user does not have", Method: "POST", URL: keys, Body: fmt.Sprintf(`{"name": "x", "user_id": %d, "roles": ["sales_rep", "admin"]}`, rep.ID),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/roles/1"}, ExpectedContent: []string{engine.CodeRoleNotHeld}},
			{Name: "create: no roles", Method: "POST", URL: keys, Body: fmt.Sprintf(`{"name": "x", "user_id": %d, "roles": []}`, rep.ID),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/roles"}},
			{Name: "create: no user", Method: "POST", URL: keys, Body: `{"name": "x", "roles": ["admin"]}`, ExpectedStatus: invalid, ExpectedPaths: []string{"/user_id"}},
			{Name: "create: missing user", Method: "POST", URL: keys, Body: `{"name": "x", "user_id": 999999, "roles": ["admin"]}`,
				ExpectedStatus: invalid, ExpectedPaths: []string{"/user_id"}},
			{Name: "create: user_id as text", Method: "POST", URL: keys, Body: `{"name": "x", "user_id": "1", "roles": ["admin"]}`,
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/user_id"}},
			{Name: "create: no name", Method: "POST", URL: keys, Body: fmt.Sprintf(`{"user_id": %d, "roles": ["sales_rep"]}`, rep.ID),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/name"}},
			{Name: "create: expired already", Method: "POST", URL: keys,
				Body:           fmt.Sprintf(`{"name": "x", "user_id": %d, "roles": ["sales_rep"], "expires_at": "2020-01-01T00:00:00Z"}`, rep.ID),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/expires_at"}},
			{Name: "create: expires_at not a time", Method: "POST", URL: keys,
				Body:           fmt.Sprintf(`{"name": "x", "user_id": %d, "roles": ["sales_rep"], "expires_at": "next week"}`, rep.ID),
				ExpectedStatus: invalid, ExpectedPaths: []string{"/expires_at"}},
			{Name: "create: choosing the key", Method: "POST", URL: keys,
				Body:           fmt.Sprintf(`{"name": "x", "user_id": %d, "roles": ["sales_rep"], "key": "mk_mine"}`, rep.ID),
				ExpectedStatus: badRequest, ExpectedPaths: []string{"/key"}},
			{Name: "revoke", Method: "DELETE", URL: revoke, ExpectedStatus: 204},
			{Name: "a revoked key", Method: "GET", URL: "/api/v1/auth/me", Headers: key(repKey), ExpectedStatus: unauthorized, ExpectedCode: codeUnauthorized},
			{Name: "revoke again", Method: "DELETE", URL: revoke, ExpectedStatus: 204},
			{Name: "revoke a missing key", Method: "DELETE", URL: keys + "/999999", ExpectedStatus: notFound},
			{Name: "revoked in the list", Method: "GET", URL: fmt.Sprintf("%s?user_id=%d", keys, rep.ID), ExpectedStatus: 200,
				ExpectedContent: []string{`"status":"revoked"`, `"revoked_at":"`, `"last_used_at":"`}},
		}
		runRows(t, app, rows)

		// Keys stored the way the engine stores them: a live one works, so
		// the expired one shows expiry.
		live, expired := plantKey(t, app, rep.ID, time.Now().Add(time.Hour)), plantKey(t, app, rep.ID, time.Now().Add(-time.Second))
		app.Expect(t, 200, "GET", "/api/v1/auth/me", "", key(live))
		runRows(t, app, []enginetest.APIScenario{
			{Name: "an expired key", Method: "GET", URL: "/api/v1/auth/me", Headers: key(expired), ExpectedStatus: unauthorized, ExpectedCode: codeUnauthorized},
		})
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", rep.ID), `{"active": false}`, nil)
		runRows(t, app, []enginetest.APIScenario{
			{Name: "the key of a deactivated user", Method: "GET", URL: "/api/v1/auth/me", Headers: key(live), ExpectedStatus: unauthorized},
		})

		created := identityAudit(t, app, "apikey", repKey[:10], repKeyID, repKey, repKey[len(engine.APIKeyPrefix):], hashOf(repKey))
		if got := actionsOf(created); got != "apikey.create apikey.revoke" {
			t.Errorf("audit of the key = %q, want create and one revoke", got)
		}
		if len(created) > 0 && !strings.Contains(created[0].Changes, `"roles":{"after":["sales_rep"]`) {
			t.Errorf("the key's roles are not audited: %s", created[0].Changes)
		}
	})
}

func hashOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// plantKey stores an API key for user with the sales_rep role, expiring at
// expires, the way the engine keeps keys at rest, and returns its text.
func plantKey(t *testing.T, app *enginetest.App, userID int64, expires time.Time) string {
	t.Helper()
	text := engine.APIKeyPrefix + strings.Repeat("0", 20) + fmt.Sprintf("%020d", time.Now().UnixNano())
	exp := expires.UTC()
	k := &store.APIKey{Name: "planted", Prefix: text[:10], KeyHash: hashOf(text), UserID: userID, Roles: `["sales_rep"]`,
		CreatedAt: time.Now().UTC(), ExpiresAt: &exp}
	if err := app.Engine.DB().CreateAPIKey(context.Background(), k); err != nil {
		t.Fatal(err)
	}
	return text
}

// sessionIDs lists the session ids a token's /me/sessions shows, and which
// one it is.
func sessionIDs(t *testing.T, app *enginetest.App, h map[string]string) (all []int64, current int64) {
	t.Helper()
	r := app.Expect(t, 200, "GET", "/api/v1/me/sessions", "", h)
	conforms(t, "SessionList", r.Body)
	var list struct {
		Items []engine.SessionView `json:"items"`
	}
	r.JSON(t, &list)
	for _, s := range list.Items {
		all = append(all, s.ID)
		if s.Current {
			if current != 0 {
				t.Errorf("two sessions are current: %s", r.Body)
			}
			current = s.ID
		}
	}
	if current == 0 {
		t.Errorf("no session is current: %s", r.Body)
	}
	return all, current
}

func TestSessionsAPI(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		u, laptop := signIn(t, app, "traveller@example.com")
		phone := enginetest.Bearer(app.Login(t, "traveller@example.com", userPassword))
		all, laptopID := sessionIDs(t, app, laptop)
		_, phoneID := sessionIDs(t, app, phone)
		if len(all) != 2 || laptopID == phoneID {
			t.Fatalf("sessions %v, laptop %d, phone %d", all, laptopID, phoneID)
		}
		_, adminSession := sessionIDs(t, app, nil)
		me := func(name string, h map[string]string, status int) enginetest.APIScenario {
			return enginetest.APIScenario{Name: name, Method: "GET", URL: "/api/v1/auth/me", Headers: h, ExpectedStatus: status}
		}
		rows := []enginetest.APIScenario{
			{Name: "someone else's session", Method: "DELETE", URL: fmt.Sprintf("/api/v1/me/sessions/%d", adminSession), Headers: laptop,
				ExpectedStatus: notFound, ExpectedCode: codeNotFound},
			me("the admin after the attempt", nil, 200),
			{Name: "a missing session", Method: "DELETE", URL: "/api/v1/me/sessions/999999", Headers: laptop, ExpectedStatus: notFound},
			{Name: "a session id that is not a number", Method: "DELETE", URL: "/api/v1/me/sessions/current", Headers: laptop, ExpectedStatus: notFound},
			{Name: "sign the phone out from the laptop", Method: "DELETE", URL: fmt.Sprintf("/api/v1/me/sessions/%d", phoneID), Headers: laptop, ExpectedStatus: 204},
			me("the phone", phone, unauthorized),
			me("the laptop", laptop, 200),
			{Name: "an admin lists the user's sessions", Method: "GET", URL: fmt.Sprintf("/api/v1/admin/users/%d/sessions", u.ID), ExpectedStatus: 200,
				ExpectedContent: []string{fmt.Sprintf(`"id":%d`, laptopID), `"current":false`}, NotExpectedContent: []string{fmt.Sprintf(`"id":%d,`, phoneID), "token"}},
			{Name: "the sessions of a missing user", Method: "GET", URL: "/api/v1/admin/users/999999/sessions", ExpectedStatus: notFound},
			{Name: "an admin signs the laptop out", Method: "DELETE", URL: fmt.Sprintf("/api/v1/admin/sessions/%d", laptopID), ExpectedStatus: 204},
			me("the laptop after the admin", laptop, unauthorized),
			{Name: "an ended session again", Method: "DELETE", URL: fmt.Sprintf("/api/v1/admin/sessions/%d", laptopID), ExpectedStatus: 204},
			{Name: "a missing session, as admin", Method: "DELETE", URL: "/api/v1/admin/sessions/999999", ExpectedStatus: notFound},
		}
		runRows(t, app, rows)
		es := identityAudit(t, app, "user", "traveller@example.com", u.ID)
		if got := actionsOf(es); !strings.HasSuffix(got, "session.revoke session.revoke") {
			t.Errorf("the revocations are not audited once each: %q", got)
		}
		if n := len(es); n >= 2 && es[n-1].ActorID != app.Admin.ID || n >= 2 && es[n-2].ActorID != u.ID {
			t.Errorf("the revocations are audited with the wrong actors: %+v", es)
		}
	})
}

func TestOutOfOfficeAPI(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		u, auth := signIn(t, app, "away@example.com")
		d, dAuth := signIn(t, app, "deputy@example.com")
		gone, _ := signIn(t, app, "gone@example.com")
		app.Expect(t, 200, "PATCH", fmt.Sprintf("/api/v1/admin/users/%d", gone.ID), `{"active": false}`, nil)
		at := func(h time.Duration) string { return time.Now().Add(h).UTC().Format(time.RFC3339) }
		day := 24 * time.Hour
		const mine = "/api/v1/me/out-of-office"
		post := func(name, body string, status int, paths ...string) enginetest.APIScenario {
			return enginetest.APIScenario{Name: name, Method: "POST", URL: mine, Body: body, Headers: auth, ExpectedStatus: status, ExpectedPaths: paths}
		}
		period := func(delegate int64, from, to time.Duration) string {
			return fmt.Sprintf(`{"delegate_id": %d, "starts_at": %q, "ends_at": %q, "note": "holiday"}`, delegate, at(from), at(to))
		}
		created := app.Expect(t, 201, "POST", mine, period(d.ID, day, 3*day), auth)
		conforms(t, "OutOfOffice", created.Body)
		first := idOf(t, created.Map(t))
		rows := []enginetest.APIScenario{
			post("overlapping", period(d.ID, 2*day, 4*day), conflict),
			post("inside another", period(d.ID, 2*day, 2*day+time.Hour), conflict),
			post("from now until tomorrow, starts_at left out", fmt.Sprintf(`{"delegate_id": %d, "ends_at": %q}`, d.ID, at(12*time.Hour)), 201),
			post("to oneself", period(u.ID, 5*day, 6*day), invalid, "/delegate_id"),
			post("to a missing user", period(999999, 5*day, 6*day), invalid, "/delegate_id"),
			post("to a deactivated user", period(gone.ID, 5*day, 6*day), invalid, "/delegate_id"),
			post("to nobody", fmt.Sprintf(`{"ends_at": %q}`, at(6*day)), invalid, "/delegate_id"),
			post("ending before it starts", period(d.ID, 6*day, 5*day), invalid, "/ends_at"),
			post("already over", period(d.ID, -3*day, -2*day), invalid, "/ends_at"),
			post("without an end", fmt.Sprintf(`{"delegate_id": %d}`, d.ID), invalid, "/ends_at"),
			post("a start that is not a time", fmt.Sprintf(`{"delegate_id": %d, "starts_at": "next monday", "ends_at": %q}`, d.ID, at(6*day)), invalid, "/starts_at"),
			post("a start as a number", fmt.Sprintf(`{"delegate_id": %d, "starts_at": 1, "ends_at": %q}`, d.ID, at(6*day)), badRequest, "/starts_at"),
			post("a note too long", fmt.Sprintf(`{"delegate_id": %d, "ends_at": %q, "note": %q}`, d.ID, at(6*day), strings.Repeat("n", 501)), invalid, "/note"),
			post("for someone else", fmt.Sprintf(`{"user_id": %d, "delegate_id": %d, "ends_at": %q}`, d.ID, u.ID, at(6*day)), badRequest, "/user_id"),
			{Name: "mine", Method: "GET", URL: mine, Headers: auth, ExpectedStatus: 200, ExpectedContent: []string{`"note":"holiday"`}},
			{Name: "the deputy's", Method: "GET", URL: mine, Headers: dAuth, ExpectedStatus: 200, ExpectedContent: []string{`"items":[]`}},
			{Name: "an admin reads them", Method: "GET", URL: fmt.Sprintf("/api/v1/admin/users/%d/out-of-office", u.ID), ExpectedStatus: 200,
				ExpectedContent: []string{`"note":"holiday"`, fmt.Sprintf(`"delegate_id":%d`, d.ID)}},
			{Name: "an admin reads a missing user's", Method: "GET", URL: "/api/v1/admin/users/999999/out-of-office", ExpectedStatus: notFound},
			{Name: "the deputy deletes it", Method: "DELETE", URL: fmt.Sprintf("%s/%d", mine, first), Headers: dAuth, ExpectedStatus: notFound},
		}
		runRows(t, app, rows)
		conforms(t, "OutOfOfficeList", app.Expect(t, 200, "GET", mine, "", auth).Body)

		ctx := context.Background()
		if who, ok, err := app.Engine.DelegateOf(ctx, u.ID, time.Now().Add(2*day)); err != nil || !ok || who != d.ID {
			t.Errorf("DelegateOf during the holiday = %d %v %v, want the deputy", who, ok, err)
		}
		runRows(t, app, []enginetest.APIScenario{
			{Name: "delete", Method: "DELETE", URL: fmt.Sprintf("%s/%d", mine, first), Headers: auth, ExpectedStatus: 204},
			{Name: "delete again", Method: "DELETE", URL: fmt.Sprintf("%s/%d", mine, first), Headers: auth, ExpectedStatus: notFound},
			{Name: "delete: not a number", Method: "DELETE", URL: mine + "/all", Headers: auth, ExpectedStatus: notFound},
		})
		if _, ok, _ := app.Engine.DelegateOf(ctx, u.ID, time.Now().Add(2*day)); ok {
			t.Error("the deleted period still delegates")
		}
		if got := actionsOf(identityAudit(t, app, "user", "away@example.com", u.ID)); got != "user.create out_of_office.create out_of_office.create out_of_office.delete" {
			t.Errorf("audit of the absences = %q", got)
		}
	})
}

// forge changes the last character of a key to a different one.
func forge(key string) string {
	last := "x"
	if strings.HasSuffix(key, "x") {
		last = "y"
	}
	return key[:len(key)-1] + last
}
