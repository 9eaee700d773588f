package api

import (
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/store"
)

type portalKey struct{}

// registerPortal serves the customer portal: a narrow API of its own,
// authenticated by a portal token bound to one customer, never by a staff
// session, and the signing pages of e-mailed invitations.
func (s *Server) registerPortal(v1 fiber.Router) {
	v1.Post("/portal/login", loginLimiter(), s.portalLogin)
	v1.Get("/portal/me", s.portalAuth, s.portalHome)
	v1.Get("/portal/records", s.portalAuth, s.portalRecords)
	v1.Get("/portal/records/:form/:id", s.portalAuth, s.portalRecord)
	v1.Get("/portal/files/:id", s.portalAuth, s.portalFile)
	v1.Get("/portal/tickets", s.portalAuth, s.portalTickets)
	v1.Post("/portal/tickets", s.portalAuth, s.portalCreateTicket)
	v1.Get("/portal/sign/:token", s.signPage)
	v1.Get("/portal/sign/:token/files/:id", s.signFile)
	v1.Post("/portal/sign/:token", s.sign)
}

// portalAuth opens the portal session from the X-Portal-Token header (or,
// for downloads a browser makes by following a link, the token query).
func (s *Server) portalAuth(c *fiber.Ctx) error {
	tok := strings.TrimSpace(c.Get("X-Portal-Token"))
	if tok == "" && c.Method() == fiber.MethodGet {
		tok = c.Query("token")
	}
	if tok == "" {
		return newError(fiber.StatusUnauthorized, "unauthorized", "open your portal link first; it carries your access")
	}
	ps, err := s.e.OpenPortal(c.UserContext(), tok, time.Now())
	if err != nil {
		return err
	}
	c.Locals(portalKey{}, ps)
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

func portalSession(c *fiber.Ctx) *engine.PortalSession {
	ps, _ := c.Locals(portalKey{}).(*engine.PortalSession)
	return ps
}

func (s *Server) portalHome(c *fiber.Ctx) error {
	return c.JSON(s.e.PortalHome(portalSession(c)))
}

func (s *Server) portalRecords(c *fiber.Ctx) error {
	recs, err := s.e.PortalRecords(c.UserContext(), portalSession(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": recs})
}

func (s *Server) portalRecord(c *fiber.Ctx) error {
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id <= 0 {
		return newError(fiber.StatusNotFound, "not_found", "there is no such record here")
	}
	rec, err := s.e.PortalRecord(c.UserContext(), portalSession(c), c.Params("form"), id)
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

func (s *Server) portalFile(c *fiber.Ctx) error {
	f, r, err := s.e.PortalFile(c.UserContext(), portalSession(c), c.Params("id"))
	if err != nil {
		return err
	}
	return sendFile(c, f, r, "attachment")
}

// sendFile streams a stored file, as a download or (disposition inline)
// to show in the page.
func sendFile(c *fiber.Ctx, f *store.File, r io.ReadCloser, disposition string) error {
	c.Set(fiber.HeaderContentType, f.ContentType)
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": f.Name}))
	c.Set(fiber.HeaderContentLength, strconv.FormatInt(f.Size, 10))
	return c.SendStream(r, int(f.Size))
}

func (s *Server) portalTickets(c *fiber.Ctx) error {
	ts, err := s.e.PortalTickets(c.UserContext(), portalSession(c))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": ts})
}

func (s *Server) portalCreateTicket(c *fiber.Ctx) error {
	in, err := decodeObject(c)
	if err != nil {
		return err
	}
	t, err := s.e.PortalCreateTicket(c.UserContext(), portalSession(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(t)
}

func (s *Server) signPage(c *fiber.Ctx) error {
	v, err := s.e.SignPage(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(v)
}

func (s *Server) signFile(c *fiber.Ctx) error {
	f, r, err := s.e.SignFile(c.UserContext(), c.Params("token"), c.Params("id"))
	if err != nil {
		return err
	}
	// note: only a PDF is shown in the page (?inline=1); anything else is
	// downloaded, so no uploaded HTML ever runs on this origin.
	if c.Query("inline") == "1" && f.ContentType == "application/pdf" {
		c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; object-src 'self'; frame-ancestors 'self'")
		return sendFile(c, f, r, "inline")
	}
	return sendFile(c, f, r, "attachment")
}

func (s *Server) sign(c *fiber.Ctx) error {
	var in engine.SignInput
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	sig, err := s.e.Sign(c.UserContext(), c.Params("token"), in, c.IP(), c.Get(fiber.HeaderUserAgent))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(sig)
}

// createPortalLink makes a customer's portal link (admins only).
func (s *Server) createPortalLink(c *fiber.Ctx) error {
	var in struct {
		Portal   string `json:"portal"`
		Customer int64  `json:"customer"`
		Days     int    `json:"days"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	if in.Days < 0 || in.Days > 366 {
		return newError(fiber.StatusUnprocessableEntity, "validation_failed", "days is between 1 and 366",
			Detail{Path: "/days", Message: "days is between 1 and 366"})
	}
	link, tok, exp, err := s.e.PortalLink(c.UserContext(), in.Portal, in.Customer, time.Duration(in.Days)*24*time.Hour)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"url": link, "token": tok, "expires": exp})
}

// signRedirect sends an e-mailed signing link to the portal's signing page.
func signRedirect(c *fiber.Ctx) error {
	return c.Redirect("/portal/sign/"+url.PathEscape(c.Params("token")), fiber.StatusFound)
}

// createSignLink (re)issues an invitation to sign (admins only).
func (s *Server) createSignLink(c *fiber.Ctx) error {
	var in struct {
		Form    string `json:"form"`
		Record  int64  `json:"record"`
		Address string `json:"address"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	link, tok, err := s.e.SignLink(c.UserContext(), in.Form, in.Record, in.Address)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"url": link, "token": tok})
}

// portalLogin signs a portal user in; the answer's token is used like a
// link's.
func (s *Server) portalLogin(c *fiber.Ctx) error {
	var in struct {
		Portal   string `json:"portal"`
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	tok, exp, err := s.e.PortalLogin(c.UserContext(), in.Portal, in.Email, in.Password, c.IP())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"token": tok, "expires": exp})
}

// recordSignatures shows staff who may read a record its e-sign
// acceptances.
func (s *Server) recordSignatures(c *fiber.Ctx) error {
	f, acc, err := s.formAccess(c, "read")
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.e.Records().GetAs(c.UserContext(), f, id, acc); err != nil {
		return err
	}
	sigs, err := s.e.RecordSignatures(c.UserContext(), f.Form.Key, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"items": sigs})
}
