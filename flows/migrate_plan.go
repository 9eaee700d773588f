package flows

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// plan is what a migration will do to one instance, worked out before
// anything is written.
type plan struct {
	m        *Migration
	src, dst *Compiled
	inst     *store.FlowInstance
	data     *runData
	tasks    []store.FlowTask
	out      InstanceMigration
	// moved maps each node the instance stands at to its node in dst.
	moved map[string]string
	// failed holds the nodes already reported, so each is named once.
	failed map[string]bool
	// reissue holds the pending paths whose node is entered again.
	reissue map[int]bool
}

// checkMigration checks the parts of m that do not need a flow version.
func checkMigration(m *Migration) error {
	var ps []forms.Problem
	add := func(path, code, format string, args ...any) {
		ps = append(ps, forms.Problem{Path: path, Code: code, Message: fmt.Sprintf(format, args...)})
	}
	switch {
	case len(m.Instances) == 0:
		add("/instances", forms.CodeRequired, "name the instances to move, by id")
	case len(m.Instances) > MaxMigrate:
		add("/instances", forms.CodeTooMany, "one migration moves at most %d instances; this one names %d", MaxMigrate, len(m.Instances))
	}
	for i, id := range m.Instances {
		if id <= 0 {
			add(fmt.Sprintf("/instances/%d", i), forms.CodeInvalidValue, "%d is not an instance id", id)
		} else if slices.Index(m.Instances, id) < i {
			add(fmt.Sprintf("/instances/%d", i), forms.CodeInvalidValue, "instance %d is named twice", id)
		}
	}
	if m.ToVersion <= 0 {
		add("/to_version", forms.CodeRequired, "to_version must be the number of a published version of flow %s", m.Flow)
	}
	if len(m.Comment) > MaxCommentLength || !utf8.ValidString(m.Comment) {
		add("/comment", forms.CodeTooLong, "the comment must be valid text of at most %d bytes", MaxCommentLength)
	}
	if len(m.Mapping) > MaxNodes {
		add("/mapping", forms.CodeTooMany, "a mapping names at most %d nodes", MaxNodes)
	}
	if len(ps) > 0 {
		return &forms.ProblemList{Subject: "migration", Problems: ps}
	}
	return nil
}

// checkMapping checks that every node the mapping names is a node id, and
// every node it sends one to is a node of dst.
func checkMapping(m *Migration, dst *Compiled) error {
	var ps []forms.Problem
	for _, from := range sortedKeys(m.Mapping) {
		to, path := m.Mapping[from], "/mapping/"+pointerEscape(from)
		switch {
		case forms.CheckKey(from, false) != "":
			ps = append(ps, forms.Problem{Path: path, Code: forms.CodeInvalidKey, Message: fmt.Sprintf("%q is not a node id", from)})
		case dst.nodes[to] == nil:
			ps = append(ps, forms.Problem{Path: path, Code: CodeUnknownNode,
				Message: fmt.Sprintf("version %d of flow %s has no node %q to map %q to", dst.Version, dst.Flow.Key, to, from)})
		}
	}
	if len(ps) > 0 {
		return &forms.ProblemList{Subject: "migration", Problems: ps}
	}
	return nil
}

