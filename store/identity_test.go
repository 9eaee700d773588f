package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func addUser(t *testing.T, db *store.DB, email, name string, active bool) *store.User {
	t.Helper()
	u := &store.User{Email: email, Name: name, Active: true, Attributes: "{}", CreatedAt: time.Now().UTC()}
	if err := db.CreateUser(context.Background(), u); err != nil {
		t.Fatalf("create user %s: %v", email, err)
	}
	if !active {
		if err := db.UpdateUser(context.Background(), u.ID, map[string]any{"active": false}); err != nil {
			t.Fatal(err)
		}
	}
	return u
}

func addDepartment(t *testing.T, db *store.DB, name string, parent *int64) int64 {
	t.Helper()
	d := &store.Department{Name: name, ParentID: parent, CreatedAt: time.Now().UTC()}
	if err := db.CreateDepartment(context.Background(), d); err != nil {
		t.Fatalf("create department %s: %v", name, err)
	}
	return d.ID
}

func TestListUsersFilters(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		ann := addUser(t, db, "ann@example.com", "Ann Lee", true)
		bob := addUser(t, db, "bob@example.com", "Bob 100%_sure", true)
		cy := addUser(t, db, "cy@corp.example", "Cy", false)
		sales := addDepartment(t, db, "Sales", nil)
		if err := db.SetUserRoles(ctx, ann.ID, []string{"admin", "sales_rep"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserRoles(ctx, cy.ID, []string{"sales_rep"}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserDepartments(ctx, bob.ID, []int64{sales}); err != nil {
			t.Fatal(err)
		}
		yes, no := true, false
		cases := []struct {
			name string
			f    store.UserFilter
			want []int64
		}{
			{"all", store.UserFilter{}, []int64{ann.ID, bob.ID, cy.ID}},
			{"e-mail part, any case", store.UserFilter{Query: "EXAMPLE.COM"}, []int64{ann.ID, bob.ID}},
			{"name part", store.UserFilter{Query: "lee"}, []int64{ann.ID}},
			{"wildcards are literal", store.UserFilter{Query: "100%_"}, []int64{bob.ID}},
			{"a percent matches only a percent", store.UserFilter{Query: "%"}, []int64{bob.ID}},
			{"underscore alone", store.UserFilter{Query: "_"}, []int64{bob.ID}},
			{"role", store.UserFilter{Role: "sales_rep"}, []int64{ann.ID, cy.ID}},
			{"department", store.UserFilter{DepartmentID: sales}, []int64{bob.ID}},
			{"active", store.UserFilter{Active: &yes}, []int64{ann.ID, bob.ID}},
			{"inactive", store.UserFilter{Active: &no}, []int64{cy.ID}},
			{"second page", store.UserFilter{Page: 2, PerPage: 2}, []int64{cy.ID}},
			{"hostile text", store.UserFilter{Query: `' OR 1=1 --`}, nil},
		}
		for _, tc := range cases {
			f := tc.f
			if f.Page == 0 {
				f.Page, f.PerPage = 1, 50
			}
			us, total, err := db.ListUsers(ctx, f)
			if err != nil {
				t.Fatalf("%s: %v", tc.name, err)
			}
			var got []int64
			for _, u := range us {
				got = append(got, u.ID)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			}
			if tc.f.Page == 0 && total != int64(len(tc.want)) {
				t.Errorf("%s: total %d, want %d", tc.name, total, len(tc.want))
			}
		}
		if n, err := db.CountActiveWithRoles(ctx, []string{"sales_rep"}); err != nil || n != 1 {
			t.Errorf("active sales reps = %d (%v), want 1: the deactivated one does not count", n, err)
		}
		if roles, err := db.DistinctRoles(ctx); err != nil || !slices.Equal(roles, []string{"admin", "sales_rep"}) {
			t.Errorf("distinct roles = %v (%v)", roles, err)
		}
		if err := db.UpdateUser(ctx, 99999, map[string]any{"name": "x"}); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("updating a missing user: %v, want not found", err)
		}
	})
}

func TestDepartmentTree(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		root := addDepartment(t, db, "Company", nil)
		sales := addDepartment(t, db, "Sales", &root)
		east := addDepartment(t, db, "East", &sales)
		west := addDepartment(t, db, "West", &sales)
		shanghai := addDepartment(t, db, "Shanghai", &east)
		finance := addDepartment(t, db, "Finance", &root)

		sub, err := db.DepartmentSubtree(ctx, sales)
		if err != nil {
			t.Fatal(err)
		}
		if want := []int64{sales, east, west, shanghai}; !slices.Equal(sub, want) {
			t.Errorf("subtree of sales = %v, want %v", sub, want)
		}
		if sub, _ := db.DepartmentSubtree(ctx, finance); !slices.Equal(sub, []int64{finance}) {
			t.Errorf("subtree of a leaf = %v", sub)
		}
		if sub, _ := db.DepartmentSubtree(ctx, 424242); len(sub) != 0 {
			t.Errorf("subtree of a missing department = %v", sub)
		}
		kids, err := db.DepartmentChildren(ctx, &sales)
		if err != nil || len(kids) != 2 || kids[0].ID != east || kids[1].ID != west {
			t.Errorf("children of sales = %+v (%v)", kids, err)
		}
		roots, _ := db.DepartmentChildren(ctx, nil)
		if len(roots) != 1 || roots[0].ID != root {
			t.Errorf("roots = %+v", roots)
		}

		// A cycle written behind the engine's back must not hang the query.
		d, _ := db.DepartmentByID(ctx, root)
		d.ParentID = &shanghai
		if err := db.SaveDepartment(ctx, d); err != nil {
			t.Fatal(err)
		}
		done := make(chan []int64)
		go func() { s, _ := db.DepartmentSubtree(ctx, sales); done <- s }()
		select {
		case s := <-done:
			if len(s) != 6 {
				t.Errorf("subtree over a cycle = %v, want all six once", s)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("the subtree query does not end on a cycle")
		}

		u := addUser(t, db, "m@example.com", "M", true)
		if err := db.SetUserDepartments(ctx, u.ID, []int64{east, west}); err != nil {
			t.Fatal(err)
		}
		if err := db.SetUserDepartments(ctx, u.ID, []int64{west}); err != nil {
			t.Fatal(err)
		}
		members, _ := db.DepartmentMembers(ctx)
		if len(members[east]) != 0 || !slices.Equal(members[west], []int64{u.ID}) {
			t.Errorf("members after replacing departments = %v", members)
		}
		if err := db.DeleteDepartment(ctx, finance); err != nil {
			t.Fatal(err)
		}
		if err := db.DeleteDepartment(ctx, finance); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
	})
}

