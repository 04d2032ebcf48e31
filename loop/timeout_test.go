package loop_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func TestWaitFor(t *testing.T) {
	t.Run("work that ends in time gives its value", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			v, err := run(t, l, func(ctx context.Context) (string, error) {
				return loop.WaitFor(ctx, future.Awaitable[string](napThen(time.Second, "in time")), 2*time.Second)
			})
			require.NoError(t, err)
			assert.Equal(t, "in time", v)
		}, virtual...)
	})

	t.Run("a timeout ends the coroutine and waits for it to finish", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			slow, slowEnded := watched(time.Hour, 1)
			var finishedFirst bool
			var elapsed time.Duration
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				start := l.Time()
				v, err := loop.WaitFor(ctx, future.Awaitable[int](slow), time.Second)
				elapsed = l.Time().Sub(start)
				finishedFirst = slowEnded.IsDone()
				return v, err
			})
			require.ErrorIs(t, err, loop.ErrTimeout)
			require.ErrorIs(t, err, context.DeadlineExceeded)
			assert.NotErrorIs(t, err, future.ErrCancelled, "a timeout is not a cancellation of the caller")
			assert.True(t, finishedFirst, "the inner task had finished when WaitFor returned")
			sleepErr, _ := slowEnded.Result()
			// The coroutine runs in the caller's task under a timeout
			// scope (Python 3.12's wait_for): in Go that scope is a
			// context, so the coroutine's wait ends with the limit's
			// error, where asyncio's sees a CancelledError that the scope
			// turns into TimeoutError on the way out.
			assert.ErrorIs(t, sleepErr, loop.ErrTimeout, "the coroutine sees why")
			assert.Equal(t, time.Second, elapsed, "on the virtual clock")
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("a timeout cancels a future passed in", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			p := future.NewPromise[int]()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				return loop.WaitFor(ctx, p.Future(), time.Second)
			})
			require.ErrorIs(t, err, loop.ErrTimeout)
			assert.True(t, p.Future().Cancelled())
		}, virtual...)
	})

	t.Run("work that declines the cancellation keeps its value", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			stubborn := future.Coroutine[string](func(ctx context.Context) (string, error) {
				if err := loop.Sleep(ctx, time.Hour); err == nil {
					return "", errors.New("the timeout did not come")
				}
				return "declined", nil
			})
			v, err := run(t, l, func(ctx context.Context) (string, error) {
				return loop.WaitFor(ctx, stubborn, time.Second)
			})
			require.NoError(t, err)
			assert.Equal(t, "declined", v)
		}, virtual...)
	})

	t.Run("cancelling the caller cancels the inner task and waits for it", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("caller gave up")
			slow, slowEnded := watched(time.Hour, 1)
			var finishedFirst bool
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				waiter := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					v, err := loop.WaitFor(ctx, future.Awaitable[int](slow), 2*time.Hour)
					finishedFirst = slowEnded.IsDone()
					return v, err
				})
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return 0, err
				}
				waiter.Cancel(cause)
				return future.Await(ctx, waiter)
			})
			require.ErrorIs(t, err, future.ErrCancelled)
			require.ErrorIs(t, err, cause)
			assert.NotErrorIs(t, err, loop.ErrTimeout)
			assert.True(t, finishedFirst)
			sleepErr, _ := slowEnded.Result()
			assert.ErrorIs(t, sleepErr, cause)
		}, virtual...)
	})

	t.Run("an enclosing Timeout that ends first wins", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			slow, slowEnded := watched(time.Hour, 1)
			var scopeErr error
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				tctx, cancel := loop.Timeout(ctx, time.Second)
				defer cancel()
				v, err := loop.WaitFor(tctx, future.Awaitable[int](slow), time.Minute)
				scopeErr = context.Cause(tctx)
				assert.True(t, slowEnded.IsDone(), "the inner task finished first")
				return v, err
			})
			require.ErrorIs(t, err, loop.ErrTimeout)
			assert.Equal(t, scopeErr, err, "the error is the scope's, not WaitFor's")
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("a zero limit runs out at once", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			done := future.NewPromise[int]()
			_ = done.Resolve(5)
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				v, err := loop.WaitFor(ctx, done.Future(), 0)
				assert.Equal(t, 5, v, "complete work is not timed out")
				assert.NoError(t, err)
				return loop.WaitFor(ctx, future.Awaitable[int](napThen(time.Second, 1)), 0)
			})
			require.ErrorIs(t, err, loop.ErrTimeout)
		}, virtual...)
	})

	t.Run("bad input gets typed errors", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				_, err := loop.WaitFor[int](ctx, nil, time.Second)
				assert.ErrorIs(t, err, future.ErrNil)
				_, err = loop.WaitFor(ctx, future.Coroutine[int](nil), time.Second)
				assert.ErrorIs(t, err, future.ErrNil)
				_, err = loop.WaitFor(noCtx, future.Awaitable[int](napThen(0, 1)), time.Second)
				assert.ErrorIs(t, err, future.ErrNil)
				return 0, nil
			})
			require.NoError(t, err)
			mustWork(t, l)
		})
		_, err := loop.WaitFor(bg, future.NewPromise[int]().Future(), time.Second)
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)
		_, err = loop.WaitFor(bg, future.Awaitable[int](napThen(0, 1)), time.Second)
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)
	})
}

