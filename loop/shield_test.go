package loop_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func TestShield(t *testing.T) {
	t.Run("the outcome passes through when nothing is cancelled", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			v, err := run(t, l, func(ctx context.Context) (int, error) {
				_, err := future.Await(ctx, loop.Shield(ctx, future.Awaitable[int](napFail[int](time.Second, boom))))
				assert.ErrorIs(t, err, boom)
				return future.Await(ctx, loop.Shield(ctx, future.Awaitable[int](napThen(time.Second, 7))))
			})
			require.NoError(t, err)
			assert.Equal(t, 7, v)
		}, virtual...)
	})

	t.Run("cancelling the shield leaves the inner task running", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("not waiting any more")
			var inner *future.Future[int]
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				inner = loop.CreateTask(l, napThen(time.Hour, 9))
				outer := loop.Shield(ctx, inner)
				assert.True(t, outer.Cancel(cause))
				return future.Await(ctx, outer)
			})
			require.ErrorIs(t, err, cause)
			assert.False(t, inner.IsDone())
			v, err := loop.RunUntilComplete(bg, l, inner)
			require.NoError(t, err)
			assert.Equal(t, 9, v)
		}, virtual...)
	})

	t.Run("cancelling the task awaiting a shielded coroutine does not cancel the coroutine", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("request aborted")
			saved := future.NewPromise[string]()
			save := future.Coroutine[string](func(ctx context.Context) (string, error) {
				if err := loop.Sleep(ctx, time.Hour); err != nil {
					return "", err
				}
				if ctx.Err() != nil {
					return "", errors.New("the shielded task's context was cancelled")
				}
				_ = saved.Resolve("saved")
				return "saved", nil
			})
			_, err := run(t, l, func(ctx context.Context) (string, error) {
				waiter := loop.CreateTask(l, func(ctx context.Context) (string, error) {
					return future.Await(ctx, loop.Shield(ctx, save))
				})
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return "", err
				}
				waiter.Cancel(cause)
				return future.Await(ctx, waiter)
			})
			require.ErrorIs(t, err, future.ErrCancelled)
			require.ErrorIs(t, err, cause)
			v, err := loop.RunUntilComplete(bg, l, saved.Future())
			require.NoError(t, err)
			assert.Equal(t, "saved", v, "the shielded work finished anyway")
		}, virtual...)
	})

	t.Run("a failure nobody can read goes to the exception handler", func(t *testing.T) {
		var mu sync.Mutex
		var reported []error
		handler := loop.WithExceptionHandler(func(err error) {
			mu.Lock()
			reported = append(reported, err)
			mu.Unlock()
		})
		boom := errors.New("write failed")
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			mu.Lock()
			reported = nil
			mu.Unlock()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				outer := loop.Shield(ctx, future.Awaitable[int](napFail[int](time.Second, boom)))
				outer.Cancel(nil)
				return 0, loop.Sleep(ctx, time.Hour)
			})
			require.NoError(t, err)
			mu.Lock()
			defer mu.Unlock()
			require.Len(t, reported, 1)
			assert.ErrorIs(t, reported[0], boom)
		}, append([]loop.Option{handler}, virtual...)...)
	})

	t.Run("bad input gets typed errors", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				_, err := future.Await(ctx, loop.Shield[int](ctx, nil))
				assert.ErrorIs(t, err, future.ErrNil)
				_, err = future.Await(ctx, loop.Shield(ctx, future.Coroutine[int](nil)))
				assert.ErrorIs(t, err, future.ErrNil)
				_, err = future.Await(ctx, loop.Shield(noCtx, future.Awaitable[int](napThen(0, 1))))
				assert.ErrorIs(t, err, future.ErrNil)
				return 0, nil
			})
			require.NoError(t, err)
			mustWork(t, l)
		})
		_, err := future.Await(bg, loop.Shield(bg, future.Awaitable[int](napThen(0, 1))))
		assert.ErrorIs(t, err, loop.ErrNoRunningLoop)
		p := future.NewPromise[int]()
		outer := loop.Shield(bg, p.Future())
		outer.Cancel(nil)
		assert.False(t, p.Future().IsDone(), "a future is shielded outside a loop too")
		_ = p.Resolve(1)
	})
}
