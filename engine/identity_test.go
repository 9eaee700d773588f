package engine_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// system is a principal without a user, as a job or the command line acts:
// none of the "not yourself" rules stop it, so the last-admin rule is what
// is left to protect the system.
var system = engine.Principal{}

func asUser(u *store.User) engine.Principal {
	return engine.Principal{User: *u, Roles: []string{engine.RoleAdmin}}
}

func newUser(t *testing.T, e *engine.Engine, email string, roles ...string) *store.User {
	t.Helper()
	u, err := e.CreateUser(context.Background(), email, "", "a long password", roles...)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// problemAt fails the test unless err is a validation problem at path with
// code.
func problemAt(t *testing.T, what string, err error, path, code string) {
	t.Helper()
	pl, ok := forms.AsProblems(err)
	if !ok {
		t.Errorf("%s: %v, want a problem at %s", what, err, path)
		return
	}
	for _, p := range pl.Problems {
		if p.Path == path && (code == "" || p.Code == code) {
			return
		}
	}
	t.Errorf("%s: problems %+v, want %s at %s", what, pl.Problems, code, path)
}

func conflictSaying(t *testing.T, what string, err error, text string) {
	t.Helper()
	if !errors.Is(err, store.ErrConflict) || !strings.Contains(err.Error(), text) {
		t.Errorf("%s: %v, want a conflict saying %q", what, err, text)
	}
}

func TestTheLastAdminStays(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e, admin := app.Engine, app.Admin
		none := []string{}
		off := false

		_, err := e.UpdateUser(ctx, admin.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: none}}, system)
		conflictSaying(t, "removing admin from the only admin", err, "no active admin")
		_, err = e.UpdateUser(ctx, admin.ID, engine.UserPatch{Active: engine.Optional[bool]{Set: true, Value: off}}, system)
		conflictSaying(t, "deactivating the only admin", err, "no active admin")
		_, err = e.UpdateUser(ctx, admin.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: none}}, asUser(admin))
		conflictSaying(t, "an admin dropping their own admin role", err, "your own roles")
		_, err = e.UpdateUser(ctx, admin.ID, engine.UserPatch{Active: engine.Optional[bool]{Set: true, Value: off}}, asUser(admin))
		conflictSaying(t, "an admin deactivating themselves", err, "deactivate yourself")
		if v, _ := e.ViewUser(ctx, admin.ID); !v.Active || len(v.Roles) != 1 || v.Roles[0] != engine.RoleAdmin {
			t.Fatalf("the refused changes left a mark: %+v", v)
		}

		// A deactivated admin does not count as the one that remains.
		other := newUser(t, e, "second@example.com", engine.RoleAdmin)
		if _, err := e.UpdateUser(ctx, other.ID, engine.UserPatch{Active: engine.Optional[bool]{Set: true}}, system); err != nil {
			t.Fatal(err)
		}
		_, err = e.UpdateUser(ctx, admin.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: none}}, system)
		conflictSaying(t, "removing the last active admin while another is deactivated", err, "no active admin")

		// With a second active admin, one may step down, through the other.
		if _, err := e.UpdateUser(ctx, other.ID, engine.UserPatch{Active: engine.Optional[bool]{Set: true, Value: true}}, asUser(admin)); err != nil {
			t.Fatal(err)
		}
		v, err := e.UpdateUser(ctx, admin.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: []string{"sales_rep"}}}, asUser(other))
		if err != nil || len(v.Roles) != 1 || v.Roles[0] != "sales_rep" {
			t.Fatalf("stepping down with another admin: %+v %v", v, err)
		}
		if got := e.Access().RolesOf(admin.ID); len(got) != 1 || got[0] != "sales_rep" {
			t.Errorf("the access model still has roles %v: it was not invalidated", got)
		}
	})
}

