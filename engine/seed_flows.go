package engine

import (
	"context"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// seedFlowSteps bounds the decisions of one seeded instance, so that a
// plan whose decisions loop (return, resubmit) still ends.
const seedFlowSteps = 40

// runFlows starts the entry's flows on the records just written and
// decides their tasks as the plan says, through the flow runtime as an
// approver would: one record at a time, each decision its own transaction.
func (r *seedRun) runFlows(ctx context.Context, at string, f *SeedForm, recs []*seedRec) error {
	if len(f.Flows) == 0 {
		return nil
	}
	if r.flowsRun == nil {
		r.flowsRun = map[string]int{}
	}
	c := r.compiled[f.Form]
	rt := r.e.flowRuntime(r.e.Access())
	for fi, fl := range f.Flows {
		p := fmt.Sprintf("%s/flows/%d", at, fi)
		limit, err := r.evalInt(p+"/limit", seedFrame{})
		if err != nil {
			return err
		}
		cf, err := r.e.LiveFlow(ctx, c, fl.Flow)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		for _, rec := range recs {
			if r.flowsRun[p] >= limit {
				break
			}
			fr := seedFrame{this: rec.this, at: rec.bulk.At}
			ok, err := r.eval(p+"/when", fr)
			if err != nil {
				return err
			}
			if ok != true {
				continue
			}
			id, _ := seedInt(rec.this["id"])
			inst, err := rt.Start(ctx, cf, id, rec.bulk.Actor, flows.OnSubmit)
			if err != nil {
				return fmt.Errorf("%s: start %s on %s %d: %w", p, fl.Flow, f.Form, id, err)
			}
			r.flowsRun[p]++
			if err := r.decideAll(ctx, p, rt, inst.ID, fr); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *seedRun) decideAll(ctx context.Context, p string, rt *flows.Runtime, inst int64, fr seedFrame) error {
	for range seedFlowSteps {
		tasks, err := r.e.db.FlowTasksOf(ctx, inst)
		if err != nil {
			return err
		}
		decided := false
		for _, t := range tasks {
			if t.State != store.TaskPending {
				continue
			}
			d, err := r.eval(p+"/decide", fr)
			if err != nil {
				return err
			}
			decision, _ := d.(string)
			if decision == "" {
				// note: no decision leaves the task waiting in the inbox.
				return nil
			}
			actor, err := (flowDirectory{e: r.e, m: r.e.Access()}).Actor(ctx, t.AssigneeID)
			if err != nil {
				return fmt.Errorf("%s: the assignee of task %d: %w", p, t.ID, err)
			}
			if _, err := rt.Decide(ctx, flows.Decision{TaskID: t.ID, Actor: actor, Admin: true, Decision: decision,
				Comment: "seeded"}); err != nil {
				return fmt.Errorf("%s: decide task %d: %w", p, t.ID, err)
			}
			// note: one decision may close the others (a countersign
			// rejected), so the tasks are read again after each.
			decided = true
			break
		}
		if !decided {
			return nil
		}
	}
	return nil
}