// planInstance reads instance id (locking it unless this is a dry run) and
// plans its move to dst. index is its place in the request; sources caches
// the versions instances run on.
func (r *Runtime) planInstance(ctx context.Context, m *Migration, dst *Compiled, id int64, index int, sources map[int]*Compiled) (*plan, error) {
	pl := &plan{m: m, dst: dst, moved: map[string]string{}, failed: map[string]bool{}, reissue: map[int]bool{},
		out: InstanceMigration{ID: id, Paths: []PathMove{}, Tasks: []TaskMove{}, Problems: []forms.Problem{}}}
	read := r.db.LockFlowInstance
	if m.DryRun {
		read = r.db.FlowInstance
	}
	inst, err := read(ctx, id)
	if errors.Is(err, store.ErrNotFound) || (err == nil && inst.FlowKey != m.Flow) {
		pl.refuse(index, CodeUnknownInstance, "flow %s has no instance %d", m.Flow, id)
		return pl, nil
	}
	if err != nil {
		return nil, err
	}
	pl.inst, pl.out.FromVersion = inst, inst.FlowVersion
	switch {
	case inst.EndedAt != nil:
		pl.refuse(index, CodeInstanceEnded, "instance %d has already ended (%s); only running instances move", id, inst.State)
		return pl, nil
	case inst.FlowVersion >= dst.Version:
		pl.refuse(index, CodeMigrateVersion, "instance %d runs on version %d; it can only move to a newer version", id, inst.FlowVersion)
		return pl, nil
	case inst.FormKey != dst.Flow.Form:
		pl.refuse(index, CodeMigrateVersion, "version %d of flow %s runs on %s records, but instance %d runs on a %s record",
			dst.Version, m.Flow, dst.Flow.Form, id, inst.FormKey)
		return pl, nil
	}
	if pl.src = sources[inst.FlowVersion]; pl.src == nil {
		if pl.src, err = r.deps.Versions.FlowVersion(ctx, inst.FlowKey, inst.FlowVersion); err != nil {
			return nil, err
		}
		sources[inst.FlowVersion] = pl.src
	}
	if pl.data, err = decodeRunData(inst.Data); err != nil {
		return nil, err
	}
	if pl.tasks, err = r.db.FlowTasksOf(ctx, id); err != nil {
		return nil, err
	}
	pl.planPaths()
	pl.planTasks()
	return pl, nil
}

// refuse reports that the instance at index cannot move at all.
func (pl *plan) refuse(index int, code, format string, args ...any) {
	pl.out.Problems = append(pl.out.Problems, forms.Problem{Path: fmt.Sprintf("/instances/%d", index), Code: code, Message: fmt.Sprintf(format, args...)})
}

// fail reports, once per node, that node cannot go where it would.
func (pl *plan) fail(node, code, format string, args ...any) {
	if pl.failed[node] {
		return
	}
	pl.failed[node] = true
	pl.out.Problems = append(pl.out.Problems, forms.Problem{Path: "/mapping/" + pointerEscape(node), Code: code,
		Message: fmt.Sprintf("instance %d ", pl.inst.ID) + fmt.Sprintf(format, args...)})
}

// target is where node goes in dst: the node the mapping names, else the
// node with the same id; either must have the type node has now.
func (pl *plan) target(node string) (string, bool) {
	if to, ok := pl.moved[node]; ok {
		return to, true
	}
	if pl.failed[node] {
		return "", false
	}
	to, explicit := pl.m.Mapping[node]
	if !explicit {
		to = node
	}
	have, want := pl.src.nodes[node], pl.dst.nodes[to]
	v := pl.dst.Version
	switch {
	case want == nil && have == nil:
		pl.fail(node, CodeUnmappedNode, "stands at %q, which neither its version nor version %d has; map %q to a node of version %d", node, v, node, v)
	case want == nil:
		pl.fail(node, CodeUnmappedNode, "stands at %q (%s), which version %d does not have; map %q to %s node of version %d",
			node, have.Type, v, node, article(have.Type), v)
	case have != nil && want.Type != have.Type && explicit:
		pl.fail(node, CodeIncompatibleNode, "stands at %q (%s), but %q of version %d is %s node; map %q to %s node",
			node, have.Type, to, v, article(want.Type), node, article(have.Type))
	case have != nil && want.Type != have.Type:
		pl.fail(node, CodeUnmappedNode, "stands at %q (%s), but in version %d %q is %s node; map %q to %s node of version %d",
			node, have.Type, v, node, article(want.Type), node, article(have.Type), v)
	default:
		pl.moved[node] = to
		return to, true
	}
	return "", false
}

