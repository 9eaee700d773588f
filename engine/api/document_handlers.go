package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/rbac"
)

// registerDocuments adds the document templates of a form and generating a
// record's PDF; the PDF is then downloaded through the files API.
func (s *Server) registerDocuments(r fiber.Router) {
	r.Get("/forms/:form/documents", s.listDocuments)
	r.Post("/forms/:form/records/:id/documents/:template", s.generateDocument)
}

func (s *Server) listDocuments(c *fiber.Ctx) error {
	if _, _, err := s.formAccess(c, rbac.ActRead); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"documents": s.e.DocumentsOf(c.Params("form"))})
}

func (s *Server) generateDocument(c *fiber.Ctx) error {
	f, id, err := s.namedRecord(c)
	if err != nil {
		return err
	}
	file, err := s.e.GenerateDocument(c.UserContext(), principal(c), f, id, c.Params("template"))
	if err != nil {
		return err
	}
	c.Location("/api/v1/files/" + file.ID)
	return c.Status(fiber.StatusCreated).JSON(file)
}
