package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/rbac"
	"github.com/mosaic-lowcode/mosaic/store"
)

// DefaultReplayLimit is how many records a replay runs over when the
// request does not say.
const DefaultReplayLimit = 500

// replayPage is how many records a replay reads per list query.
const replayPage = 500

// ReplayQuery picks the records a replay runs over: the newest Limit records
// of the flow's form that match Filter, a list filter as the records API
// takes it (`created_at >= date("2026-07-01") && region == "east"`).
type ReplayQuery struct {
	Filter string
	// Limit is 1 to flows.MaxReplayRecords; 0 is DefaultReplayLimit.
	Limit int
}

// Replay is a replay's report with the records it ran over: Matched is how
// many records the filter matched, more than Records when Limit cut the
// list.
type Replay struct {
	*flows.ReplayReport
	DraftVersion int    `json:"draft_version"`
	Filter       string `json:"filter"`
	Limit        int    `json:"limit"`
	Matched      int64  `json:"matched"`
}

// ReplayDraft runs the draft of flow key over stored records and reports,
// against the published version, which records would route differently and
// how the load on each node and approver would move. It writes nothing.
// Only those who may manage the flow's definition may replay it; the
// records are read with p's read access, so the filter names only fields p
// may read and rows outside p's scope are left out.
//
// Example:
//
//	rep, err := e.ReplayDraft(ctx, p, "order_approval", ReplayQuery{Filter: `created_at >= date("2026-07-01")`, Limit: 2000})
func (e *Engine) ReplayDraft(ctx context.Context, p *Principal, key string, q ReplayQuery) (*Replay, error) {
	if err := e.RequireManage(p, KindFlow, key); err != nil {
		return nil, err
	}
	if q.Limit == 0 {
		q.Limit = DefaultReplayLimit
	}
	if q.Limit < 1 || q.Limit > flows.MaxReplayRecords {
		return nil, invalid("/limit", fmt.Sprintf("limit must be 1 to %d records", flows.MaxReplayRecords))
	}
	published, draft, err := e.replayVersions(ctx, key)
	if err != nil {
		return nil, err
	}
	recs, matched, err := e.replayRecords(ctx, p, published.Form, q)
	if err != nil {
		return nil, err
	}
	cases, err := e.replayCases(ctx, recs)
	if err != nil {
		return nil, err
	}
	rep, err := flows.Replay(published, draft, cases, newDryRunResolver(ctx, e))
	if err != nil {
		return nil, err
	}
	if err := e.nameApprovers(ctx, rep.Approvers); err != nil {
		return nil, err
	}
	return &Replay{ReplayReport: rep, DraftVersion: draft.Version, Filter: q.Filter, Limit: q.Limit, Matched: matched}, nil
}

// replayVersions are the published version of flow key and its draft, both
// compiled against the live forms and bound to the same form.
func (e *Engine) replayVersions(ctx context.Context, key string) (published, draft *flows.Compiled, err error) {
	d, derr := e.db.DraftOf(ctx, KindFlow, key)
	if derr != nil && !errors.Is(derr, store.ErrNotFound) {
		return nil, nil, derr
	}
	live, ok := e.Snapshot().Flow(key)
	switch {
	case !ok && derr != nil:
		return nil, nil, fmt.Errorf("%w: there is no flow %q", store.ErrNotFound, key)
	case !ok:
		return nil, nil, fmt.Errorf("%w: flow %s has never been published, so there is nothing to compare its draft with; publish a first version, then replay the changes to it",
			store.ErrConflict, key)
	case derr != nil:
		return nil, nil, fmt.Errorf("%w: flow %s has no draft to replay; save the changed flow as a draft first", store.ErrNotFound, key)
	}
	if published, err = e.currentFlow(ctx, live); err != nil {
		return nil, nil, err
	}
	checked, err := e.Check([]byte(d.Body), e.nextVersion(ctx, KindFlow, key), e.Snapshot())
	if err != nil {
		return nil, nil, err
	}
	if checked.Flow == nil {
		return nil, nil, fmt.Errorf("%w: the draft of flow %s is not a flow definition", store.ErrConflict, key)
	}
	if form := checked.Flow.Flow.Form; form != published.Flow.Form {
		return nil, nil, &forms.ProblemList{Subject: "flow/" + key, Problems: []forms.Problem{{Path: "/form", Code: "validation_invalid_value",
			Message: fmt.Sprintf("the draft is bound to %s records and the published version to %s records; a replay runs both over the same records, so bind the draft to %s",
				form, published.Flow.Form, published.Flow.Form)}}}
	}
	return published, checked.Flow, nil
}

