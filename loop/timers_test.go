package loop_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// recorder collects what callbacks did, in order, from any goroutine.
type recorder struct {
	mu  sync.Mutex
	got []string
}

func (r *recorder) add(s string) {
	r.mu.Lock()
	r.got = append(r.got, s)
	r.mu.Unlock()
}

func (r *recorder) fn(s string) func() { return func() { r.add(s) } }

func (r *recorder) list() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

// virtual are the options of a loop on virtual time that runs one callback
// at a time on both engines, so that order is observable.
var virtual = []loop.Option{loop.WithVirtualTime(), loop.WithWorkers(1)}

func TestTimersRunByDeadlineThenFIFO(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		// Scheduled while the loop is idle, so that the pool, which has no
		// iterations, sees them all at once too (see CallLater).
		var r recorder
		for _, c := range []struct {
			d    time.Duration
			name string
		}{
			{30 * time.Millisecond, "30ms"},
			{10 * time.Millisecond, "10ms first"},
			{20 * time.Millisecond, "20ms"},
			{10 * time.Millisecond, "10ms second"},
			{0, "zero"},
			{-time.Millisecond, "negative"},
		} {
			_, err := l.CallLater(c.d, r.fn(c.name))
			require.NoError(t, err)
		}
		_, err := l.CallSoon(r.fn("soon"))
		require.NoError(t, err)
		_, err = run(t, l, func(ctx context.Context) (int, error) { return 0, loop.Sleep(ctx, time.Second) })
		require.NoError(t, err)
		// As asyncio: the call_soon callback first, since due timers join
		// the ready queue after it; then timers by due time (a negative
		// delay is due before a zero one), FIFO among equals.
		assert.Equal(t, []string{"soon", "negative", "zero", "10ms first", "10ms second", "20ms", "30ms"}, r.list())
	}, virtual...)
}

func TestVirtualTimeJumpsWhenEverythingWaits(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		start := l.Time()
		slept, err := run(t, l, func(ctx context.Context) (time.Duration, error) {
			before := l.Time()
			err := loop.Sleep(ctx, 10*time.Minute)
			return l.Time().Sub(before), err
		})
		require.NoError(t, err)
		assert.Equal(t, 10*time.Minute, slept, "the clock moved by exactly the sleep")
		assert.Equal(t, 10*time.Minute, l.Time().Sub(start))
	}, virtual...)
}

func TestVirtualTimeOrdersManySleepers(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			var fs []*future.Future[int]
			for _, d := range []int{5, 1, 4, 2, 3} {
				fs = append(fs, loop.CreateTask(l, func(ctx context.Context) (int, error) {
					if err := loop.Sleep(ctx, time.Duration(d)*time.Hour); err != nil {
						return 0, err
					}
					r.add((time.Duration(d) * time.Hour).String())
					return d, nil
				}))
			}
			for _, f := range fs {
				if _, err := future.Await(ctx, f); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"1h0m0s", "2h0m0s", "3h0m0s", "4h0m0s", "5h0m0s"}, r.list())
	}, loop.WithVirtualTime()) // every worker: parallel bodies still wake in time order
}

func TestCallAtUsesTheLoopClock(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			now := l.Time()
			h, err := l.CallAt(now.Add(time.Hour), r.fn("in an hour"))
			if err != nil {
				return 0, err
			}
			if !h.When().Equal(now.Add(time.Hour)) {
				return 0, errors.New("When is not the deadline given")
			}
			if _, err := l.CallAt(now.Add(-time.Hour), r.fn("in the past")); err != nil {
				return 0, err
			}
			return 0, loop.Sleep(ctx, 2*time.Hour)
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"in the past", "in an hour"}, r.list())
	}, virtual...)
}

