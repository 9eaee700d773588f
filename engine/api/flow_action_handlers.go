package api

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mosaic-lowcode/mosaic/engine"
)

// registerTaskActions adds the task actions beyond deciding and
// transferring: return and resubmit, delegate, add signer, comments, urge
// and batch decisions.
func (s *Server) registerTaskActions(r fiber.Router) {
	r.Post("/tasks/batch-decide", s.batchDecide)
	r.Post("/tasks/:id/return", s.returnTask)
	r.Post("/tasks/:id/resubmit", s.resubmitTask)
	r.Post("/tasks/:id/delegate", s.delegateTask)
	r.Post("/tasks/:id/signers", s.addSigner)
	r.Post("/tasks/:id/comments", s.commentTask)
	r.Post("/flows/instances/:id/comments", s.commentInstance)
	r.Post("/flows/instances/:id/urge", s.urgeInstance)
}

func (s *Server) returnTask(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		To      string `json:"to"`
		Node    string `json:"node"`
		Resume  string `json:"resume"`
		Comment string `json:"comment"`
		Version int64  `json:"version"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	v, err := s.e.ReturnTask(c.UserContext(), principal(c), id,
		engine.ReturnInput{To: in.To, Node: in.Node, Resume: in.Resume, Comment: in.Comment, Version: in.Version})
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) resubmitTask(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Comment string          `json:"comment"`
		Changes json.RawMessage `json:"changes"`
		Version int64           `json:"version"`
	}
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	changes, err := decodeChanges(in.Changes)
	if err != nil {
		return err
	}
	v, err := s.e.ResubmitTask(c.UserContext(), principal(c), id, engine.ResubmitInput{Comment: in.Comment, Changes: changes, Version: in.Version})
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) delegateTask(c *fiber.Ctx) error {
	return s.handOver(c, "to must be the id of the user who decides on your behalf", s.e.DelegateTask)
}

// handOver reads the body of a transfer or delegation ({"to": user id,
// "comment"}) and passes the task to the engine's hand-over, move; what the
// "to" means is told by missingTo.
func (s *Server) handOver(c *fiber.Ctx, missingTo string,
	move func(ctx context.Context, p *engine.Principal, task, to int64, comment string) (*engine.TaskView, error)) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		To      int64  `json:"to"`
		Comment string `json:"comment"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	if in.To <= 0 {
		return badRequest("/to", missingTo)
	}
	v, err := move(c.UserContext(), principal(c), id, in.To, in.Comment)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

func (s *Server) addSigner(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		User     int64  `json:"user"`
		Position string `json:"position"`
		Comment  string `json:"comment"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	if in.User <= 0 {
		return badRequest("/user", "user must be the id of the signer to add")
	}
	v, err := s.e.AddSigner(c.UserContext(), principal(c), id, engine.SignerInput{User: in.User, Position: in.Position, Comment: in.Comment})
	if err != nil {
		return err
	}
	c.Location("/api/v1/tasks/" + itoa(v.ID))
	return c.Status(fiber.StatusCreated).JSON(v)
}

// commentBody reads a comment: text and the ids of attached files.
func commentBody(c *fiber.Ctx) (engine.CommentInput, error) {
	var in struct {
		Comment     string   `json:"comment"`
		Attachments []string `json:"attachments"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return engine.CommentInput{}, err
	}
	for i, id := range in.Attachments {
		if strings.TrimSpace(id) == "" {
			return engine.CommentInput{}, badRequest("/attachments/"+itoa(int64(i)), "attachments are the ids of uploaded files")
		}
	}
	return engine.CommentInput{Comment: in.Comment, Attachments: in.Attachments}, nil
}

func (s *Server) commentTask(c *fiber.Ctx) error {
	return s.postComment(c, s.e.CommentTask)
}

func (s *Server) commentInstance(c *fiber.Ctx) error {
	return s.postComment(c, s.e.CommentInstance)
}

func (s *Server) postComment(c *fiber.Ctx, post func(ctx context.Context, p *engine.Principal, id int64, in engine.CommentInput) (*engine.StepView, error)) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	in, err := commentBody(c)
	if err != nil {
		return err
	}
	v, err := post(c.UserContext(), principal(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

func (s *Server) urgeInstance(c *fiber.Ctx) error {
	id, err := intParam(c, "id")
	if err != nil {
		return err
	}
	var in struct {
		Message string `json:"message"`
	}
	if err := optionalBody(c, &in); err != nil {
		return err
	}
	v, err := s.e.UrgeInstance(c.UserContext(), principal(c), id, in.Message)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// batchItem is one task's outcome in a batch decision.
type batchItem struct {
	ID    int64            `json:"id"`
	OK    bool             `json:"ok"`
	Task  *engine.TaskView `json:"task,omitempty"`
	Error *errorInfo       `json:"error,omitempty"`
}

func (s *Server) batchDecide(c *fiber.Ctx) error {
	var in struct {
		Tasks    []int64 `json:"tasks"`
		Decision string  `json:"decision"`
		Comment  string  `json:"comment"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return err
	}
	results, err := s.e.BatchDecide(c.UserContext(), principal(c), engine.BatchDecideInput{Tasks: in.Tasks, Decision: in.Decision, Comment: in.Comment})
	if err != nil {
		return err
	}
	items := make([]batchItem, len(results))
	ok := 0
	for i, r := range results {
		items[i] = batchItem{ID: r.ID, OK: r.Err == nil, Task: r.Task}
		if r.Err != nil {
			ae := toAPIError(r.Err)
			if ae.Status >= 500 {
				s.log.Error("batch decision failed", "task", r.ID, "err", r.Err)
			}
			info := ae.info()
			items[i].Error = &info
			continue
		}
		ok++
	}
	return c.JSON(fiber.Map{"items": items, "decided": ok, "failed": len(items) - ok})
}
