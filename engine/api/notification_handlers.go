package api

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// eventPoll is how often a live stream looks for new notices. It reads the
// table, not memory, so notices written by another replica arrive too.
const eventPoll = time.Second

// eventPing keeps idle connections (and the proxies between) open.
const eventPing = 15 * time.Second

// registerWorkspace serves what the end users' workspace needs beyond
// records and tasks: notices, their live stream, and the people pickers.
func (s *Server) registerWorkspace(r fiber.Router) {
	r.Get("/me/notifications", s.myNotifications)
	r.Post("/me/notifications/read", s.readNotifications)
	r.Get("/me/events", s.myEvents)
	r.Get("/me/submissions", s.mySubmissions)
	r.Get("/people", s.people)
	r.Get("/people/departments", s.peopleDepartments)
}

func (s *Server) myNotifications(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 20, 100)
	if err != nil {
		return err
	}
	unread := false
	switch c.Query("unread") {
	case "", "false":
	case "true":
		unread = true
	default:
		return badRequest("/unread", "unread must be true or false")
	}
	n, err := s.e.MyNotifications(c.UserContext(), principal(c), unread, limit)
	if err != nil {
		return err
	}
	return c.JSON(n)
}

func (s *Server) readNotifications(c *fiber.Ctx) error {
	var in struct {
		IDs []int64 `json:"ids"`
		All bool    `json:"all"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	if len(in.IDs) == 0 && !in.All {
		return badRequest("/ids", "name the notices to mark read in ids, or send all: true")
	}
	if len(in.IDs) > 1000 {
		return badRequest("/ids", "at most 1000 ids at once")
	}
	unread, err := s.e.MarkNotificationsRead(c.UserContext(), principal(c), in.IDs)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"unread": unread})
}

// myEvents streams the caller's new notices as server-sent events: an
// "unread" event with the count at once, then a "notification" event per
// notice (its id as the event id) followed by the new count. The stream
// ends after timeout seconds (45 at most, below the server's write
// timeout); the client reconnects with Last-Event-ID or after= to go on
// where it left off.
func (s *Server) myEvents(c *fiber.Ctx) error {
	secs, err := queryInt(c, "timeout", 45, 45)
	if err != nil {
		return err
	}
	p := *principal(c)
	after, err := s.streamStart(c, &p)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	// note: the writer runs after the handler has returned, so it may use
	// nothing of c; it has its own context and ends with the stream.
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(secs)*time.Second)
		defer cancel()
		s.streamNotices(ctx, w, &p, after)
	})
	return nil
}

// streamStart is the notice a stream goes on after: Last-Event-ID or
// after=, else the newest one there is.
func (s *Server) streamStart(c *fiber.Ctx, p *engine.Principal) (int64, error) {
	raw := c.Get("Last-Event-ID")
	if raw == "" {
		raw = c.Query("after")
	}
	if raw == "" {
		return s.e.LastNotificationID(c.UserContext(), p)
	}
	if len(raw) > 20 || !utf8.ValidString(raw) {
		return 0, badRequest("/after", "after must be a notice id")
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || v < 0 {
		return 0, badRequest("/after", "after must be a notice id")
	}
	return v, nil
}

func (s *Server) streamNotices(ctx context.Context, w *bufio.Writer, p *engine.Principal, after int64) {
	tick := time.NewTicker(eventPoll)
	defer tick.Stop()
	lastWrite := time.Now()
	unread := int64(-1)
	for {
		n, err := s.e.NotificationsAfter(ctx, p, after)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("notice stream", "user", p.User.ID, "err", err)
			}
			return
		}
		for _, item := range n.Items {
			body, _ := json.Marshal(item)
			fmt.Fprintf(w, "id: %d\nevent: notification\ndata: %s\n\n", item.ID, body)
			after = item.ID
		}
		wrote := len(n.Items) > 0
		if n.Unread != unread || wrote {
			unread = n.Unread
			fmt.Fprintf(w, "event: unread\ndata: {\"unread\":%d}\n\n", unread)
			wrote = true
		} else if time.Since(lastWrite) >= eventPing {
			fmt.Fprint(w, ": ping\n\n")
			wrote = true
		}
		if wrote {
			if w.Flush() != nil {
				return // the client has gone
			}
			lastWrite = time.Now()
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (s *Server) mySubmissions(c *fiber.Ctx) error {
	page, err := queryInt(c, "page", 1, 1_000_000)
	if err != nil {
		return err
	}
	perPage, err := queryInt(c, "per_page", 20, 200)
	if err != nil {
		return err
	}
	out, err := s.e.MySubmissions(c.UserContext(), principal(c), page, perPage)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

func (s *Server) people(c *fiber.Ctx) error {
	limit, err := queryInt(c, "limit", 20, 50)
	if err != nil {
		return err
	}
	q := c.Query("q")
	if len(q) > 200 || !utf8.ValidString(q) {
		return queryError("/q", "q must be valid UTF-8 text of at most 200 bytes")
	}
	if raw := c.Query("ids"); raw != "" {
		ids, err := idList(raw)
		if err != nil {
			return err
		}
		list, err := s.e.PeopleByID(c.UserContext(), ids)
		if err != nil {
			return err
		}
		return items(c, list)
	}
	list, err := s.e.People(c.UserContext(), q, limit)
	if err != nil {
		return err
	}
	return items(c, list)
}

// idList reads "1,2,3": at most 100 positive ids.
func idList(raw string) ([]int64, error) {
	var ids []int64
	start := 0
	for i := 0; i <= len(raw); i++ {
		if i < len(raw) && raw[i] != ',' {
			continue
		}
		v, err := strconv.ParseInt(raw[start:i], 10, 64)
		if err != nil || v <= 0 || len(ids) >= 100 {
			return nil, queryError("/ids", "ids must be at most 100 user ids separated by commas")
		}
		ids = append(ids, v)
		start = i + 1
	}
	return ids, nil
}

func (s *Server) peopleDepartments(c *fiber.Ctx) error {
	ds, err := s.e.DepartmentNames(c.UserContext())
	if err != nil {
		return err
	}
	return items(c, ds)
}
