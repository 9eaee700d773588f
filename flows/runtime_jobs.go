package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// jobTransition locks instance id and sets up a transition of it made by
// the engine itself (no actor). live is false when the instance is gone or
// has ended: the job has nothing left to do.
func (r *Runtime) jobTransition(ctx context.Context, id int64) (t *transition, live bool, err error) {
	inst, err := r.db.LockFlowInstance(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, false, nil
	}
	if err != nil || inst.EndedAt != nil {
		return nil, false, err
	}
	cf, err := r.deps.Versions.FlowVersion(ctx, inst.FlowKey, inst.FlowVersion)
	if err != nil {
		return nil, false, err
	}
	data, err := decodeRunData(inst.Data)
	if err != nil {
		return nil, false, err
	}
	rec, err := r.deps.Records.Get(ctx, cf.Form, inst.RecordID)
	if err != nil {
		return nil, false, err
	}
	submitter, err := r.deps.Directory.Actor(ctx, inst.SubmitterID)
	if err != nil {
		return nil, false, err
	}
	t = r.newTransition(ctx, cf, inst, rec, forms.Actor{}, submitter)
	t.data = data
	if err := t.loadTasks(); err != nil {
		return nil, false, err
	}
	return t, true, nil
}

// waitingAt finds the path of t still waiting in the entry (activation)
// the job was enqueued for, or nil when it has moved on since. The node is
// the path's own: an admin may have moved the instance to a newer version
// whose node has another id (activations are unique in an instance).
func (t *transition) waitingAt(pathID int, activation int64) (*path, *cnode) {
	p := t.data.path(pathID)
	if p == nil || p.Activation != activation || p.State != PathWaiting {
		return nil, nil
	}
	n, ok := t.cf.nodes[p.Node]
	if !ok {
		return nil, nil
	}
	return p, n
}

// moveOn sends waiting path p past node n and runs the instance on.
func (t *transition) moveOn(p *path, n *cnode) error {
	p.Node, p.State, p.Activation, p.Reason = n.Next, PathRunning, 0, ""
	t.queue = append([]int{p.ID}, t.queue...)
	return t.drain()
}

// enqueue adds a job in the transition's transaction.
func (t *transition) enqueue(args JobArgs, at time.Time) error {
	return t.r.deps.Jobs.Enqueue(t.ctx, args, at)
}

// Delivery is what one attempt to deliver a webhook or an e-mail came to.
type Delivery struct {
	Kind     string `json:"-"` // webhook or email
	Delivery string `json:"delivery,omitempty"`
	To       string `json:"to,omitempty"`
	Attempt  int    `json:"attempt"`
	Of       int    `json:"of"`
	Status   int    `json:"status,omitempty"`
	Error    string `json:"error,omitempty"`
	// Delivered is true once it arrived; Final when no attempt follows.
	Delivered bool `json:"delivered"`
	Final     bool `json:"final"`
}

// RecordDelivery adds an attempt's outcome to the instance's timeline. It
// takes no lock: the step is all it writes.
func (r *Runtime) RecordDelivery(ctx context.Context, instance int64, node string, d Delivery) error {
	kind := StepWebhook
	if d.Kind == "email" {
		kind = StepNotified
	}
	comment := "delivered"
	switch {
	case !d.Delivered && d.Final:
		comment = fmt.Sprintf("gave up after %d attempts: %s", d.Attempt, d.Error)
	case !d.Delivered:
		comment = fmt.Sprintf("attempt %d of %d failed (%s); it will be tried again", d.Attempt, d.Of, d.Error)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	return r.db.AddFlowSteps(ctx, []*store.FlowStep{{InstanceID: instance, NodeID: node, Kind: kind, At: r.deps.Now(),
		Comment: comment, Data: string(b)}})
}