func TestTimeout(t *testing.T) {
	t.Run("awaits under the scope fail with a timeout once it runs out", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				start := l.Time()
				tctx, cancel := loop.Timeout(ctx, time.Second)
				defer cancel()
				err := loop.Sleep(tctx, time.Hour)
				assert.Equal(t, time.Second, l.Time().Sub(start), "on the virtual clock")
				assert.ErrorIs(t, err, loop.ErrTimeout)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
				assert.NotErrorIs(t, err, future.ErrCancelled)
				assert.Equal(t, context.DeadlineExceeded, tctx.Err())
				assert.Equal(t, err, context.Cause(tctx))
				_, err = future.Await(tctx, future.NewPromise[int]().Future())
				assert.ErrorIs(t, err, loop.ErrTimeout, "and every later await under it")
				return 0, loop.Sleep(ctx, time.Second) // the task's own context is untouched
			})
			require.NoError(t, err)
			assert.Zero(t, loop.PendingTimers(l))
		}, virtual...)
	})

	t.Run("work that ends in time is not affected and cancel stops the timer", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			v, err := run(t, l, func(ctx context.Context) (int, error) {
				tctx, cancel := loop.Timeout(ctx, time.Hour)
				v, err := future.Await(tctx, loop.Gather(tctx, future.Awaitable[int](napThen(time.Second, 1))))
				cancel()
				cancel() // idempotent
				assert.Equal(t, context.Canceled, tctx.Err())
				assert.Zero(t, loop.PendingTimers(l), "cancel took the timer out")
				return v[0], err
			})
			require.NoError(t, err)
			assert.Equal(t, 1, v)
		}, virtual...)
	})

	t.Run("TimeoutAt takes a reading of the loop's clock", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				start := l.Time()
				tctx, cancel := loop.TimeoutAt(ctx, start.Add(3*time.Second))
				defer cancel()
				err := loop.Sleep(tctx, time.Hour)
				assert.Equal(t, 3*time.Second, l.Time().Sub(start))
				assert.ErrorIs(t, err, loop.ErrTimeout)

				past, cancel2 := loop.TimeoutAt(ctx, start)
				defer cancel2()
				return 0, loop.Sleep(past, time.Hour)
			})
			require.ErrorIs(t, err, loop.ErrTimeout, "a deadline in the past runs out at once")
		}, virtual...)
	})

	t.Run("the parent's cancellation reaches the scope", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("outer")
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				pctx, pcancel := context.WithCancelCause(ctx)
				tctx, cancel := loop.Timeout(pctx, time.Hour)
				defer cancel()
				_, err := l.CallLater(time.Second, func() { pcancel(cause) })
				if err != nil {
					return 0, err
				}
				err = loop.Sleep(tctx, time.Minute)
				assert.Equal(t, context.Canceled, tctx.Err(), "not a deadline")
				return 0, err
			})
			require.ErrorIs(t, err, cause)
			assert.NotErrorIs(t, err, loop.ErrTimeout)
		}, virtual...)
	})

	t.Run("a real clock reports the deadline", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				tctx, cancel := loop.Timeout(ctx, time.Hour)
				defer cancel()
				d, ok := tctx.Deadline()
				assert.True(t, ok)
				assert.WithinDuration(t, time.Now().Add(time.Hour), d, time.Minute)

				sooner, cancelSooner := context.WithDeadline(ctx, time.Now().Add(time.Minute))
				defer cancelSooner()
				tctx2, cancel2 := loop.Timeout(sooner, time.Hour)
				defer cancel2()
				d2, _ := tctx2.Deadline()
				assert.True(t, d2.Before(d), "the parent's earlier deadline")
				return 0, nil
			})
			require.NoError(t, err)
		})
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				tctx, cancel := loop.Timeout(ctx, time.Hour)
				defer cancel()
				_, ok := tctx.Deadline()
				assert.False(t, ok, "a virtual deadline means nothing outside the loop")
				return 0, nil
			})
			require.NoError(t, err)
		}, virtual...)
	})

	t.Run("outside a loop the scope is cancelled at once", func(t *testing.T) {
		tctx, cancel := loop.Timeout(bg, time.Hour)
		defer cancel()
		assert.ErrorIs(t, context.Cause(tctx), loop.ErrNoRunningLoop)
		_, err := future.Await(tctx, future.NewPromise[int]().Future())
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)

		nctx, ncancel := loop.TimeoutAt(noCtx, time.Now())
		defer ncancel()
		assert.ErrorIs(t, context.Cause(nctx), future.ErrNil)
	})
}
