package api

import (
	"bytes"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// dryRunFlow walks a flow's draft (or its published version) over one
// record without writing. The engine checks that the caller may manage the
// flow.
func (s *Server) dryRunFlow(c *fiber.Ctx) error {
	var in struct {
		Record *int64          `json:"record"`
		Values json.RawMessage `json:"values"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	var q engine.DryRunInput
	if in.Record != nil {
		if *in.Record <= 0 {
			return badRequest("/record", "record must be the id of a stored record, a positive whole number")
		}
		q.Record = *in.Record
	}
	if len(in.Values) > 0 && !bytes.Equal(in.Values, []byte("null")) {
		values, err := decodeValues(in.Values)
		if err != nil {
			return err
		}
		q.Values = values
	}
	run, err := s.e.DryRunFlow(c.UserContext(), principal(c), c.Params("key"), q)
	if err != nil {
		return err
	}
	return c.JSON(run)
}

// decodeValues reads the values of a record not saved as a JSON object,
// keeping numbers exact as a create does.
func decodeValues(raw json.RawMessage) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil || v == nil {
		return nil, badRequest("/values", "values must be an object of the record's fields, such as {\"amount\": \"150000.00\"}")
	}
	return v, nil
}
