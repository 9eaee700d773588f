// Package api serves the engine over HTTP with fiber: the JSON API under
// /api/v1, health checks and the OpenAPI document. It is the only package
// that knows HTTP.
package api

import (
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/recover"

	"github.com/mosaic-lowcode/mosaic/engine"
	studioui "github.com/mosaic-lowcode/mosaic/studio-ui"
)

// maxJSONBody bounds a JSON request body; uploads have their own limit.
const maxJSONBody = 2 << 20

// Server is the HTTP face of an engine.
type Server struct {
	e       *engine.Engine
	log     *slog.Logger
	metrics *metrics
}

// New builds the fiber app serving e.
func New(e *engine.Engine) *fiber.App {
	s := &Server{e: e, log: e.Logger(), metrics: newMetrics(e)}
	app := fiber.New(fiber.Config{
		AppName:               "mosaic",
		DisableStartupMessage: true,
		ErrorHandler:          errorHandler(s.log),
		BodyLimit:             64 << 20,
		// note: fasthttp's 4 KiB default rejects a URL carrying a filter near
		// its 4000-character limit before the handler can say why.
		ReadBufferSize: 16 << 10,
		ReadTimeout:    60 * time.Second,
		WriteTimeout:   60 * time.Second,
		IdleTimeout:    120 * time.Second,
		StrictRouting:  false,
		CaseSensitive:  true,
		// note: fiber reuses request memory; values we keep are copied.
		Immutable: true,
	})
	app.Use(recover.New(recover.Config{EnableStackTrace: false}))
	app.Use(s.accessLog)
	app.Get("/healthz", s.healthz)
	app.Get("/readyz", s.readyz)
	app.Get("/metrics", s.metrics.handler())

	v1 := app.Group("/api/v1")
	v1.Get("/openapi.json", s.openAPI)
	v1.Post("/auth/login", loginLimiter(), s.login)
	v1.Get("/schemas/:kind", s.schema)
	// note: before the staff group, whose authentication would refuse a
	// portal token.
	s.registerPortal(v1)

	authed := v1.Group("", s.authenticate)
	authed.Post("/auth/logout", s.logout)
	authed.Get("/auth/me", s.me)
	authed.Get("/me/permissions", s.myPermissions)
	s.registerMe(authed)
	s.registerWorkspace(authed)
	s.registerAdmin(authed)
	s.registerWebhooks(authed)
	s.registerFlows(authed)
	s.registerReports(authed)
	s.registerConversions(authed)
	s.registerDocuments(authed)
	authed.Get("/admin/explain", s.requireAdmin, s.explain)
	authed.Get("/admin/audit", s.requireAdmin, s.auditLog)
	authed.Post("/portal/links", s.requireAdmin, s.createPortalLink)
	authed.Post("/portal/sign-links", s.requireAdmin, s.createSignLink)

	authed.Get("/forms", s.listForms)
	authed.Get("/forms/:form", s.getForm)
	authed.Get("/forms/:form/versions/:version", s.getFormVersion)
	authed.Get("/forms/:form/records", s.listRecords)
	authed.Post("/forms/:form/records", s.createRecord)
	authed.Post("/forms/:form/records/import", s.importRecords)
	authed.Post("/forms/:form/records/upsert", s.upsertRecords)
	authed.Get("/forms/:form/records/export", s.exportRecords)
	authed.Get("/forms/:form/records/:id", s.getRecord)
	authed.Patch("/forms/:form/records/:id", s.updateRecord)
	authed.Delete("/forms/:form/records/:id", s.deleteRecord)
	authed.Get("/forms/:form/records/:id/audit", s.recordAudit)
	authed.Get("/forms/:form/records/:id/signatures", s.recordSignatures)
	authed.Post("/forms/:form/files", s.uploadFile)
	authed.Get("/files/:id", s.downloadFile)

	authed.Get("/definitions", s.requireAdmin, s.listDefinitions)
	authed.Post("/definitions", s.saveDraft)
	authed.Post("/definitions/import", s.requireAdmin, s.importDefinitions)
	authed.Get("/definitions/export", s.requireAdmin, s.exportDefinitions)
	authed.Get("/definitions/archive", s.requireAdmin, s.exportArchive)
	authed.Post("/definitions/archive", s.requireAdmin, s.importArchive)
	authed.Get("/definitions/:kind/:key/draft", s.requireManage, s.getDraft)
	authed.Post("/definitions/:kind/:key/validate", s.requireManage, s.validateDraft)
	authed.Get("/definitions/:kind/:key/diff", s.requireManage, s.diffDraft)
	authed.Post("/definitions/:kind/:key/publish", s.requireManage, s.publish)
	authed.Post("/definitions/:kind/:key/rollback", s.requireManage, s.rollback)
	authed.Get("/definitions/:kind/:key/versions", s.requireManage, s.listVersions)
	authed.Get("/definitions/:kind/:key/versions/:version", s.requireManage, s.getVersion)
	authed.Post("/definitions/flow/:key/replay", s.replayDraft)
	authed.Post("/definitions/flow/:key/dryrun", s.dryRunFlow)

	mountUI(app, studioui.Files(), "/studio", "/app", "/portal")
	app.Get("/", func(c *fiber.Ctx) error { return c.Redirect("/studio/", fiber.StatusFound) })
	app.Get("/sign/:token", signRedirect)

	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return app
}

func (s *Server) accessLog(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	status := c.Response().StatusCode()
	if err != nil {
		status = toAPIError(err).Status
	}
	took := time.Since(start)
	s.metrics.observe(c, status, took)
	s.log.Debug("http", "method", c.Method(), "path", c.Path(), "status", status, "took", took)
	return err
}

func (s *Server) healthz(c *fiber.Ctx) error {
	return c.JSON(fiber.Map{"status": "ok"})
}

func (s *Server) readyz(c *fiber.Ctx) error {
	if err := s.e.DB().Ping(c.UserContext()); err != nil {
		return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unavailable"})
	}
	return c.JSON(fiber.Map{"status": "ready", "forms": len(s.e.Snapshot().Forms())})
}
