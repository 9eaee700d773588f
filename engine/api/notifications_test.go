package api_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/store"
)

// notices is the body of GET /me/notifications.
type notices struct {
	Items []struct {
		ID       int64  `json:"id"`
		Kind     string `json:"kind"`
		State    string `json:"state"`
		Form     string `json:"form"`
		RecordID int64  `json:"record_id"`
		TaskID   int64  `json:"task_id"`
		ActorID  int64  `json:"actor_id"`
	} `json:"items"`
	Unread int64 `json:"unread"`
}

func myNotices(t *testing.T, app *enginetest.App, u *enginetest.User) notices {
	t.Helper()
	var n notices
	r := app.Expect(t, 200, "GET", "/api/v1/me/notifications", "", u.Headers())
	conforms(t, "NotificationList", r.Body)
	r.JSON(t, &n)
	return n
}

func TestNotificationsFollowTasksAndDecisions(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := newFlowFixture(t, app)
		// The task and its notice were written together by the submit.
		fd := myNotices(t, app, fx.fd)
		if fd.Unread != 1 || len(fd.Items) != 1 || fd.Items[0].Kind != "task" || fd.Items[0].TaskID != fx.task ||
			fd.Items[0].Form != "customer" || fd.Items[0].RecordID != fx.record {
			t.Fatalf("the finance director's notices after the submit: %+v", fd)
		}
		if n := myNotices(t, app, fx.rep); n.Unread != 0 {
			t.Fatalf("the submitter is told of nothing yet: %+v", n)
		}

		app.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/tasks/%d/decide", fx.task), `{"decision": "approve", "comment": "ok"}`, fx.fd.Headers())
		rep := myNotices(t, app, fx.rep)
		if rep.Unread != 1 || rep.Items[0].Kind != "decision" || rep.Items[0].State != "approved" || rep.Items[0].ActorID != fx.fd.ID {
			t.Fatalf("the submitter's notices after the approval: %+v", rep)
		}
		if svc := myNotices(t, app, fx.service); svc.Unread != 1 || svc.Items[0].Kind != "cc" {
			t.Fatalf("the copied user's notices: %+v", svc)
		}

		// Marking another user's notice read changes nothing of theirs.
		app.Expect(t, 200, "POST", "/api/v1/me/notifications/read", fmt.Sprintf(`{"ids": [%d]}`, fd.Items[0].ID), fx.rep.Headers())
		if n := myNotices(t, app, fx.fd); n.Unread != 1 {
			t.Fatalf("another user marked the director's notice read: %+v", n)
		}
		var left struct{ Unread int64 }
		app.Expect(t, 200, "POST", "/api/v1/me/notifications/read", fmt.Sprintf(`{"ids": [%d]}`, fd.Items[0].ID), fx.fd.Headers()).JSON(t, &left)
		if left.Unread != 0 {
			t.Fatalf("unread after marking the only notice read: %d", left.Unread)
		}
		app.Expect(t, 200, "POST", "/api/v1/me/notifications/read", `{"all": true}`, fx.rep.Headers()).JSON(t, &left)
		if left.Unread != 0 || myNotices(t, app, fx.rep).Unread != 0 {
			t.Fatalf("all: true left %d unread", left.Unread)
		}
		var unread notices
		app.Expect(t, 200, "GET", "/api/v1/me/notifications?unread=true", "", fx.rep.Headers()).JSON(t, &unread)
		if len(unread.Items) != 0 {
			t.Fatalf("unread=true lists read notices: %+v", unread)
		}
	})
}

var noToken = map[string]string{"Authorization": ""}

