package api

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// flowAnalytics serves the process analytics of one flow, or all, over the
// instances started between from and to.
func (s *Server) flowAnalytics(c *fiber.Ctx) error {
	q := flows.AnalyticsQuery{Flow: c.Query("flow")}
	if q.Flow != "" {
		if msg := forms.CheckKey(q.Flow, false); msg != "" {
			return badRequest("/flow", "flow must be the key of a flow: "+msg)
		}
	}
	var err error
	if q.From, err = queryTime(c, "from", false); err != nil {
		return err
	}
	if q.To, err = queryTime(c, "to", true); err != nil {
		return err
	}
	a, err := s.e.FlowAnalytics(c.UserContext(), principal(c), q)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// queryTime reads an optional time query parameter: a date (2026-07-01,
// midnight UTC) or an RFC 3339 time. A date as the end of a period takes in
// that whole day, so from=2026-07-01&to=2026-07-31 is all of July.
func queryTime(c *fiber.Ctx, name string, end bool) (time.Time, error) {
	raw := strings.TrimSpace(c.Query(name))
	if raw == "" {
		return time.Time{}, nil
	}
	if d, err := time.Parse(forms.DateLayout, raw); err == nil {
		if end {
			d = d.AddDate(0, 0, 1)
		}
		return d, nil
	}
	t, err := time.Parse(time.RFC3339Nano, raw)
	if err != nil {
		return time.Time{}, badRequest("/"+name, name+" must be a date (2026-07-01) or a time (2026-07-01T09:00:00+08:00)")
	}
	return t.UTC(), nil
}
