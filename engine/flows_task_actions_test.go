package engine_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/mosaic-lowcode/mosaic/engine"
	"github.com/mosaic-lowcode/mosaic/engine/enginetest"
	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// as signs u in for engine calls; nil is the admin.
func (w *world) principal(t *testing.T, u *enginetest.User) *engine.Principal {
	t.Helper()
	token := w.app.Token
	if u != nil {
		token = u.Token
	}
	p, err := w.app.Engine.Authenticate(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// twoSteps publishes a customer flow where the sales director, then the
// finance director (who may edit notes) approve.
func (w *world) twoSteps(t *testing.T) string {
	t.Helper()
	return w.publishFlow(t, "customer", "", `[{"id": "start", "type": "start", "next": "sd"},`+
		approval("sd", "fd", `"mode": "single", "assignees": [{"type": "role", "value": "sales_director"}]`)+`,`+
		approval("fd", "done", `"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}], "editable": ["notes"]`)+`,
		{"id": "done", "type": "end"}]`)
}

func TestReturnAndResubmit(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		ctx := context.Background()
		key := w.twoSteps(t)
		rep, sd, fd := w.principal(t, w.rep), w.principal(t, w.sd), w.principal(t, w.fd)
		// atFD starts an instance on a new customer and approves it at sd.
		atFD := func(t *testing.T) (int64, int64, int64) {
			id := w.newCustomer(t, `, "notes": "first"`)
			v := w.submit(t, w.rep, "customer", id, key)
			w.approve(t, w.sd, v.ID)
			return id, v.ID, w.task(t, w.fd, v.ID).ID
		}

		t.Run("to the submitter, who fixes and resubmits; then straight back", func(t *testing.T) {
			id, inst, task := atFD(t)
			got, err := app.Engine.ReturnTask(ctx, fd, task, engine.ReturnInput{To: "submitter", Comment: "which region is it?"})
			if err != nil {
				t.Fatal(err)
			}
			if got.State != store.TaskReturned {
				t.Errorf("the returned task is %s", got.State)
			}
			fix := w.task(t, w.rep, inst)
			if fix.Kind != store.TaskKindResubmit || fix.Message != "which region is it?" {
				t.Fatalf("the submitter's task %+v", fix.FlowTask)
			}
			detail, err := app.Engine.TaskDetail(ctx, rep, fix.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Contains(detail.Editable, "notes") || slices.Contains(detail.Editable, "level") {
				t.Errorf("the submitter may edit %v", detail.Editable)
			}
			_, err = app.Engine.ResubmitTask(ctx, rep, fix.ID, engine.ResubmitInput{Changes: map[string]any{"level": "B"}})
			if pl, ok := forms.AsProblems(err); !ok || pl.Problems[0].Code != forms.CodeForbiddenField {
				t.Errorf("fixing a field the submitter may not write: %v", err)
			}
			if _, err := app.Engine.ResubmitTask(ctx, rep, fix.ID, engine.ResubmitInput{Comment: "east", Changes: map[string]any{"notes": "east region"}}); err != nil {
				t.Fatal(err)
			}
			if got := w.record(t, "customer", id); got["notes"] != "east region" || got["flow_status"] != "running: fd" {
				t.Errorf("record after the resubmit: %v", got)
			}
			if len(w.pending(t, w.sd, inst)) != 0 {
				t.Error("the sales director was asked again")
			}
			w.approve(t, w.fd, inst)
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			if !slices.Contains(steps(v, "fd"), "returned") || !slices.Contains(steps(v, "start"), "resubmitted") {
				t.Errorf("timeline: %s", stepWords(v))
			}
		})

		t.Run("to an earlier step, then on through the flow", func(t *testing.T) {
			_, inst, task := atFD(t)
			if _, err := app.Engine.ReturnTask(ctx, fd, task, engine.ReturnInput{To: "node", Node: "sd", Resume: "flow", Comment: "check the level"}); err != nil {
				t.Fatal(err)
			}
			w.approve(t, w.sd, inst)
			w.approve(t, w.fd, inst)
			wantState(t, w.instance(t, inst), store.FlowApproved)
		})

		t.Run("refused", func(t *testing.T) {
			_, inst, task := atFD(t)
			cases := []struct {
				name string
				p    *engine.Principal
				task int64
				in   engine.ReturnInput
				want error
				path string
			}{
				{"by another participant", sd, task, engine.ReturnInput{To: "submitter", Comment: "x"}, store.ErrForbidden, ""},
				{"by an outsider", w.principal(t, w.outsider), task, engine.ReturnInput{To: "submitter", Comment: "x"}, store.ErrNotFound, ""},
				{"an unknown task", fd, 99999999, engine.ReturnInput{To: "submitter", Comment: "x"}, store.ErrNotFound, ""},
				{"a step not passed", fd, task, engine.ReturnInput{To: "node", Node: "done", Comment: "x"}, nil, "/node"},
				{"no comment", fd, task, engine.ReturnInput{To: "submitter"}, nil, "/comment"},
				{"nowhere", fd, task, engine.ReturnInput{Comment: "x"}, nil, "/to"},
			}
			for _, c := range cases {
				_, err := app.Engine.ReturnTask(ctx, c.p, c.task, c.in)
				if c.path != "" {
					problemAt(t, c.name, err, c.path, "")
				} else if !errors.Is(err, c.want) {
					t.Errorf("%s: %v, want %v", c.name, err, c.want)
				}
			}
			if _, err := app.Engine.ResubmitTask(ctx, rep, task, engine.ResubmitInput{}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("the submitter resubmits the approver's task: %v", err)
			}
			if _, err := app.Engine.ReturnTask(ctx, w.principal(t, nil), task, engine.ReturnInput{To: "submitter", Comment: "admin says"}); err != nil {
				t.Errorf("an admin returns: %v", err)
			}
			// note: cancelled while returned, the submitter's task closes.
			w.app.Expect(t, 200, "POST", fmt.Sprintf("/api/v1/flows/instances/%d/cancel", inst), "", nil)
			if len(w.pending(t, w.rep, inst)) != 0 {
				t.Error("the resubmit task outlived a cancel")
			}
		})
	})
}

func TestDelegateAndAddSigner(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		ctx := context.Background()
		key := w.publishFlow(t, "customer", "", oneStep(`"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}]`))
		fd := w.principal(t, w.fd)
		start := func(t *testing.T) (int64, int64) {
			v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
			return v.ID, w.task(t, w.fd, v.ID).ID
		}

		t.Run("delegate: the delegate decides on the approver's behalf", func(t *testing.T) {
			inst, task := start(t)
			got, err := app.Engine.DelegateTask(ctx, fd, task, w.fin1.ID, "in meetings")
			if err != nil {
				t.Fatal(err)
			}
			if got.Assignee.Email != w.fin1.Email || got.OnBehalfOfUser == nil || got.OnBehalfOfUser.Email != w.fd.Email {
				t.Errorf("delegated: %+v on behalf of %+v", got.Assignee, got.OnBehalfOfUser)
			}
			if _, err := app.Engine.TaskDetail(ctx, fd, task); err != nil {
				t.Errorf("the approver no longer sees their delegated task: %v", err)
			}
			w.approve(t, w.fin1, inst)
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			for _, s := range v.Steps {
				if s.Kind == "decided" && !strings.Contains(string(s.Data), fmt.Sprintf(`"on_behalf_of":%d`, w.fd.ID)) {
					t.Errorf("the decision does not say on whose behalf: %s", s.Data)
				}
			}
			if !slices.Contains(steps(v, "ask"), "delegated") {
				t.Errorf("timeline: %s", stepWords(v))
			}
		})

		t.Run("delegate: refused", func(t *testing.T) {
			_, task := start(t)
			_, err := app.Engine.DelegateTask(ctx, fd, task, w.rep.ID, "")
			problemAt(t, "to the submitter", err, "/to", "")
			if _, err := app.Engine.DelegateTask(ctx, w.principal(t, w.fin1), task, w.fin2.ID, ""); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("by an outsider: %v", err)
			}
		})

		t.Run("a signer before: first them, then the approver", func(t *testing.T) {
			inst, task := start(t)
			signer, err := app.Engine.AddSigner(ctx, fd, task, engine.SignerInput{User: w.gm.ID, Position: "before", Comment: "your call on the level"})
			if err != nil {
				t.Fatal(err)
			}
			if signer.Kind != store.TaskKindSignerBefore || signer.HostID != task || signer.Message != "your call on the level" {
				t.Errorf("signer's task %+v", signer.FlowTask)
			}
			if len(w.pending(t, w.fd, inst)) != 0 {
				t.Error("the approver is asked before the signer decided")
			}
			w.approve(t, w.gm, inst)
			w.approve(t, w.fd, inst)
			wantState(t, w.instance(t, inst), store.FlowApproved)
		})

		t.Run("a signer after: the step waits for them", func(t *testing.T) {
			inst, task := start(t)
			if _, err := app.Engine.AddSigner(ctx, fd, task, engine.SignerInput{User: w.gm.ID, Position: "after"}); err != nil {
				t.Fatal(err)
			}
			w.approve(t, w.fd, inst)
			wantState(t, w.instance(t, inst), store.FlowRunning)
			w.approve(t, w.gm, inst)
			v := w.instance(t, inst)
			wantState(t, v, store.FlowApproved)
			if !slices.Contains(steps(v, "ask"), "signer_added") {
				t.Errorf("timeline: %s", stepWords(v))
			}
		})

		t.Run("add signer: refused", func(t *testing.T) {
			_, task := start(t)
			_, err := app.Engine.AddSigner(ctx, fd, task, engine.SignerInput{User: w.gm.ID, Position: "around"})
			problemAt(t, "an unknown position", err, "/position", "")
			_, err = app.Engine.AddSigner(ctx, fd, task, engine.SignerInput{User: 99999999, Position: "after"})
			problemAt(t, "nobody who exists", err, "/user", "")
			if _, err := app.Engine.AddSigner(ctx, w.principal(t, w.rep), task, engine.SignerInput{User: w.gm.ID, Position: "after"}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("by the submitter: %v", err)
			}
		})

		t.Run("concurrent actions on one task: one wins, the others conflict", func(t *testing.T) {
			inst, task := start(t)
			acts := []func() error{
				func() error {
					_, err := app.Engine.DecideTask(ctx, fd, task, engine.DecideInput{Decision: "approve"})
					return err
				},
				func() error {
					_, err := app.Engine.ReturnTask(ctx, fd, task, engine.ReturnInput{To: "submitter", Comment: "fix"})
					return err
				},
				func() error {
					_, err := app.Engine.AddSigner(ctx, fd, task, engine.SignerInput{User: w.gm.ID, Position: "before"})
					return err
				},
			}
			var mu sync.Mutex
			wins, conflicts := 0, 0
			var wg sync.WaitGroup
			for i := range 12 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					err := acts[i%len(acts)]()
					mu.Lock()
					defer mu.Unlock()
					switch {
					case err == nil:
						wins++
					case errors.Is(err, store.ErrConflict):
						conflicts++
					default:
						t.Errorf("worker %d: %v", i, err)
					}
				}()
			}
			wg.Wait()
			if wins != 1 || conflicts != 11 {
				t.Errorf("%d won, %d conflicted; timeline %s", wins, conflicts, stepWords(w.instance(t, inst)))
			}
		})
	})
}

