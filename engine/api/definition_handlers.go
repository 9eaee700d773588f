package api

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/schemas"
	"github.com/mosaic-lowcode/mosaic/forms"
)

func (s *Server) listDefinitions(c *fiber.Ctx) error {
	defs, err := s.e.Definitions(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": defs})
}

func (s *Server) saveDraft(c *fiber.Ctx) error {
	body, err := decodeObject(c)
	if err != nil {
		return err
	}
	// note: a draft is what the next publish puts live, so saving one takes
	// the same right as publishing it; otherwise anyone could leave a role
	// granting themselves more for an admin to publish unawares.
	kind, _ := body["kind"].(string)
	key, _ := body["key"].(string)
	if err := s.canManage(c, kind, key); err != nil {
		return err
	}
	cond, err := draftCondition(c)
	if err != nil {
		return err
	}
	h, problems, err := s.e.SaveDraftIf(c.UserContext(), c.Body(), cond, principal(c).Actor())
	if err != nil {
		return err
	}
	if problems == nil {
		problems = []forms.Problem{}
	}
	c.Set(fiber.HeaderETag, `"`+engine.DraftTag(c.Body())+`"`)
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"kind": h.Kind, "key": h.Key, "title": h.Title,
		"valid": len(problems) == 0, "problems": problems})
}

// draftCondition reads what a draft save expects to find: If-Match with the
// ETag of the draft the caller read, or If-None-Match: * when they started
// from the published version.
func draftCondition(c *fiber.Ctx) (engine.DraftCondition, error) {
	var cond engine.DraftCondition
	if raw := strings.TrimSpace(c.Get(fiber.HeaderIfMatch)); raw != "" && raw != "*" {
		cond.Tag = strings.Trim(strings.TrimPrefix(raw, "W/"), `"`)
		if !strings.HasPrefix(cond.Tag, "d-") || len(cond.Tag) > 64 {
			return cond, badRequest("/If-Match", `If-Match must be the ETag of the draft you read, such as "d-1a2b3c4d5e6f7a8b"`)
		}
	}
	if raw := strings.TrimSpace(c.Get(fiber.HeaderIfNoneMatch)); raw != "" {
		if raw != "*" {
			return cond, badRequest("/If-None-Match", "If-None-Match may only be *: save only if there is no draft yet")
		}
		cond.NoDraft = true
	}
	return cond, nil
}

func (s *Server) getDraft(c *fiber.Ctx) error {
	body, tag, err := s.e.DraftWithTag(c.UserContext(), c.Params("kind"), c.Params("key"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	c.Set(fiber.HeaderETag, `"`+tag+`"`)
	return c.Send(body)
}

// validateDraft checks the saved draft, or, when the request has a body, that
// text without saving it: the studio shows compile errors as the analyst
// types without overwriting the draft others may be reading.
func (s *Server) validateDraft(c *fiber.Ctx) error {
	var d *engine.Diff
	var err error
	if len(bytes.TrimSpace(c.Body())) == 0 {
		d, err = s.e.DiffDraft(c.UserContext(), c.Params("kind"), c.Params("key"))
	} else if _, err = decodeObject(c); err == nil {
		d, err = s.e.DiffBody(c.UserContext(), c.Params("kind"), c.Params("key"), c.Body())
	}
	if err != nil {
		return err
	}
	res := fiber.Map{"valid": len(d.Problems) == 0, "problems": d.Problems}
	if rs := d.RecordSchema(); rs != nil {
		res["record_schema"] = rs
	}
	return c.JSON(res)
}

func (s *Server) diffDraft(c *fiber.Ctx) error {
	d, err := s.e.DiffDraft(c.UserContext(), c.Params("kind"), c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

type publishRequest struct {
	AllowDestructive bool   `json:"allow_destructive"`
	Note             string `json:"note"`
	Version          int    `json:"version"`
	BaseVersion      *int   `json:"base_version"`
}

func (r publishRequest) options() engine.PublishOptions {
	return engine.PublishOptions{AllowDestructive: r.AllowDestructive, Note: r.Note, BaseVersion: r.BaseVersion}
}

// readPublishRequest accepts an empty body as "no options".
func readPublishRequest(c *fiber.Ctx) (publishRequest, error) {
	var req publishRequest
	if len(c.Body()) == 0 {
		return req, nil
	}
	if err := decodeStrict(c, &req); err != nil {
		return req, err
	}
	if len(req.Note) > 500 {
		return req, badRequest("/note", "the note is longer than 500 characters")
	}
	if req.BaseVersion != nil && *req.BaseVersion < 0 {
		return req, badRequest("/base_version", "base_version is the version you opened: 0 or more")
	}
	return req, nil
}

func (s *Server) publish(c *fiber.Ctx) error {
	req, err := readPublishRequest(c)
	if err != nil {
		return err
	}
	res, err := s.e.Publish(c.UserContext(), c.Params("kind"), c.Params("key"),
		req.options(), principal(c).Actor())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) rollback(c *fiber.Ctx) error {
	req, err := readPublishRequest(c)
	if err != nil {
		return err
	}
	if req.Version <= 0 {
		return newError(fiber.StatusUnprocessableEntity, "validation_failed", "say which version to roll back to",
			Detail{Path: "/version", Code: "validation_required", Message: "version is required"})
	}
	res, err := s.e.Rollback(c.UserContext(), c.Params("kind"), c.Params("key"), req.Version,
		req.options(), principal(c).Actor())
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) listVersions(c *fiber.Ctx) error {
	vs, err := s.e.Versions(c.UserContext(), c.Params("kind"), c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": vs})
}

func (s *Server) getVersion(c *fiber.Ctx) error {
	n, err := intParam(c, "version")
	if err != nil {
		return err
	}
	body, v, err := s.e.VersionBody(c.UserContext(), c.Params("kind"), c.Params("key"), int(n))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"kind": v.Kind, "key": v.Key, "version": v.Version, "published_at": v.PublishedAt,
		"published_by": v.PublishedBy, "note": v.Note, "definition": body})
}

type importRequest struct {
	Definitions      []json.RawMessage `json:"definitions"`
	AllowDestructive bool              `json:"allow_destructive"`
}

func (s *Server) importDefinitions(c *fiber.Ctx) error {
	var req importRequest
	if err := decodeStrict(c, &req); err != nil {
		return err
	}
	bodies := make([][]byte, len(req.Definitions))
	for i, d := range req.Definitions {
		bodies[i] = d
	}
	res, err := s.e.Import(c.UserContext(), bodies, engine.PublishOptions{AllowDestructive: req.AllowDestructive}, principal(c).Actor())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": res})
}

func (s *Server) exportDefinitions(c *fiber.Ctx) error {
	dir, err := os.MkdirTemp("", "mosaic-export-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	paths, err := s.e.Export(c.UserContext(), dir)
	if err != nil {
		return err
	}
	out := []fiber.Map{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, fiber.Map{"path": filepath.ToSlash(rel), "definition": json.RawMessage(b)})
	}
	// note: c.JSON would escape <, > and & in the definitions (amount \u003e
	// 100000); an export gives them back exactly as they are published.
	var body bytes.Buffer
	enc := json.NewEncoder(&body)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(fiber.Map{"items": out}); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(body.Bytes())
}

func (s *Server) schema(c *fiber.Ctx) error {
	raw, ok := schemas.Raw(c.Params("kind"))
	if !ok {
		return newError(fiber.StatusNotFound, "not_found", "there is no schema for kind "+c.Params("kind"))
	}
	c.Set(fiber.HeaderContentType, "application/schema+json")
	return c.Send(raw)
}
