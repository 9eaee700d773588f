package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
)

// MaxBatch bounds the tasks of one batch decision.
const MaxBatch = 100

// BatchDecideInput is one decision for many tasks.
type BatchDecideInput struct {
	Tasks    []int64
	Decision string
	Comment  string
}

// BatchResult is what a batch did to one task: its view as it is now, or
// why it was not decided.
type BatchResult struct {
	ID   int64
	Task *TaskView
	Err  error
}

// BatchDecide decides each task as p, each in its own transaction, as if
// they were decided one by one: one that fails (not p's, already decided,
// needs a comment…) leaves the others decided. A request that is not valid
// as a whole decides nothing.
func (e *Engine) BatchDecide(ctx context.Context, p *Principal, in BatchDecideInput) ([]BatchResult, error) {
	if err := checkBatch(in); err != nil {
		return nil, err
	}
	out := make([]BatchResult, len(in.Tasks))
	for i, id := range in.Tasks {
		v, err := e.DecideTask(ctx, p, id, DecideInput{Decision: in.Decision, Comment: in.Comment})
		out[i] = BatchResult{ID: id, Task: v, Err: err}
	}
	return out, nil
}

func checkBatch(in BatchDecideInput) error {
	var ps []forms.Problem
	add := func(path, code, msg string) { ps = append(ps, forms.Problem{Path: path, Code: code, Message: msg}) }
	switch {
	case len(in.Tasks) == 0:
		add("/tasks", forms.CodeRequired, "list the ids of the tasks to decide")
	case len(in.Tasks) > MaxBatch:
		add("/tasks", forms.CodeTooMany, fmt.Sprintf("decide at most %d tasks at once", MaxBatch))
	}
	for i, id := range in.Tasks {
		switch {
		case id <= 0:
			add(fmt.Sprintf("/tasks/%d", i), forms.CodeInvalidValue, "a task id is a positive whole number")
		case slices.Index(in.Tasks, id) < i:
			add(fmt.Sprintf("/tasks/%d", i), forms.CodeInvalidValue, fmt.Sprintf("task %d is listed twice", id))
		}
	}
	if in.Decision != flows.Approve && in.Decision != flows.Reject {
		add("/decision", flows.CodeInvalidDecision, fmt.Sprintf("decision must be %q or %q", flows.Approve, flows.Reject))
	}
	if len(in.Comment) > flows.MaxCommentLength {
		add("/comment", forms.CodeTooLong, fmt.Sprintf("the comment must be at most %d bytes", flows.MaxCommentLength))
	}
	if len(ps) > 0 {
		return &forms.ProblemList{Subject: "request", Problems: ps}
	}
	return nil
}
