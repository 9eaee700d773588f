package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/store"
)

// registerAdmin serves identity administration: users, departments, API
// keys and sessions. Every route is for the admin role only.
func (s *Server) registerAdmin(r fiber.Router) {
	admin := s.requireAdmin
	r.Get("/admin/users", admin, s.listUsers)
	r.Post("/admin/users", admin, s.createUser)
	r.Get("/admin/users/:id", admin, s.getUser)
	r.Patch("/admin/users/:id", admin, s.updateUser)
	r.Get("/admin/users/:id/sessions", admin, s.userSessions)
	r.Get("/admin/users/:id/out-of-office", admin, s.userOutOfOffice)
	r.Delete("/admin/sessions/:id", admin, s.revokeSession)

	r.Get("/admin/departments", admin, s.listDepartments)
	r.Post("/admin/departments", admin, s.createDepartment)
	r.Get("/admin/departments/:id", admin, s.getDepartment)
	r.Patch("/admin/departments/:id", admin, s.updateDepartment)
	r.Delete("/admin/departments/:id", admin, s.deleteDepartment)

	r.Get("/admin/api-keys", admin, s.listAPIKeys)
	r.Post("/admin/api-keys", admin, s.createAPIKey)
	r.Delete("/admin/api-keys/:id", admin, s.revokeAPIKey)
}

// registerMe serves what every signed-in user may do about themselves:
// their sessions and out-of-office periods.
func (s *Server) registerMe(r fiber.Router) {
	r.Get("/me/sessions", s.mySessions)
	r.Delete("/me/sessions/:id", s.revokeMySession)
	r.Get("/me/out-of-office", s.myOutOfOffice)
	r.Post("/me/out-of-office", s.addOutOfOffice)
	r.Delete("/me/out-of-office/:id", s.removeOutOfOffice)
}

// by is the principal the request acts for, as the engine records it.
func by(c *fiber.Ctx) engine.Principal { return *principal(c) }

// items answers a list without paging.
func items[T any](c *fiber.Ctx, list []T) error {
	if list == nil {
		list = []T{}
	}
	return c.JSON(fiber.Map{"items": list})
}

func (s *Server) listUsers(c *fiber.Ctx) error {
	f, err := userFilter(c)
	if err != nil {
		return err
	}
	users, total, err := s.e.ListUsers(c.UserContext(), f)
	if err != nil {
		return err
	}
	if users == nil {
		users = []engine.UserView{}
	}
	return c.JSON(fiber.Map{"items": users, "page": f.Page, "per_page": f.PerPage, "total": total})
}

// userFilter reads the query of the user list: q, role, department_id,
// active, page and per_page.
func userFilter(c *fiber.Ctx) (store.UserFilter, error) {
	var f store.UserFilter
	var err error
	if f.Page, err = queryInt(c, "page", 1, 1_000_000); err != nil {
		return f, err
	}
	if f.PerPage, err = queryInt(c, "per_page", 50, 200); err != nil {
		return f, err
	}
	f.Query, f.Role = c.Query("q"), c.Query("role")
	for _, q := range [][2]string{{"q", f.Query}, {"role", f.Role}} {
		if len(q[1]) > 200 || !utf8.ValidString(q[1]) {
			return f, queryError("/"+q[0], q[0]+" must be valid UTF-8 text of at most 200 bytes")
		}
	}
	if raw := c.Query("department_id"); raw != "" {
		if f.DepartmentID, err = strconv.ParseInt(raw, 10, 64); err != nil || f.DepartmentID <= 0 {
			return f, queryError("/department_id", "department_id must be a department id")
		}
	}
	switch c.Query("active") {
	case "":
	case "true", "false":
		active := c.Query("active") == "true"
		f.Active = &active
	default:
		return f, queryError("/active", "active must be true or false")
	}
	return f, nil
}

func (s *Server) createUser(c *fiber.Ctx) error {
	var in engine.NewUser
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	u, err := s.e.AddUser(c.UserContext(), in, by(c))
	if err != nil {
		return err
	}
	c.Location("/api/v1/admin/users/" + itoa(u.ID))
	return c.Status(fiber.StatusCreated).JSON(u)
}

