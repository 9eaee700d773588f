package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
	"time"
)

// driver sends requests from a fixed number of workers over keep-alive
// connections.
type driver struct {
	client  *http.Client
	workers int
}

func newDriver(workers int) *driver {
	tr := &http.Transport{MaxIdleConns: 4 * workers, MaxIdleConnsPerHost: 2 * workers,
		DisableCompression: true, IdleConnTimeout: time.Minute}
	return &driver{client: &http.Client{Transport: tr, Timeout: 30 * time.Second}, workers: workers}
}

// request is one HTTP call and the status it must get.
type request struct {
	method, url string
	body        []byte
	token       string
	want        int
}

// do sends r and returns the body; a status other than r.want is an error.
func (d *driver) do(ctx context.Context, r request) ([]byte, error) {
	status, b, err := d.send(ctx, r)
	if err != nil {
		return nil, err
	}
	if status != r.want {
		if len(b) > 500 {
			b = b[:500]
		}
		return nil, fmt.Errorf("%s %s: status %d, want %d: %s", r.method, r.url, status, r.want, b)
	}
	return b, nil
}

// send sends r and returns the status and body, whatever the status.
func (d *driver) send(ctx context.Context, r request) (int, []byte, error) {
	var body io.Reader
	if r.body != nil {
		body = bytes.NewReader(r.body)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, r.url, body)
	if err != nil {
		return 0, nil, err
	}
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", "Bearer "+r.token)
	resp, err := d.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// batchResult is what one batch of requests measured.
type batchResult struct {
	lat    []time.Duration
	wall   time.Duration
	cpu    time.Duration // this process's CPU time, client included
	allocs uint64
	bytes  uint64
}

// batch sends the requests mk(from) … mk(from+n-1) from d.workers workers
// and records each one's latency.
func (d *driver) batch(ctx context.Context, from, n int, mk func(i int) request) (batchResult, error) {
	return runWorkers(ctx, d.workers, n, func(k int) error {
		_, err := d.do(ctx, mk(from+k))
		return err
	})
}

// runWorkers calls fn(0) … fn(n-1) from the given number of goroutines and
// records each call's latency, and the process's allocations meanwhile. It
// stops at the first error.
func runWorkers(ctx context.Context, workers, n int, fn func(k int) error) (batchResult, error) {
	res := batchResult{lat: make([]time.Duration, n)}
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	cpu0 := processCPU()
	start := time.Now()
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= n || ctx.Err() != nil {
					return
				}
				t0 := time.Now()
				err := fn(k)
				res.lat[k] = time.Since(t0)
				if err != nil {
					once.Do(func() { firstErr = err })
					next.Store(int64(n))
					return
				}
			}
		}()
	}
	wg.Wait()
	res.wall = time.Since(start)
	res.cpu = processCPU() - cpu0
	runtime.ReadMemStats(&ms1)
	res.allocs, res.bytes = ms1.Mallocs-ms0.Mallocs, ms1.TotalAlloc-ms0.TotalAlloc
	if firstErr == nil {
		firstErr = ctx.Err()
	}
	return res, firstErr
}

// Scenario groups: what the two sides of a scenario are.
const (
	groupHand   = "hand"   // the engine (a) vs hand-written Go + SQL (b)
	groupAccess = "access" // the engine as a sales rep (a) vs as an admin (b)
)

// scenario is one piece of work done by two sides, a and b; its ratio is a's
// p50 over b's.
type scenario struct {
	key    string
	name   string
	group  string
	sides  [2]string // the names of a and b
	target float64   // the goal for a's p50 / b's p50
	a, b   func(i int) request
	// check compares the two sides' responses to the same i.
	check func(aBody, bBody []byte) []string
}

// stats summarises the latencies of one side.
type stats struct {
	n                  int
	p50, p90, p99, max time.Duration
	mean               time.Duration
	rps                float64
	cpuPerReq          time.Duration
	allocsPerReq       float64
	kbPerReq           float64
}

// sideRun accumulates one side's batches.
type sideRun struct {
	lat    []time.Duration
	wall   time.Duration
	cpu    time.Duration
	allocs uint64
	bytes  uint64
}

func (s *sideRun) add(b batchResult) {
	s.lat = append(s.lat, b.lat...)
	s.wall += b.wall
	s.cpu += b.cpu
	s.allocs += b.allocs
	s.bytes += b.bytes
}

func (s *sideRun) stats() stats {
	lat := append([]time.Duration(nil), s.lat...)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	out := stats{n: len(lat)}
	if len(lat) == 0 {
		return out
	}
	var sum time.Duration
	for _, l := range lat {
		sum += l
	}
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	out.p50, out.p90, out.p99, out.max = q(0.50), q(0.90), q(0.99), lat[len(lat)-1]
	out.mean = sum / time.Duration(len(lat))
	out.rps = float64(len(lat)) / s.wall.Seconds()
	out.cpuPerReq = s.cpu / time.Duration(len(lat))
	out.allocsPerReq = float64(s.allocs) / float64(len(lat))
	out.kbPerReq = float64(s.bytes) / float64(len(lat)) / 1024
	return out
}

// comparison is the outcome of one scenario.
type comparison struct {
	key, name, group string
	sides            [2]string
	target           float64
	a, b             stats
	mismatches       []string
}

// p50Ratio is a's p50 over b's.
func (c comparison) p50Ratio() float64 { return float64(c.a.p50) / float64(c.b.p50) }

// compare warms both sides up, checks that they answer alike, then runs
// alternating rounds of measured requests.
func (d *driver) compare(ctx context.Context, s scenario, cfg config) (comparison, error) {
	out := comparison{key: s.key, name: s.name, group: s.group, sides: s.sides, target: s.target}
	if _, err := d.batch(ctx, 0, cfg.warmup, s.a); err != nil {
		return out, fmt.Errorf("%s warm-up: %w", s.sides[0], err)
	}
	if _, err := d.batch(ctx, 0, cfg.warmup, s.b); err != nil {
		return out, fmt.Errorf("%s warm-up: %w", s.sides[1], err)
	}
	if s.check != nil {
		i := cfg.warmup
		ab, err := d.do(ctx, s.a(i))
		if err != nil {
			return out, err
		}
		bb, err := d.do(ctx, s.b(i))
		if err != nil {
			return out, err
		}
		out.mismatches = s.check(ab, bb)
		for _, m := range out.mismatches {
			fmt.Printf("bench: WARNING %s: responses differ: %s\n", s.name, m)
		}
	}
	per := max(1, cfg.n/cfg.rounds)
	var a, b sideRun
	for r := range cfg.rounds {
		from := cfg.warmup + 1 + r*per
		// note: alternate who goes first so neither always runs on a
		// table the other just grew.
		sides := []struct {
			mk  func(int) request
			acc *sideRun
		}{{s.a, &a}, {s.b, &b}}
		if r%2 == 1 {
			sides[0], sides[1] = sides[1], sides[0]
		}
		for _, sd := range sides {
			res, err := d.batch(ctx, from, per, sd.mk)
			if err != nil {
				return out, err
			}
			sd.acc.add(res)
		}
	}
	out.a, out.b = a.stats(), b.stats()
	return out, nil
}
