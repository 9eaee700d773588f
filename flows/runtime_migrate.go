package flows

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: what a migration does, and why.
//
//   - All or nothing. Every instance named is locked and checked; when any
//     of them cannot move, nothing moves and every problem is reported at
//     once (the dry run reports the same thing per instance, without
//     writing). An admin moving twenty orders wants either a clear list of
//     what to fix or all twenty moved, not a half-moved batch to untangle.
//   - Where an instance stands: its paths (at approvals, waits, joins, the
//     split whose paths are under way, or stuck) and its open tasks. Each
//     such node goes where the mapping says, or else to the node with the
//     same id, which must have the same type in the new version. A path of a
//     split must stay on the paths of the split it maps to, and a path
//     waiting at a join must land on the join that closes that split.
//   - Open tasks stay open with their assignees when the target node asks
//     the same people in the same way (mode, threshold, assignees). When
//     the new version changed that, the open tasks of that entry are
//     cancelled and the node is entered again, so its tasks come from the new
//     definition; approvals already given in that entry count no more. A
//     stuck path is run again from its new node on the new version.
//   - Decided, cancelled and cc tasks are history and keep the node they
//     were at. A decision recorded for a node the mapping renames is also
//     kept under the new id, for decisions.<id> in the new version.
//   - Waiting paths keep their state; the job worker runs them on from the
//     node they were mapped to.

// StepMigrated is the timeline step of an instance an admin moved to
// another version of its flow.
const StepMigrated = "migrated"

// Problem codes of a migration.
const (
	// CodeUnknownInstance means an instance named does not exist or runs
	// another flow.
	CodeUnknownInstance = "flow_unknown_instance"
	// CodeInstanceEnded means an instance named has already ended.
	CodeInstanceEnded = "flow_instance_ended"
	// CodeMigrateVersion means the target version does not exist, is not
	// newer than an instance's, or is bound to another form.
	CodeMigrateVersion = "flow_migrate_version"
	// CodeUnmappedNode means an instance stands at a node the mapping does
	// not name and the target version has no node of that id and type.
	CodeUnmappedNode = "flow_unmapped_node"
	// CodeIncompatibleNode means the mapping sends a node where the instance
	// cannot stand: a node of another type, off its split's paths, or a join
	// that does not close its split.
	CodeIncompatibleNode = "flow_incompatible_node"
)

// MaxMigrate bounds the instances one migration moves.
const MaxMigrate = 500

// Task outcomes of a migration.
const (
	// TaskKept: the task stays open with its assignee, at its new node.
	TaskKept = "kept"
	// TaskReissued: the task is cancelled and its node entered again, so its
	// tasks come from the new version's assignees.
	TaskReissued = "reissued"
)

// Migration asks to move running instances of a flow to another of its
// published versions.
type Migration struct {
	Flow      string
	Instances []int64
	ToVersion int
	// Mapping sends a node of an instance's version to a node of the target
	// version; a node it does not name goes to the node with the same id.
	Mapping map[string]string
	Admin   forms.Actor
	Comment string
	// DryRun reports what would move, writing nothing.
	DryRun bool
}

// MigrationReport says what a migration moved, or in a dry run what it
// would move and what stops it.
type MigrationReport struct {
	Flow      string `json:"flow"`
	ToVersion int    `json:"to_version"`
	DryRun    bool   `json:"dry_run"`
	// Ready is false when some instance cannot move; nothing moves then.
	Ready     bool                `json:"ready"`
	Instances []InstanceMigration `json:"instances"`
}

// InstanceMigration is what a migration does to one instance.
type InstanceMigration struct {
	ID          int64           `json:"id"`
	FromVersion int             `json:"from_version"`
	Paths       []PathMove      `json:"paths"`
	Tasks       []TaskMove      `json:"tasks"`
	Problems    []forms.Problem `json:"problems"`
}

