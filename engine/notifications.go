package engine

import (
	"context"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

// maxNotices bounds one page of notices and one delivery of a stream.
const maxNotices = 100

// Notices is a user's latest notices and how many are unread.
type Notices struct {
	Items  []store.Notification `json:"items"`
	Unread int64                `json:"unread"`
}

// MyNotifications lists p's latest notices (only the unread ones when
// unreadOnly), newest first, with the unread count.
func (e *Engine) MyNotifications(ctx context.Context, p *Principal, unreadOnly bool, limit int) (*Notices, error) {
	if limit <= 0 || limit > maxNotices {
		limit = maxNotices
	}
	return e.notices(ctx, store.NotificationFilter{UserID: p.User.ID, UnreadOnly: unreadOnly, Limit: limit})
}

// notices lists the notices f selects with their user's unread count.
func (e *Engine) notices(ctx context.Context, f store.NotificationFilter) (*Notices, error) {
	items, err := e.db.Notifications(ctx, f)
	if err != nil {
		return nil, err
	}
	unread, err := e.db.UnreadNotifications(ctx, f.UserID)
	if err != nil {
		return nil, err
	}
	return &Notices{Items: orEmpty(items), Unread: unread}, nil
}

// NotificationsAfter is what a live stream delivers next: p's notices newer
// than afterID, oldest first, with the unread count. Every replica reads
// the same table, so a notice written by any of them reaches a stream held
// by any other.
func (e *Engine) NotificationsAfter(ctx context.Context, p *Principal, afterID int64) (*Notices, error) {
	return e.notices(ctx, store.NotificationFilter{UserID: p.User.ID, AfterID: afterID, Limit: maxNotices})
}

// LastNotificationID is where a new stream of p's notices starts.
func (e *Engine) LastNotificationID(ctx context.Context, p *Principal) (int64, error) {
	return e.db.LastNotificationID(ctx, p.User.ID)
}

// MarkNotificationsRead marks p's notices among ids read (all of them when
// ids is empty) and returns the unread count left.
func (e *Engine) MarkNotificationsRead(ctx context.Context, p *Principal, ids []int64) (int64, error) {
	if _, err := e.db.MarkNotificationsRead(ctx, p.User.ID, ids, time.Now().UTC()); err != nil {
		return 0, err
	}
	return e.db.UnreadNotifications(ctx, p.User.ID)
}

// Person is what any signed-in user may know of another: enough to pick
// them in a form.
type Person struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// People finds active users whose name or e-mail contains q, for pickers
// that non-admins use; it answers names and ids only.
func (e *Engine) People(ctx context.Context, q string, limit int) ([]Person, error) {
	active := true
	users, _, err := e.db.ListUsers(ctx, store.UserFilter{Query: q, Active: &active, Page: 1, PerPage: limit})
	return persons(users), err
}

// PeopleByID names the active or inactive users among ids.
func (e *Engine) PeopleByID(ctx context.Context, ids []int64) ([]Person, error) {
	users, err := e.db.UsersByID(ctx, ids)
	return persons(users), err
}

// persons names users, by their e-mail when they have no name.
func persons(users []store.User) []Person {
	out := make([]Person, 0, len(users))
	for _, u := range users {
		name := u.Name
		if name == "" {
			name = u.Email
		}
		out = append(out, Person{ID: u.ID, Name: name})
	}
	return out
}

// DepartmentNames lists every department's id, name and parent, for
// pickers that non-admins use.
func (e *Engine) DepartmentNames(ctx context.Context) ([]store.Department, error) {
	ds, err := e.db.Departments(ctx)
	return orEmpty(ds), err
}

// Submissions is one page of the flows a user started.
type Submissions struct {
	Items   []InstanceView `json:"items"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
	Total   int64          `json:"total"`
}

// MySubmissions lists one page of the flow instances p submitted, newest
// first: the inbox's "submitted by me".
func (e *Engine) MySubmissions(ctx context.Context, p *Principal, page, perPage int) (*Submissions, error) {
	is, total, err := e.db.FlowInstancesBySubmitter(ctx, p.User.ID, page, perPage)
	if err != nil {
		return nil, err
	}
	views, err := e.instanceViews(ctx, is)
	if err != nil {
		return nil, err
	}
	return &Submissions{Items: orEmpty(views), Page: page, PerPage: perPage, Total: total}, nil
}
