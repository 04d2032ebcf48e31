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

// noCtx is a nil context, the bad input some tests pass on purpose.
var noCtx context.Context

// napThen returns a coroutine that sleeps d on the loop's clock and then
// returns v.
func napThen[T any](d time.Duration, v T) future.Coroutine[T] {
	return func(ctx context.Context) (T, error) {
		if err := loop.Sleep(ctx, d); err != nil {
			var zero T
			return zero, err
		}
		return v, nil
	}
}

// napFail returns a coroutine that sleeps d and then fails with err.
func napFail[T any](d time.Duration, err error) future.Coroutine[T] {
	return func(ctx context.Context) (T, error) {
		var zero T
		if e := loop.Sleep(ctx, d); e != nil {
			return zero, e
		}
		return zero, err
	}
}

// watched returns a coroutine that sleeps d and returns v, and a future
// completed with the error the coroutine's sleep ended with (nil if it
// slept its full time) once the coroutine has finished.
func watched(d time.Duration, v int) (future.Coroutine[int], *future.Future[error]) {
	ended := future.NewPromise[error]()
	return func(ctx context.Context) (int, error) {
		err := loop.Sleep(ctx, d)
		_ = ended.Resolve(err)
		if err != nil {
			return 0, err
		}
		return v, nil
	}, ended.Future()
}

