package engine

import (
	"context"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// JobCounts counts the durable jobs by state (available, scheduled,
// running, retryable, completed, discarded…), for health pages and tests.
func (e *Engine) JobCounts(ctx context.Context) (map[string]int, error) {
	out := map[string]int{}
	params := river.NewJobListParams().First(10000).States(rivertype.JobStateAvailable, rivertype.JobStateScheduled,
		rivertype.JobStateRunning, rivertype.JobStateRetryable, rivertype.JobStatePending)
	res, err := e.jobs.client.JobList(ctx, params)
	if err != nil {
		return nil, err
	}
	for _, j := range res.Jobs {
		out[string(j.State)]++
	}
	return out, nil
}

// RunJobsDueWithin makes every job scheduled within d from now (timers,
// deadlines, retries) due at once, and returns how many. It stands in for
// the passing of time: tests use it, and so can an admin who wants waiting
// timers to fire now.
func (e *Engine) RunJobsDueWithin(ctx context.Context, d time.Duration) (int, error) {
	params := river.NewJobListParams().First(10000).States(rivertype.JobStateScheduled, rivertype.JobStateRetryable)
	res, err := e.jobs.client.JobList(ctx, params)
	if err != nil {
		return 0, err
	}
	limit := time.Now().Add(d)
	n := 0
	for _, j := range res.Jobs {
		if j.ScheduledAt.After(limit) {
			continue
		}
		if _, err := e.jobs.client.JobRetry(ctx, j.ID); err != nil {
			return n, fmt.Errorf("job %d: %w", j.ID, err)
		}
		n++
	}
	return n, nil
}

// WaitForJobs waits until no job is due or running (jobs scheduled for
// later do not count), or until ctx ends.
func (e *Engine) WaitForJobs(ctx context.Context) error {
	for {
		params := river.NewJobListParams().First(1).States(rivertype.JobStateAvailable, rivertype.JobStateRunning, rivertype.JobStatePending)
		res, err := e.jobs.client.JobList(ctx, params)
		if err != nil {
			return err
		}
		if len(res.Jobs) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("jobs still due: %w", ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}
