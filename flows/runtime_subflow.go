package flows

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/expr-lang/expr"

	"github.com/mosaic-lowcode/mosaic/store"
)

// subflow starts the flow n names on the related record and parks p until
// that instance ends; the child's end enqueues the parent's Resume. A
// related record that is missing, or already running that flow, leaves p
// stuck with the reason.
func (t *transition) subflow(p *path, n *cnode) error {
	out, err := expr.Run(n.record, t.env())
	if err != nil {
		t.stuck(p, fmt.Sprintf("the related record could not be computed: %v", err), nil)
		return nil
	}
	ids := idsOf(out)
	if len(ids) != 1 || ids[0] <= 0 {
		t.stuck(p, fmt.Sprintf("%s is not the id of a record to start %s on", jsonText(out), n.Subflow.Flow), nil)
		return nil
	}
	child, err := t.r.deps.Versions.LiveFlow(t.ctx, n.Subflow.Flow)
	if errors.Is(err, store.ErrNotFound) {
		t.stuck(p, fmt.Sprintf("there is no published flow %s to start", n.Subflow.Flow), nil)
		return nil
	}
	if err != nil {
		return err
	}
	t.data.Activations++
	link := &parentLink{Instance: t.inst.ID, Path: p.ID, Node: n.ID, Activation: t.data.Activations}
	inst, err := t.r.start(t.ctx, child, ids[0], nil, t.submitterActor(), "subflow", link)
	if bad, err := dataFailure(err); err != nil {
		return err
	} else if bad != "" || errors.Is(err, store.ErrConflict) {
		t.stuck(p, fmt.Sprintf("the subflow %s could not start on %s #%d: %v", child.Flow.Key, child.Form.Form.Key, ids[0], err), nil)
		return nil
	}
	p.State, p.Activation = PathWaiting, link.Activation
	p.Reason = fmt.Sprintf("waiting for flow %s (instance %d) on %s #%d", child.Flow.Key, inst.ID, inst.FormKey, inst.RecordID)
	t.engineStep(n.ID, StepSubflow, 0, p.Reason, map[string]any{"flow": child.Flow.Key, "instance": inst.ID,
		"form": inst.FormKey, "record": inst.RecordID, "state": inst.State})
	return nil
}

// resumeParent enqueues, when t has ended an instance started by a subflow
// node, the job that moves its parent on.
func (t *transition) resumeParent() error {
	if !t.ended || t.data.Parent == nil {
		return nil
	}
	pl := t.data.Parent
	return t.enqueue(ResumeArgs{Parent: pl.Instance, Path: pl.Path, Node: pl.Node, Activation: pl.Activation,
		Child: t.inst.ID, Outcome: t.inst.State}, time.Time{})
}

// Resume moves a parent instance on from its subflow node once the child
// has ended. The child's outcome becomes the node's decision, which later
// branches can read (decisions.<node>).
func (r *Runtime) Resume(ctx context.Context, a ResumeArgs) error {
	return r.db.WithTx(ctx, func(ctx context.Context) error {
		t, live, err := r.jobTransition(ctx, a.Parent)
		if err != nil || !live {
			return err
		}
		p, n := t.waitingAt(a.Path, a.Activation)
		if p == nil || n.Type != TypeSubflow {
			return nil
		}
		t.data.Decisions[n.ID] = a.Outcome
		t.engineStep(n.ID, StepSubflow, 0, "", map[string]any{"instance": a.Child, "outcome": a.Outcome, "ended": true})
		if err := t.moveOn(p, n); err != nil {
			return err
		}
		return t.finish("flow.resume", fmt.Sprintf("subflow %s of flow %s on %s #%d ended %s", n.ID, t.inst.FlowKey,
			t.inst.FormKey, t.inst.RecordID, a.Outcome), nil)
	})
}
