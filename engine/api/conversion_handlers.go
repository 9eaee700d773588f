package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
)

// registerConversions adds the "create from" actions: which conversions a
// form's records offer, and running one on a record.
func (s *Server) registerConversions(r fiber.Router) {
	r.Get("/forms/:form/conversions", s.listConversions)
	r.Post("/forms/:form/records/:id/convert/:conversion", s.convertRecord)
}

func (s *Server) listConversions(c *fiber.Ctx) error {
	if _, _, err := s.formAccess(c, rbac.ActRead); err != nil {
		return err
	}
	list := s.e.ConversionsFrom(c.Params("form"))
	if list == nil {
		list = []engine.ConversionInfo{}
	}
	return c.JSON(fiber.Map{"conversions": list})
}

// namedRecord resolves the live form and the record id a path names; what
// the caller may do with them is the engine's to check.
func (s *Server) namedRecord(c *fiber.Ctx) (*forms.Compiled, int64, error) {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return nil, 0, err
	}
	id, err := intParam(c, "id")
	return f, id, err
}

func (s *Server) convertRecord(c *fiber.Ctx) error {
	f, id, err := s.namedRecord(c)
	if err != nil {
		return err
	}
	target, rec, err := s.e.Convert(c.UserContext(), principal(c), f, id, c.Params("conversion"))
	if err != nil {
		return err
	}
	acc, err := s.e.AccessFor(principal(c), target, rbac.ActRead)
	if err != nil {
		// note: created but not readable by its creator; answer with its id only.
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": rec.ID()})
	}
	setETag(c, rec.RowVersion())
	c.Location("/api/v1/forms/" + target.Form.Key + "/records/" + itoa(rec.ID()))
	c.Status(fiber.StatusCreated)
	return sendJSON(c, target.MarshalRecord(rec, acc, nil, nil))
}
