package engine

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/loop/internal/driver"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// makers are the engines under test, by name; the pools have one worker
// and two.
var makers = []struct {
	name    string
	make    Maker
	workers int
}{
	{"single", NewSingle, 1},
	{"pool", NewPool, 1},
	{"pool2", NewPool, 2},
}

// newEngine makes an engine with a host whose exception handler fails t.
func newEngine(t *testing.T, make Maker, workers int) Engine {
	h := &task.Host{
		Report:     func(err error) { t.Errorf("exception handler: %v", err) },
		Slow:       time.Hour,
		ReportSlow: func(*task.Task, time.Duration) {},
	}
	d := new(driver.Driver)
	d.Init(time.Now(), false)
	e := make(Config{Host: h, Driver: d, Jobs: new(atomic.Int64), Workers: workers})
	h.Engine = e
	return e
}

// reservePost reserves the next position of e's inbox and returns the
// function that writes fn there, as the second half of a post, without
// unparking the engine.
func reservePost(e Engine) func(fn func()) {
	switch e := e.(type) {
	case *single:
		pos := e.in.Reserve()
		return func(fn func()) { e.in.Publish(pos, work{fn: fn}) }
	case *pool:
		pos := e.in.Reserve()
		return func(fn func()) { e.in.Publish(pos, item{fn: fn}) }
	}
	panic("unknown engine")
}

// TestTheEngineDoesNotSleepOnAPostBeingWritten holds an engine's inbox in
// the state a lost wakeup needs: a position reserved, its entry written
// later by a poster that read the engine's announcement too early and so
// never unparks it. A callback on the engine reserves the position as a
// post does and leaves it to a goroutine, which writes it without a
// wakeup. The engine must find the entry anyway; a watchdog unparks it
// after a few seconds, so that an engine that slept on the reserved
// position fails the test instead of hanging it.
func TestTheEngineDoesNotSleepOnAPostBeingWritten(t *testing.T) {
	for _, m := range makers {
		t.Run(m.name, func(t *testing.T) {
			e := newEngine(t, m.make, m.workers)
			defer e.Shutdown()
			stop := new(atomic.Bool)
			var fired atomic.Bool
			watchdog := time.AfterFunc(5*time.Second, func() {
				fired.Store(true)
				e.Submit(func() { e.Stop(stop) })
			})
			defer watchdog.Stop()
			e.Submit(func() {
				write := reservePost(e)
				go write(func() { e.Stop(stop) })
			})
			require.NoError(t, e.Run(stop))
			assert.False(t, fired.Load(), "the engine slept until the watchdog woke it")
		})
	}
}

// TestCancelsStaysProportionalToWhatWaits is issue 16's fourth bug: 40,000
// callbacks queued, half of them cancelled through their handles, then all
// of them cancelled again after they ran or were skipped. Exactly the
// others run, and the work of keeping the record is counted, not timed:
// the pool's dispatch once walked the whole cancelled-id set at every pop
// (20,000 x 20,000 visits, 4 s), where now a sweep visits each id O(1)
// times (the single-thread engine and a pool of one keep ids; a pool of
// several marks each handle's own flag, one load per dispatch).
func TestCancelsStaysProportionalToWhatWaits(t *testing.T) {
	for _, m := range makers {
		t.Run(m.name, func(t *testing.T) {
			e := newEngine(t, m.make, m.workers)
			defer e.Shutdown()
			const n = 40_000
			var ran atomic.Int64
			hs := make([]Handle, n)
			for i := range hs {
				hs[i] = e.CallSoonThreadsafe(func() { ran.Add(1) })
			}
			for i := 0; i < n; i += 2 {
				hs[i].Cancel()
			}
			stop := new(atomic.Bool)
			e.Submit(func() { e.Stop(stop) })
			require.NoError(t, e.Run(stop))
			assert.Equal(t, int64(n/2), ran.Load(), "cancelled callbacks ran, or others did not")
			for _, h := range hs {
				h.Cancel() // after they ran, or were skipped: nothing to keep
			}
			if s, ok := e.(*single); ok {
				assert.LessOrEqual(t, s.cancels.Len(), 64, "ids of callbacks that ran are kept")
				assert.LessOrEqual(t, s.cancels.visited, 4*n, "sweeps visit each id O(1) times")
			}
			for _, h := range hs {
				if h.c != nil {
					h.c.mu.Lock()
					visited := h.c.visited
					h.c.mu.Unlock()
					assert.LessOrEqual(t, visited, 4*n, "sweeps visit each id O(1) times")
					break
				}
			}
		})
	}
}
