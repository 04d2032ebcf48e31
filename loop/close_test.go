package loop_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func TestCloseCancelsPendingTasks(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New()
			never := future.NewPromise[int]()
			var cleaned atomic.Int32 // pool tasks unwind in parallel
			var secondAwait atomic.Pointer[error]
			var pending []*future.Future[int]
			var started atomic.Int32
			allStarted := future.NewPromise[struct{}]()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				for range 3 {
					pending = append(pending, loop.CreateTask(l, func(ctx context.Context) (int, error) {
						defer cleaned.Add(1)
						if started.Add(1) == 3 {
							_ = allStarted.Resolve(struct{}{})
						}
						_, err := future.Await(ctx, never.Future())
						// Refusing to stop does not keep the loop open:
						_, err2 := future.Await(ctx, future.NewPromise[int]().Future())
						secondAwait.Store(&err2)
						return 0, err
					}))
				}
				_, err := future.Await(ctx, allStarted.Future())
				return 0, err
			})
			require.NoError(t, err)
			unstarted := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil })

			require.NoError(t, l.Close())
			for _, f := range append(pending, unstarted) {
				require.True(t, f.IsDone(), "every pending task's future says what happened")
				assert.True(t, f.Cancelled())
				assert.ErrorIs(t, f.Err(), loop.ErrClosed)
			}
			assert.Equal(t, int32(3), cleaned.Load())
			assert.ErrorIs(t, *secondAwait.Load(), loop.ErrClosed)
			assert.True(t, never.Future().Cancelled())
		})
	}
}

func TestCloseIsIdempotentAndEverythingAfterFails(t *testing.T) {
	for _, e := range engines {
		t.Run(e.Name, func(t *testing.T) {
			l := e.New()
			require.NoError(t, l.Close())
			require.NoError(t, l.Close())
			assert.True(t, l.IsClosed())
			_, err := l.CallSoon(func() {})
			assert.ErrorIs(t, err, loop.ErrClosed)
			_, err = l.CallSoonThreadsafe(func() {})
			assert.ErrorIs(t, err, loop.ErrClosed)
			assert.ErrorIs(t, l.Submit(func() {}), loop.ErrClosed)
			assert.ErrorIs(t, loop.CreateTask(l, func(context.Context) (int, error) { return 0, nil }).Err(), loop.ErrClosed)
			_, err = run(t, l, func(context.Context) (int, error) { return 0, nil })
			assert.ErrorIs(t, err, loop.ErrClosed)
		})
	}
}

func TestCloseWhileRunningIsRefused(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(context.Context) (int, error) { return 0, l.Close() })
		assert.ErrorIs(t, err, loop.ErrRunning)
		assert.False(t, l.IsClosed())
		mustWork(t, l)
	})
}

func TestRun(t *testing.T) {
	v, err := loop.Run(bg, future.Coroutine[string](func(ctx context.Context) (string, error) {
		l, err := loop.GetRunningLoop(ctx)
		if err != nil {
			return "", err
		}
		loop.CreateTask(l, func(ctx context.Context) (int, error) {
			// Left pending: Run's close cancels it.
			return future.Await(ctx, future.NewPromise[int]().Future())
		})
		return "done", nil
	}))
	require.NoError(t, err)
	assert.Equal(t, "done", v)
}