// TestTwoAdminsDemotingEachOther: two admins, each removing the other's
// admin role at the same moment. The changes take turns, so exactly one
// wins and an admin remains.
func TestTwoAdminsDemotingEachOther(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		// note: the test app's admin steps aside, so these two are the only
		// admins.
		a := newUser(t, e, "a@example.com", engine.RoleAdmin)
		b := newUser(t, e, "b@example.com", engine.RoleAdmin)
		if _, err := e.UpdateUser(ctx, app.Admin.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: []string{}}}, asUser(a)); err != nil {
			t.Fatal(err)
		}
		demote := func(who, by *store.User, done chan<- error) {
			_, err := e.UpdateUser(ctx, who.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: []string{"finance"}}}, asUser(by))
			done <- err
		}
		done := make(chan error, 2)
		go demote(a, b, done)
		go demote(b, a, done)
		var won, refused int
		for range 2 {
			switch err := <-done; {
			case err == nil:
				won++
			case errors.Is(err, store.ErrConflict):
				refused++
			default:
				t.Errorf("a demotion failed: %v", err)
			}
		}
		if won != 1 || refused != 1 {
			t.Errorf("%d demotions won and %d were refused; want one each", won, refused)
		}
		admins, _, err := e.ListUsers(ctx, store.UserFilter{Role: engine.RoleAdmin, Page: 1, PerPage: 10})
		if err != nil || len(admins) != 1 {
			t.Errorf("admins left: %+v (%v), want one", admins, err)
		}
	})
}

func TestUserChangesAreChecked(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		a := newUser(t, e, "a@example.com")
		b := newUser(t, e, "b@example.com")
		c := newUser(t, e, "c@example.com")
		set := func(id int64) engine.Optional[int64] { return engine.Optional[int64]{Set: true, Value: id} }
		for _, step := range []struct{ user, manager int64 }{{a.ID, b.ID}, {b.ID, c.ID}} {
			if _, err := e.UpdateUser(ctx, step.user, engine.UserPatch{ManagerID: set(step.manager)}, system); err != nil {
				t.Fatal(err)
			}
		}
		_, err := e.UpdateUser(ctx, c.ID, engine.UserPatch{ManagerID: set(a.ID)}, system)
		problemAt(t, "a manager chain that loops", err, "/manager_id", engine.CodeManagerCycle)
		_, err = e.UpdateUser(ctx, c.ID, engine.UserPatch{ManagerID: set(c.ID)}, system)
		problemAt(t, "one's own manager", err, "/manager_id", forms.CodeInvalidValue)
		_, err = e.UpdateUser(ctx, c.ID, engine.UserPatch{ManagerID: set(987654)}, system)
		problemAt(t, "a manager who does not exist", err, "/manager_id", forms.CodeNotFound)
		if v, err := e.UpdateUser(ctx, a.ID, engine.UserPatch{ManagerID: engine.Optional[int64]{Set: true, Null: true}}, system); err != nil || v.ManagerID != nil {
			t.Errorf("clearing the manager: %+v %v", v, err)
		}

		_, err = e.UpdateUser(ctx, a.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: []string{"sales_rep", "pope"}}}, system)
		problemAt(t, "an unpublished role", err, "/roles/1", forms.CodeNotAnOption)
		_, err = e.UpdateUser(ctx, a.ID, engine.UserPatch{DepartmentIDs: engine.Optional[[]int64]{Set: true, Value: []int64{777}}}, system)
		problemAt(t, "a department that does not exist", err, "/department_ids/0", forms.CodeNotFound)
		_, err = e.UpdateUser(ctx, a.ID, engine.UserPatch{Attributes: engine.Optional[engine.Attributes]{Set: true,
			Value: engine.Attributes{"Region": "east", "tags": []any{"a", map[string]any{}}}}}, system)
		problemAt(t, "an attribute filters cannot name", err, "/attributes/Region", forms.CodeInvalidKey)
		problemAt(t, "an attribute list holding an object", err, "/attributes/tags/1", forms.CodeInvalidType)

		v, err := e.UpdateUser(ctx, a.ID, engine.UserPatch{Roles: engine.Optional[[]string]{Set: true, Value: []string{"sales_rep", "finance", "sales_rep"}}}, system)
		if err != nil || strings.Join(v.Roles, ",") != "finance,sales_rep" {
			t.Errorf("roles are kept sorted without duplicates: %+v %v", v, err)
		}
	})
}

