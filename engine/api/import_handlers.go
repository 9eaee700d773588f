package api

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
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
	// note: a dry_run the server does not understand must not become a real
	// import.
	dryRun, err := strconv.ParseBool(c.Query("dry_run", "false"))
	if err != nil {
		return badRequest("/dry_run", "dry_run must be true or false")
	}
	report, err := s.e.ImportRecords(c.UserContext(), f, fh.Filename, r, dryRun, principal(c).Actor())
	if err != nil {
		return err
	}
	if len(report.Errors) > 0 {
		return importFailed(report)
	}
	return c.JSON(report)
}

// importFailed reports the problems of an import in the one error shape: each
// detail's path is /header/N or /rows/N/field and its line is the line of the
// file (the header is line 1).
func importFailed(r *engine.ImportReport) *apiError {
	details := make([]Detail, len(r.Errors))
	for i, e := range r.Errors {
		msg := e.Message
		if e.Row > 0 {
			msg = fmt.Sprintf("row %d: %s", e.Row, e.Message)
		}
		details[i] = Detail{Path: e.Path, Code: e.Code, Message: msg, Line: e.Row + 1}
	}
	return newError(fiber.StatusUnprocessableEntity, "validation_failed",
		fmt.Sprintf("the file has %d problem(s); nothing was imported", len(details)), details...)
}