func TestGather(t *testing.T) {
	t.Run("values come back in argument order, not completion order", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			ready := future.NewPromise[int]()
			_ = ready.Resolve(3)
			v, err := run(t, l, func(ctx context.Context) ([]int, error) {
				return future.Await(ctx, loop.Gather[int, future.Awaitable[int]](ctx,
					future.Awaitable[int](napThen(2*time.Second, 1)),
					napThen(time.Second, 2),
					ready.Future(),
				))
			})
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2, 3}, v)
		}, virtual...)
	})

	t.Run("the first failure completes the result and cancels only Gather's own tasks", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			slow, slowEnded := watched(time.Hour, 1)
			shared := future.NewPromise[int]()
			_, err := run(t, l, func(ctx context.Context) ([]int, error) {
				return future.Await(ctx, loop.Gather[int, future.Awaitable[int]](ctx,
					future.Awaitable[int](napFail[int](time.Second, boom)),
					slow,
					shared.Future(),
				))
			})
			require.ErrorIs(t, err, boom)
			assert.NotErrorIs(t, err, future.ErrCancelled)
			sleepErr, err := loop.RunUntilComplete(bg, l, slowEnded)
			require.NoError(t, err)
			assert.ErrorIs(t, sleepErr, future.ErrCancelled, "the sibling task was cancelled")
			assert.ErrorIs(t, sleepErr, boom, "with a cause that wraps the first error")
			assert.False(t, shared.Future().IsDone(), "a future passed in is left alone")
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("cancelling the result cancels every child, futures passed in included", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("no longer needed")
			slow, slowEnded := watched(time.Hour, 1)
			shared := future.NewPromise[int]()
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				g := loop.Gather[int, future.Awaitable[int]](ctx, future.Awaitable[int](slow), shared.Future())
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return 0, err
				}
				assert.True(t, g.Cancel(cause))
				assert.False(t, g.Cancel(cause), "a second cancel is refused")
				_, err := future.Await(ctx, g)
				return 0, err
			})
			require.ErrorIs(t, err, future.ErrCancelled)
			require.ErrorIs(t, err, cause)
			sleepErr, err := loop.RunUntilComplete(bg, l, slowEnded)
			require.NoError(t, err)
			assert.ErrorIs(t, sleepErr, cause)
			assert.True(t, shared.Future().Cancelled())
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("cancelling the task that awaits a gather cancels the children", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("shutting down")
			slow, slowEnded := watched(time.Hour, 1)
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				waiter := loop.CreateTask(l, func(ctx context.Context) ([]int, error) {
					return future.Await(ctx, loop.Gather(ctx, future.Awaitable[int](slow)))
				})
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return 0, err
				}
				waiter.Cancel(cause)
				_, err := future.Await(ctx, waiter)
				return 0, err
			})
			require.ErrorIs(t, err, cause)
			sleepErr, err := loop.RunUntilComplete(bg, l, slowEnded)
			require.NoError(t, err)
			assert.ErrorIs(t, sleepErr, cause)
		}, virtual...)
	})

	t.Run("a panicking coroutine fails the gather with a PanicError", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			_, err := run(t, l, func(ctx context.Context) ([]int, error) {
				return future.Await(ctx, loop.Gather[int, future.Awaitable[int]](ctx,
					future.Awaitable[int](napThen(time.Hour, 1)),
					future.Coroutine[int](panicsDeepDown),
				))
			})
			var pe *future.PanicError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "bottom fell out", pe.Value)
			mustWork(t, l)
		}, virtual...)
	})

	// asyncio.gather(*aws) takes any list; test_tasks.GatherTestsBase
	// passes lists of futures and of coroutines alike.
	t.Run("a slice of futures or of coroutines is spread as it is", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			v, err := run(t, l, func(ctx context.Context) ([]int, error) {
				coros := []future.Coroutine[int]{napThen(2*time.Millisecond, 1), napThen(time.Millisecond, 2)}
				futs := make([]*future.Future[int], len(coros))
				for i, c := range coros {
					futs[i] = loop.CreateTask(l, c)
				}
				a, err := future.Await(ctx, loop.Gather(ctx, coros...))
				if err != nil {
					return nil, err
				}
				b, err := future.Await(ctx, loop.Gather(ctx, futs...))
				if err != nil {
					return nil, err
				}
				settled, err := future.Await(ctx, loop.GatherSettled(ctx, futs...))
				if err != nil {
					return nil, err
				}
				return append(append(a, b...), settled[0].Value, settled[1].Value), nil
			})
			require.NoError(t, err)
			assert.Equal(t, []int{1, 2, 1, 2, 1, 2}, v)
		})
	})
	t.Run("no awaitables give an empty slice at once", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			v, err := run(t, l, func(ctx context.Context) ([]int, error) {
				g := loop.Gather[int, future.Awaitable[int]](ctx)
				assert.True(t, g.IsDone())
				return future.Await(ctx, g)
			})
			require.NoError(t, err)
			assert.NotNil(t, v)
			assert.Empty(t, v)
		})
	})

	t.Run("bad input gets typed errors and starts nothing", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			ran := false
			body := future.Coroutine[int](func(context.Context) (int, error) { ran = true; return 1, nil })
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				for _, bad := range []future.Awaitable[int]{
					nil,
					(*future.Future[int])(nil),
					future.Coroutine[int](nil),
				} {
					_, err := future.Await(ctx, loop.Gather[int, future.Awaitable[int]](ctx, body, bad))
					if !errors.Is(err, future.ErrNil) {
						return 0, err
					}
				}
				return 0, loop.Sleep(ctx, time.Second)
			})
			require.NoError(t, err)
			assert.False(t, ran, "the good coroutine never became a task")
			_, err = future.Await(bg, loop.Gather(noCtx, future.Awaitable[int](body)))
			assert.ErrorIs(t, err, future.ErrNil)
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("outside a loop, futures work and coroutines are refused", func(t *testing.T) {
		_, err := future.Await(bg, loop.Gather(bg, future.Awaitable[int](napThen(0, 1))))
		require.ErrorIs(t, err, loop.ErrNoRunningLoop)

		a, b := future.NewPromise[int](), future.NewPromise[int]()
		g := loop.Gather(bg, a.Future(), b.Future())
		go func() { _ = b.Resolve(2); _ = a.Resolve(1) }()
		v, err := future.Await(bg, g)
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, v)
	})
}