func TestCommentsAndUrge(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		ctx := context.Background()
		plain := app.NewUser(t, enginetest.UserSpec{Email: "plain@example.com", Name: "Plain"})
		key := w.publishFlow(t, "customer", "", oneStep(`"mode": "all", "assignees": [{"type": "role", "value": "finance_director"}, {"type": "user", "value": "plain@example.com"}]`))
		v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
		task := w.task(t, w.fd, v.ID).ID
		rep, fd := w.principal(t, w.rep), w.principal(t, w.fd)
		file, err := app.Engine.Upload(ctx, "order", "attachments", "quote.pdf", "application/pdf", strings.NewReader("%PDF-1.4"), forms.Actor{ID: w.rep.ID})
		if err != nil {
			t.Fatal(err)
		}

		t.Run("comments with files, shown to those who may see them", func(t *testing.T) {
			step, err := app.Engine.CommentTask(ctx, fd, task, engine.CommentInput{Comment: "see the quote", Attachments: []string{file.ID}})
			if err != nil {
				t.Fatal(err)
			}
			if step.Kind != flows.StepCommented || step.Actor == nil || step.Actor.Email != w.fd.Email || !strings.Contains(string(step.Data), "quote.pdf") {
				t.Errorf("comment step %+v %s", step.FlowStep, step.Data)
			}
			if _, err := app.Engine.CommentInstance(ctx, rep, v.ID, engine.CommentInput{Comment: "the customer is waiting"}); err != nil {
				t.Fatal(err)
			}
			shown := func(p *engine.Principal) (comments int, files bool) {
				iv, err := app.Engine.FlowInstance(ctx, p, v.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, s := range iv.Steps {
					if s.Kind == flows.StepCommented {
						comments++
						files = files || strings.Contains(string(s.Data), "quote.pdf")
					}
				}
				return comments, files
			}
			if n, files := shown(rep); n != 2 || !files {
				t.Errorf("the submitter sees %d comments, files %v", n, files)
			}
			if n, files := shown(w.principal(t, plain)); n != 2 || files {
				t.Errorf("a participant who may not read orders sees %d comments, files %v", n, files)
			}
		})

		t.Run("comments refused", func(t *testing.T) {
			_, err := app.Engine.CommentInstance(ctx, rep, v.ID, engine.CommentInput{Attachments: []string{"nope"}})
			problemAt(t, "an unknown file", err, "/attachments/0", "")
			_, err = app.Engine.CommentInstance(ctx, w.principal(t, plain), v.ID, engine.CommentInput{Comment: "x", Attachments: []string{file.ID}})
			problemAt(t, "a file the commenter may not see", err, "/attachments/0", "")
			_, err = app.Engine.CommentInstance(ctx, rep, v.ID, engine.CommentInput{Comment: "x", Attachments: []string{file.ID, file.ID}})
			problemAt(t, "a file twice", err, "/attachments/1", "")
			_, err = app.Engine.CommentInstance(ctx, rep, v.ID, engine.CommentInput{})
			problemAt(t, "nothing", err, "/comment", "")
			if _, err := app.Engine.CommentTask(ctx, rep, task, engine.CommentInput{Comment: "x"}); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("the submitter on the approver's task: %v", err)
			}
			if _, err := app.Engine.CommentInstance(ctx, w.principal(t, w.outsider), v.ID, engine.CommentInput{Comment: "x"}); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("an outsider: %v", err)
			}
		})

		t.Run("urge: a notice to each approver, once an hour", func(t *testing.T) {
			got, err := app.Engine.UrgeInstance(ctx, rep, v.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Notices) != 2 || got.Notices[0].State != store.TaskCC || got.Notices[0].HostID != task {
				t.Fatalf("notices %+v", got.Notices)
			}
			var inbox engine.Inbox
			w.app.Expect(t, 200, "GET", "/api/v1/tasks?state=cc", "", w.fd.Headers()).JSON(t, &inbox)
			if len(inbox.Items) != 1 || inbox.Items[0].Kind != store.TaskKindUrge || !strings.Contains(inbox.Items[0].Message, "rep is waiting") {
				t.Errorf("the approver's notices: %+v", inbox.Items)
			}
			_, err = app.Engine.UrgeInstance(ctx, rep, v.ID, "")
			var soon *flows.TooSoonError
			if !errors.As(err, &soon) {
				t.Errorf("urging again: %v", err)
			}
			if _, err := app.Engine.UrgeInstance(ctx, fd, v.ID, ""); !errors.Is(err, store.ErrForbidden) {
				t.Errorf("an approver urges: %v", err)
			}
			if !slices.Contains(steps(w.instance(t, v.ID), ""), "urged") {
				t.Error("no urged step")
			}
		})
	})
}

