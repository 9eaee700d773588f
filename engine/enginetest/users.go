package enginetest

import (
	"context"
	"testing"
)

// UserPassword is the password of every user NewUser creates.
const UserPassword = "a long test password"

// UserSpec describes a user to create through the admin API.
type UserSpec struct {
	// Email is required; it must be unique within the app.
	Email string
	Name  string
	// Roles may be empty: a user with no role may sign in but do nothing.
	Roles       []string
	Departments []int64
	// Attributes are the user's free attributes, such as {"region": "north"},
	// which filter scopes read as user.region.
	Attributes map[string]any
}

// User is a user a test created, signed in.
type User struct {
	ID    int64
	Email string
	Token string
}

// Headers returns request headers carrying the user's token.
func (u *User) Headers() map[string]string { return Bearer(u.Token) }

// AdminUser is the app's administrator as a User.
func (a *App) AdminUser() *User {
	return &User{ID: a.Admin.ID, Email: a.Admin.Email, Token: a.Token}
}

// NewUser creates a user through the admin API (POST /api/v1/admin/users,
// so the creation is audited like any other) and signs them in.
//
// Example:
//
//	dept := app.NewDepartment(t, "Sales", 0)
//	rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Roles: []string{"sales_rep"}, Departments: []int64{dept}})
//	app.Expect(t, 200, "GET", "/api/v1/forms/order/records", "", rep.Headers())
func (a *App) NewUser(t testing.TB, s UserSpec) *User {
	t.Helper()
	body := map[string]any{"email": s.Email, "name": s.Name, "password": UserPassword,
		"roles": orEmpty(s.Roles), "department_ids": orEmpty(s.Departments)}
	if s.Attributes != nil {
		body["attributes"] = s.Attributes
	}
	var out struct {
		ID    int64  `json:"id"`
		Email string `json:"email"`
	}
	a.Expect(t, 201, "POST", "/api/v1/admin/users", JSONString(t, body), nil).JSON(t, &out)
	if out.ID == 0 {
		t.Fatalf("user %s was created without an id", s.Email)
	}
	return &User{ID: out.ID, Email: out.Email, Token: a.SignIn(t, out.Email, UserPassword)}
}

// NewDepartment creates a department under parent (0 for a root) through
// the admin API and returns its id.
func (a *App) NewDepartment(t testing.TB, name string, parent int64) int64 {
	t.Helper()
	body := map[string]any{"name": name}
	if parent != 0 {
		body["parent_id"] = parent
	}
	var out struct {
		ID int64 `json:"id"`
	}
	a.Expect(t, 201, "POST", "/api/v1/admin/departments", JSONString(t, body), nil).JSON(t, &out)
	if out.ID == 0 {
		t.Fatalf("department %s was created without an id", name)
	}
	return out.ID
}

// SignIn logs a user in through the engine and returns a bearer token.
//
// note: it skips the HTTP login on purpose: that endpoint limits attempts
// per address, and a fixture of many users would use up the allowance that
// a rate-limit test means to measure. Use Login to go through HTTP.
func (a *App) SignIn(t testing.TB, email, password string) string {
	t.Helper()
	token, _, err := a.Engine.Login(context.Background(), email, password, "test")
	if err != nil {
		t.Fatalf("sign in %s: %v", email, err)
	}
	return token
}

func orEmpty[T any](l []T) []T {
	if l == nil {
		return []T{}
	}
	return l
}