func (s *Server) getUser(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	u, err := s.e.ViewUser(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (s *Server) updateUser(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var p engine.UserPatch
	if err := decodeStrict(c, &p); err != nil {
		return err
	}
	u, err := s.e.UpdateUser(c.UserContext(), id, p, by(c))
	if err != nil {
		return err
	}
	return c.JSON(u)
}

func (s *Server) userSessions(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	ss, err := s.e.Sessions(c.UserContext(), id, by(c))
	if err != nil {
		return err
	}
	return items(c, ss)
}

func (s *Server) userOutOfOffice(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	os, err := s.e.OutOfOfficeOf(c.UserContext(), id)
	if err != nil {
		return err
	}
	return items(c, os)
}

func (s *Server) revokeSession(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.e.RevokeSession(c.UserContext(), id, 0, by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listDepartments(c *fiber.Ctx) error {
	ds, err := s.e.ListDepartments(c.UserContext())
	if err != nil {
		return err
	}
	return items(c, ds)
}

func (s *Server) getDepartment(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	d, err := s.e.ViewDepartment(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) createDepartment(c *fiber.Ctx) error {
	var in engine.NewDepartment
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	d, err := s.e.CreateDepartment(c.UserContext(), in, by(c))
	if err != nil {
		return err
	}
	c.Location("/api/v1/admin/departments/" + itoa(d.ID))
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (s *Server) updateDepartment(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var p engine.DepartmentPatch
	if err := decodeStrict(c, &p); err != nil {
		return err
	}
	d, err := s.e.UpdateDepartment(c.UserContext(), id, p, by(c))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

func (s *Server) deleteDepartment(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.e.DeleteDepartment(c.UserContext(), id, by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) listAPIKeys(c *fiber.Ctx) error {
	var userID int64
	if raw := c.Query("user_id"); raw != "" {
		var err error
		if userID, err = strconv.ParseInt(raw, 10, 64); err != nil || userID <= 0 {
			return queryError("/user_id", "user_id must be a user id")
		}
	}
	ks, err := s.e.APIKeys(c.UserContext(), userID)
	if err != nil {
		return err
	}
	return items(c, ks)
}

type apiKeyRequest struct {
	Name      string   `json:"name"`
	UserID    int64    `json:"user_id"`
	Roles     []string `json:"roles"`
	ExpiresAt *string  `json:"expires_at"`
}

func (s *Server) createAPIKey(c *fiber.Ctx) error {
	var req apiKeyRequest
	if err := decodeStrict(c, &req); err != nil {
		return err
	}
	in := engine.NewAPIKey{Name: req.Name, UserID: req.UserID, Roles: req.Roles}
	if req.ExpiresAt != nil {
		t, err := parseTimestamp("/expires_at", *req.ExpiresAt)
		if err != nil {
			return err
		}
		in.ExpiresAt = &t
	}
	k, err := s.e.CreateAPIKey(c.UserContext(), in, by(c))
	if err != nil {
		return err
	}
	// note: the key is in this response and nowhere else; no cache may keep it.
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Status(fiber.StatusCreated).JSON(k)
}

func (s *Server) revokeAPIKey(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.e.RevokeAPIKey(c.UserContext(), id, by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) mySessions(c *fiber.Ctx) error {
	ss, err := s.e.Sessions(c.UserContext(), principal(c).User.ID, by(c))
	if err != nil {
		return err
	}
	return items(c, ss)
}

func (s *Server) revokeMySession(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.e.RevokeSession(c.UserContext(), id, principal(c).User.ID, by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) myOutOfOffice(c *fiber.Ctx) error {
	os, err := s.e.OutOfOfficeOf(c.UserContext(), principal(c).User.ID)
	if err != nil {
		return err
	}
	return items(c, os)
}

type outOfOfficeRequest struct {
	DelegateID int64   `json:"delegate_id"`
	StartsAt   *string `json:"starts_at"`
	EndsAt     *string `json:"ends_at"`
	Note       string  `json:"note"`
}

func (s *Server) addOutOfOffice(c *fiber.Ctx) error {
	var req outOfOfficeRequest
	if err := decodeStrict(c, &req); err != nil {
		return err
	}
	in, err := req.input()
	if err != nil {
		return err
	}
	o, err := s.e.AddOutOfOffice(c.UserContext(), principal(c).User.ID, in, by(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(o)
}

// input checks the parts of the request only HTTP can get wrong: missing
// properties and unreadable times. starts_at defaults to now.
func (r outOfOfficeRequest) input() (engine.OutOfOfficeInput, error) {
	in := engine.OutOfOfficeInput{DelegateID: r.DelegateID, StartsAt: time.Now().UTC(), Note: r.Note}
	var details []Detail
	if r.DelegateID == 0 {
		details = append(details, Detail{Path: "/delegate_id", Code: "validation_required", Message: "give the id of the user who acts for you"})
	}
	if r.StartsAt != nil {
		t, err := parseTimestamp("/starts_at", *r.StartsAt)
		if err != nil {
			details = append(details, err.Details...)
		}
		in.StartsAt = t
	}
	if r.EndsAt == nil {
		details = append(details, Detail{Path: "/ends_at", Code: "validation_required", Message: "give the time you are back"})
	} else {
		t, err := parseTimestamp("/ends_at", *r.EndsAt)
		if err != nil {
			details = append(details, err.Details...)
		}
		in.EndsAt = t
	}
	if len(details) > 0 {
		return in, validationFailed(details...)
	}
	return in, nil
}

func (s *Server) removeOutOfOffice(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.e.RemoveOutOfOffice(c.UserContext(), principal(c).User.ID, id, by(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// parseTimestamp reads an RFC 3339 time such as 2026-05-01T09:00:00Z or
// 2026-05-01T17:00:00+08:00.
func parseTimestamp(path, raw string) (time.Time, *apiError) {
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(raw))
	if err != nil || t.Year() < 1970 || t.Year() > 9999 {
		return time.Time{}, validationFailed(Detail{Path: path, Code: "validation_invalid_value",
			Message: "must be a date and time such as 2026-05-01T09:00:00Z"})
	}
	return t.UTC(), nil
}

func validationFailed(details ...Detail) *apiError {
	msg := "the input is not valid; see details"
	if len(details) == 1 {
		msg = details[0].Message
	}
	return newError(http.StatusUnprocessableEntity, "validation_failed", msg, details...)
}
