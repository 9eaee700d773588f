package api

import (
	"bytes"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// exportArchive answers the live version of every definition as a zip of
// KINDs/KEY.json files.
func (s *Server) exportArchive(c *fiber.Ctx) error {
	var b bytes.Buffer
	if err := s.e.ExportArchive(c.UserContext(), &b); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/zip")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="mosaic-application.zip"`)
	return c.Send(b.Bytes())
}

// importArchive reads a zip sent as multipart "file". With dry_run=true it
// says what each definition would become (new, changed, unchanged) and
// publishes nothing; otherwise it publishes them all or none.
func (s *Server) importArchive(c *fiber.Ctx) error {
	// note: a dry_run the server does not understand must not become a real
	// import.
	dryRun, err := strconv.ParseBool(c.Query("dry_run", "false"))
	if err != nil {
		return badRequest("/dry_run", "dry_run must be true or false")
	}
	destructive, err := strconv.ParseBool(c.Query("allow_destructive", "false"))
	if err != nil {
		return badRequest("/allow_destructive", "allow_destructive must be true or false")
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return badRequest("/file", "send a .zip file as multipart/form-data in a part called \"file\"")
	}
	if fh.Size > engine.MaxArchiveBytes {
		return newError(fiber.StatusRequestEntityTooLarge, "too_large", "the archive is larger than "+strconv.Itoa(engine.MaxArchiveBytes)+" bytes")
	}
	r, err := fh.Open()
	if err != nil {
		return badRequest("/file", "the uploaded file could not be read")
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, engine.MaxArchiveBytes+1))
	if err != nil {
		return badRequest("/file", "the uploaded file could not be read")
	}
	entries, err := engine.ReadArchive(data)
	if err != nil {
		return err
	}
	if dryRun {
		plan, err := s.e.PlanArchive(c.UserContext(), entries)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"dry_run": true, "items": plan})
	}
	res, err := s.e.ImportArchive(c.UserContext(), entries, engine.PublishOptions{AllowDestructive: destructive}, principal(c).Actor())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"dry_run": false, "items": res})
}
