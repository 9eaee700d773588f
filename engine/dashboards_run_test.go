package engine

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mosaic-lowcode/mosaic/store"
)

func TestWidgetsRunConcurrentlyOnPostgreSQLOnly(t *testing.T) {
	t.Parallel()
	for _, sc := range []struct {
		d    store.Dialect
		inTx bool
		want int
	}{{store.Postgres, false, maxWidgetRuns}, {store.Postgres, true, 1}, {store.SQLite, false, 1}} {
		if got := widgetLimit(sc.d, sc.inTx); got != sc.want {
			t.Errorf("%s (in a transaction: %v): %d at once, want %d", sc.d, sc.inTx, got, sc.want)
		}
	}
}

func TestRunAllKeepsToItsLimit(t *testing.T) {
	t.Parallel()
	const n, limit = 10, 3
	var inFlight, most atomic.Int32
	full := make(chan struct{})
	var once sync.Once
	runAll(n, limit, func(int) {
		now := inFlight.Add(1)
		for m := most.Load(); now > m && !most.CompareAndSwap(m, now); m = most.Load() {
		}
		if now == limit {
			once.Do(func() { close(full) })
		}
		// note: the first calls wait until the limit is reached, which
		// proves they overlap; a timeout keeps a regression from hanging.
		select {
		case <-full:
		case <-time.After(2 * time.Second):
		}
		inFlight.Add(-1)
	})
	if got := most.Load(); got != limit {
		t.Errorf("at most %d ran at once, want %d", got, limit)
	}

	var order []int
	runAll(n, 1, func(i int) { order = append(order, i) })
	if !slices.Equal(order, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Errorf("in sequence: %v", order)
	}
}