func TestDepartmentTreeStaysATree(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		mk := func(name string, parent *int64) int64 {
			t.Helper()
			d, err := e.CreateDepartment(ctx, engine.NewDepartment{Name: name, ParentID: parent}, system)
			if err != nil {
				t.Fatalf("create %s: %v", name, err)
			}
			return d.ID
		}
		root := mk("Company", nil)
		sales := mk("Sales", &root)
		east := mk("East", &sales)
		parent := func(id int64) engine.DepartmentPatch {
			return engine.DepartmentPatch{ParentID: engine.Optional[int64]{Set: true, Value: id}}
		}
		_, err := e.UpdateDepartment(ctx, root, parent(east), system)
		problemAt(t, "moving the root under its grandchild", err, "/parent_id", engine.CodeDepartmentCycle)
		_, err = e.UpdateDepartment(ctx, sales, parent(sales), system)
		problemAt(t, "a department under itself", err, "/parent_id", engine.CodeDepartmentCycle)
		_, err = e.CreateDepartment(ctx, engine.NewDepartment{Name: "sales", ParentID: &root}, system)
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("a second Sales under Company: %v, want a conflict", err)
		}
		if d, err := e.UpdateDepartment(ctx, east, engine.DepartmentPatch{ParentID: engine.Optional[int64]{Set: true, Null: true}}, system); err != nil || d.ParentID != nil {
			t.Errorf("making East a root: %+v %v", d, err)
		}
		conflictSaying(t, "deleting a department with sub-departments", e.DeleteDepartment(ctx, root, system), "sub-departments")
	})
}

func TestDelegateOf(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		var users []*store.User
		for _, name := range []string{"u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7"} {
			users = append(users, newUser(t, e, name+"@example.com"))
		}
		id := func(i int) int64 { return users[i].ID }
		start := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		away := func(who, to int, from time.Time, days int) {
			t.Helper()
			_, err := e.AddOutOfOffice(ctx, id(who), engine.OutOfOfficeInput{DelegateID: id(to), StartsAt: from,
				EndsAt: from.Add(time.Duration(days) * 24 * time.Hour)}, asUser(users[who]))
			if err != nil {
				t.Fatalf("u%d away to u%d: %v", who, to, err)
			}
		}
		// u0 → u1 → … → u7, each away from start for a day.
		for i := 0; i < 7; i++ {
			away(i, i+1, start, 1)
		}
		during := start.Add(time.Hour)
		cases := []struct {
			name string
			user int
			at   time.Time
			want int // -1: nobody acts for them
		}{
			{"not away yet", 0, start.Add(-time.Minute), -1},
			{"back again", 0, start.Add(25 * time.Hour), -1},
			{"the chain stops after five hops", 0, during, 5},
			{"a shorter chain", 4, during, 7},
			{"the end of the chain is not away", 7, during, -1},
		}
		check := func() {
			t.Helper()
			for _, tc := range cases {
				got, ok, err := e.DelegateOf(ctx, id(tc.user), tc.at)
				if err != nil {
					t.Fatal(err)
				}
				if want := tc.want; (want < 0 && ok) || (want >= 0 && (!ok || got != id(want))) {
					t.Errorf("%s: DelegateOf(u%d) = %d %v, want u%d", tc.name, tc.user, got, ok, tc.want)
				}
			}
		}
		check()

		// u7 goes away to u4 later: u4 → … → u7 → u4 loops, and stops at u7.
		later := start.Add(48 * time.Hour)
		for i := 4; i < 7; i++ {
			away(i, i+1, later, 1)
		}
		away(7, 4, later, 1)
		cases = []struct {
			name string
			user int
			at   time.Time
			want int
		}{{"a loop stops before repeating", 4, later.Add(time.Hour), 7}, {"a loop from inside", 7, later.Add(time.Hour), 6}}
		check()

		// A deactivated delegate is skipped over: the chain stops before them.
		if _, err := e.UpdateUser(ctx, id(6), engine.UserPatch{Active: engine.Optional[bool]{Set: true}}, system); err != nil {
			t.Fatal(err)
		}
		cases = []struct {
			name string
			user int
			at   time.Time
			want int
		}{{"stops before a deactivated delegate", 4, during, 5}, {"nobody but a deactivated delegate", 5, during, -1}}
		check()

		_, err := e.AddOutOfOffice(ctx, id(0), engine.OutOfOfficeInput{DelegateID: id(1), StartsAt: start.Add(12 * time.Hour),
			EndsAt: start.Add(36 * time.Hour)}, asUser(users[0]))
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("an overlapping period: %v, want a conflict", err)
		}
	})
}

