package flows

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/store"
)

// drain moves every running path on until it waits, parks, arrives at a join
// or the instance ends. Errors are the store's; a flow that fails on the
// record leaves a stuck path instead.
func (t *transition) drain() error {
	for len(t.queue) > 0 && !t.ended {
		id := t.queue[0]
		t.queue = t.queue[1:]
		p := t.data.path(id)
		if p == nil || p.State != PathRunning {
			continue
		}
		if err := t.advance(p); err != nil {
			return err
		}
	}
	return nil
}

// advance moves p on, one node at a time, while it keeps running.
func (t *transition) advance(p *path) error {
	for p.State == PathRunning && !t.ended {
		t.visits++
		if t.visits > maxVisits {
			t.stuck(p, fmt.Sprintf("the flow passed %d nodes without waiting for anyone: it loops on this record", maxVisits), nil)
			return nil
		}
		n, ok := t.cf.nodes[p.Node]
		if !ok {
			t.stuck(p, fmt.Sprintf("node %q is not in version %d of the flow", p.Node, t.cf.Version), nil)
			return nil
		}
		var err error
		switch n.Type {
		case TypeStart:
			p.Node = n.Next
		case TypeBranch:
			t.branch(p, n)
		case TypeSplit:
			t.split(p, n)
		case TypeJoin:
			err = t.arrive(p, n)
		case TypeApproval:
			err = t.enterApproval(p, n)
		case TypeCC:
			err = t.enterCC(p, n)
		case TypeAction:
			err = t.act(p, n)
		case TypeWait:
			err = t.wait(p, n)
		case TypeSubflow:
			err = t.subflow(p, n)
		case TypeEnd:
			outcome := n.Outcome
			if outcome == "" {
				outcome = OutcomeApproved
			}
			return t.end(n.ID, outcome)
		default:
			t.stuck(p, fmt.Sprintf("unknown node type %q", n.Type), nil)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// branchTry is one condition a branch tried, for the timeline.
type branchTry struct {
	When   string                     `json:"when"`
	Label  string                     `json:"label,omitempty"`
	Values map[string]json.RawMessage `json:"values"`
	Taken  bool                       `json:"taken"`
}

// branch evaluates n's conditions in order and moves p to the first that
// holds, or to the default. The timeline keeps every condition tried with
// the values it read: why the record went where it went.
func (t *transition) branch(p *path, n *cnode) {
	env := t.env()
	var tried []branchTry
	next := ""
	for i, prog := range n.branches {
		b := n.Branches[i]
		try := branchTry{When: b.When, Label: b.Label, Values: t.readValues(b.When, env)}
		ok, err := runBool(prog, env)
		if err != nil {
			tried = append(tried, try)
			t.stuck(p, fmt.Sprintf("the condition %q could not be evaluated: %v", b.When, err), map[string]any{"conditions": tried})
			return
		}
		try.Taken = ok
		tried = append(tried, try)
		if ok {
			next = b.Next
			break
		}
	}
	data := map[string]any{"conditions": tried, "default": next == ""}
	if next == "" {
		next = n.Default
	}
	data["next"] = next
	t.engineStep(n.ID, StepRouted, 0, "", data)
	p.Node = next
}

// split starts one child path per target; p waits for them at the join.
func (t *transition) split(p *path, n *cnode) {
	p.State = PathForked
	var ids []int
	for _, target := range n.Targets {
		c := t.data.newPath(p.ID, n.ID, target)
		ids = append(ids, c.ID)
	}
	t.engineStep(n.ID, StepRouted, 0, "", map[string]any{"targets": n.Targets, "join": n.join})
	t.queue = append(ids, t.queue...)
}

// arrive counts p at join n; when enough of its split's paths are in, the
// others are cancelled and the parent path goes on past the join.
func (t *transition) arrive(p *path, n *cnode) error {
	p.State = PathArrived
	siblings := slices.DeleteFunc(t.data.children(p.Parent), func(s *path) bool { return s.Split != n.split })
	arrived := 0
	for _, s := range siblings {
		if s.State == PathArrived && s.Node == n.ID {
			arrived++
		}
	}
	need := len(siblings)
	switch n.Join {
	case JoinAny:
		need = 1
	case JoinN:
		need = n.N
	}
	data := map[string]any{"arrived": arrived, "of": len(siblings), "needs": need}
	if arrived < need {
		data["waiting"] = true
		t.engineStep(n.ID, StepJoined, 0, "", data)
		return nil
	}
	var cancelled []int64
	for _, s := range siblings {
		if s.State != PathArrived {
			ids, err := t.cancelPath(s.ID)
			if err != nil {
				return err
			}
			cancelled = append(cancelled, ids...)
		}
		t.data.remove(s.ID)
	}
	if len(cancelled) > 0 {
		data["cancelled_tasks"] = cancelled
	}
	t.engineStep(n.ID, StepJoined, 0, "", data)
	parent := t.data.path(p.Parent)
	if parent == nil {
		t.stuck(p, "the join has no path to go on with", nil)
		return nil
	}
	parent.Node, parent.State = n.Next, PathRunning
	t.queue = append([]int{parent.ID}, t.queue...)
	return nil
}

// cancelPath removes path id and every path below it, closing their open
// tasks, and returns the ids of the tasks it closed.
func (t *transition) cancelPath(id int) ([]int64, error) {
	var closed []int64
	for _, c := range t.data.children(id) {
		ids, err := t.cancelPath(c.ID)
		if err != nil {
			return nil, err
		}
		closed = append(closed, ids...)
	}
	ids, err := t.closeTasks(func(task *store.FlowTask) bool { return task.PathID == id })
	if err != nil {
		return nil, err
	}
	t.data.remove(id)
	return append(closed, ids...), nil
}

// stuck stops p at its node with an error step: the instance shows as
// stuck to admins instead of silently waiting.
func (t *transition) stuck(p *path, reason string, data map[string]any) {
	p.State, p.Reason = PathStuck, reason
	t.engineStep(p.Node, StepStuck, 0, reason, data)
}

// end ends the instance with outcome at end node node: every open task is
// closed and the instance stops running.
func (t *transition) end(node, outcome string) error {
	closed, err := t.closeTasks(func(*store.FlowTask) bool { return true })
	if err != nil {
		return err
	}
	data := map[string]any{"outcome": outcome}
	if len(closed) > 0 {
		data["cancelled_tasks"] = closed
	}
	t.engineStep(node, StepEnded, 0, "", data)
	t.endAs(outcome)
	return nil
}

// endAs marks the instance ended in state.
func (t *transition) endAs(state string) {
	t.ended = true
	t.queue = nil
	t.data.Paths = nil
	t.inst.State = state
	t.inst.RunningKey = nil
	now := t.now
	t.inst.EndedAt = &now
}

// rejectTo routes p, rejected at approval n, to n's on_reject node, or ends
// the instance rejected. A reject target outside the parallel paths p is on
// cancels those paths: the path that goes on is the one at the level where
// the target is.
func (t *transition) rejectTo(p *path, n *cnode) error {
	target := n.Approval.OnReject
	if target == "" {
		return t.end(n.ID, OutcomeRejected)
	}
	level := p
	for level.Parent != 0 && !t.cf.inRegion(level.Split, target) {
		parent := t.data.path(level.Parent)
		if parent == nil {
			break
		}
		for _, c := range t.data.children(parent.ID) {
			if _, err := t.cancelPath(c.ID); err != nil {
				return err
			}
		}
		level = parent
	}
	level.Node, level.State, level.Activation, level.Need = target, PathRunning, 0, 0
	t.queue = append([]int{level.ID}, t.queue...)
	return nil
}

// inRegion reports whether node is on the parallel paths of split: reached
// from its targets by normal (non-reject) moves before its join, or leading
// into them. A reject target that fixes something and returns to its
// approval is such a node: the path stays one of the split's paths.
func (c *Compiled) inRegion(split, node string) bool {
	s, ok := c.nodes[split]
	if !ok {
		return false
	}
	region := c.walk(s.Targets, s.join, "")
	if region[node] {
		return true
	}
	for id := range c.walk([]string{node}, s.join, split) {
		if region[id] {
			return true
		}
	}
	return false
}

// walk lists the nodes reached from start by normal moves, up to and
// including stop, never passing avoid.
func (c *Compiled) walk(start []string, stop, avoid string) map[string]bool {
	seen := map[string]bool{}
	stack := slices.Clone(start)
	for len(stack) > 0 {
		id := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[id] || id == avoid {
			continue
		}
		seen[id] = true
		if n, ok := c.nodes[id]; ok && id != stop {
			stack = append(stack, forwardTargets(n)...)
		}
	}
	return seen
}

// forwardTargets are the nodes n leads to on its normal paths.
func forwardTargets(n *cnode) []string {
	switch n.Type {
	case TypeBranch:
		out := []string{n.Default}
		for _, b := range n.Branches {
			out = append(out, b.Next)
		}
		return out
	case TypeSplit:
		return n.Targets
	case TypeEnd:
		return nil
	}
	return []string{n.Next}
}
