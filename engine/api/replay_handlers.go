package api

import (
	"fmt"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/flows"
)

// replayDraft runs a flow's draft over stored records against its published
// version. The engine checks that the caller may manage the flow.
func (s *Server) replayDraft(c *fiber.Ctx) error {
	var in struct {
		Filter string `json:"filter"`
		Limit  *int   `json:"limit"`
	}
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	if len(in.Filter) > 4000 {
		return queryError("/filter", "the filter is longer than 4000 characters")
	}
	if !utf8.ValidString(in.Filter) {
		return queryError("/filter", "the filter must be valid UTF-8")
	}
	q := engine.ReplayQuery{Filter: in.Filter}
	if in.Limit != nil {
		if *in.Limit < 1 || *in.Limit > flows.MaxReplayRecords {
			return badRequest("/limit", fmt.Sprintf("limit must be 1 to %d records", flows.MaxReplayRecords))
		}
		q.Limit = *in.Limit
	}
	rep, err := s.e.ReplayDraft(c.UserContext(), principal(c), c.Params("key"), q)
	if err != nil {
		return err
	}
	return c.JSON(rep)
}