func TestGatherSettled(t *testing.T) {
	t.Run("every outcome is collected in argument order", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			boom := errors.New("boom")
			cancelled := future.NewPromise[int]()
			_ = cancelled.Cancel(nil)
			v, err := run(t, l, func(ctx context.Context) ([]future.Result[int], error) {
				return future.Await(ctx, loop.GatherSettled[int, future.Awaitable[int]](ctx,
					future.Awaitable[int](napThen(2*time.Second, 1)),
					napFail[int](time.Second, boom),
					cancelled.Future(),
					future.Coroutine[int](panicsDeepDown),
					nil,
				))
			})
			require.NoError(t, err, "GatherSettled does not fail because a child did")
			require.Len(t, v, 5)
			assert.Equal(t, future.Result[int]{Value: 1}, v[0])
			assert.ErrorIs(t, v[1].Err, boom)
			assert.ErrorIs(t, v[2].Err, future.ErrCancelled)
			var pe *future.PanicError
			assert.ErrorAs(t, v[3].Err, &pe)
			assert.ErrorIs(t, v[4].Err, future.ErrNil)
			mustWork(t, l)
		}, virtual...)
	})

	t.Run("cancelling the result cancels every child", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			cause := errors.New("enough")
			slow, slowEnded := watched(time.Hour, 1)
			shared := future.NewPromise[int]()
			_, err := run(t, l, func(ctx context.Context) ([]future.Result[int], error) {
				g := loop.GatherSettled[int, future.Awaitable[int]](ctx, future.Awaitable[int](slow), shared.Future())
				if err := loop.Sleep(ctx, time.Second); err != nil {
					return nil, err
				}
				g.Cancel(cause)
				return future.Await(ctx, g)
			})
			require.ErrorIs(t, err, cause)
			sleepErr, err := loop.RunUntilComplete(bg, l, slowEnded)
			require.NoError(t, err)
			assert.ErrorIs(t, sleepErr, cause)
			assert.True(t, shared.Future().Cancelled())
		}, virtual...)
	})

	t.Run("a coroutine outside a loop gets its own error", func(t *testing.T) {
		done := future.NewPromise[int]()
		_ = done.Resolve(7)
		v, err := future.Await(bg, loop.GatherSettled[int, future.Awaitable[int]](bg, future.Awaitable[int](napThen(0, 1)), done.Future()))
		require.NoError(t, err)
		assert.ErrorIs(t, v[0].Err, loop.ErrNoRunningLoop)
		assert.Equal(t, future.Result[int]{Value: 7}, v[1])

		v, err = future.Await(bg, loop.GatherSettled[int](noCtx, done.Future()))
		require.NoError(t, err)
		assert.ErrorIs(t, v[0].Err, future.ErrNil)
	})
}

func TestGatherManyTasksOnEveryWorker(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const n = 200
		aws := make([]future.Awaitable[int], n)
		want := make([]int, n)
		for i := range aws {
			aws[i] = napThen(time.Duration(n-i)*time.Millisecond, i)
			want[i] = i
		}
		v, err := run(t, l, func(ctx context.Context) ([]int, error) {
			return future.Await(ctx, loop.Gather(ctx, aws...))
		})
		require.NoError(t, err)
		assert.Equal(t, want, v)

		rs, err := run(t, l, func(ctx context.Context) ([]future.Result[int], error) {
			return future.Await(ctx, loop.GatherSettled(ctx, aws...))
		})
		require.NoError(t, err)
		for i, r := range rs {
			assert.Equal(t, future.Result[int]{Value: i}, r)
		}
	}, loop.WithVirtualTime())
}

// TestGatherCancelsEveryTaskItMadeWhenOneFails: the first coroutine fails
// at once, while Gather may still be making the others (on the pool it
// runs in parallel with their creation). The others wait for ever unless
// cancelled. Every one that gets to run must see Gather's cancellation,
// whose cause names the failure, and none Close's: a task Gather missed
// would still be waiting when the loop is closed.
func TestGatherCancelsEveryTaskItMadeWhenOneFails(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		boom := errors.New("boom")
		const waiters = 2000
		var mu sync.Mutex // the pool runs the waiters in parallel
		var causes []error
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			aws := []future.Awaitable[int]{future.Coroutine[int](func(context.Context) (int, error) { return 0, boom })}
			for range waiters {
				aws = append(aws, future.Coroutine[int](func(ctx context.Context) (int, error) {
					// A future of its own: cancelling a task cancels the
					// future it waits on, which would end the others too.
					_, err := future.Await(ctx, future.NewPromise[int]().Future())
					mu.Lock()
					causes = append(causes, context.Cause(ctx))
					mu.Unlock()
					return 0, err
				}))
			}
			_, err := future.Await(ctx, loop.Gather(ctx, aws...))
			return 0, err
		})
		require.ErrorIs(t, err, boom)
		require.NoError(t, l.Close()) // waits for every task to end
		mu.Lock()
		defer mu.Unlock()
		for i, c := range causes {
			require.ErrorIs(t, c, boom, "waiter %d of %d that ran: the cause of its cancellation", i, len(causes))
		}
	})
}

