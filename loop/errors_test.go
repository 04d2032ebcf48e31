package loop_test

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func TestPanicInCoroutineBecomesAnError(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			return future.Await(ctx, loop.CreateTask(l, panicsDeepDown))
		})
		var pe *future.PanicError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "bottom fell out", pe.Value)
		assert.Contains(t, string(pe.Stack), "panicsDeepDown")
		mustWork(t, l)
	})
}

func panicsDeepDown(context.Context) (int, error) { panic("bottom fell out") }

func TestPanicInCallbackGoesToTheExceptionHandler(t *testing.T) {
	var mu sync.Mutex
	var reported []error
	handler := loop.WithExceptionHandler(func(err error) {
		mu.Lock()
		reported = append(reported, err)
		mu.Unlock()
	})
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		mu.Lock()
		reported = nil
		mu.Unlock()
		after := false
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			_, _ = l.CallSoon(func() { panic("callback blew up") })
			_, _ = l.CallSoon(func() { after = true })
			p := future.NewPromiseOn[int](l)
			_ = p.Future().AddDoneCallback(func(*future.Future[int]) { panic("done callback blew up") })
			_ = p.Resolve(1)
			for range 3 {
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		require.NoError(t, err)
		mu.Lock()
		defer mu.Unlock()
		require.Len(t, reported, 2)
		for _, e := range reported {
			var pe *future.PanicError
			assert.ErrorAs(t, e, &pe)
		}
		assert.True(t, after, "the callbacks after the panic still ran")
		mustWork(t, l)
	}, handler)
}

func TestGoexitInCoroutineIsReported(t *testing.T) {
	body := func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			return future.Await(ctx, loop.CreateTask(l, func(context.Context) (int, error) {
				runtime.Goexit()
				return 0, nil
			}))
		})
		assert.ErrorIs(t, err, future.ErrGoexit)
		mustWork(t, l)
	}
	// On one thread a Goexit-ing coroutine stays parked until the loop
	// ends; a child process's leak check proves Close reclaims it.
	t.Run("single", func(t *testing.T) {
		inChild(t, func(t *testing.T) {
			l := loop.NewSingleThread(loop.WithExceptionHandler(func(error) {}))
			body(t, l)
			require.NoError(t, l.Close())
		})
	})
	t.Run("pool", func(t *testing.T) {
		l := loop.NewPool(loop.WithExceptionHandler(func(error) {}))
		defer l.Close()
		body(t, l)
	})
}

func TestBadInputGetsTypedErrors(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := l.CallSoon(nil)
		assert.ErrorIs(t, err, future.ErrNil)
		_, err = l.CallSoonThreadsafe(nil)
		assert.ErrorIs(t, err, future.ErrNil)
		assert.ErrorIs(t, l.Submit(nil), future.ErrNil)
		assert.ErrorIs(t, loop.CreateTask[int](l, nil).Err(), future.ErrNil)
		_, err = loop.RunUntilComplete[int](bg, l, nil)
		assert.ErrorIs(t, err, future.ErrNil)
		_, err = loop.RunUntilComplete[int](bg, nil, future.Coroutine[int](nil))
		assert.ErrorIs(t, err, future.ErrNil)
		var nilFuture *future.Future[int]
		_, err = loop.RunUntilComplete(bg, l, nilFuture)
		assert.ErrorIs(t, err, future.ErrNil)
		_, err = run(t, l, func(ctx context.Context) (int, error) {
			return future.Await(ctx, nilFuture)
		})
		assert.ErrorIs(t, err, future.ErrNil)
		mustWork(t, l)
	})
}

func TestDoubleCompletionIsReportedOnTheLoop(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var second error
		v, err := run(t, l, func(ctx context.Context) (int, error) {
			p := future.NewPromiseOn[int](l)
			_ = p.Resolve(1)
			second = p.Resolve(2)
			return future.Await(ctx, p.Future())
		})
		require.NoError(t, err)
		assert.Equal(t, 1, v, "the first result is kept")
		assert.ErrorIs(t, second, future.ErrAlreadyDone)
		mustWork(t, l)
	})
}

func TestRunUntilCompleteIsNotReentrant(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			return loop.RunUntilComplete(ctx, l, future.Coroutine[int](func(context.Context) (int, error) { return 1, nil }))
		})
		assert.ErrorIs(t, err, loop.ErrRunning)
		mustWork(t, l)
	})
}

func TestAwaitFromAForeignGoroutine(t *testing.T) {
	// One worker, so that on the pool too the goroutine below runs its
	// Await only once the task has parked and given the worker up.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		never := future.NewPromise[int]()
		t.Run("while the task is suspended", func(t *testing.T) {
			got, err := run(t, l, func(ctx context.Context) (error, error) {
				result := future.NewPromise[error]()
				loop.CreateTask(l, func(context.Context) (int, error) {
					// Runs while the main task is parked on result.
					go func() {
						_, err := future.Await(ctx, never.Future())
						_ = result.Resolve(err)
					}()
					return 0, nil
				})
				return future.Await(ctx, result.Future())
			})
			require.NoError(t, err)
			assert.ErrorIs(t, got, future.ErrWrongGoroutine)
		})
		t.Run("after the task has finished", func(t *testing.T) {
			ctx, err := run(t, l, func(ctx context.Context) (context.Context, error) { return ctx, nil })
			require.NoError(t, err)
			_, err = future.Await(ctx, never.Future())
			assert.ErrorIs(t, err, future.ErrWrongGoroutine)
		})
		mustWork(t, l)
	}, loop.WithWorkers(1))
}

// TestDebugCatchesAwaitFromAForeignGoroutineWhileTheBodyRuns: with the
// task's body still running, a goroutine it started awaits (and sleeps)
// with the task's context. Without debug mode that switches the body's
// runtime coroutine from the wrong thread, which aborts the process; in
// debug mode the single-thread loop checks the thread and refuses.
func TestDebugCatchesAwaitFromAForeignGoroutineWhileTheBodyRuns(t *testing.T) {
	l := loop.NewSingleThread(loop.WithDebug())
	defer l.Close()
	never := future.NewPromise[int]()
	errs, err := run(t, l, func(ctx context.Context) ([2]error, error) {
		got := make(chan [2]error)
		go func() {
			_, awaitErr := future.Await(ctx, never.Future())
			got <- [2]error{awaitErr, loop.Sleep(ctx, 0)}
		}()
		return <-got, nil // the body runs, blocking the loop, until then
	})
	require.NoError(t, err)
	for i, err := range errs {
		assert.ErrorIs(t, err, future.ErrWrongGoroutine, "call %d", i)
	}
	mustWork(t, l)
}

func TestDebugCatchesCallSoonFromAnotherThread(t *testing.T) {
	l := loop.NewSingleThread(loop.WithDebug())
	defer l.Close()
	got, err := run(t, l, func(ctx context.Context) (error, error) {
		p := future.NewPromise[error]()
		go func() {
			// Not the loop's thread, and the loop is running: racing on
			// the unsynchronized queue is refused instead.
			_, err := l.CallSoon(func() {})
			_ = p.Resolve(err)
		}()
		return future.Await(ctx, p.Future())
	})
	require.NoError(t, err)
	assert.ErrorIs(t, got, loop.ErrWrongThread)
	mustWork(t, l)
}
