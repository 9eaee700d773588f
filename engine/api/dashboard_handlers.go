package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// dashboardRunBody is a dashboard run as the API answers it: each widget
// with its result or its error, in the one error shape.
type dashboardRunBody struct {
	*engine.DashboardRun
	Widgets []widgetRunBody `json:"widgets"`
}

type widgetRunBody struct {
	*engine.WidgetRun
	Error *errorInfo `json:"error,omitempty"`
}

func (s *Server) listDashboards(c *fiber.Ctx) error {
	list, err := s.e.DashboardSummaries(principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) getDashboard(c *fiber.Ctx) error {
	d, err := s.e.DescribeDashboard(principal(c), c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) runDashboard(c *fiber.Ctx) error {
	var req reports.DashboardRequest
	if err := decodeOptional(c, &req); err != nil {
		return err
	}
	run, err := s.e.RunDashboard(c.UserContext(), principal(c), c.Params("key"), req)
	if err != nil {
		return err
	}
	return c.JSON(s.dashboardRunBody(run))
}

// dashboardRunBody is run as the API answers it: each widget's error in
// the one error shape, logged when it is the server's fault.
func (s *Server) dashboardRunBody(run *engine.DashboardRun) dashboardRunBody {
	out := dashboardRunBody{DashboardRun: run, Widgets: make([]widgetRunBody, len(run.Widgets))}
	for i, w := range run.Widgets {
		out.Widgets[i] = widgetRunBody{WidgetRun: w}
		if w.Err != nil {
			ae := toAPIError(w.Err)
			if ae.Status >= 500 {
				s.log.Error("dashboard widget failed", "dashboard", run.Key, "widget", w.Key, "err", w.Err)
			}
			info := ae.info()
			out.Widgets[i].Error = &info
		}
	}
	return out
}
