package engine

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"

	"github.com/mosaic-lowcode/mosaic/flows"
	"github.com/mosaic-lowcode/mosaic/store"
)

// note: the durable jobs of flows — wake-ups, deadlines, subflow ends,
// webhooks, e-mails and the schedule tick — live in River's tables, in the
// engine's own database, and are inserted in the transaction of the
// transition that needs them. A worker runs a job's transition and marks
// the job completed in one transaction, so a job whose effect committed is
// never run again, and one whose process died mid-way runs again (after
// RescueAfter) and finds the work still to do. Every replica may run
// workers; River hands each job to one of them.

// JobsConfig tunes the durable job worker.
type JobsConfig struct {
	// Off runs no worker in this process: jobs are still enqueued, for
	// another replica to run.
	Off bool
	// Workers is how many jobs run at once; zero is 4 (1 on SQLite).
	Workers int
	// Poll is how often an idle worker looks for due jobs; zero is a second.
	Poll time.Duration
	// RescueAfter is how long a job may run before it is taken as lost with
	// its process and run again; zero is 5 minutes.
	RescueAfter time.Duration
	// ConditionPoll is how often a wait for a condition checks it again
	// (it is also checked whenever the record changes); zero is a minute.
	ConditionPoll time.Duration
	// RetryBase is the wait before a failed webhook or e-mail is tried
	// again, doubled on every attempt; zero is 10 seconds.
	RetryBase time.Duration
}

// jobQueue is the engine's River client and what flows enqueue through.
type jobQueue struct {
	e      *Engine
	client *river.Client[*sql.Tx]
	// complete marks a running job completed in the transaction tx, in
	// the driver's terms.
	complete func(ctx context.Context, tx *sql.Tx, job any) error
}

// Attempts of the jobs that reach outside: a webhook or an e-mail is tried
// this often before it is given up (and the timeline says so).
const deliveryAttempts = 8

// subscriptionAttempts is how often a subscription delivery is tried: with
// the doubling wait (a day at most) a receiver may be down for about three
// days and still get every event.
const subscriptionAttempts = 16

func (e *Engine) openJobs(ctx context.Context) error {
	cfg := &e.cfg.Jobs
	if cfg.Workers == 0 {
		cfg.Workers = 4
		if e.db.Dialect() == store.SQLite {
			cfg.Workers = 1
		}
	}
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	if cfg.RescueAfter == 0 {
		cfg.RescueAfter = 5 * time.Minute
	}
	if cfg.ConditionPoll == 0 {
		cfg.ConditionPoll = time.Minute
	}
	if cfg.RetryBase == 0 {
		cfg.RetryBase = 10 * time.Second
	}
	pool, err := e.db.SQLDB()
	if err != nil {
		return err
	}
	q := &jobQueue{e: e}
	rc := &river.Config{
		// note: River reports its own starts and stops at info; the engine's
		// log keeps its warnings and errors.
		Logger:               slog.New(minLevel{e.log.Handler(), slog.LevelWarn}),
		FetchPollInterval:    cfg.Poll,
		FetchCooldown:        min(cfg.Poll, 100*time.Millisecond),
		PollOnly:             true,
		RescueStuckJobsAfter: cfg.RescueAfter,
		JobTimeout:           min(cfg.RescueAfter/2, time.Minute),
		MaxAttempts:          25,
	}
	if !cfg.Off {
		rc.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: cfg.Workers}}
		rc.Workers = e.jobWorkers()
		rc.PeriodicJobs = []*river.PeriodicJob{river.NewPeriodicJob(river.PeriodicInterval(time.Minute),
			func() (river.JobArgs, *river.InsertOpts) { return flows.ScheduleArgs{}, nil },
			&river.PeriodicJobOpts{RunOnStart: true})}
	}
	switch e.db.Dialect() {
	case store.Postgres:
		d := riverdatabasesql.New(pool)
		if err := migrateJobs[*sql.Tx](ctx, d); err != nil {
			return err
		}
		q.client, err = river.NewClient(d, rc)
		q.complete = func(ctx context.Context, tx *sql.Tx, job any) error {
			return completeJob[*riverdatabasesql.Driver](ctx, tx, job)
		}
	default:
		d := riversqlite.New(pool)
		if err := migrateJobs[*sql.Tx](ctx, d); err != nil {
			return err
		}
		q.client, err = river.NewClient(d, rc)
		q.complete = func(ctx context.Context, tx *sql.Tx, job any) error {
			return completeJob[*riversqlite.Driver](ctx, tx, job)
		}
	}
	if err != nil {
		return fmt.Errorf("job queue: %w", err)
	}
	e.jobs = q
	return nil
}

func migrateJobs[TTx any](ctx context.Context, d riverdriver.Driver[TTx]) error {
	m, err := rivermigrate.New(d, nil)
	if err != nil {
		return fmt.Errorf("job queue tables: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("job queue tables: %w", err)
	}
	return nil
}

// minLevel drops records below level.
type minLevel struct {
	slog.Handler
	level slog.Level
}

func (h minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= h.level && h.Handler.Enabled(ctx, l)
}

func (h minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return minLevel{h.Handler.WithAttrs(as), h.level}
}

func (h minLevel) WithGroup(name string) slog.Handler {
	return minLevel{h.Handler.WithGroup(name), h.level}
}

// startJobs starts the workers, unless they are off.
func (e *Engine) startJobs(ctx context.Context) error {
	if e.cfg.Jobs.Off {
		return nil
	}
	return e.jobs.client.Start(ctx)
}

// stopJobs lets running jobs finish (for a while) and stops the workers.
func (e *Engine) stopJobs() {
	if e.cfg.Jobs.Off || e.jobs == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.jobs.client.Stop(ctx); err != nil {
		e.log.Warn("job worker did not stop in time", "error", err)
	}
}

// Enqueue inserts a job in the transaction ctx carries; a zero at is now.
func (q *jobQueue) Enqueue(ctx context.Context, args flows.JobArgs, at time.Time) error {
	tx, ok := q.e.db.SQLTx(ctx)
	if !ok {
		return errors.New("a job must be enqueued inside the transaction of the change that needs it")
	}
	opts := &river.InsertOpts{ScheduledAt: at}
	switch args.(type) {
	case flows.WebhookArgs, flows.EmailArgs:
		opts.MaxAttempts = deliveryAttempts
	case deliveryArgs:
		opts.MaxAttempts = subscriptionAttempts
	}
	_, err := q.client.InsertTx(ctx, tx, args, opts)
	return err
}

// Mail reports whether e-mail copies can be sent.
func (q *jobQueue) Mail() bool { return q.e.cfg.SMTP.Addr != "" }

func completeJob[TDriver riverdriver.Driver[*sql.Tx]](ctx context.Context, tx *sql.Tx, job any) error {
	var err error
	switch j := job.(type) {
	case *river.Job[flows.WakeArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	case *river.Job[flows.DeadlineArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	case *river.Job[flows.ResumeArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	case *river.Job[flows.WebhookArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	case *river.Job[flows.EmailArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	case *river.Job[deliveryArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	case *river.Job[flows.ScheduleArgs]:
		_, err = river.JobCompleteTx[TDriver](ctx, tx, j)
	default:
		err = fmt.Errorf("no completion for job %T", job)
	}
	return err
}
