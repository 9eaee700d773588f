package flows

import (
	"context"
	"fmt"
	"time"
)

// wait parks p at wait node n until its time comes or its condition holds,
// with a wake-up job for that moment. A moment already past, or a
// condition that holds now, lets p go on at once.
func (t *transition) wait(p *path, n *cnode) error {
	w := n.Wait
	var at time.Time
	var reason string
	switch {
	case w.Duration != "":
		d, err := ParseDuration(w.Duration)
		if err != nil {
			t.stuck(p, err.Error(), nil)
			return nil
		}
		at = t.now.Add(d)
		reason = "waiting until " + at.Format(time.RFC3339)
	case w.UntilDate != "":
		v, ok := t.record()[w.UntilDate].(time.Time)
		if !ok {
			t.stuck(p, fmt.Sprintf("the wait is until %s, which is empty on this record; fill it in and an admin can move the flow on", w.UntilDate), nil)
			return nil
		}
		at = v
		reason = fmt.Sprintf("waiting until %s (%s)", at.Format(time.RFC3339), w.UntilDate)
	default:
		ok, err := runBool(n.until, t.env())
		if err != nil {
			t.stuck(p, fmt.Sprintf("the condition %q could not be evaluated: %v", w.Until, err), nil)
			return nil
		}
		if ok {
			t.engineStep(n.ID, StepWaited, 0, "", map[string]any{"until": w.Until, "values": t.readValues(w.Until, t.env()), "at_once": true})
			p.Node = n.Next
			return nil
		}
		at = t.now.Add(t.r.deps.Poll)
		reason = fmt.Sprintf("waiting until %s holds (checked whenever the record changes, and every %s)", w.Until, t.r.deps.Poll)
	}
	if !at.After(t.now) && w.Until == "" {
		t.engineStep(n.ID, StepWaited, 0, "", map[string]any{"until": at, "at_once": true})
		p.Node = n.Next
		return nil
	}
	t.data.Activations++
	p.State, p.Activation, p.Reason = PathWaiting, t.data.Activations, reason
	t.engineStep(n.ID, StepWaiting, 0, reason, map[string]any{"wake_at": at})
	return t.enqueue(WakeArgs{Instance: t.inst.ID, Path: p.ID, Node: n.ID, Activation: p.Activation}, at)
}

// Wake runs a wake-up job of a wait node: the path goes on when its time
// has come, or when its condition now holds (otherwise it is checked
// again later). A job for a path that has moved on does nothing.
func (r *Runtime) Wake(ctx context.Context, a WakeArgs) error {
	return r.db.WithTx(ctx, func(ctx context.Context) error {
		t, live, err := r.jobTransition(ctx, a.Instance)
		if err != nil || !live {
			return err
		}
		p, n := t.waitingAt(a.Path, a.Activation)
		if p == nil || n.Type != TypeWait {
			return nil
		}
		data := map[string]any{}
		if n.until != nil {
			env := t.env()
			ok, err := runBool(n.until, env)
			if err != nil {
				t.stuck(p, fmt.Sprintf("the condition %q could not be evaluated: %v", n.Wait.Until, err), nil)
				return t.finish("flow.wake", fmt.Sprintf("wait %s of flow %s failed", n.ID, t.inst.FlowKey), nil)
			}
			if !ok {
				return t.enqueue(a, t.now.Add(r.deps.Poll))
			}
			data["until"], data["values"] = n.Wait.Until, t.readValues(n.Wait.Until, env)
		}
		t.engineStep(n.ID, StepWaited, 0, "", data)
		if err := t.moveOn(p, n); err != nil {
			return err
		}
		return t.finish("flow.wake", fmt.Sprintf("wait %s of flow %s on %s #%d is over", n.ID, t.inst.FlowKey, t.inst.FormKey, t.inst.RecordID), nil)
	})
}

// RecordChanged checks again, soon, the waits for a condition of the
// instances running on record id of form: a change to the record may be
// what they wait for. It runs in the transaction of the change.
func (r *Runtime) RecordChanged(ctx context.Context, form string, id int64) error {
	insts, err := r.db.FlowInstancesOfRecord(ctx, form, id)
	if err != nil {
		return err
	}
	for _, inst := range insts {
		if inst.EndedAt != nil {
			continue
		}
		data, err := decodeRunData(inst.Data)
		if err != nil {
			return err
		}
		var cf *Compiled
		for _, p := range data.Paths {
			if p.State != PathWaiting {
				continue
			}
			if cf == nil {
				if cf, err = r.deps.Versions.FlowVersion(ctx, inst.FlowKey, inst.FlowVersion); err != nil {
					return err
				}
			}
			if n, ok := cf.nodes[p.Node]; ok && n.Type == TypeWait && n.until != nil {
				a := WakeArgs{Instance: inst.ID, Path: p.ID, Node: p.Node, Activation: p.Activation}
				if err := r.deps.Jobs.Enqueue(ctx, a, time.Time{}); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// WaitsOnRecord reports whether the flow has a wait for a condition, which
// a change to the record may satisfy.
func (c *Compiled) WaitsOnRecord() bool {
	for _, n := range c.nodes {
		if n.Type == TypeWait && n.until != nil {
			return true
		}
	}
	return false
}