func TestSessionsKeysAndOutOfOffice(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		u := addUser(t, db, "s@example.com", "S", true)
		var ids []int64
		for i, exp := range []time.Time{now.Add(time.Hour), now.Add(2 * time.Hour), now.Add(-time.Minute)} {
			s := &store.Session{TokenHash: string(rune('a'+i)) + "hash", UserID: u.ID, CreatedAt: now, ExpiresAt: exp}
			if err := db.CreateSession(ctx, s); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, s.ID)
		}
		live, err := db.LiveSessions(ctx, u.ID, now)
		if err != nil || len(live) != 2 || live[0].ID != ids[1] {
			t.Fatalf("live sessions = %+v (%v), want the two unexpired, newest first", live, err)
		}
		if ok, err := db.RevokeSessionByID(ctx, ids[0], now); err != nil || !ok {
			t.Errorf("revoke: %v %v", ok, err)
		}
		if ok, _ := db.RevokeSessionByID(ctx, ids[0], now); ok {
			t.Error("revoking a revoked session says it was live")
		}
		if n, err := db.RevokeUserSessions(ctx, u.ID, "bhash", now); err != nil || n != 1 {
			t.Errorf("revoke all but one: %d %v, want the expired one only", n, err)
		}
		if live, _ := db.LiveSessions(ctx, u.ID, now); len(live) != 1 || live[0].TokenHash != "bhash" {
			t.Errorf("the kept session is gone: %+v", live)
		}

		k := &store.APIKey{Name: "k", Prefix: "mk_abc", KeyHash: "h1", UserID: u.ID, Roles: `["admin"]`, CreatedAt: now}
		if err := db.CreateAPIKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		if err := db.TouchAPIKey(ctx, k.ID, now, now.Add(-time.Minute)); err != nil {
			t.Fatal(err)
		}
		if err := db.TouchAPIKey(ctx, k.ID, now.Add(30*time.Second), now.Add(-30*time.Second)); err != nil {
			t.Fatal(err)
		}
		got, _ := db.APIKeyByID(ctx, k.ID)
		if got.LastUsedAt == nil || !got.LastUsedAt.Equal(now.Truncate(time.Microsecond)) && !got.LastUsedAt.Equal(now) {
			t.Errorf("last used = %v, want %v: the second touch came too soon to write", got.LastUsedAt, now)
		}
		if ok, _ := db.RevokeAPIKey(ctx, k.ID, now); !ok {
			t.Error("revoke key")
		}
		if ok, _ := db.RevokeAPIKey(ctx, k.ID, now); ok {
			t.Error("revoking twice says it was live")
		}

		d := addUser(t, db, "d@example.com", "D", true)
		day := time.Date(2031, 5, 1, 0, 0, 0, 0, time.UTC)
		o := &store.OutOfOffice{UserID: u.ID, DelegateID: d.ID, StartsAt: day, EndsAt: day.Add(48 * time.Hour), CreatedAt: now}
		if err := db.CreateOutOfOffice(ctx, o); err != nil {
			t.Fatal(err)
		}
		overlaps := []struct {
			name       string
			start, end time.Time
			want       bool
		}{
			{"inside", day.Add(time.Hour), day.Add(2 * time.Hour), true},
			{"around", day.Add(-time.Hour), day.Add(72 * time.Hour), true},
			{"ends as it starts", day.Add(-time.Hour), day, false},
			{"starts as it ends", day.Add(48 * time.Hour), day.Add(50 * time.Hour), false},
		}
		for _, tc := range overlaps {
			_, err := db.OverlappingOutOfOffice(ctx, u.ID, tc.start, tc.end)
			if got := err == nil; got != tc.want {
				t.Errorf("overlap %s = %v (%v), want %v", tc.name, got, err, tc.want)
			}
		}
		if _, err := db.OutOfOfficeAt(ctx, u.ID, day.Add(time.Hour)); err != nil {
			t.Errorf("away during the period: %v", err)
		}
		if _, err := db.OutOfOfficeAt(ctx, u.ID, day.Add(48*time.Hour)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("away when the period has ended: %v", err)
		}
	})
}
