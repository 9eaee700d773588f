package api

import (
	"bufio"
	"io"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/reports"
)

// Bounds of a report request.
const (
	maxReportFilters = 50
	maxDrillPerPage  = 500
)

// registerReports adds the report and dashboard routes.
func (s *Server) registerReports(r fiber.Router) {
	r.Get("/reports", s.listReports)
	r.Post("/reports/preview", s.previewReport)
	r.Get("/reports/:key", s.getReport)
	r.Post("/reports/:key/run", s.runReport)
	r.Post("/reports/:key/drill", s.drillReport)
	r.Post("/reports/:key/export", s.exportReport)
	r.Post("/reports/:key/drill/export", s.exportDrill)
	r.Get("/dashboards", s.listDashboards)
	r.Post("/dashboards/preview", s.previewDashboard)
	r.Get("/dashboards/:key", s.getDashboard)
	r.Post("/dashboards/:key/run", s.runDashboard)
}

// reportBody is the body of a run or an export: a reports.Request.
type reportBody struct {
	Params  map[string]any      `json:"params"`
	Filters []reports.DimFilter `json:"filters"`
	Level   int                 `json:"level"`
}

func (b reportBody) request() (reports.Request, error) {
	if len(b.Filters) > maxReportFilters {
		return reports.Request{}, badRequest("/filters", "a request has at most 50 dimension filters")
	}
	return reports.Request{Params: b.Params, Where: b.Filters, Level: b.Level}, nil
}

// drillBody is the body of a drill-down: the request of the level clicked
// at, the click, and the page of records wanted at the end of the path.
type drillBody struct {
	reportBody
	Click   *reports.Click `json:"click"`
	Page    int            `json:"page"`
	PerPage int            `json:"per_page"`
}

func decodeDrill(c *fiber.Ctx) (drillBody, reports.Request, error) {
	var b drillBody
	if err := decodeOptional(c, &b); err != nil {
		return b, reports.Request{}, err
	}
	req, err := b.request()
	switch {
	case err != nil:
		return b, req, err
	case b.Click == nil:
		return b, req, badRequest("/click", `click is required: the values of the cell clicked, such as {"values": {"region": "east"}}`)
	case b.Page < 0 || b.Page > 1_000_000:
		return b, req, badRequest("/page", "page must be a positive whole number")
	case b.PerPage < 0 || b.PerPage > maxDrillPerPage:
		return b, req, badRequest("/per_page", "per_page must be 1 to 500")
	}
	if b.PerPage == 0 {
		b.PerPage = 20
	}
	return b, req, nil
}

func (s *Server) listReports(c *fiber.Ctx) error {
	list, err := s.e.ReportSummaries(principal(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) getReport(c *fiber.Ctx) error {
	d, err := s.e.DescribeReport(principal(c), c.Params("key"))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) runReport(c *fiber.Ctx) error {
	var b reportBody
	if err := decodeOptional(c, &b); err != nil {
		return err
	}
	req, err := b.request()
	if err != nil {
		return err
	}
	res, err := s.e.RunReport(c.UserContext(), principal(c), c.Params("key"), req)
	if err != nil {
		return err
	}
	return c.JSON(res)
}

func (s *Server) drillReport(c *fiber.Ctx) error {
	b, req, err := decodeDrill(c)
	if err != nil {
		return err
	}
	page := engine.PageRequest{Page: b.Page, PerPage: b.PerPage}
	d, err := s.e.DrillDown(c.UserContext(), principal(c), c.Params("key"), req, *b.Click, page)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// exportReport streams a report's result as CSV or XLSX.
func (s *Server) exportReport(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	var b reportBody
	if err := decodeOptional(c, &b); err != nil {
		return err
	}
	req, err := b.request()
	if err != nil {
		return err
	}
	key := c.Params("key")
	// note: the report runs before the first byte is sent, so that what is
	// wrong gets a proper error response.
	res, err := s.e.RunReport(c.UserContext(), principal(c), key, req)
	if err != nil {
		return err
	}
	return s.streamFile(c, key, format, func(w io.Writer) error { return engine.ExportResult(res, format, w) })
}

// exportDrill streams the records behind a cell, as the records export
// does: the caller's export access (rows and fields) to the source form.
func (s *Server) exportDrill(c *fiber.Ctx) error {
	format, err := exportFormat(c)
	if err != nil {
		return err
	}
	b, req, err := decodeDrill(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f, q, err := s.e.DrillExport(ctx, principal(c), c.Params("key"), req, *b.Click)
	if err != nil {
		return err
	}
	return s.streamFile(c, f.Form.Key, format, func(w io.Writer) error { return s.e.ExportRecords(ctx, f, q, format, w) })
}

// exportFormat reads ?format=csv|xlsx (csv when absent).
func exportFormat(c *fiber.Ctx) (string, error) {
	format := c.Query("format", "csv")
	if format != "csv" && format != "xlsx" {
		return "", badRequest("/format", "format must be csv or xlsx")
	}
	return format, nil
}

// streamFile sends name.format as a download written by write as the
// response goes out, rather than built in memory first. An error once the
// response has started can only cut it short; it is logged.
func (s *Server) streamFile(c *fiber.Ctx, name, format string, write func(w io.Writer) error) error {
	ct := "text/csv; charset=utf-8"
	if format == "xlsx" {
		ct = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	c.Set(fiber.HeaderContentType, ct)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+"."+format+`"`)
	method, path := c.Method(), c.Path()
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		if err := write(w); err != nil {
			s.log.Error("export failed after it started", "method", method, "path", path, "err", err)
		}
		_ = w.Flush()
	})
	return nil
}
