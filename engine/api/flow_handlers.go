package api

import (
	"bytes"
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// registerFlows adds the flow runtime's endpoints: submitting a record to a
// flow, the task inbox and decisions, and instance timelines.
func (s *Server) registerFlows(r fiber.Router) {
	r.Post("/forms/:form/records/:id/submit", s.submitRecord)
	r.Get("/forms/:form/records/:id/flows", s.recordFlows)
	r.Get("/tasks", s.myTasks)
	r.Get("/tasks/:id", s.getTask)
	r.Post("/tasks/:id/decide", s.decideTask)
	r.Post("/tasks/:id/transfer", s.transferTask)
	r.Get("/flows/analytics", s.requireAdmin, s.flowAnalytics)
	r.Get("/flows/instances/:id", s.getFlowInstance)
	r.Post("/flows/instances/:id/withdraw", s.withdrawInstance)
	r.Post("/flows/instances/:id/cancel", s.requireAdmin, s.cancelInstance)
	r.Post("/flows/:key/migrate", s.requireAdmin, s.migrateInstances)
	s.registerTaskActions(r)
}

// optionalBody decodes a JSON body into v when there is one; an empty body
// leaves v as it is.
func optionalBody(c *fiber.Ctx, v any) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return nil
	}
	return decodeStrict(c, v)
}

func (s *Server) submitRecord(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Flow string `json:"flow"`
	}
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	v, err := s.e.SubmitRecord(c.UserContext(), principal(c), f, id, in.Flow)
	if err != nil {
		return err
	}
	c.Location("/api/v1/flows/instances/" + itoa(v.ID))
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) recordFlows(c *fiber.Ctx) error {
	f, err := s.e.Form(c.Params("form"))
	if err != nil {
		return err
	}
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	items, err := s.e.RecordFlows(c.UserContext(), principal(c), f, id)
	if err != nil {
		return err
	}
	if items == nil {
		items = []engine.InstanceView{}
	}
	return c.JSON(fiber.Map{"items": items})
}

func (s *Server) myTasks(c *fiber.Ctx) error {
	page, err := queryInt(c, "page", 1, 1_000_000)
	if err != nil {
		return err
	}
	perPage, err := queryInt(c, "per_page", 20, 200)
	if err != nil {
		return err
	}
	state := c.Query("state", "pending")
	if !engine.IsInboxGroup(state) {
		return badRequest("/state", "state must be pending, done, cc or closed")
	}
	inbox, err := s.e.MyTasks(c.UserContext(), principal(c), state, page, perPage)
	if err != nil {
		return err
	}
	if inbox.Items == nil {
		inbox.Items = []engine.TaskView{}
	}
	return c.JSON(inbox)
}

func (s *Server) getTask(c *fiber.Ctx) error { return viewByID(c, s.e.TaskDetail) }

// viewByID serves a read of one flow object named by the path's id, as the
// caller may see it.
func viewByID[T any](c *fiber.Ctx, view func(ctx context.Context, p *engine.Principal, id int64) (T, error)) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	v, err := view(c.UserContext(), principal(c), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) decideTask(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Decision string          `json:"decision"`
		Comment  string          `json:"comment"`
		Changes  json.RawMessage `json:"changes"`
		Version  int64           `json:"version"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	changes, err := decodeChanges(in.Changes)
	if err != nil {
		return err
	}
	v, err := s.e.DecideTask(c.UserContext(), principal(c), id,
		engine.DecideInput{Decision: in.Decision, Comment: in.Comment, Changes: changes, Version: in.Version})
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// decodeChanges reads an approver's edits as a JSON object, keeping numbers
// exact; absent or null is no change.
func decodeChanges(raw json.RawMessage) (map[string]any, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil {
		return nil, badRequest("/changes", "changes must be an object of field values")
	}
	return m, nil
}

func (s *Server) transferTask(c *fiber.Ctx) error {
	return s.handOver(c, "to must be the id of the user who takes the task", s.e.TransferTask)
}

func (s *Server) getFlowInstance(c *fiber.Ctx) error { return viewByID(c, s.e.FlowInstance) }

func (s *Server) withdrawInstance(c *fiber.Ctx) error {
	return s.stopInstance(c, s.e.WithdrawInstance)
}

func (s *Server) cancelInstance(c *fiber.Ctx) error {
	return s.stopInstance(c, s.e.CancelInstance)
}

func (s *Server) stopInstance(c *fiber.Ctx, stop func(ctx context.Context, p *engine.Principal, id int64, comment string) (*engine.InstanceView, error)) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Comment string `json:"comment"`
	}
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	v, err := stop(c.UserContext(), principal(c), id, in.Comment)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
