package api

import (
	"errors"
	"fmt"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
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
	err = s.canReadField(c, f.Form, f.Field)
	if err == nil {
		err = s.canReachFile(c, f)
	}
	if err != nil {
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

// canReachFile refuses a file held only by records outside the caller's
// row scope: reading a form's attachments is not reading every record's,
// and a file id that leaks (a shared link, a log) must not open another
// owner's document. A file not yet attached is its uploader's alone.
func (s *Server) canReachFile(c *fiber.Ctx, f *store.File) error {
	form, err := s.e.Form(f.Form)
	if err != nil {
		return err
	}
	p := principal(c)
	acc, err := s.e.AccessFor(p, form, rbac.ActRead)
	if err != nil {
		return err
	}
	if acc.Rows == nil || f.CreatedBy == p.User.ID {
		return nil
	}
	field, ok := form.Field(f.Field)
	if !ok || field.Column == "" {
		// note: a field of a sub-table is not searched from its form;
		// reading the field is what such a file asks.
		return nil
	}
	held := *acc
	held.Rows = store.And(acc.Rows, store.JSONHasID(field.Column, f.ID))
	res, err := s.e.Records().List(c.UserContext(), form, forms.ListQuery{PerPage: 1, Fields: []string{"id"},
		SkipTotal: true, Actor: p.Actor(), Access: &held})
	if err != nil {
		return err
	}
	if len(res.Items) == 0 {
		return fmt.Errorf("%w: there is no such file", store.ErrNotFound)
	}
	return nil
}

func itoa(n int64) string { return fmt.Sprint(n) }