func TestNotificationRequestsRejectBadInput(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		for _, s := range []enginetest.APIScenario{
			{Name: "no token", Method: "GET", URL: "/api/v1/me/notifications", Headers: noToken, ExpectedStatus: 401},
			{Name: "stream without token", Method: "GET", URL: "/api/v1/me/events?timeout=1", Headers: noToken, ExpectedStatus: 401},
			{Name: "bad unread", Method: "GET", URL: "/api/v1/me/notifications?unread=maybe", Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
			{Name: "limit too big", Method: "GET", URL: "/api/v1/me/notifications?limit=1000", Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
			{Name: "nothing to mark", Method: "POST", URL: "/api/v1/me/notifications/read", Body: `{}`, Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
			{Name: "ids not numbers", Method: "POST", URL: "/api/v1/me/notifications/read", Body: `{"ids": ["x"]}`, Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
			{Name: "stream after junk", Method: "GET", URL: "/api/v1/me/events?after=abc", Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
			{Name: "stream timeout too long", Method: "GET", URL: "/api/v1/me/events?timeout=3600", Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
			{Name: "people ids junk", Method: "GET", URL: "/api/v1/people?ids=1,,x", Headers: enginetest.Bearer(app.Token), ExpectedStatus: 400},
		} {
			s.Test(t, app)
		}
	})
}

func TestEventStreamDeliversNoticesWrittenAnywhere(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := newFlowFixture(t, app)
		// From the start: the director's task notice, then the unread count.
		r := app.Expect(t, 200, "GET", "/api/v1/me/events?after=0&timeout=1", "", fx.fd.Headers())
		if ct := r.Headers["Content-Type"]; !strings.HasPrefix(ct, "text/event-stream") {
			t.Fatalf("content type %q", ct)
		}
		if !strings.Contains(r.Body, "event: notification\n") || !strings.Contains(r.Body, `"kind":"task"`) ||
			!strings.Contains(r.Body, "event: unread\ndata: {\"unread\":1}") {
			t.Fatalf("the stream from the start:\n%s", r.Body)
		}

		// A stream that starts now hears of a notice written after it
		// started, straight into the table as another replica's engine
		// would write it, and of nobody else's.
		var wg sync.WaitGroup
		var live enginetest.Response
		wg.Add(1)
		go func() {
			defer wg.Done()
			live = app.Do(t, "GET", "/api/v1/me/events?timeout=4", "", fx.fd.Headers())
		}()
		time.Sleep(1500 * time.Millisecond)
		db := app.Engine.DB()
		err := db.AddNotifications(context.Background(), []*store.Notification{
			{UserID: fx.fd.ID, Kind: store.NoticeCC, FormKey: "customer", RecordID: fx.record, CreatedAt: time.Now().UTC()},
			{UserID: fx.rep.ID, Kind: store.NoticeCC, FormKey: "customer", RecordID: 4242, CreatedAt: time.Now().UTC()},
		})
		if err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		if live.Status != 200 || strings.Count(live.Body, "event: notification\n") != 1 || !strings.Contains(live.Body, `"kind":"cc"`) ||
			strings.Contains(live.Body, "4242") || !strings.Contains(live.Body, `{"unread":2}`) {
			t.Fatalf("the live stream (status %d):\n%s", live.Status, live.Body)
		}
	})
}

func TestPeopleLookupNamesOnly(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		rep := app.NewUser(t, enginetest.UserSpec{Email: "rep@example.com", Name: "Rep Li", Roles: []string{"sales_rep"}})
		app.NewUser(t, enginetest.UserSpec{Email: "fd@example.com", Name: "Finance Wang", Roles: []string{"finance_director"}})
		// A sales rep is no admin, yet may pick people in a form.
		app.Expect(t, 403, "GET", "/api/v1/admin/users?q=wang", "", rep.Headers())
		r := app.Expect(t, 200, "GET", "/api/v1/people?q=wang", "", rep.Headers())
		conforms(t, "PersonList", r.Body)
		if !strings.Contains(r.Body, "Finance Wang") || strings.Contains(r.Body, "@") || strings.Contains(r.Body, "Rep Li") {
			t.Fatalf("people?q=wang: %s", r.Body)
		}
		r = app.Expect(t, 200, "GET", fmt.Sprintf("/api/v1/people?ids=%d", rep.ID), "", rep.Headers())
		if !strings.Contains(r.Body, "Rep Li") {
			t.Fatalf("people?ids: %s", r.Body)
		}
		d := app.NewDepartment(t, "Sales East", 0)
		r = app.Expect(t, 200, "GET", "/api/v1/people/departments", "", rep.Headers())
		conforms(t, "DepartmentNameList", r.Body)
		if !strings.Contains(r.Body, fmt.Sprintf(`"id":%d`, d)) || !strings.Contains(r.Body, "Sales East") {
			t.Fatalf("people/departments: %s", r.Body)
		}
	})
}

func TestSubmittedByMe(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		fx := newFlowFixture(t, app)
		var mine struct {
			Items []struct {
				ID       int64  `json:"id"`
				RecordID int64  `json:"record_id"`
				State    string `json:"state"`
			} `json:"items"`
			Total int64 `json:"total"`
		}
		r := app.Expect(t, 200, "GET", "/api/v1/me/submissions", "", fx.rep.Headers())
		conforms(t, "SubmissionList", r.Body)
		r.JSON(t, &mine)
		if mine.Total != 1 || len(mine.Items) != 1 || mine.Items[0].ID != fx.instance || mine.Items[0].RecordID != fx.record {
			t.Fatalf("the rep's submissions: %+v", mine)
		}
		app.Expect(t, 200, "GET", "/api/v1/me/submissions", "", fx.fd.Headers()).JSON(t, &mine)
		if mine.Total != 0 || len(mine.Items) != 0 {
			t.Fatalf("the director submitted nothing, yet: %+v", mine)
		}
		app.Expect(t, 400, "GET", "/api/v1/me/submissions?per_page=0", "", fx.rep.Headers())
	})
}
