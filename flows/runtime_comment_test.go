package flows_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

func TestComment(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		rt, cf, rec := runtimeFor(t, db, step(`"mode": "all", "assignees": [{"type": "role", "value": "finance"}]`))
		inst, err := rt.Start(ctx, cf, rec, forms.Actor{ID: 100}, "submit")
		if err != nil {
			t.Fatal(err)
		}
		mine := taskOf(t, db, inst.ID, 1)
		file := flows.Attachment{ID: "f1", Name: "quote.pdf", Type: "application/pdf", Size: 10, Form: "customer", Field: "notes"}
		cases := []struct {
			name string
			c    flows.Comment
			// want is the error, or with path the problem's path; nil and ""
			// is a comment on the timeline.
			want error
			path string
		}{
			{"the submitter on the instance", flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 100}, Text: "urgent: the customer waits"}, nil, ""},
			{"an approver on their task, with a file", flows.Comment{TaskID: mine, Actor: forms.Actor{ID: 1}, Text: "see the quote", Attachments: []flows.Attachment{file}}, nil, ""},
			{"only a file", flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 2}, Attachments: []flows.Attachment{file}}, nil, ""},
			{"an admin on any task", flows.Comment{TaskID: mine, Actor: forms.Actor{ID: 9}, Admin: true, Text: "noted"}, nil, ""},
			{"nothing", flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 100}, Text: "  "}, nil, "/comment"},
			{"too long", flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 100}, Text: strings.Repeat("x", flows.MaxCommentLength+1)}, nil, "/comment"},
			{"too many files", flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 100}, Text: "x", Attachments: make([]flows.Attachment, flows.MaxAttachments+1)}, nil, "/attachments"},
			{"another approver's task", flows.Comment{TaskID: mine, Actor: forms.Actor{ID: 2}, Text: "x"}, store.ErrForbidden, ""},
			{"an outsider on the task", flows.Comment{TaskID: mine, Actor: forms.Actor{ID: 77}, Text: "x"}, store.ErrNotFound, ""},
			{"an outsider on the instance", flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 77}, Text: "x"}, store.ErrNotFound, ""},
			{"no such task", flows.Comment{TaskID: 99999999, Actor: forms.Actor{ID: 1}, Text: "x"}, store.ErrNotFound, ""},
			{"no such instance", flows.Comment{InstanceID: 99999999, Actor: forms.Actor{ID: 1}, Text: "x"}, store.ErrNotFound, ""},
		}
		want := 0
		for _, c := range cases {
			step, err := rt.Comment(ctx, c.c)
			switch {
			case c.path != "":
				if ps := problemsOf(t, err); len(ps) != 1 || ps[0].Path != c.path {
					t.Errorf("%s: %v, want a problem at %s", c.name, err, c.path)
				}
			case c.want != nil:
				if !errors.Is(err, c.want) {
					t.Errorf("%s: %v, want %v", c.name, err, c.want)
				}
			case err != nil:
				t.Errorf("%s: %v", c.name, err)
			default:
				want++
				if step.ID == 0 || step.Kind != flows.StepCommented || step.Comment != c.c.Text || step.ActorID != c.c.Actor.ID || step.TaskID != c.c.TaskID {
					t.Errorf("%s: step %+v", c.name, step)
				}
				if len(c.c.Attachments) > 0 && !strings.Contains(step.Data, `"name":"quote.pdf"`) {
					t.Errorf("%s: the file is not on the step: %s", c.name, step.Data)
				}
			}
		}
		count := func() int {
			n := 0
			for _, s := range timeline(t, db, inst.ID) {
				if strings.HasSuffix(s, ":"+flows.StepCommented) {
					n++
				}
			}
			return n
		}
		if got := count(); got != want {
			t.Errorf("%d comments on the timeline, want %d", got, want)
		}
		// note: comments go on after the instance has ended, and change nothing.
		if _, err := rt.Cancel(ctx, inst.ID, forms.Actor{ID: 9}, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := rt.Comment(ctx, flows.Comment{InstanceID: inst.ID, Actor: forms.Actor{ID: 100}, Text: "resubmitting next week"}); err != nil {
			t.Errorf("a comment once ended: %v", err)
		}
		if s := instanceState(t, db, inst.ID); s != store.FlowCancelled {
			t.Errorf("a comment changed the instance: %s", s)
		}
	})
}