// PathMove is one place an instance stands and where it goes.
type PathMove struct {
	From  string `json:"from"`
	To    string `json:"to"`
	State string `json:"state"`
	// Retry is set for a stuck path, which runs again from To.
	Retry bool `json:"retry,omitempty"`
}

// TaskMove is one open task and what becomes of it (TaskKept or
// TaskReissued).
type TaskMove struct {
	ID         int64  `json:"id"`
	From       string `json:"from"`
	To         string `json:"to"`
	AssigneeID int64  `json:"assignee_id"`
	Outcome    string `json:"outcome"`
}

// Migrate moves the running instances m names to version m.ToVersion of
// their flow, or with m.DryRun reports what it would do. Mistakes in the
// request, and instances that cannot move (ended, unknown, standing where
// the mapping leads nowhere), are a *forms.ProblemList naming /instances/<i>
// or /mapping/<node>; in a dry run the instances' problems are in the
// report instead. Everything moves in one transaction, or nothing does.
func (r *Runtime) Migrate(ctx context.Context, m Migration) (*MigrationReport, error) {
	if err := checkMigration(&m); err != nil {
		return nil, err
	}
	dst, err := r.deps.Versions.FlowVersion(ctx, m.Flow, m.ToVersion)
	if errors.Is(err, store.ErrNotFound) {
		return nil, migrationProblem("/to_version", CodeMigrateVersion, "flow %s has no published version %d", m.Flow, m.ToVersion)
	}
	if err != nil {
		return nil, err
	}
	if err := checkMapping(&m, dst); err != nil {
		return nil, err
	}
	rep := &MigrationReport{Flow: m.Flow, ToVersion: dst.Version, DryRun: m.DryRun, Ready: true}
	run := func(ctx context.Context) error {
		plans, err := r.planAll(ctx, &m, dst)
		if err != nil {
			return err
		}
		var problems []forms.Problem
		for _, pl := range plans {
			rep.Instances = append(rep.Instances, pl.out)
			problems = append(problems, pl.out.Problems...)
		}
		rep.Ready = len(problems) == 0
		switch {
		case m.DryRun:
			return nil
		case !rep.Ready:
			return &forms.ProblemList{Subject: "migration", Problems: problems}
		}
		for _, pl := range plans {
			if err := r.apply(ctx, &m, pl); err != nil {
				return err
			}
		}
		return nil
	}
	if m.DryRun {
		err = run(ctx)
	} else {
		err = r.db.WithTx(ctx, run)
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// planAll plans every instance of m: in a real run under their locks, taken
// in id order so two migrations never wait on each other crosswise. Plans
// come back in the order m names the instances.
func (r *Runtime) planAll(ctx context.Context, m *Migration, dst *Compiled) ([]*plan, error) {
	index := make(map[int64]int, len(m.Instances))
	for i, id := range m.Instances {
		index[id] = i
	}
	ids := slices.Clone(m.Instances)
	slices.Sort(ids)
	sources := map[int]*Compiled{}
	plans := make([]*plan, len(ids))
	for _, id := range ids {
		pl, err := r.planInstance(ctx, m, dst, id, index[id], sources)
		if err != nil {
			return nil, err
		}
		plans[index[id]] = pl
	}
	return plans, nil
}

// apply moves one instance as pl says, as one transition: the instance is
// repinned, its paths and open tasks moved, reissued nodes entered again,
// stuck paths run again, and the timeline and audit log say so.
func (r *Runtime) apply(ctx context.Context, m *Migration, pl *plan) error {
	inst := pl.inst
	rec, err := r.deps.Records.Get(ctx, pl.dst.Form, inst.RecordID)
	if err != nil {
		return err
	}
	submitter, err := r.deps.Directory.Actor(ctx, inst.SubmitterID)
	if err != nil {
		return err
	}
	t := r.newTransition(ctx, pl.dst, inst, rec, m.Admin, submitter)
	t.data = pl.data
	if err := t.loadTasks(); err != nil {
		return err
	}
	from := inst.FlowVersion
	inst.FlowVersion = pl.dst.Version
	if err := r.db.SetFlowInstanceVersion(ctx, inst.ID, inst.FlowVersion); err != nil {
		return err
	}
	pl.movePaths(m.Mapping)
	kept, reissued, err := t.moveTasks(pl)
	if err != nil {
		return err
	}
	data := map[string]any{"from_version": from, "to_version": inst.FlowVersion, "mapping": pl.moved}
	if len(kept) > 0 {
		data["tasks_kept"] = kept
	}
	if len(reissued) > 0 {
		data["tasks_reissued"] = reissued
	}
	t.step("", StepMigrated, 0, m.Comment, data)
	t.restart(pl)
	if err := t.drain(); err != nil {
		return err
	}
	summary := fmt.Sprintf("moved flow %s on %s #%d from version %d to %d", inst.FlowKey, inst.FormKey, inst.RecordID, from, inst.FlowVersion)
	return t.finish("flow.migrate", summary, map[string]any{"from_version": from, "to_version": inst.FlowVersion, "mapping": pl.moved})
}

// movePaths sends every path, and the split it belongs to, to its new
// node, and keeps the decisions of renamed nodes under their new ids.
func (pl *plan) movePaths(mapping map[string]string) {
	for _, p := range pl.data.Paths {
		if p.Parent != 0 {
			p.Split = pl.moved[p.Split]
		}
		p.Node = pl.moved[p.Node]
		// note: approvals waiting to be asked again after a return go where
		// the mapping says, else keep their id; one the new version lacks is
		// dropped, and the flow runs on from where the path now is.
		back := p.Back[:0]
		for _, b := range p.Back {
			if to, ok := mapping[b]; ok {
				b = to
			}
			if n, ok := pl.dst.nodes[b]; ok && n.Type == TypeApproval {
				back = append(back, b)
			}
		}
		p.Back = back
	}
	for from, to := range mapping {
		if d, ok := pl.data.Decisions[from]; ok && to != from {
			if _, has := pl.data.Decisions[to]; !has {
				pl.data.Decisions[to] = d
			}
		}
	}
}

// moveTasks moves the kept open tasks to their new nodes and cancels the
// reissued ones, returning the ids of each.
func (t *transition) moveTasks(pl *plan) (kept, reissued []int64, err error) {
	byNode := map[string][]int64{}
	for _, mv := range pl.out.Tasks {
		if mv.Outcome == TaskKept {
			kept = append(kept, mv.ID)
			if mv.To != mv.From {
				byNode[mv.To] = append(byNode[mv.To], mv.ID)
			}
		}
	}
	for _, node := range sortedKeys(byNode) {
		if _, err := t.r.db.MoveFlowTasks(t.ctx, byNode[node], node); err != nil {
			return nil, nil, err
		}
	}
	for _, task := range t.tasks {
		for node, ids := range byNode {
			if slices.Contains(ids, task.ID) {
				task.NodeID, task.Version = node, task.Version+1
			}
		}
	}
	reissued, err = t.closeTasks(func(task *store.FlowTask) bool {
		p := pl.data.path(task.PathID)
		return p != nil && pl.reissue[p.ID] && task.Activation == p.Activation
	})
	return kept, reissued, err
}

// restart sets the reissued and stuck paths running again from their new
// nodes.
func (t *transition) restart(pl *plan) {
	for _, p := range t.data.Paths {
		if pl.reissue[p.ID] || p.State == PathStuck {
			p.State, p.Reason, p.Activation, p.Need = PathRunning, "", 0, 0
			t.queue = append(t.queue, p.ID)
		}
	}
}

func migrationProblem(path, code, format string, args ...any) error {
	return &forms.ProblemList{Subject: "migration", Problems: []forms.Problem{{Path: path, Code: code, Message: fmt.Sprintf(format, args...)}}}
}
