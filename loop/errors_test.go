package loop_test

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

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

// TestAGoroutineHandedTheTasksContextBlocksLikePlainGo is issue 16's first
// bug: a task hands its ctx to a goroutine, as Go code does, and the
// goroutine awaits a pending future with it while the body still runs.
// The single-thread loop died ("coro: OS thread locking must match locking
// at coroutine creation"); the pool returned through the task's own park
// path from the wrong goroutine. Now the goroutine's Await blocks it like
// plain Go code until the future is done, and its Sleep(ctx, 0) yields
// like runtime.Gosched; the task is left alone. In a child process, since
// the old failure was fatal.
func TestAGoroutineHandedTheTasksContextBlocksLikePlainGo(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		inChild(t, func(t *testing.T) {
			type result struct {
				v        int
				err, slp error
			}
			got, err := run(t, l, func(ctx context.Context) (result, error) {
				f := future.NewPromise[int]()
				about := make(chan struct{})
				res := future.NewPromiseOn[result](l)
				go func() {
					close(about)
					v, err := future.Await(ctx, f.Future())
					_ = res.Resolve(result{v, err, loop.Sleep(ctx, 0)})
				}()
				// Keep the body running while the goroutine's Await starts:
				// the window the old code crashed in. (Spinning here widens
				// the race for the old code; the new code needs no timing.)
				<-about
				for start := time.Now(); time.Since(start) < 2*time.Millisecond; {
					runtime.Gosched()
				}
				if err := loop.Sleep(ctx, 0); err != nil { // the task parks and resumes
					return result{}, err
				}
				_ = f.Resolve(42)
				return future.Await(ctx, res.Future())
			})
			require.NoError(t, err)
			assert.Equal(t, result{v: 42}, got)
			mustWork(t, l)
		})
	})
}

// TestAGoroutineAwaitsWithTheContextOfASuspendedOrEndedTask: the
// goroutine blocks until the future is done while the task is suspended
// (it used to get ErrWrongGoroutine), and with the context of a task that
// has ended, whose context is done, it returns that context's
// cancellation at once.
func TestAGoroutineAwaitsWithTheContextOfASuspendedOrEndedTask(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		t.Run("while the task is suspended", func(t *testing.T) {
			got, err := run(t, l, func(ctx context.Context) (int, error) {
				f := future.NewPromise[int]()
				result := future.NewPromiseOn[int](l)
				go func() {
					v, err := future.Await(ctx, f.Future())
					_ = result.Complete(v, err)
				}()
				// The main task parks on result; the goroutine must not
				// take that park over.
				loop.CreateTask(l, func(context.Context) (int, error) { _ = f.Resolve(5); return 0, nil })
				return future.Await(ctx, result.Future())
			})
			require.NoError(t, err)
			assert.Equal(t, 5, got)
		})
		t.Run("after the task has finished", func(t *testing.T) {
			ctx, err := run(t, l, func(ctx context.Context) (context.Context, error) { return ctx, nil })
			require.NoError(t, err)
			never := future.NewPromise[int]()
			_, err = future.Await(ctx, never.Future())
			assert.ErrorIs(t, err, future.ErrCancelled)
			assert.ErrorIs(t, loop.Sleep(ctx, 0), future.ErrCancelled)
		})
		mustWork(t, l)
	}, loop.WithWorkers(1))
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
