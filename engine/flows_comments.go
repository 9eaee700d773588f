package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// CommentInput is a comment as the API receives it: text and the ids of
// files uploaded through the files API.
type CommentInput struct {
	Comment     string
	Attachments []string
}

// CommentTask adds p's comment on a task to its instance's timeline.
func (e *Engine) CommentTask(ctx context.Context, p *Principal, taskID int64, in CommentInput) (*StepView, error) {
	return e.comment(ctx, p, flows.Comment{TaskID: taskID}, in)
}

// CommentInstance adds p's comment to an instance's timeline.
func (e *Engine) CommentInstance(ctx context.Context, p *Principal, id int64, in CommentInput) (*StepView, error) {
	return e.comment(ctx, p, flows.Comment{InstanceID: id}, in)
}

func (e *Engine) comment(ctx context.Context, p *Principal, c flows.Comment, in CommentInput) (*StepView, error) {
	model := e.Access()
	files, err := e.attachments(ctx, model, p.Subject(), in.Attachments)
	if err != nil {
		return nil, err
	}
	c.Actor, c.Admin, c.Text, c.Attachments = p.Actor(), model.IsAdmin(p.Roles), in.Comment, files
	step, err := e.flowRuntime(model).Comment(ctx, c)
	if err != nil {
		return nil, err
	}
	inst, err := e.db.FlowInstance(ctx, step.InstanceID)
	if err != nil {
		return nil, err
	}
	views, err := e.stepViews(ctx, inst, []store.FlowStep{*step}, nil, nil, e.fileSight(model, p.Subject()))
	if err != nil {
		return nil, err
	}
	return &views[0], nil
}

// attachments finds the files a comment attaches, each one that subject
// may see: to anyone else a file is as absent as one that never existed.
func (e *Engine) attachments(ctx context.Context, model *rbac.Model, subject rbac.Subject, ids []string) ([]flows.Attachment, error) {
	if len(ids) > flows.MaxAttachments {
		return nil, &forms.ProblemList{Subject: "request", Problems: []forms.Problem{{Path: "/attachments", Code: forms.CodeTooMany,
			Message: fmt.Sprintf("attach at most %d files to one comment", flows.MaxAttachments)}}}
	}
	files, err := e.db.FilesByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	sees := e.fileSight(model, subject)
	var out []flows.Attachment
	var ps []forms.Problem
	for i, id := range ids {
		path := fmt.Sprintf("/attachments/%d", i)
		k := slices.IndexFunc(files, func(f store.File) bool { return f.ID == id })
		switch {
		case slices.Index(ids, id) < i:
			ps = append(ps, forms.Problem{Path: path, Code: forms.CodeInvalidValue, Message: fmt.Sprintf("file %q is attached twice", id)})
		case k < 0 || !sees(files[k].Form, files[k].Field):
			ps = append(ps, forms.Problem{Path: path, Code: forms.CodeNotFound,
				Message: fmt.Sprintf("there is no file %q; upload it first (POST /api/v1/forms/{form}/files)", id)})
		default:
			f := files[k]
			out = append(out, flows.Attachment{ID: f.ID, Name: f.Name, Type: f.ContentType, Size: f.Size, Form: f.Form, Field: f.Field})
		}
	}
	if len(ps) > 0 {
		return nil, &forms.ProblemList{Subject: "request", Problems: ps}
	}
	return out, nil
}

// fileSight says whether subject may see files of a form's field: they may
// read that field, as for a download.
func (e *Engine) fileSight(model *rbac.Model, subject rbac.Subject) func(form, field string) bool {
	return func(form, field string) bool {
		f, err := e.Form(form)
		if err != nil {
			return false
		}
		acc, err := model.Access(subject, f, rbac.ActRead)
		return err == nil && acc.CanRead(field)
	}
}
