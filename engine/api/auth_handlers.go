package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

const sessionCookie = "mosaic_session"

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decodeStrict(c, &req); err != nil {
		return err
	}
	var details []Detail
	if req.Email == "" {
		details = append(details, Detail{Path: "/email", Code: "validation_required", Message: "email is required"})
	}
	if req.Password == "" {
		details = append(details, Detail{Path: "/password", Code: "validation_required", Message: "password is required"})
	}
	if len(details) > 0 {
		return newError(fiber.StatusUnprocessableEntity, "validation_failed", "email and password are required", details...)
	}
	token, u, err := s.e.Login(c.UserContext(), req.Email, req.Password, c.IP())
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: sessionCookie, Value: token, HTTPOnly: true, SameSite: "Lax",
		Expires: time.Now().Add(engine.SessionTTL), Path: "/"})
	p := &engine.Principal{User: *u, Roles: s.e.Access().RolesOf(u.ID)}
	return c.JSON(fiber.Map{"token": token, "user": userView(p), "expires_in": int(engine.SessionTTL.Seconds())})
}

func (s *Server) logout(c *fiber.Ctx) error {
	// note: revoke the token that authenticated this request, whether it came
	// as a bearer token or as the cookie.
	if err := s.e.Logout(c.UserContext(), sessionToken(c)); err != nil {
		return err
	}
	c.ClearCookie(sessionCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) me(c *fiber.Ctx) error {
	return c.JSON(userView(principal(c)))
}

// userView is the signed-in user as the API shows them.
func userView(p *engine.Principal) fiber.Map {
	roles := p.Roles
	if roles == nil {
		roles = []string{}
	}
	return fiber.Map{"id": p.User.ID, "email": p.User.Email, "name": p.User.Name, "active": p.User.Active,
		"manager_id": p.User.ManagerID, "created_at": p.User.CreatedAt, "roles": roles, "api_key": p.APIKeyID != 0}
}
