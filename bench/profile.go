package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
)

// profileEngine runs the scenarios again after the measurements with the CPU
// profiler on, and takes orders through both sides' approval. Requests carry the label side=engine or side=handwritten, and
// user=rep or user=admin (the client's goroutines carry none), so the profile
// can be narrowed to the engine, or to the sales rep's requests. The
// hand-written side runs too, so both order tables keep the same number of
// rows for what follows.
//
// Example:
//
//	go tool pprof -top -tagfocus=side=engine bench.pprof
//	go tool pprof -top -tagfocus=user=rep bench.pprof
func profileEngine(ctx context.Context, env *benchEnv, d *driver, cfg config, fr *flowRun) (err error) {
	f, err := os.Create(cfg.cpuProfile)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	if err := pprof.StartCPUProfile(f); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	if cfg.memProfile != "" {
		defer func() {
			if merr := writeAllocs(cfg.memProfile); merr != nil && err == nil {
				err = merr
			}
		}()
	}
	for k, s := range scenarios(env) {
		// note: start far past the measured requests; create bodies repeat
		// with i, which is fine, and auto-numbers come from the counter.
		for _, mk := range []func(int) request{s.a, s.b} {
			if _, err := d.batch(ctx, (k+1)*1_000_000, cfg.n/2, mk); err != nil {
				return fmt.Errorf("profile %s: %w", s.name, err)
			}
		}
	}
	return fr.profile(ctx)
}

// writeAllocs writes the allocations sampled since the process started
// (heap profiles carry no labels: narrow them with -focus).
func writeAllocs(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := pprof.Lookup("allocs").WriteTo(f, 0); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}
