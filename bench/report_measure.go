package main

import (
	"context"
	"fmt"
	"log"
	"time"
)

// reportRun is one report measured on both sides.
type reportRun struct {
	name, key    string
	engine, hand stats
	rows         int // the engine's detail rows
	mismatches   []string
}

// p50Ratio is the engine's p50 over the hand-written one's.
func (r reportRun) p50Ratio() float64 { return float64(r.engine.p50) / float64(r.hand.p50) }

// p99Ratio is the engine's p99 over the hand-written one's.
func (r reportRun) p99Ratio() float64 { return float64(r.engine.p99) / float64(r.hand.p99) }

// timedPair is two sides of one piece of work, each run once per call.
type timedPair struct {
	engine, hand func(ctx context.Context) error
}

// timing is how many times each side of a report runs.
type timing struct {
	rounds, runs int           // alternating rounds, and runs per side in each
	budget       time.Duration // the time one side's runs may take, roughly
}

// runsFor sizes the rounds to the budget, given how long one run took: the
// rounds and runs asked for, fewer for a slow report, but at least three
// runs a side.
func (t timing) runsFor(took time.Duration) (rounds, runs int) {
	total := t.rounds * t.runs
	if took > 0 && t.budget > 0 {
		total = max(3, min(total, int(t.budget/took)))
	}
	rounds = min(t.rounds, total)
	return rounds, (total + rounds - 1) / rounds
}

// measurePair times both sides in alternating rounds of runs runs each, one
// at a time, the side going first swapping every round.
func measurePair(ctx context.Context, p timedPair, rounds, runs int) (engine, hand stats, err error) {
	var e, h sideRun
	sides := []struct {
		fn  func(ctx context.Context) error
		acc *sideRun
	}{{p.engine, &e}, {p.hand, &h}}
	for r := range rounds {
		order := []int{0, 1}
		if r%2 == 1 {
			order = []int{1, 0}
		}
		for _, i := range order {
			s := sides[i]
			res, err := runWorkers(ctx, 1, runs, func(int) error { return s.fn(ctx) })
			if err != nil {
				return stats{}, stats{}, err
			}
			s.acc.add(res)
		}
	}
	return e.stats(), h.stats(), nil
}

// measureReport checks that the engine and the hand-written query give
// the same figures for c, then times them.
func measureReport(ctx context.Context, rd *reportData, h *handDB, c reportCase, t timing) (reportRun, error) {
	out := reportRun{name: c.name(), key: c.key}
	start := time.Now()
	res, err := c.runEngine(ctx, rd)
	if err != nil {
		return out, fmt.Errorf("%s: engine: %w", out.name, err)
	}
	took := time.Since(start)
	start = time.Now()
	hf, err := c.hand(ctx, h, rd)
	if err != nil {
		return out, fmt.Errorf("%s: hand-written: %w", out.name, err)
	}
	rounds, runs := t.runsFor(max(took, time.Since(start)))
	out.rows = len(res.Rows)
	out.mismatches = diffFigures(engineFigures(res), hf)
	for _, m := range out.mismatches {
		log.Printf("WARNING report %s on %s: the figures differ: %s", out.name, h.dialect(), m)
	}
	out.engine, out.hand, err = measurePair(ctx, timedPair{
		engine: func(ctx context.Context) error { _, err := c.runEngine(ctx, rd); return err },
		hand:   func(ctx context.Context) error { _, err := c.hand(ctx, h, rd); return err },
	}, rounds, runs)
	if err != nil {
		return out, fmt.Errorf("%s: %w", out.name, err)
	}
	return out, nil
}
