package engine

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/mosaic-lowcode/mosaic/flows"
)

// jobWorkers registers one worker per job kind.
func (e *Engine) jobWorkers() *river.Workers {
	w := river.NewWorkers()
	river.AddWorker(w, &flowJob[flows.WakeArgs]{e: e, run: func(ctx context.Context, rt *flows.Runtime, a flows.WakeArgs) error {
		return rt.Wake(ctx, a)
	}})
	river.AddWorker(w, &flowJob[flows.DeadlineArgs]{e: e, run: func(ctx context.Context, rt *flows.Runtime, a flows.DeadlineArgs) error {
		return rt.Deadline(ctx, a)
	}})
	river.AddWorker(w, &flowJob[flows.ResumeArgs]{e: e, run: func(ctx context.Context, rt *flows.Runtime, a flows.ResumeArgs) error {
		return rt.Resume(ctx, a)
	}})
	river.AddWorker(w, &flowJob[flows.ScheduleArgs]{e: e, run: func(ctx context.Context, _ *flows.Runtime, _ flows.ScheduleArgs) error {
		now := time.Now().UTC()
		if err := e.forgetIdempotencyKeys(ctx, now); err != nil {
			return err
		}
		return e.runSchedules(ctx, now)
	}})
	river.AddWorker(w, &webhookWorker{e: e})
	river.AddWorker(w, &emailWorker{e: e})
	river.AddWorker(w, &deliveryWorker{e: e})
	return w
}

// flowJob runs a job's transition and marks the job completed in the same
// transaction: once its effect has committed it is never run again.
type flowJob[T river.JobArgs] struct {
	river.WorkerDefaults[T]
	e   *Engine
	run func(ctx context.Context, rt *flows.Runtime, args T) error
}

func (w *flowJob[T]) Work(ctx context.Context, job *river.Job[T]) error {
	rt := w.e.flowRuntime(w.e.Access()) // note: before the transaction; see flows.go
	return w.e.db.WithTx(ctx, func(ctx context.Context) error {
		if err := w.run(ctx, rt, job.Args); err != nil {
			return err
		}
		return w.e.completeJob(ctx, job)
	})
}

// completeJob marks job completed in the transaction ctx carries.
func (e *Engine) completeJob(ctx context.Context, job any) error {
	tx, _ := e.db.SQLTx(ctx)
	return e.jobs.complete(ctx, tx, job)
}

// retryAfter is the wait before attempt+1 of a delivery: RetryBase doubled
// on every attempt, at most a day.
func (e *Engine) retryAfter(attempt int) time.Time {
	d := e.cfg.Jobs.RetryBase << min(attempt-1, 16)
	return time.Now().Add(min(d, 24*time.Hour))
}
