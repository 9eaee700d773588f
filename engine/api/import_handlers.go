package api

import (
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
)

func (s *Server) importRecords(c *fiber.Ctx) error {
	// note: importing creates records, so it needs both actions.
	f, acc, err := s.formAccess(c, "import")
	if err != nil {
		return err
	}
	if _, err := s.e.AccessFor(principal(c), f, "create"); err != nil {
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
	report, err := s.e.ImportRecords(c.UserContext(), f, fh.Filename, r, dryRun, principal(c).Actor(), acc)
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
//
// note: as with a single write, columns the importer may not write make the
// import a 403 that names them, whatever else is wrong with the file.
func importFailed(r *engine.ImportReport) *apiError {
	details := make([]Detail, 0, len(r.Errors))
	var forbidden []Detail
	for _, e := range r.Errors {
		msg := e.Message
		if e.Row > 0 {
			msg = fmt.Sprintf("row %d: %s", e.Row, e.Message)
		}
		d := Detail{Path: e.Path, Code: e.Code, Message: msg, Line: e.Row + 1}
		details = append(details, d)
		if e.Code == forms.CodeForbiddenField {
			forbidden = append(forbidden, d)
		}
	}
	if len(forbidden) > 0 {
		return newError(fiber.StatusForbidden, "forbidden",
			fmt.Sprintf("the file has %d value(s) you may not write; nothing was imported", len(forbidden)), forbidden...)
	}
	return newError(fiber.StatusUnprocessableEntity, "validation_failed",
		fmt.Sprintf("the file has %d problem(s); nothing was imported", len(details)), details...)
}

// exportRecords streams the records the caller may export, with the fields
// they may read, as CSV (default) or XLSX.
func (s *Server) exportRecords(c *fiber.Ctx) error {
	f, acc, err := s.formAccess(c, "export")
	if err != nil {
		return err
	}
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	filter := c.Query("filter")
	if len(filter) > 4000 || !utf8.ValidString(filter) {
		return queryError("/filter", "the filter must be valid UTF-8 text of at most 4000 characters")
	}
	q := forms.ListQuery{Filter: filter, Sort: c.Query("sort"), Fields: splitList(c.Query("fields")),
		Actor: principal(c).Actor(), Access: acc}
	// note: check the query before the first byte is sent, so a bad filter
	// gets a proper error response.
	if _, err := s.e.Records().List(c.UserContext(), f, forms.ListQuery{Filter: q.Filter, Sort: q.Sort,
		Fields: q.Fields, Actor: q.Actor, Access: acc, PerPage: 1, SkipTotal: true}); err != nil {
		return err
	}
	ctx := c.UserContext()
	return s.streamFile(c, f.Form.Key, format, func(w io.Writer) error { return s.e.ExportRecords(ctx, f, q, format, w) })
}
