package api

import (
	"net/http"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
)

func (s *Server) listRecords(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
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
	q := forms.ListQuery{Filter: filter, Sort: c.Query("sort"), Page: page, PerPage: perPage,
		Fields: splitList(c.Query("fields")), SkipTotal: c.Query("total") == "skip", Actor: principal(c).Actor()}
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
	expanded, err := s.e.Expand(c.UserContext(), f, res.Items, splitList(c.Query("expand")))
	if err != nil {
		return err
	}
	items := make([]map[string]any, len(res.Items))
	for i, r := range res.Items {
		items[i] = f.JSON(r, only)
		if expanded[i] != nil {
			items[i]["expand"] = expanded[i]
		}
	}
	out := fiber.Map{"items": items, "page": page, "per_page": perPage}
	if res.Total >= 0 {
		out["total"] = res.Total
	}
	return c.JSON(out)
}

func (s *Server) createRecord(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	input, err := decodeObject(c)
	if err != nil {
		return err
	}
	rec, err := s.e.Records().Create(c.UserContext(), f, forms.Write{Input: input, Actor: principal(c).Actor()})
	if err != nil {
		return err
	}
	setETag(c, rec.RowVersion())
	c.Location("/api/v1/forms/" + f.Form.Key + "/records/" + itoa(rec.ID()))
	return c.Status(fiber.StatusCreated).JSON(f.JSON(rec, nil))
}

func (s *Server) getRecord(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	rec, err := s.e.Records().Get(c.UserContext(), f, id)
	if err != nil {
		return err
	}
	out := f.JSON(rec, nil)
	if expand := splitList(c.Query("expand")); len(expand) > 0 {
		ex, err := s.e.Expand(c.UserContext(), f, []forms.Record{rec}, expand)
		if err != nil {
			return err
		}
		if ex[0] != nil {
			out["expand"] = ex[0]
		}
	}
	setETag(c, rec.RowVersion())
	return c.JSON(out)
}

func (s *Server) updateRecord(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	input, err := decodeObject(c)
	if err != nil {
		return err
	}
	rec, err := s.e.Records().Update(c.UserContext(), f, id, version, forms.Write{Input: input, Actor: principal(c).Actor()})
	if err != nil {
		return err
	}
	setETag(c, rec.RowVersion())
	return c.JSON(f.JSON(rec, nil))
}

func (s *Server) deleteRecord(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	version, err := ifMatch(c)
	if err != nil {
		return err
	}
	if err := s.e.Records().Delete(c.UserContext(), f, id, version, principal(c).Actor()); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) recordAudit(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
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
	entries, err := s.e.RecordAudit(c.UserContext(), f.Form.Key, id, limit)
	if err != nil {
		return err
	}
	// note: the trail of a deleted record stays readable (who deleted it, and
	// what it held); only a record that never existed is not found.
	if len(entries) == 0 {
		if _, err := s.e.Records().Get(c.UserContext(), f, id); err != nil {
			return err
		}
	}
	return c.JSON(fiber.Map{"items": entries})
}

// queryError is a list query that cannot be used, like the filter errors of
// the forms package.
func queryError(path, msg string) *apiError {
	return newError(http.StatusBadRequest, "invalid_query", msg, Detail{Path: path, Message: msg})
}
