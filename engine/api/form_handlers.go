package api

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

type formSummary struct {
	Key         string `json:"key"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	Version     int    `json:"version"`
}

func (s *Server) listForms(c *fiber.Ctx) error {
	items := []formSummary{}
	p := principal(c)
	for _, f := range s.e.Snapshot().Forms() {
		if !s.e.Access().Can(p.Roles, f.Form.Key, "read") && !s.e.Access().Can(p.Roles, f.Form.Key, "create") {
			continue
		}
		items = append(items, formSummary{Key: f.Form.Key, Title: f.Form.Title, Description: f.Form.Description, Version: f.Version})
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) getForm(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	p := principal(c)
	acc, err := s.e.AccessFor(p, f, "read")
	if err != nil {
		if acc, err = s.e.AccessFor(p, f, "create"); err != nil {
			return fmt.Errorf("%w: you may not use form %s", store.ErrForbidden, f.Form.Key)
		}
	}
	// note: those who may edit the definition see all of it; others see the
	// fields they may read, so hidden fields' names and formulas stay hidden.
	if s.canManage(c, "form", f.Form.Key) == nil {
		acc = nil
	}
	return c.JSON(fiber.Map{"key": f.Form.Key, "title": f.Form.Title, "version": f.Version,
		"definition": f.DefinitionAs(acc), "record_schema": f.RecordSchemaAs(acc), "submit_flows": s.e.SubmitFlows(f)})
}

func (s *Server) getFormVersion(c *fiber.Ctx) error {
	_, acc, err := s.formAccess(c, "read")
	if err != nil {
		return err
	}
	n, err := intParam(c, "version")
	if err != nil {
		return err
	}
	body, v, err := s.e.VersionBody(c.UserContext(), "form", c.Params("form"), int(n))
	if err != nil {
		return err
	}
	var def any = json.RawMessage(body)
	if s.canManage(c, "form", v.Key) != nil {
		old, err := forms.Parse(body)
		if err != nil {
			return err
		}
		def = forms.VisibleDefinition(old, acc)
	}
	return c.JSON(fiber.Map{"key": v.Key, "version": v.Version, "published_at": v.PublishedAt,
		"published_by": v.PublishedBy, "definition": def})
}
