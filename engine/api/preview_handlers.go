package api

import (
	"bytes"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// reportPreviewBody runs a report definition that is not published: the
// studio's designer shows its results as the analyst builds it.
type reportPreviewBody struct {
	reportBody
	Definition json.RawMessage `json:"definition"`
	AsRole     string          `json:"as_role"`
}

// dashboardPreviewBody runs a dashboard definition that is not published.
type dashboardPreviewBody struct {
	reports.DashboardRequest
	Definition json.RawMessage `json:"definition"`
	AsRole     string          `json:"as_role"`
}

// definitionObject checks that a preview carries its definition as an
// object.
func definitionObject(raw json.RawMessage) error {
	if t := bytes.TrimSpace(raw); len(t) == 0 || t[0] != '{' {
		return badRequest("/definition", "definition is required: the report or dashboard definition to run, as a JSON object")
	}
	return nil
}

func (s *Server) previewReport(c *fiber.Ctx) error {
	var b reportPreviewBody
	if err := decodeStrictBody(c, &b, true); err != nil {
		return err
	}
	if err := definitionObject(b.Definition); err != nil {
		return err
	}
	req, err := b.request()
	if err != nil {
		return err
	}
	res, err := s.e.PreviewReport(c.UserContext(), principal(c), b.Definition, req, engine.PreviewOptions{AsRole: b.AsRole})
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) previewDashboard(c *fiber.Ctx) error {
	var b dashboardPreviewBody
	if err := decodeStrictBody(c, &b, true); err != nil {
		return err
	}
	if err := definitionObject(b.Definition); err != nil {
		return err
	}
	run, err := s.e.PreviewDashboard(c.UserContext(), principal(c), b.Definition, b.DashboardRequest, engine.PreviewOptions{AsRole: b.AsRole})
	if err != nil {
		return err
	}
	return c.JSON(s.dashboardRunBody(run))
}
