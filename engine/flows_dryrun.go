package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// DryRunInput is the record a dry run walks a flow on: a stored one, by
// Record, or Values not saved, given as a create would take them.
type DryRunInput struct {
	Record int64
	Values map[string]any
}

// DryRun is what a flow would do on one record if every approval were
// approved, with the people it would involve named.
type DryRun struct {
	Flow    string       `json:"flow"`
	Version int          `json:"version"`
	Steps   []DryRunStep `json:"steps"`
	Outcome string       `json:"outcome,omitempty"`
	Stopped string       `json:"stopped,omitempty"`
	// Draft is set when the run was of the flow's draft; otherwise it was of
	// the published version.
	Draft bool `json:"draft"`
	// Record is the stored record the run was on; 0 for values not saved.
	Record int64 `json:"record,omitempty"`
	// Submitter is who the run took as the submitter: the record's creator,
	// or the caller for values not saved.
	Submitter *UserRef `json:"submitter"`
	// Users names every user the steps name by id: assignees and the
	// recipients of notices.
	Users []UserRef `json:"users"`
}

// DryRunStep is a step of the path with its assignees named.
type DryRunStep struct {
	flows.Step
	AssigneeUsers []UserRef `json:"assignee_users,omitempty"`
}

// DryRunFlow walks flow key — its draft when there is one, else its
// published version — over one record and reports the path, the routing
// conditions and the values that decided them, and who would get each task,
// without writing anything. Only those who may manage the flow's definition
// may run it; a stored record is read with their read access.
//
// Example:
//
//	run, err := e.DryRunFlow(ctx, p, "order_approval", DryRunInput{Record: 42})
func (e *Engine) DryRunFlow(ctx context.Context, p *Principal, key string, in DryRunInput) (*DryRun, error) {
	if err := e.RequireManage(p, KindFlow, key); err != nil {
		return nil, err
	}
	if (in.Record == 0) == (in.Values == nil) {
		return nil, invalid("/record", "give record (the id of a stored record) or values (a record not saved), one of the two")
	}
	cf, draft, err := e.dryRunVersion(ctx, key)
	if err != nil {
		return nil, err
	}
	rec, submitter, err := e.dryRunRecord(ctx, p, cf.Form, in)
	if err != nil {
		return nil, err
	}
	path, err := cf.DryRun(rec, submitter, dryRunReader{dryRunResolver: newDryRunResolver(ctx, e), p: p})
	if err != nil {
		return nil, err
	}
	out := &DryRun{Flow: path.Flow, Version: path.Version, Outcome: path.Outcome, Stopped: path.Stopped,
		Draft: draft, Record: in.Record}
	return out, e.nameDryRun(ctx, out, path, submitter.ID)
}

// dryRunVersion is the draft of flow key compiled against the live forms,
// or else its published version; draft says which.
func (e *Engine) dryRunVersion(ctx context.Context, key string) (*flows.Compiled, bool, error) {
	d, err := e.db.DraftOf(ctx, KindFlow, key)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, false, err
	}
	if err == nil {
		checked, err := e.Check([]byte(d.Body), e.nextVersion(ctx, KindFlow, key), e.Snapshot())
		if err != nil {
			return nil, false, err
		}
		if checked.Flow == nil {
			return nil, false, fmt.Errorf("%w: the draft of flow %s is not a flow definition", store.ErrConflict, key)
		}
		return checked.Flow, true, nil
	}
	live, ok := e.Snapshot().Flow(key)
	if !ok {
		return nil, false, fmt.Errorf("%w: there is no flow %q, published or draft", store.ErrNotFound, key)
	}
	cf, err := e.currentFlow(ctx, live)
	return cf, false, err
}

// dryRunRecord is the record of f a dry run walks on, and its submitter.
func (e *Engine) dryRunRecord(ctx context.Context, p *Principal, f *forms.Compiled, in DryRunInput) (forms.Record, forms.Actor, error) {
	if in.Values != nil {
		// note: trusted, so the admin may try read-only fields (a status)
		// too; formulas and defaults are computed as on a create.
		rec, err := f.Validate(forms.Write{Input: in.Values, Actor: p.Actor(), Trusted: true})
		if pl, ok := forms.AsProblems(err); ok {
			for i := range pl.Problems {
				pl.Problems[i].Path = "/values" + pl.Problems[i].Path
			}
		}
		return rec, p.Actor(), err
	}
	acc, err := e.AccessFor(p, f, rbac.ActRead)
	if err != nil {
		return nil, forms.Actor{}, err
	}
	rec, err := e.records.GetAs(ctx, f, in.Record, acc)
	if err != nil {
		return nil, forms.Actor{}, err
	}
	cases, err := e.replayCases(ctx, []forms.Record{rec})
	if err != nil {
		return nil, forms.Actor{}, err
	}
	return rec, cases[0].Submitter, nil
}

// nameDryRun copies path's steps into out with the users they name.
func (e *Engine) nameDryRun(ctx context.Context, out *DryRun, path *flows.Path, submitter int64) error {
	ids := []int64{submitter}
	for _, s := range path.Steps {
		ids = append(ids, s.Assignees...)
		for _, eff := range s.Effects {
			ids = append(ids, eff.To...)
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	us, err := e.users(ctx, ids)
	if err != nil {
		return err
	}
	named := func(list []int64) []UserRef {
		var refs []UserRef
		for _, id := range list {
			if u, ok := us[id]; ok {
				refs = append(refs, *u)
			}
		}
		return refs
	}
	out.Steps = make([]DryRunStep, len(path.Steps))
	for i, s := range path.Steps {
		out.Steps[i] = DryRunStep{Step: s, AssigneeUsers: named(s.Assignees)}
	}
	out.Submitter = us[submitter]
	out.Users = []UserRef{}
	for _, id := range ids {
		if u, ok := us[id]; ok {
			out.Users = append(out.Users, *u)
		}
	}
	return nil
}

// dryRunReader is a dry run's resolver that also reads the records an
// update_record action reads (target.x), with p's read access.
type dryRunReader struct {
	*dryRunResolver
	p *Principal
}

// Record implements flows.RecordReader.
func (r dryRunReader) Record(c *forms.Compiled, id int64) (forms.Record, error) {
	e := r.dir.e
	acc, err := e.AccessFor(r.p, c, rbac.ActRead)
	if errors.Is(err, store.ErrForbidden) {
		return nil, fmt.Errorf("%w: you may not read %s records, so %s #%d cannot be shown", store.ErrNotFound, c.Form.Key, c.Form.Key, id)
	}
	if err != nil {
		return nil, err
	}
	return e.records.GetAs(r.ctx, c, id, acc)
}