// planPaths finds where each path goes, keeping the paths of a split on the
// paths of the split it maps to.
func (pl *plan) planPaths() {
	for _, p := range pl.data.Paths {
		to, ok := pl.target(p.Node)
		if !ok {
			continue
		}
		if p.Parent != 0 && !pl.staysInSplit(p, to) {
			continue
		}
		if p.State == PathForked {
			pl.checkArity(p, to)
		}
		pl.out.Paths = append(pl.out.Paths, PathMove{From: p.Node, To: to, State: p.State, Retry: p.State == PathStuck})
	}
}

// staysInSplit checks that p, one of the paths of a split, lands on the
// paths of the split that one maps to, or, waiting at the join, on the join
// that closes it.
func (pl *plan) staysInSplit(p *path, to string) bool {
	split, ok := pl.target(p.Split)
	if !ok {
		return false
	}
	join, v := pl.dst.JoinOf(split), pl.dst.Version
	if p.State == PathArrived {
		if to != join {
			pl.fail(p.Node, CodeIncompatibleNode, "has a parallel path waiting at join %q of split %q; in version %d the paths of split %q meet at join %q, so map %q to %q",
				p.Node, p.Split, v, split, join, p.Node, join)
			return false
		}
		return true
	}
	if !pl.dst.inRegion(split, to) {
		pl.fail(p.Node, CodeIncompatibleNode, "has a path of split %q at %q; in version %d %q is not on the parallel paths of split %q, so it would never reach their join %q",
			p.Split, p.Node, v, to, split, join)
		return false
	}
	return true
}

// checkArity checks that the join of split to does not wait for more paths
// than forked path p has under way.
func (pl *plan) checkArity(p *path, to string) {
	join := pl.dst.nodes[pl.dst.JoinOf(to)]
	n := len(pl.data.children(p.ID))
	if join != nil && join.Join == JoinN && join.N > n {
		pl.fail(p.Node, CodeIncompatibleNode, "has %d paths of split %q under way, but in version %d their join %q waits for %d",
			n, p.Node, pl.dst.Version, join.ID, join.N)
	}
}

// planTasks decides for each open task whether it stays open at its new
// node or its node is entered again.
func (pl *plan) planTasks() {
	for _, task := range pl.tasks {
		if task.State != store.TaskPending && task.State != store.TaskQueued {
			continue
		}
		to, ok := pl.target(task.NodeID)
		if !ok {
			continue
		}
		if n := pl.dst.nodes[to]; n.Type != TypeApproval {
			pl.fail(task.NodeID, CodeIncompatibleNode, "has task %d open at %q; an open task must land on an approval node, and %q of version %d is %s node",
				task.ID, task.NodeID, to, pl.dst.Version, article(n.Type))
			continue
		}
		outcome := TaskKept
		p := pl.data.path(task.PathID)
		if p != nil && p.State == PathPending && p.Activation == task.Activation && pl.asksDifferently(task.NodeID, to) {
			outcome = TaskReissued
			pl.reissue[p.ID] = true
		}
		pl.out.Tasks = append(pl.out.Tasks, TaskMove{ID: task.ID, From: task.NodeID, To: to, AssigneeID: task.AssigneeID, Outcome: outcome})
	}
}

// asksDifferently reports whether approval node to of the target version
// asks other people, or asks them differently, than node from does now.
func (pl *plan) asksDifferently(from, to string) bool {
	a, b := pl.src.nodes[from], pl.dst.nodes[to]
	if a == nil || a.Approval == nil || b.Approval == nil {
		return true
	}
	return askKey(a.Approval) != askKey(b.Approval)
}

func askKey(a *Approval) string {
	b, _ := json.Marshal(struct {
		Mode      string
		Threshold int
		Assignees []Assignee
	}{a.Mode, a.Threshold, a.Assignees})
	return string(b)
}

// article puts "a" or "an" before a node type.
func article(nodeType string) string {
	if nodeType != "" && strings.ContainsRune("aeiou", rune(nodeType[0])) {
		return "an " + nodeType
	}
	return "a " + nodeType
}