func TestBatchDecide(t *testing.T) {
	enginetest.Each(t, func(t *testing.T, app *enginetest.App) {
		w := newWorld(t, app)
		ctx := context.Background()
		key := w.publishFlow(t, "customer", "", oneStep(`"mode": "single", "assignees": [{"type": "role", "value": "finance_director"}], "reject_comment_required": true`))
		var insts, tasks []int64
		for range 3 {
			v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
			insts, tasks = append(insts, v.ID), append(tasks, w.task(t, w.fd, v.ID).ID)
		}
		other := w.publishFlow(t, "customer", "", oneStep(`"mode": "single", "assignees": [{"type": "role", "value": "sales_director"}]`))
		theirs := w.task(t, w.sd, w.submit(t, w.rep, "customer", w.newCustomer(t, ""), other).ID).ID
		fd := w.principal(t, w.fd)

		_, err := app.Engine.DecideTask(ctx, fd, tasks[1], engine.DecideInput{Decision: "approve"})
		if err != nil {
			t.Fatal(err)
		}
		list := []int64{tasks[0], tasks[1], theirs, 99999999, tasks[2]}
		results, err := app.Engine.BatchDecide(ctx, fd, engine.BatchDecideInput{Tasks: list, Decision: "approve", Comment: "fine"})
		if err != nil {
			t.Fatal(err)
		}
		// note: the sales director's task is in an instance the finance
		// director takes no part in, so to them it does not exist.
		want := []error{nil, store.ErrConflict, store.ErrNotFound, store.ErrNotFound, nil}
		for i, r := range results {
			if r.ID != list[i] || (want[i] == nil) != (r.Err == nil) || (want[i] != nil && !errors.Is(r.Err, want[i])) {
				t.Errorf("task %d: %v, want %v", r.ID, r.Err, want[i])
			}
			if r.Err == nil && (r.Task == nil || r.Task.State != store.TaskApproved) {
				t.Errorf("task %d: %+v", r.ID, r.Task)
			}
		}
		for _, inst := range insts {
			wantState(t, w.instance(t, inst), store.FlowApproved)
		}

		bad := []struct {
			name string
			in   engine.BatchDecideInput
			path string
		}{
			{"no tasks", engine.BatchDecideInput{Decision: "approve"}, "/tasks"},
			{"too many", engine.BatchDecideInput{Tasks: make([]int64, engine.MaxBatch+1), Decision: "approve"}, "/tasks"},
			{"a task twice", engine.BatchDecideInput{Tasks: []int64{5, 5}, Decision: "approve"}, "/tasks/1"},
			{"a bad id", engine.BatchDecideInput{Tasks: []int64{-1}, Decision: "approve"}, "/tasks/0"},
			{"no decision", engine.BatchDecideInput{Tasks: []int64{5}}, "/decision"},
		}
		for _, b := range bad {
			_, err := app.Engine.BatchDecide(ctx, fd, b.in)
			problemAt(t, b.name, err, b.path, "")
		}
		// note: a reject that the step needs a comment for fails alone.
		v := w.submit(t, w.rep, "customer", w.newCustomer(t, ""), key)
		results, err = app.Engine.BatchDecide(ctx, fd, engine.BatchDecideInput{Tasks: []int64{w.task(t, w.fd, v.ID).ID}, Decision: "reject"})
		if err != nil || len(results) != 1 {
			t.Fatal(err)
		}
		problemAt(t, "a reject without a comment", results[0].Err, "/comment", "")
	})
}
