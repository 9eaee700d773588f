package api

import (
	"github.com/gofiber/fiber/v2"
)

func (s *Server) importRecords(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return badRequest("/file", "send a .csv or .xlsx file as multipart/form-data in a part called \"file\"")
	}
	r, err := fh.Open()
	if err != nil {
		return badRequest("/file", "the uploaded file could not be read")
	}
	defer r.Close()
	report, err := s.e.ImportRecords(c.UserContext(), f, fh.Filename, r, c.Query("dry_run") == "true", principal(c).Actor())
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if len(report.Errors) > 0 {
		status = fiber.StatusUnprocessableEntity
	}
	return c.Status(status).JSON(report)
}