func TestCancelledTimersDoNotRun(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			h, err := l.CallLater(time.Second, r.fn("cancelled in the heap"))
			if err != nil {
				return 0, err
			}
			h.Cancel()
			h.Cancel() // twice: nothing more happens
			if !h.Cancelled() {
				return 0, errors.New("Cancelled is false after Cancel")
			}
			// Two timers due together: the first cancels the second, which
			// has already left the heap for the ready queue.
			var second loop.TimerHandle
			if _, err := l.CallLater(time.Minute, func() { r.add("first"); second.Cancel() }); err != nil {
				return 0, err
			}
			if second, err = l.CallLater(time.Minute, r.fn("cancelled when ready")); err != nil {
				return 0, err
			}
			return 0, loop.Sleep(ctx, time.Hour)
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"first"}, r.list())
		assert.Zero(t, loop.PendingTimers(l), "cancelled timers leave the heap")
		var zero loop.TimerHandle
		zero.Cancel() // the zero handle is a handle to nothing
		assert.False(t, zero.Cancelled())
	}, virtual...)
}

func TestCancellingASleepRemovesItsTimer(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("woken early")
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			sleeper := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				return 0, loop.Sleep(ctx, time.Hour)
			})
			if err := loop.Sleep(ctx, 0); err != nil { // let it start sleeping
				return 0, err
			}
			sleeper.Cancel(cause)
			_, err := future.Await(ctx, sleeper)
			return 0, err
		})
		require.ErrorIs(t, err, future.ErrCancelled)
		require.ErrorIs(t, err, cause)
		assert.Zero(t, loop.PendingTimers(l))
		mustWork(t, l)
	}, virtual...)
}

func TestTimersWaitForTheNextRun(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		_, err := l.CallLater(-time.Second, r.fn("timer"))
		require.NoError(t, err)
		assert.Empty(t, r.list(), "an idle loop runs nothing")
		p := future.NewPromiseOn[string](l)
		_, err = l.CallLater(-time.Second, func() { _ = p.Resolve("fired during the run") })
		require.NoError(t, err)
		v, err := loop.RunUntilComplete(bg, l, p.Future())
		require.NoError(t, err)
		assert.Equal(t, "fired during the run", v)
		assert.Equal(t, []string{"timer"}, r.list(), "the earlier timer fired before the later one")
	})
}

func TestRealTimersFire(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		v, err := run(t, l, func(ctx context.Context) (int, error) {
			p := future.NewPromiseOn[int](l)
			if _, err := l.CallLater(time.Millisecond, func() { _ = p.Resolve(7) }); err != nil {
				return 0, err
			}
			return future.Await(ctx, p.Future())
		})
		require.NoError(t, err)
		assert.Equal(t, 7, v)
	})
}

func TestTimerBadInput(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := l.CallLater(time.Second, nil)
		require.ErrorIs(t, err, future.ErrNil)
		_, err = l.CallAt(l.Time(), nil)
		require.ErrorIs(t, err, future.ErrNil)
		_, err = l.CallLater(time.Duration(1<<63-1), func() {})
		require.NoError(t, err, "a deadline past the end of time saturates")
		assert.Equal(t, 1, loop.PendingTimers(l))
		mustWork(t, l)
	}, virtual...)
	for _, e := range engines {
		l := e.New()
		require.NoError(t, l.Close())
		_, err := l.CallLater(time.Second, func() {})
		require.ErrorIs(t, err, loop.ErrClosed)
		_, err = l.CallAt(time.Now(), func() {})
		require.ErrorIs(t, err, loop.ErrClosed)
	}
}

func TestClosedLoopDropsItsTimers(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var r recorder
		_, err := l.CallLater(time.Hour, r.fn("never"))
		require.NoError(t, err)
		require.NoError(t, l.Close())
		assert.Zero(t, loop.PendingTimers(l))
		assert.Empty(t, r.list())
	}, virtual...)
}

// The default clock follows a testing/synctest bubble's fake time, so a
// loop made inside a bubble sleeps for an hour at once as well.
func TestLoopInsideASynctestBubble(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				l := e.New()
				defer func() { require.NoError(t, l.Close()) }()
				start := time.Now()
				_, err := run(t, l, func(ctx context.Context) (int, error) {
					return 0, loop.Sleep(ctx, time.Hour)
				})
				require.NoError(t, err)
				assert.Equal(t, time.Hour, time.Since(start))
			})
		})
	}
}