// replayRecords reads the newest q.Limit records of f matching q.Filter as
// p may read them, and how many match in all.
//
// note: pages are read one after another outside a transaction, so a record
// created meanwhile can shift a page and be replayed twice or not at all;
// a replay is an estimate of load, and a long read transaction would hold
// SQLite's only connection.
func (e *Engine) replayRecords(ctx context.Context, p *Principal, f *forms.Compiled, q ReplayQuery) ([]forms.Record, int64, error) {
	acc, err := e.AccessFor(p, f, rbac.ActRead)
	if err != nil {
		return nil, 0, err
	}
	per := min(q.Limit, replayPage)
	var out []forms.Record
	var matched int64
	for page := 1; len(out) < q.Limit; page++ {
		res, err := e.records.List(ctx, f, forms.ListQuery{Filter: q.Filter, Page: page, PerPage: per,
			SkipTotal: page > 1, Actor: p.Actor(), Access: acc})
		if err != nil {
			return nil, 0, err
		}
		if page == 1 {
			matched = res.Total
		}
		out = append(out, res.Items...)
		if len(res.Items) < per {
			break
		}
	}
	if len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, matched, nil
}

// replayCases pairs every record with its creator as the submitter, which
// is who submits a record in the common case; the runtime would use whoever
// pressed submit.
func (e *Engine) replayCases(ctx context.Context, recs []forms.Record) ([]flows.ReplayCase, error) {
	var ids []int64
	for _, r := range recs {
		if id, ok := r["created_by"].(int64); ok && id > 0 {
			ids = append(ids, id)
		}
	}
	us, err := e.db.UsersByID(ctx, ids)
	if err != nil {
		return nil, err
	}
	actors := make(map[int64]forms.Actor, len(us))
	for _, u := range us {
		actors[u.ID] = Principal{User: u}.Actor()
	}
	out := make([]flows.ReplayCase, len(recs))
	for i, r := range recs {
		id, _ := r["created_by"].(int64)
		a, ok := actors[id]
		if !ok {
			a = forms.Actor{ID: id}
		}
		out[i] = flows.ReplayCase{Record: r, Submitter: a}
	}
	return out, nil
}

// nameApprovers fills in the names and e-mails of the approvers.
func (e *Engine) nameApprovers(ctx context.Context, list []flows.ApproverLoad) error {
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.UserID
	}
	us, err := e.users(ctx, ids)
	if err != nil {
		return err
	}
	for i := range list {
		if u, ok := us[list[i].UserID]; ok {
			list[i].Name, list[i].Email = u.Name, u.Email
		}
	}
	return nil
}

// dryRunResolver answers a dry run's assignee questions from the engine's
// directory. It remembers the users found by e-mail, which cost a query
// each, so a replay over thousands of records asks once per address.
type dryRunResolver struct {
	ctx     context.Context
	dir     flowDirectory
	byEmail map[string][]int64
}

func newDryRunResolver(ctx context.Context, e *Engine) *dryRunResolver {
	return &dryRunResolver{ctx: ctx, dir: flowDirectory{e: e, m: e.Access()}, byEmail: map[string][]int64{}}
}

// Users implements flows.Resolver.
func (r *dryRunResolver) Users(a flows.Assignee, _ forms.Record, submitter forms.Actor) ([]int64, error) {
	if a.Type != flows.AssignUser {
		return r.dir.Users(r.ctx, a, submitter)
	}
	if ids, ok := r.byEmail[a.Value]; ok {
		return ids, nil
	}
	ids, err := r.dir.Users(r.ctx, a, submitter)
	if err == nil {
		r.byEmail[a.Value] = ids
	}
	return ids, err
}
