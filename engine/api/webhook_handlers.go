package api

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// registerWebhooks serves outbound webhook subscriptions and their delivery
// logs, for the admin role only.
func (s *Server) registerWebhooks(r fiber.Router) {
	admin := s.requireAdmin
	r.Get("/admin/webhooks", admin, s.listWebhooks)
	r.Post("/admin/webhooks", admin, s.createWebhook)
	r.Get("/admin/webhooks/:id", admin, s.getWebhook)
	r.Patch("/admin/webhooks/:id", admin, s.updateWebhook)
	r.Delete("/admin/webhooks/:id", admin, s.deleteWebhook)
	r.Get("/admin/webhooks/:id/deliveries", admin, s.webhookDeliveries)
	r.Post("/admin/webhooks/:id/deliveries/:delivery/replay", admin, s.replayDelivery)
}

func (s *Server) listWebhooks(c *fiber.Ctx) error {
	list, err := s.e.Webhooks(c.UserContext(), principal(c))
	if err != nil {
		return err
	}
	return items(c, list)
}

func (s *Server) createWebhook(c *fiber.Ctx) error {
	var in engine.WebhookInput
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	v, err := s.e.CreateWebhook(c.UserContext(), principal(c), in)
	if err != nil {
		return err
	}
	c.Location("/api/v1/admin/webhooks/" + itoa(v.ID))
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) getWebhook(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	v, err := s.e.Webhook(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) updateWebhook(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in engine.WebhookInput
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	v, err := s.e.UpdateWebhook(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) deleteWebhook(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	if err := s.e.DeleteWebhook(c.UserContext(), principal(c), id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) webhookDeliveries(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	limit, err := queryInt(c, "limit", 100, 1000)
	if err != nil {
		return err
	}
	list, err := s.e.WebhookDeliveries(c.UserContext(), principal(c), id, limit)
	if err != nil {
		return err
	}
	return items(c, list)
}

func (s *Server) replayDelivery(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	did, err := intParam(c, "delivery")
	if err != nil {
		return err
	}
	d, err := s.e.ReplayDelivery(c.UserContext(), principal(c), id, did)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(d)
}