// TestGatherReportsALaterErrorNobodyReads: once one coroutine has failed
// the result, another that fails with a real error (it declines the
// cancellation Gather sends it) has nobody to read its error; it goes to
// the exception handler, as asyncio logs "Task exception was never
// retrieved". A cancellation error is not reported.
func TestGatherReportsALaterErrorNobodyReads(t *testing.T) {
	eachEngineWithHandler(t, func(t *testing.T, l *loop.Loop, h *handled) {
		first, second := errors.New("first"), errors.New("second")
		started := future.NewPromise[int]()
		gate := future.NewPromise[int]()
		secondDone := future.NewPromise[struct{}]()
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			g := loop.Gather(ctx,
				future.Coroutine[int](func(ctx context.Context) (int, error) {
					defer func() { _ = secondDone.Resolve(struct{}{}) }()
					_ = started.Resolve(1)
					_, _ = future.Await(ctx, gate.Future()) // cancelled or not, fail
					return 0, second
				}),
				future.Coroutine[int](func(ctx context.Context) (int, error) {
					if _, err := future.Await(ctx, started.Future()); err != nil {
						return 0, err
					}
					// The gate stays shut: the first coroutine's wait ends
					// with Gather's cancellation, after this error has
					// failed the result, on a parallel pool too (opening
					// it here let the first coroutine's error win there).
					return 0, first
				}),
				future.Coroutine[int](func(ctx context.Context) (int, error) {
					return future.Await(ctx, future.NewPromise[int]().Future()) // cancelled
				}),
			)
			_, err := future.Await(ctx, g)
			require.ErrorIs(t, err, first)
			_, err = future.Await(ctx, secondDone.Future())
			return 0, err
		})
		require.NoError(t, err)
		require.NoError(t, l.Close())
		errs := h.list()
		require.Len(t, errs, 1, "exactly the second error is reported: %v", errs)
		assert.ErrorIs(t, errs[0], loop.ErrNeverRetrieved)
		assert.ErrorIs(t, errs[0], second)
	})
}

// TestGatherRefusedOnAClosingLoopReportsNothing: a task that Close is
// unwinding calls Gather, whose coroutines are all refused. The result
// fails with ErrClosed, and none of them ran, so nothing is reported as
// never retrieved.
func TestGatherRefusedOnAClosingLoopReportsNothing(t *testing.T) {
	eachEngineWithHandler(t, func(t *testing.T, l *loop.Loop, h *handled) {
		started := future.NewPromise[int]()
		gathered := future.NewPromise[int]()
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			loop.CreateTask(l, func(ctx context.Context) (int, error) {
				_ = started.Resolve(1)
				_, _ = future.Await(ctx, future.NewPromise[int]().Future()) // until Close
				one := future.Coroutine[int](func(context.Context) (int, error) { return 1, nil })
				_, err := loop.Gather(ctx, one, one, one).Result()
				_ = gathered.Reject(err)
				return 0, nil
			})
			return future.Await(ctx, started.Future())
		})
		require.NoError(t, err)
		require.NoError(t, l.Close())
		require.ErrorIs(t, gathered.Future().Err(), loop.ErrClosed)
		assert.Empty(t, h.list())
	})
}

// TestGatherDoesNotReportCancellationsTheGoWay: after one coroutine fails,
// the others, cancelled by Gather, end as Go code usually does, returning
// ctx.Err() or context.Cause(ctx). Those are cancellations, not errors
// nobody read: nothing reaches the exception handler.
func TestGatherDoesNotReportCancellationsTheGoWay(t *testing.T) {
	eachEngineWithHandler(t, func(t *testing.T, l *loop.Loop, h *handled) {
		boom := errors.New("boom")
		// The failing coroutine waits for both waiters to start: a task
		// Gather cancels before its first step never runs its body (as
		// in asyncio), so a waiter that had not started would never
		// reach its deferred Done (a parallel pool showed it).
		var starting sync.WaitGroup
		starting.Add(2)
		started := future.NewPromise[int]()
		go func() { starting.Wait(); _ = started.Resolve(1) }()
		var left sync.WaitGroup
		left.Add(2)
		bothDone := future.NewPromise[int]()
		go func() { left.Wait(); _ = bothDone.Resolve(0) }()
		waiter := func(ret func(context.Context) error) future.Coroutine[int] {
			return func(ctx context.Context) (int, error) {
				defer left.Done()
				starting.Done()
				if _, err := future.Await(ctx, future.NewPromise[int]().Future()); err != nil {
					return 0, ret(ctx)
				}
				return 0, nil
			}
		}
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			g := loop.Gather(ctx,
				waiter(func(ctx context.Context) error { return ctx.Err() }),
				waiter(context.Cause),
				future.Coroutine[int](func(ctx context.Context) (int, error) {
					if _, err := future.Await(ctx, started.Future()); err != nil {
						return 0, err
					}
					return 0, boom
				}),
			)
			_, err := future.Await(ctx, g)
			require.ErrorIs(t, err, boom)
			return future.Await(ctx, bothDone.Future())
		})
		require.NoError(t, err)
		assert.Empty(t, h.list())
	})
}
