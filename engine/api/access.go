package api

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// requireAdmin lets only the admin role through.
func (s *Server) requireAdmin(c *fiber.Ctx) error {
	if err := s.e.RequireAdmin(principal(c)); err != nil {
		return err
	}
	return c.Next()
}

// formAccess resolves the form in the path and the caller's access to it for
// action; a caller who may not do action gets 403.
func (s *Server) formAccess(c *fiber.Ctx, action string) (*forms.Compiled, *forms.Access, error) {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return nil, nil, err
	}
	acc, err := s.e.AccessFor(principal(c), f, action)
	if err != nil {
		return nil, nil, err
	}
	return f, acc, nil
}

func (s *Server) myPermissions(c *fiber.Ctx) error {
	p := principal(c)
	model := s.e.Access()
	var out []rbac.FormPermissions
	for _, f := range s.e.Snapshot().Forms() {
		if key := c.Query("form"); key != "" && key != f.Form.Key {
			continue
		}
		perm := model.Permissions(p.Subject(), f)
		if len(perm.Actions) > 0 || c.Query("form") != "" {
			out = append(out, perm)
		}
	}
	if key := c.Query("form"); key != "" && len(out) == 0 {
		if _, err := s.e.Form(key); err != nil {
			return err
		}
	}
	if out == nil {
		out = []rbac.FormPermissions{}
	}
	return c.JSON(fiber.Map{"user_id": p.User.ID, "roles": p.Roles, "items": out})
}

// requireManage lets through those who may edit the definition named in the
// path: "manage" on a published form, or the admin role for anything else
// (roles, forms not yet published).
func (s *Server) requireManage(c *fiber.Ctx) error {
	if err := s.canManage(c, c.Params("kind"), c.Params("key")); err != nil {
		return err
	}
	return c.Next()
}

func (s *Server) canManage(c *fiber.Ctx, kind, key string) error {
	return s.e.RequireManage(principal(c), kind, key)
}

// loginLimiter slows password guessing from one address: a burst of
// attempts gets 429 for a minute. Lock-out per account is in the engine.
func loginLimiter() fiber.Handler {
	return limiter.New(limiter.Config{
		Max:        20,
		Expiration: time.Minute,
		LimitReached: func(c *fiber.Ctx) error {
			return newError(fiber.StatusTooManyRequests, "too_many_requests", "too many sign-in attempts from your address; wait a minute and try again")
		},
	})
}

func (s *Server) explain(c *fiber.Ctx) error {
	userID, err := strconv.ParseInt(c.Query("user"), 10, 64)
	if err != nil || userID <= 0 {
		return badRequest("/user", "user must be a user id")
	}
	f, err := s.e.Form(c.Query("form"))
	if err != nil {
		return err
	}
	action := c.Query("action", rbac.ActRead)
	if !slices.Contains(rbac.Actions, action) {
		return badRequest("/action", "action must be one of "+strings.Join(rbac.Actions, ", "))
	}
	field := c.Query("field")
	if field != "" {
		if key, _, _ := strings.Cut(field, "."); !hasField(f, key) {
			return badRequest("/field", fmt.Sprintf("%s has no field %q", f.Form.Key, field))
		}
	}
	var recordID int64
	if r := c.Query("record"); r != "" {
		if recordID, err = strconv.ParseInt(r, 10, 64); err != nil || recordID <= 0 {
			return badRequest("/record", "record must be a record id")
		}
	}
	ex, err := s.e.Explain(c.UserContext(), userID, f, action, field, recordID)
	if err != nil {
		return err
	}
	return c.JSON(ex)
}

func hasField(f *forms.Compiled, key string) bool {
	_, ok := f.Field(key)
	return ok
}

// canWriteField checks that the caller may create or update records of form
// and change field.
func (s *Server) canWriteField(c *fiber.Ctx, formKey, field string) error {
	f, err := s.e.Form(formKey)
	if err != nil {
		return err
	}
	acc, err := s.e.AccessFor(principal(c), f, rbac.ActCreate)
	if err != nil {
		if acc, err = s.e.AccessFor(principal(c), f, rbac.ActUpdate); err != nil {
			return err
		}
	}
	if !acc.CanWrite(field) {
		return fmt.Errorf("%w: you may not change %s", store.ErrForbidden, field)
	}
	return nil
}

// canReadField checks that the caller may read records of form and see
// field.
func (s *Server) canReadField(c *fiber.Ctx, formKey, field string) error {
	f, err := s.e.Form(formKey)
	if err != nil {
		return err
	}
	acc, err := s.e.AccessFor(principal(c), f, rbac.ActRead)
	if err != nil {
		return err
	}
	if !acc.CanRead(field) {
		return fmt.Errorf("%w: there is no such file", store.ErrNotFound)
	}
	return nil
}
