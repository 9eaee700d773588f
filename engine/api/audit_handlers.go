package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/store"
)

// auditLog serves the whole audit log to administrators, filtered by action,
// target and actor, newest first.
func (s *Server) auditLog(c *fiber.Ctx) error {
	page, err := queryInt(c, "page", 1, 1_000_000)
	if err != nil {
		return err
	}
	perPage, err := queryInt(c, "per_page", 50, 500)
	if err != nil {
		return err
	}
	f := store.AuditFilter{Action: c.Query("action"), TargetKind: c.Query("target_kind"), TargetKey: c.Query("target_key"),
		Limit: perPage, Offset: (page - 1) * perPage}
	for _, p := range []struct {
		name string
		dst  *int64
	}{{"record", &f.RecordID}, {"actor", &f.ActorID}} {
		if raw := c.Query(p.name); raw != "" {
			v, err := strconv.ParseInt(raw, 10, 64)
			if err != nil || v <= 0 {
				return badRequest("/"+p.name, p.name+" must be a positive whole number")
			}
			*p.dst = v
		}
	}
	for name, v := range map[string]string{"action": f.Action, "target_kind": f.TargetKind, "target_key": f.TargetKey} {
		if len(v) > 100 {
			return badRequest("/"+name, name+" is longer than 100 characters")
		}
	}
	entries, err := s.e.Audit(c.UserContext(), f)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": entries, "page": page, "per_page": perPage})
}
