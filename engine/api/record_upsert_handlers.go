package api

import (
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// upsertBody is a bulk upsert: the records, and the unique field that
// matches them to stored ones (empty: the form's first).
type upsertBody struct {
	Key     string           `json:"key"`
	Records []map[string]any `json:"records"`
}

func (s *Server) upsertRecords(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	var b upsertBody
	if err := decodeStrictBody(c, &b, true); err != nil {
		return err
	}
	return s.idempotent(c, func(ctx context.Context) (*engine.Answer, error) {
		res, err := s.e.UpsertRecords(ctx, principal(c), f, b.Key, b.Records)
		if err != nil {
			return nil, err
		}
		body, err := json.Marshal(res)
		if err != nil {
			return nil, err
		}
		return &engine.Answer{Status: fiber.StatusOK, Body: body}, nil
	})
}
