package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/forms"
	"github.com/mosaic-lowcode/mosaic/store"
)

// maxScheduled bounds the records one firing of a schedule trigger starts
// a flow on; the rest wait for the next firing.
const maxScheduled = 1000

// UpdateRecord updates record id for p and, in the same transaction,
// starts every flow of its form whose update trigger holds for the change
// (the trigger sees the record before, as prev) and checks again the waits
// for a condition of the flows running on the record. A flow already
// running on the record is left to run; it is not an error.
func (e *Engine) UpdateRecord(ctx context.Context, p *Principal, f *forms.Compiled, id, version int64, w forms.Write) (forms.Record, error) {
	starting := e.flowsOn(f, flows.OnUpdate)
	waits := e.waitsOn(f)
	if len(starting) == 0 && !waits {
		return e.records.Update(ctx, f, id, version, w)
	}
	model := e.Access()
	var rec forms.Record
	err := e.db.WithTx(ctx, func(ctx context.Context) error {
		prev, err := e.records.Get(ctx, f, id)
		if err != nil {
			return err
		}
		if rec, err = e.records.Update(ctx, f, id, version, w); err != nil {
			return err
		}
		rt := e.flowRuntime(model)
		started, err := e.startTriggered(ctx, rt, starting, flows.OnUpdate, rec, prev, w.Actor)
		if err != nil {
			return err
		}
		if waits {
			if err := rt.RecordChanged(ctx, f.Form.Key, id); err != nil {
				return err
			}
		}
		if started {
			rec, err = e.records.Get(ctx, f, id)
		}
		return err
	})
	return rec, err
}

// startTriggered starts, on rec, each flow of starting whose trigger of
// kind on holds (prev is the record before an update), and reports whether
// any started. On update, a flow already running on the record is left to
// run; on create none can be.
func (e *Engine) startTriggered(ctx context.Context, rt *flows.Runtime, starting []*flows.Compiled, on string,
	rec, prev forms.Record, actor forms.Actor) (bool, error) {
	started := false
	for _, cf := range starting {
		cf, err := e.currentFlow(ctx, cf)
		if err != nil {
			return false, err
		}
		related, err := e.relatedOf(ctx, cf, rec)
		if err != nil {
			return false, err
		}
		ok, err := cf.Triggered(on, rec, prev, actor, related)
		if err != nil {
			return false, fmt.Errorf("%w: %v", store.ErrInvalid, err)
		}
		if !ok {
			continue
		}
		if on == flows.OnUpdate {
			if _, err := e.db.RunningFlowInstance(ctx, flows.RunningKey(cf.Form.Form.Key, rec.ID(), cf.Flow.Key)); err == nil {
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return false, err
			}
		}
		if _, err := rt.Start(ctx, cf, rec.ID(), actor, on); err != nil {
			return false, err
		}
		started = true
	}
	return started, nil
}

// waitsOn reports whether a live flow of form waits for a condition.
func (e *Engine) waitsOn(f *forms.Compiled) bool {
	for _, cf := range e.Snapshot().Flows() {
		if cf.Flow.Form == f.Form.Key && cf.WaitsOnRecord() {
			return true
		}
	}
	return false
}

// runSchedules starts the flows whose schedule triggers are due at now:
// for each trigger whose cron names a minute since it last fired, one
// transaction claims that minute (so one replica does it) and starts the
// flow on every record its condition holds for, as the record's owner.
func (e *Engine) runSchedules(ctx context.Context, now time.Time) error {
	model := e.Access()
	for _, cf := range e.Snapshot().Flows() {
		for _, i := range cf.Schedules() {
			key := fmt.Sprintf("%s/%d", cf.Flow.Key, i)
			last, err := e.db.ScheduleLastRun(ctx, key)
			if err != nil {
				return err
			}
			due, ok := flows.LastFire(cf.Flow.Triggers[i].Cron, last, now)
			if !ok {
				continue
			}
			err = e.db.WithTx(ctx, func(ctx context.Context) error {
				claimed, err := e.db.ClaimSchedule(ctx, key, last, due)
				if err != nil || !claimed {
					return err
				}
				return e.startScheduled(ctx, e.flowRuntime(model), cf, i)
			})
			if err != nil {
				return fmt.Errorf("schedule %d of flow %s: %w", i, cf.Flow.Key, err)
			}
		}
	}
	return nil
}

// startScheduled starts cf on the records trigger i holds for.
func (e *Engine) startScheduled(ctx context.Context, rt *flows.Runtime, cf *flows.Compiled, i int) error {
	cf, err := e.currentFlow(ctx, cf)
	if err != nil {
		return err
	}
	started := 0
	for page := 1; started < maxScheduled; page++ {
		res, err := e.records.List(ctx, cf.Form, forms.ListQuery{Sort: "id", Page: page, PerPage: 200, SkipTotal: true})
		if err != nil {
			return err
		}
		for _, rec := range res.Items {
			owner, _ := rec["owner"].(int64)
			actor, err := flowDirectory{e: e}.Actor(ctx, owner)
			if err != nil {
				return err
			}
			related, err := e.relatedOf(ctx, cf, rec)
			if err != nil {
				return err
			}
			ok, err := cf.TriggerHolds(i, rec, actor, related)
			if err != nil || !ok {
				continue // note: a condition that fails on one record does not stop the others
			}
			if _, err := e.db.RunningFlowInstance(ctx, flows.RunningKey(cf.Form.Form.Key, rec.ID(), cf.Flow.Key)); err == nil {
				continue
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			if _, err := rt.Start(ctx, cf, rec.ID(), actor, flows.OnSchedule); err != nil {
				return err
			}
			if started++; started >= maxScheduled {
				break
			}
		}
		if len(res.Items) < 200 {
			break
		}
	}
	return nil
}
