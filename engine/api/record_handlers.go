package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

func (s *Server) listRecords(c *fiber.Ctx) error {
	f, acc, err := s.formAccess(c, "read")
	if err != nil {
		return err
	}
	page, err := queryInt(c, "page", 1, 1_000_000)
	if err != nil {
		return err
	}
	perPage, err := queryInt(c, "per_page", 20, 500)
	if err != nil {
		return err
	}
	filter := c.Query("filter")
	if len(filter) > 4000 {
		return queryError("/filter", "the filter is longer than 4000 characters")
	}
	// note: the expression parser reads invalid bytes as U+FFFD, which would
	// quietly search for text nobody sent.
	if !utf8.ValidString(filter) {
		return queryError("/filter", "the filter must be valid UTF-8")
	}
	count, err := countMode(c)
	if err != nil {
		return err
	}
	expand := splitList(c.Query("expand"))
	q := forms.ListQuery{Filter: filter, Sort: c.Query("sort"), Page: page, PerPage: perPage,
		Fields: splitList(c.Query("fields")), Count: count, Actor: principal(c).Actor(), Access: acc}
	if len(q.Fields) > 0 {
		// note: a relation to expand is loaded (and shown) even when the
		// field list leaves it out.
		q.Fields = append(q.Fields, expand...)
	}
	res, err := s.e.Records().List(c.UserContext(), f, q)
	if err != nil {
		return err
	}
	var only map[string]bool
	if len(q.Fields) > 0 {
		only = map[string]bool{}
		for _, k := range q.Fields {
			only[k] = true
		}
	}
	expanded, err := s.e.Expand(c.UserContext(), principal(c), f, acc, res.Items, expand)
	if err != nil {
		return err
	}
	bp := pageBuffers.Get().(*[]byte)
	buf := append((*bp)[:0], `{"items":[`...)
	w := f.Writer(acc, only)
	for i, r := range res.Items {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = w.AppendRecord(buf, r, expanded[i])
	}
	buf = append(buf, `],"page":`...)
	buf = strconv.AppendInt(buf, int64(page), 10)
	buf = append(buf, `,"per_page":`...)
	buf = strconv.AppendInt(buf, int64(perPage), 10)
	if res.Total >= 0 {
		buf = append(buf, `,"total":`...)
		buf = strconv.AppendInt(buf, res.Total, 10)
	}
	buf = append(buf, `,"count":"`...)
	buf = append(buf, res.Count...)
	buf = append(buf, `"}`...)
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// note: SetBody copies into the response's own (pooled) buffer, so the
	// page's buffer can serve the next page.
	c.Response().SetBody(buf)
	if cap(buf) <= maxPooledPage {
		*bp = buf
		pageBuffers.Put(bp)
	}
	return nil
}

// pageBuffers keeps the buffers list pages are encoded into between
// requests: a page of orders with their lines is tens of kilobytes, which
// each request otherwise allocated and grew again.
var pageBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

// maxPooledPage is the largest buffer kept: a rare huge page is not held.
const maxPooledPage = 1 << 20

// sendJSON sends an already encoded JSON body.
func sendJSON(c *fiber.Ctx, body []byte) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body)
}

func (s *Server) createRecord(c *fiber.Ctx) error {
	f, acc, err := s.formAccess(c, "create")
	if err != nil {
		return err
	}
	input, err := decodeObject(c)
	if err != nil {
		return err
	}
	return s.idempotent(c, func(ctx context.Context) (*engine.Answer, error) {
		rec, err := s.e.CreateRecord(ctx, principal(c), f, forms.Write{Input: input, Actor: principal(c).Actor(), Access: acc})
		if err != nil {
			return nil, err
		}
		return &engine.Answer{Status: fiber.StatusCreated, Body: f.MarshalRecord(rec, s.readAccess(c, f, acc), nil, nil),
			Location: "/api/v1/forms/" + f.Form.Key + "/records/" + itoa(rec.ID()), ETag: etag(rec.RowVersion())}, nil
	})
}

func (s *Server) getRecord(c *fiber.Ctx) error {
	f, acc, err := s.formAccess(c, "read")
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	rec, err := s.e.Records().GetAs(c.UserContext(), f, id, acc)
	if err != nil {
		return err
	}
	var expanded map[string]any
	if expand := splitList(c.Query("expand")); len(expand) > 0 {
		ex, err := s.e.Expand(c.UserContext(), principal(c), f, acc, []forms.Record{rec}, expand)
		if err != nil {
			return err
		}
		expanded = ex[0]
	}
	setETag(c, rec.RowVersion())
	return sendJSON(c, f.MarshalRecord(rec, acc, nil, expanded))
}

// recordTarget resolves what a write to one record names: the form, the
// caller's access for action, the record id and the If-Match row version.
func (s *Server) recordTarget(c *fiber.Ctx, action string) (*forms.Compiled, *forms.Access, int64, int64, error) {
	f, acc, err := s.formAccess(c, action)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return nil, nil, 0, 0, err
	}
	version, err := ifMatch(c)
	if err != nil {
		return nil, nil, 0, 0, err
	}
	return f, acc, id, version, nil
}

func (s *Server) updateRecord(c *fiber.Ctx) error {
	f, acc, id, version, err := s.recordTarget(c, "update")
	if err != nil {
		return err
	}
	input, err := decodeObject(c)
	if err != nil {
		return err
	}
	rec, err := s.e.UpdateRecord(c.UserContext(), principal(c), f, id, version, forms.Write{Input: input, Actor: principal(c).Actor(), Access: acc})
	if err != nil {
		return err
	}
	setETag(c, rec.RowVersion())
	return sendJSON(c, f.MarshalRecord(rec, s.readAccess(c, f, acc), nil, nil))
}

func (s *Server) deleteRecord(c *fiber.Ctx) error {
	f, acc, id, version, err := s.recordTarget(c, "delete")
	if err != nil {
		return err
	}
	if err := s.e.Records().Delete(c.UserContext(), f, id, version, forms.Write{Actor: principal(c).Actor(), Access: acc}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) recordAudit(c *fiber.Ctx) error {
	f, acc, err := s.formAccess(c, "read")
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 1000)
	if err != nil {
		return err
	}
	// note: the trail of a record is shown to those who may read the record;
	// the trail of a deleted one (who deleted it, and what it held) only to
	// those who may read every record of the form.
	if _, err := s.e.Records().GetAs(c.UserContext(), f, id, acc); err != nil {
		if !errors.Is(err, store.ErrNotFound) || acc.Rows != nil {
			return err
		}
	}
	entries, err := s.e.RecordAudit(c.UserContext(), f.Form.Key, id, limit, acc)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return newError(fiber.StatusNotFound, "not_found", fmt.Sprintf("%s record %d does not exist", f.Form.Key, id))
	}
	return c.JSON(fiber.Map{"items": entries})
}

// readAccess is the caller's read access to f, used to render what a write
// returns; it falls back to the write's own access (whose field levels are
// the same) when the caller may write but not read.
func (s *Server) readAccess(c *fiber.Ctx, f *forms.Compiled, write *forms.Access) *forms.Access {
	if acc, err := s.e.AccessFor(principal(c), f, "read"); err == nil {
		return acc
	}
	return write
}

// queryError is a list query that cannot be used, like the filter errors of
// the forms package.
func queryError(path, msg string) *apiError {
	return newError(http.StatusBadRequest, "invalid_query", msg, Detail{Path: path, Message: msg})
}
