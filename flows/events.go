package flows

import (
	"context"
	"encoding/json"
)

// Flow events a transition tells its listener about.
const (
	EventTaskDecided  = "task.decided"
	EventFlowFinished = "flow.finished"
)

// Event is one thing a transition did that the world outside may be told
// (an outbound webhook subscription).
type Event struct {
	Kind     string `json:"event"`
	Instance int64  `json:"instance"`
	Flow     string `json:"flow"`
	Form     string `json:"form"`
	RecordID int64  `json:"record_id"`
	Node     string `json:"node,omitempty"`
	TaskID   int64  `json:"task_id,omitempty"`
	// Decision is the task's decision (approved, rejected, …); Outcome the
	// state the instance finished in.
	Decision string `json:"decision,omitempty"`
	Outcome  string `json:"outcome,omitempty"`
	Actor    int64  `json:"actor_id"`
}

// Events hears the events of each transition in its transaction, so what
// it enqueues exists exactly when the transition committed.
type Events interface {
	FlowEvent(ctx context.Context, e Event) error
}

// tell passes the transition's decisions and its end to the listener.
func (t *transition) tell() error {
	l := t.r.deps.Events
	if l == nil {
		return nil
	}
	base := Event{Instance: t.inst.ID, Flow: t.inst.FlowKey, Form: t.inst.FormKey, RecordID: t.inst.RecordID, Actor: t.actor.ID}
	for _, s := range t.steps {
		if s.Kind != StepDecided {
			continue
		}
		var data struct {
			Decision string `json:"decision"`
		}
		_ = json.Unmarshal([]byte(s.Data), &data)
		ev := base
		ev.Kind, ev.Node, ev.TaskID, ev.Decision = EventTaskDecided, s.NodeID, s.TaskID, data.Decision
		if err := l.FlowEvent(t.ctx, ev); err != nil {
			return err
		}
	}
	if !t.ended {
		return nil
	}
	ev := base
	ev.Kind, ev.Outcome = EventFlowFinished, t.inst.State
	return l.FlowEvent(t.ctx, ev)
}
