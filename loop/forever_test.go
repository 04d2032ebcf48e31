package loop_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// TestStopRunsWhatIsScheduledThenRunForeverResumes follows CPython's
// test_base_events (test_run_once, test_run_forever_pre_stopped): Stop
// lets the callbacks already scheduled run, not those they schedule; a
// later RunForever resumes with those; a Stop made while the loop is not
// running makes the next RunForever run one iteration and return.
func TestStopRunsWhatIsScheduledThenRunForeverResumes(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		for _, fn := range []func(){
			r.fn("a"),
			func() {
				r.fn("stopper")()
				l.Stop()
				_, _ = l.CallSoon(r.fn("after stop"))
			},
			r.fn("b"),
		} {
			_, err := l.CallSoonThreadsafe(fn)
			require.NoError(t, err)
		}
		require.NoError(t, l.RunForever(bg))
		if strings.HasSuffix(t.Name(), "/single") {
			assert.Equal(t, []string{"a", "stopper", "b"}, r.list())
		} else {
			// A pool has no iterations: what a callback schedules just
			// before Stop may still run in the same run (see Stop).
			assert.Subset(t, r.list(), []string{"a", "stopper", "b"})
		}

		l.Stop() // not running: the next run is one iteration
		require.NoError(t, l.RunForever(bg))
		assert.Equal(t, []string{"a", "stopper", "b", "after stop"}, r.list())
	}, virtual...)
}

// TestStopEndsRunForeverFromATimer: the book's pattern, a timer that stops
// the loop (loop.call_later(1, loop.stop)); and Stop during
// RunUntilComplete returns ErrStopped, asyncio's "Event loop stopped
// before Future completed".
func TestStopEndsRunForeverFromATimer(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		start := l.Time()
		_, err := l.CallLater(time.Second, l.Stop)
		require.NoError(t, err)
		require.NoError(t, l.RunForever(bg))
		assert.Equal(t, time.Second, l.Time().Sub(start))

		never := future.NewPromise[int]()
		_, err = l.CallLater(time.Second, l.Stop)
		require.NoError(t, err)
		_, err = loop.RunUntilComplete(bg, l, never.Future())
		assert.ErrorIs(t, err, loop.ErrStopped)

		ctx, cancel := context.WithCancel(bg)
		cancel()
		assert.ErrorIs(t, l.RunForever(ctx), context.Canceled)
	}, virtual...)
}
