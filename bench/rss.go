package main

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssWatch samples this process's resident memory while the HTTP scenarios
// run. The engine's server runs in this process (beside the hand-written
// one and the client), so the peak is an upper bound of the engine's.
type rssWatch struct {
	stop       chan struct{}
	done       sync.WaitGroup
	mu         sync.Mutex
	start, max int64 // KiB
}

// vmRSS reads VmRSS from /proc/self/status in KiB; 0 where there is none.
func vmRSS() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				n, _ := strconv.ParseInt(f[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func watchRSS(every time.Duration) *rssWatch {
	w := &rssWatch{stop: make(chan struct{}), start: vmRSS()}
	w.max = w.start
	w.done.Add(1)
	go func() {
		defer w.done.Done()
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-t.C:
				if n := vmRSS(); n > 0 {
					w.mu.Lock()
					w.max = max(w.max, n)
					w.mu.Unlock()
				}
			}
		}
	}()
	return w
}

// finish stops sampling and returns the resident memory at the start and
// the peak, in KiB.
func (w *rssWatch) finish() (start, peak int64) {
	close(w.stop)
	w.done.Wait()
	return w.start, w.max
}
