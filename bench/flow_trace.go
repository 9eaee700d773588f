package main

import (
	"context"
)

// flowTrace lists the statements each side sent for each transition of
// one order: submit, the level-1 decision, the level-2 decision.
type flowTrace struct {
	engine, hand [3][]string
}

// traceFlow takes one order through each side, one request at a time,
// recording the engine's statements from its gorm log (capture) and the
// hand-written side's from its pool's tracer. The client's lookup of the
// next task runs on its own pool and is in neither.
func (f *flowRun) traceFlow(ctx context.Context, capture *sqlCapture) (*flowTrace, error) {
	var out flowTrace
	takes := [2]func() []string{capture.take, f.env.tracer.take}
	f.env.tracer.on.Store(true)
	defer f.env.tracer.on.Store(false)
	dir := f.env.directors
	for i, s := range f.sides {
		into := &out.engine
		if i == 1 {
			into = &out.hand
		}
		take := takes[i]
		take()
		sub, err := f.submit(ctx, f.d, s)
		if err != nil {
			return nil, err
		}
		into[0] = take()
		if _, err := f.decide(ctx, f.d, s, sub.task, dir.sdToken, "running"); err != nil {
			return nil, err
		}
		into[1] = take()
		next, err := f.nextTasks(ctx, s, []int64{sub.inst})
		if err != nil {
			return nil, err
		}
		take()
		if _, err := f.decide(ctx, f.d, s, next[sub.inst], dir.fdToken, "approved"); err != nil {
			return nil, err
		}
		into[2] = take()
	}
	return &out, nil
}
