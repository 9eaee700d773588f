package api

import (
	"errors"
	"fmt"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/store"
)

func (s *Server) uploadFile(c *fiber.Ctx) error {
	field := c.Query("field")
	if field == "" {
		return badRequest("/field", "name the attachment field: ?field=<key>")
	}
	if err := s.canWriteField(c, c.Params("form"), field); err != nil {
		return err
	}
	fh, err := c.FormFile("file")
	if err != nil {
		return badRequest("/file", "send the file as multipart/form-data in a part called \"file\"")
	}
	ct := fh.Header.Get(fiber.HeaderContentType)
	if ct == "" {
		ct = "application/octet-stream"
	}
	r, err := fh.Open()
	if err != nil {
		return badRequest("/file", "the uploaded file could not be read")
	}
	defer r.Close()
	f, err := s.e.Upload(c.UserContext(), c.Params("form"), field, fh.Filename, ct, r, principal(c).Actor())
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

func (s *Server) downloadFile(c *fiber.Ctx) error {
	f, r, err := s.e.OpenFile(c.UserContext(), c.Params("id"))
	if err != nil {
		return err
	}
	// note: a file is shown to those who may read its field on its form.
	if err := s.canReadField(c, f.Form, f.Field); err != nil {
		_ = r.Close()
		if errors.Is(err, store.ErrForbidden) || errors.Is(err, store.ErrNotFound) {
			// note: to someone who may not read it, a file is as absent as
			// one that never existed, down to the message.
			return fmt.Errorf("%w: there is no file %q", store.ErrNotFound, c.Params("id"))
		}
		return err
	}
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType("attachment", map[string]string{"filename": f.Name}))
	c.Set(fiber.HeaderContentLength, strconv.FormatInt(f.Size, 10))
	return c.SendStream(r, int(f.Size))
}

func itoa(n int64) string { return fmt.Sprint(n) }
