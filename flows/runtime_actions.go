package flows

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// act runs the actions of node n in order and moves p on. A webhook is
// enqueued, not called: the path goes on, and the delivery's outcome joins
// the timeline when the worker has made it. An action that fails on the data
// (a value the target form refuses, a record that does not exist) leaves p
// stuck at n with the reason; actions before it have been done.
func (t *transition) act(p *path, n *cnode) error {
	for i, a := range n.actions {
		failed, err := t.action(p, n, i, a)
		if err != nil {
			return err
		}
		if failed != "" {
			t.stuck(p, fmt.Sprintf("action %d (%s) failed: %s", i, a.Type, failed), nil)
			return nil
		}
	}
	p.Node = n.Next
	return nil
}

// action runs one action. failed is why it could not be done on this data;
// err is a failure of the store, which rolls the transition back.
func (t *transition) action(p *path, n *cnode, i int, a caction) (failed string, err error) {
	env := t.env()
	switch a.Type {
	case ActionNotify:
		to, notes, err := t.resolve(a.to)
		if err != nil {
			return "", err
		}
		msg, bad := (&dryRun{c: t.cf, rec: t.record()}).render(a.message, env)
		if bad != "" {
			return bad, nil
		}
		if a.email != nil {
			if failed, err := t.mailOut(n, a, msg, env); failed != "" || err != nil {
				return failed, err
			}
		}
		if len(a.to) == 0 {
			return "", nil
		}
		return "", t.notify(p, n, to, msg, notes, a.Template)
	case ActionWebhook:
		return "", t.webhook(n, i, a)
	case ActionConvert:
		input, err := a.convert.Input(t.record(), t.writer())
		if err != nil {
			return err.Error(), nil
		}
		rec, err := t.r.deps.Records.Create(t.ctx, a.convert.Target, forms.Write{Input: input, Actor: t.submitterActor(), Trusted: true})
		if bad, err := dataFailure(err); bad != "" || err != nil {
			return bad, err
		}
		t.engineStep(n.ID, StepAction, 0, "", map[string]any{"action": a.Type, "index": i, "form": a.Form, "conversion": a.Conversion, "record": rec.ID()})
	case ActionGenerateDocument:
		if t.r.deps.Documents == nil {
			return "documents cannot be generated here", nil
		}
		rec, file, sum, err := t.r.deps.Documents.Generate(t.ctx, t.cf.Form, a.Document, t.record(), t.writer())
		if bad, err := dataFailure(err); bad != "" || err != nil {
			return bad, err
		}
		t.rec = rec
		t.engineStep(n.ID, StepAction, 0, "", map[string]any{"action": a.Type, "index": i, "document": a.Document, "file": file, "sha256": sum})
	case ActionSetFields:
		input, bad := t.mapped(a, env)
		if bad != "" {
			return bad, nil
		}
		rec, err := t.r.deps.Records.Update(t.ctx, t.cf.Form, t.inst.RecordID, 0, forms.Write{Input: input, Actor: t.writer(), Trusted: true,
			Stored: t.record()})
		if bad, err := dataFailure(err); bad != "" || err != nil {
			return bad, err
		}
		t.rec = rec
		t.engineStep(n.ID, StepAction, 0, "", map[string]any{"action": a.Type, "index": i, "set": t.shown(t.cf.Form, rec, a)})
	case ActionCreateRecord:
		input, bad := t.mapped(a, env)
		if bad != "" {
			return bad, nil
		}
		// note: the new record belongs to the submitter, so the person who
		// entered the order also sees the contract draft it made.
		rec, err := t.r.deps.Records.Create(t.ctx, a.target, forms.Write{Input: input, Actor: t.submitterActor(), Trusted: true})
		if bad, err := dataFailure(err); bad != "" || err != nil {
			return bad, err
		}
		t.engineStep(n.ID, StepAction, 0, "", map[string]any{"action": a.Type, "index": i, "form": a.Form, "record": rec.ID(),
			"set": t.shown(a.target, rec, a)})
	case ActionUpdateRecord:
		out, err := expr.Run(a.record, env)
		if err != nil {
			return fmt.Sprintf("the record to update could not be computed: %v", err), nil
		}
		ids := idsOf(out)
		if len(ids) != 1 {
			return fmt.Sprintf("%s is not the id of a %s record", jsonText(out), a.Form), nil
		}
		var version int64
		if a.readsTarget {
			cur, err := t.r.deps.Records.Get(t.ctx, a.target, ids[0])
			if bad, err := dataFailure(err); bad != "" || err != nil {
				return bad, err
			}
			// note: the update must not be based on a stale read; if the
			// record changed since, the transition rolls back (a conflict).
			env["target"], version = a.target.TargetValues(cur), cur.RowVersion()
		}
		input, bad := t.mapped(a, env)
		if bad != "" {
			return bad, nil
		}
		rec, err := t.r.deps.Records.Update(t.ctx, a.target, ids[0], version, forms.Write{Input: input, Actor: t.writer(), Trusted: true})
		if bad, err := dataFailure(err); bad != "" || err != nil {
			return bad, err
		}
		if a.target == t.cf.Form && ids[0] == t.inst.RecordID {
			t.rec = rec // note: the flow's own record; later expressions see the change.
		}
		t.engineStep(n.ID, StepAction, 0, "", map[string]any{"action": a.Type, "index": i, "form": a.Form, "record": ids[0],
			"set": t.shown(a.target, rec, a)})
	}
	return "", nil
}

// writer is who record writes of the transition are made as: whoever caused
// it (the approver whose decision it was), else the submitter.
func (t *transition) writer() forms.Actor {
	if t.actor.ID != 0 {
		return t.actor
	}
	return t.submitterActor()
}

// mapped computes the values an action sets, by field key.
func (t *transition) mapped(a caction, env map[string]any) (map[string]any, string) {
	input := make(map[string]any, len(a.set))
	for _, s := range a.set {
		out, err := expr.Run(s.prog, env)
		if err != nil {
			return nil, fmt.Sprintf("%s could not be computed: %v", s.field.Key, err)
		}
		input[s.field.Key] = out
	}
	return input, ""
}

// shown renders the fields an action set as they now are, for the timeline.
func (t *transition) shown(c *forms.Compiled, rec forms.Record, a caction) map[string]json.RawMessage {
	out := make(map[string]json.RawMessage, len(a.set))
	for _, s := range a.set {
		if f, ok := c.Field(s.field.Key); ok {
			out[s.field.Key] = fieldText(f, rec[s.field.Key])
		}
	}
	return out
}

// dataFailure sorts a record store error: problems with the values and a
// missing record are the data's fault (the transition goes on, with the
// path stuck); anything else is the store's and rolls back.
//
// NB! Only failures that happen before any SQL statement fails may be taken
// as the data's fault: on PostgreSQL a failed statement aborts the whole
// transaction.
func dataFailure(err error) (string, error) {
	if err == nil {
		return "", nil
	}
	if pl, ok := forms.AsProblems(err); ok {
		return "the record would not be valid: " + problemWords(pl), nil
	}
	if errors.Is(err, store.ErrNotFound) {
		return err.Error(), nil
	}
	return "", err
}
