package flows_test

import (
	"context"
	"testing"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
	"github.com/mosaic-lowcode/mosaic/store/storetest"
)

// countingPeople is people that counts the submitter lookups.
type countingPeople struct {
	people
	actors *int
}

func (p countingPeople) Actor(ctx context.Context, id int64) (forms.Actor, error) {
	*p.actors++
	return p.people.Actor(ctx, id)
}

// A decision that only moves on to the next approver reads neither the
// record nor the submitter; one whose next node sets fields reads both,
// once, and sets them on the record as it is.
func TestDecisionReadsTheRecordOnlyWhenItNeedsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *store.DB) {
		ctx := context.Background()
		l := exampleLookup(t)
		f, err := flows.ParseFlow([]byte(`{"kind": "flow", "key": "t", "title": "T", "form": "customer",
			"triggers": [{"on": "submit"}], "nodes": [{"id": "start", "type": "start", "next": "a"},
			{"id": "a", "type": "approval", "approval": {"mode": "single", "assignees": ` + user(1) + `}, "next": "b"},
			{"id": "b", "type": "approval", "approval": {"mode": "single", "assignees": ` + user(2) + `}, "next": "mark"},
			{"id": "mark", "type": "action", "actions": [{"type": "set_fields", "set": {"notes": "\"by \" + string(submitter.id)"}}], "next": "done"},
			{"id": "done", "type": "end"}]}`))
		if err != nil {
			t.Fatal(err)
		}
		cf, err := flows.Compile(f, 1, l, l)
		if err != nil {
			t.Fatalf("compile: %v", err)
		}
		recs := &memRecords{recs: map[int64]forms.Record{}, next: recordIDs.Add(1000)}
		rec, err := recs.Create(ctx, cf.Form, forms.Write{Input: map[string]any{"name": "Acme", "region": "east"}, Actor: forms.Actor{ID: 100}})
		if err != nil {
			t.Fatal(err)
		}
		actors := 0
		rt := flows.NewRuntime(db, flows.Deps{Records: recs, Versions: oneVersion{cf}, Jobs: &jobLog{},
			Directory: countingPeople{people{}, &actors}})
		inst, err := rt.Start(ctx, cf, rec.ID(), forms.Actor{ID: 100}, "submit")
		if err != nil {
			t.Fatal(err)
		}

		recs.gets, actors = 0, 0
		decide(t, rt, open(t, db, inst.ID)["a"], 1, flows.Approve)
		if recs.gets != 0 || actors != 0 {
			t.Errorf("moving on to the next approver read the record %d times and the submitter %d times", recs.gets, actors)
		}
		decide(t, rt, open(t, db, inst.ID)["b"], 2, flows.Approve)
		if recs.gets != 2 || actors != 1 { // note: the record once for the transition, once for its update
			t.Errorf("setting fields read the record %d times and the submitter %d times", recs.gets, actors)
		}
		got, err := recs.Get(ctx, cf.Form, rec.ID())
		if err != nil || got["notes"] != "by 100" || got["flow_status"] != store.FlowApproved {
			t.Errorf("record after the flow: %v %v", got, err)
		}
	})
}
