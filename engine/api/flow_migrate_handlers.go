package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// migrateInstances moves chosen running instances of a flow to a newer
// version (admins only); with dry_run it reports what would move.
func (s *Server) migrateInstances(c *fiber.Ctx) error {
	var in struct {
		Instances []int64           `json:"instances"`
		ToVersion int               `json:"to_version"`
		Mapping   map[string]string `json:"mapping"`
		Comment   string            `json:"comment"`
		DryRun    bool              `json:"dry_run"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	rep, err := s.e.MigrateInstances(c.UserContext(), principal(c), c.Params("key"), engine.MigrateInput{Instances: in.Instances,
		ToVersion: in.ToVersion, Mapping: in.Mapping, Comment: in.Comment, DryRun: in.DryRun})
	if err != nil {
		return err
	}
	return c.JSON(rep)
}