func TestAPIKeyUseIsRecordedOncePerMinute(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		k, err := e.CreateAPIKey(ctx, engine.NewAPIKey{Name: "erp", UserID: app.Admin.ID, Roles: []string{"admin"}}, asUser(app.Admin))
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() *time.Time {
			ks, err := e.APIKeys(ctx, app.Admin.ID)
			if err != nil || len(ks) != 1 {
				t.Fatalf("keys: %+v %v", ks, err)
			}
			return ks[0].LastUsedAt
		}
		if lastUsed() != nil {
			t.Fatal("a new key is already used")
		}
		p, err := e.Authenticate(ctx, k.Key)
		if err != nil || p.APIKeyID != k.ID || !p.IsAdmin() {
			t.Fatalf("authenticate with the key: %+v %v", p, err)
		}
		first := lastUsed()
		if first == nil {
			t.Fatal("the first use is not recorded")
		}
		for range 3 {
			if _, err := e.Authenticate(ctx, k.Key); err != nil {
				t.Fatal(err)
			}
		}
		if again := lastUsed(); again == nil || !again.Equal(*first) {
			t.Errorf("uses within a minute wrote the last use again: %v, then %v", first, again)
		}
		past := time.Now().Add(-2 * time.Minute).UTC()
		if err := e.DB().TouchAPIKey(ctx, k.ID, past, time.Now().Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if _, err := e.Authenticate(ctx, k.Key); err != nil {
			t.Fatal(err)
		}
		if now := lastUsed(); now == nil || time.Since(*now) > 10*time.Second {
			t.Errorf("a use more than a minute after the last was not recorded: %v", now)
		}
	})
}

func TestIdentityAuditHasNoSecrets(t *testing.T) {
	t.Parallel()
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		ctx := context.Background()
		e := app.Engine
		by := asUser(app.Admin)
		u, err := e.AddUser(ctx, engine.NewUser{Email: "audited@example.com", Password: "first secret pw",
			Roles: []string{"sales_rep"}, Attributes: engine.Attributes{"region": "east"}}, by)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.UpdateUser(ctx, u.ID, engine.UserPatch{Password: engine.Optional[string]{Set: true, Value: "second secret pw"}}, by); err != nil {
			t.Fatal(err)
		}
		k, err := e.CreateAPIKey(ctx, engine.NewAPIKey{Name: "bot", UserID: u.ID, Roles: []string{"sales_rep"}}, by)
		if err != nil {
			t.Fatal(err)
		}
		users, err := e.DB().AuditOf(ctx, "user", "audited@example.com", u.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		keys, err := e.DB().AuditOf(ctx, "apikey", k.Prefix, k.ID, 10)
		if err != nil {
			t.Fatal(err)
		}
		stored, _ := e.DB().UserByID(ctx, u.ID)
		secrets := []string{"first secret pw", "second secret pw", stored.PasswordHash, "$2a$", k.Key, k.Key[len(engine.APIKeyPrefix):]}
		actions := map[string]string{}
		for _, a := range append(users, keys...) {
			actions[a.Action] = a.Changes
			if a.ActorID != app.Admin.ID {
				t.Errorf("%s: actor %d, want the admin", a.Action, a.ActorID)
			}
			for _, s := range secrets {
				if strings.Contains(a.Changes, s) || strings.Contains(a.Summary, s) {
					t.Errorf("%s shows a secret: %s %s", a.Action, a.Changes, a.Summary)
				}
			}
		}
		var created map[string]map[string]any
		if err := json.Unmarshal([]byte(actions["user.create"]), &created); err != nil {
			t.Fatalf("user.create changes: %v (%q)", err, actions["user.create"])
		}
		if created["roles"]["after"] == nil || created["attributes"]["after"] == nil || created["email"]["after"] != "audited@example.com" {
			t.Errorf("user.create does not say what the user got: %v", created)
		}
		if !strings.Contains(actions["user.update"], `"password":{"changed":true}`) {
			t.Errorf("the password reset is not recorded as a change: %s", actions["user.update"])
		}
		if !strings.Contains(actions["apikey.create"], `"sales_rep"`) {
			t.Errorf("apikey.create does not record the roles: %s", actions["apikey.create"])
		}
	})
}
