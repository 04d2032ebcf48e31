package loop_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

// TestATaskThatCancelsItselfAndReturnsEndsCancelled follows CPython's
// test_tasks.test_cancel_at_end: a task cancels itself and returns 12
// without awaiting again; the task ends cancelled, its value dropped. It
// used to end with 12. A later Cancel reports false.
func TestATaskThatCancelsItselfAndReturnsEndsCancelled(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("self")
		var self *future.Future[int]
		ready := future.NewPromise[struct{}]()
		self = loop.CreateTask(l, func(ctx context.Context) (int, error) {
			if _, err := future.Await(ctx, ready.Future()); err != nil {
				return 0, err
			}
			assert.True(t, loop.CurrentTask(ctx).Cancel(cause))
			return 12, nil
		})
		_ = ready.Resolve(struct{}{})
		_, err := loop.RunUntilComplete(bg, l, self)
		assert.ErrorIs(t, err, future.ErrCancelled)
		assert.ErrorIs(t, err, cause)
		assert.True(t, self.Cancelled())
		assert.False(t, self.Cancel(cause), "a finished task cannot be cancelled")
	})
}

// TestACancelRequestedWhileRunningPassesIntoTheAwaitedTask follows
// test_tasks.test_cancel_awaited_task (bpo-34872): a task cancels itself
// while running, then awaits a nested task that waits on a future. The
// cancellation is handed on: the nested task and its future end cancelled
// too. The cancel used to be delivered at the Await alone, leaving the
// nested task running.
func TestACancelRequestedWhileRunningPassesIntoTheAwaitedTask(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		fut := future.NewPromise[int]()
		var nested *future.Future[int]
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			going := future.NewPromise[struct{}]()
			nested = loop.CreateTask(l, func(ctx context.Context) (int, error) {
				_ = going.Resolve(struct{}{})
				return future.Await(ctx, fut.Future())
			})
			if _, err := future.Await(ctx, going.Future()); err != nil { // nested gets going
				return 0, err
			}
			loop.CurrentTask(ctx).Cancel(errors.New("why"))
			return future.Await(ctx, nested)
		})
		assert.ErrorIs(t, err, future.ErrCancelled)
		assert.True(t, nested.Cancelled(), "nested: %v", nested.Err())
		assert.True(t, fut.Future().Cancelled())
	})
}

// TestWaitForEndsCancelledWhenItsCallerIs: WaitFor's limit runs out and
// it waits for the inner task, which takes its time to unwind and returns
// a value; meanwhile the caller is cancelled. WaitFor must end cancelled
// (test_waitfor.test_cancel_wait_for; gh-86296 was wait_for swallowing a
// cancellation); it used to return the inner value.
func TestWaitForEndsCancelledWhenItsCallerIs(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		cause := errors.New("caller cancelled")
		unwinding := future.NewPromise[struct{}]()
		inner := loop.CreateTask(l, func(ctx context.Context) (int, error) {
			if err := loop.Sleep(ctx, time.Hour); err == nil {
				return 0, errors.New("not cancelled")
			}
			_ = unwinding.Resolve(struct{}{})
			// Unwinding takes up to a second (the caller's cancellation,
			// handed on to this task, cuts it short) and declines with a
			// value.
			_ = loop.Sleep(ctx, time.Second)
			return 5, nil
		})
		caller := loop.CreateTask(l, func(ctx context.Context) (int, error) {
			return loop.WaitFor(ctx, inner, time.Minute)
		})
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			if _, err := future.Await(ctx, unwinding.Future()); err != nil {
				return 0, err
			}
			caller.Cancel(cause)
			return future.Await(ctx, caller)
		})
		assert.ErrorIs(t, err, future.ErrCancelled)
		assert.ErrorIs(t, err, cause)
		v, ierr := inner.Result()
		assert.NoError(t, ierr)
		assert.Equal(t, 5, v, "the inner task kept its own value")
	}, loop.WithVirtualTime())
}

// TestWaitForWithAnExpiredLimitDoesNotStartTheCoroutine: asyncio's
// wait_for with timeout 0 wraps a coroutine in a task and cancels it
// before it runs (test_waitfor.test_wait_for_timeout_less_then_0_or_0_
// coroutine_do_not_started); a done future gives its result.
func TestWaitForWithAnExpiredLimitDoesNotStartTheCoroutine(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		started := false
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			return loop.WaitFor(ctx, future.Coroutine[int](func(context.Context) (int, error) {
				started = true
				return 1, nil
			}), 0)
		})
		assert.ErrorIs(t, err, loop.ErrTimeout)
		assert.False(t, started)
	})
}

// TestUncancelGivesTheTaskWorkingContextsAgain is issue 16's thirteenth
// bug, after test_tasks.test_uncancel_basic: a task catches its
// cancellation and calls Uncancel; Cancelling goes 1 → 0, and a Timeout it
// derives afterwards works, where it used to be born cancelled.
func TestUncancelGivesTheTaskWorkingContextsAgain(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		type seen struct {
			before, after int
			sleep         error
		}
		sleeping := future.NewPromise[struct{}]()
		tk := loop.CreateTask(l, func(ctx context.Context) (seen, error) {
			var s seen
			// A context derived before the cancellation: the cancellation
			// ends it, and it stays ended.
			early, cancelEarly := context.WithCancel(ctx)
			defer cancelEarly()
			_ = sleeping.Resolve(struct{}{})
			if err := loop.Sleep(ctx, time.Hour); !errors.Is(err, future.ErrCancelled) {
				return s, errors.New("not cancelled")
			}
			me := loop.CurrentTask(ctx)
			s.before = me.Cancelling()
			s.after = me.Uncancel()
			tctx, cancel := loop.Timeout(ctx, 10*time.Second)
			defer cancel()
			s.sleep = loop.Sleep(tctx, time.Second) // works: a second, not "cancelled"
			if early.Err() == nil {
				return s, errors.New("a context derived before the cancellation came back")
			}
			return s, nil
		})
		got, err := run(t, l, func(ctx context.Context) (seen, error) {
			// On a parallel pool the task might not have started yet.
			if _, err := future.Await(ctx, sleeping.Future()); err != nil {
				return seen{}, err
			}
			tk.Cancel(errors.New("stop"))
			return future.Await(ctx, tk)
		})
		require.NoError(t, err)
		assert.Equal(t, seen{before: 1, after: 0}, got)
	}, loop.WithVirtualTime())
}

// TestCancellingCountsRequests follows test_tasks.test_cancelling and
// test_uncancel_resets_must_cancel (Python 3.13): each Cancel of a pending
// task counts; Uncancel withdraws one, and at zero drops a cancellation
// not yet delivered, so the task ends with its value.
func TestCancellingCountsRequests(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(t, l, func(ctx context.Context) (int, error) {
			me := loop.CurrentTask(ctx)
			if me.Cancelling() != 0 {
				return 0, errors.New("a fresh task is not cancelling")
			}
			me.Cancel(errors.New("one"))
			me.Cancel(errors.New("two"))
			if n := me.Cancelling(); n != 2 {
				return 0, errors.New("two requests")
			}
			me.Uncancel()
			if n := me.Uncancel(); n != 0 {
				return 0, errors.New("none left")
			}
			return 42, nil // nothing pending: not cancelled
		})
		require.NoError(t, err)
		assert.Equal(t, 42, got)
	})
}

// TestCurrentTaskAndAllTasks follows test_tasks.test_current_task and
// test_all_tasks: nil outside a task, the task itself inside (also under a
// derived context); AllTasks lists the live tasks by name.
func TestCurrentTaskAndAllTasks(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		assert.Nil(t, loop.CurrentTask(bg))
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			me := loop.CurrentTask(ctx)
			dctx, cancel := context.WithCancel(ctx)
			defer cancel()
			assert.True(t, me.Is(loop.CurrentTask(dctx)))
			assert.Regexp(t, `^Task-\d+$`, me.Name())
			never := future.NewPromise[int]()
			sleeper := loop.CreateTask(l, func(ctx context.Context) (int, error) {
				return future.Await(ctx, never.Future())
			}, loop.TaskName("sleeper"))
			if err := loop.Sleep(ctx, 0); err != nil {
				return 0, err
			}
			var names []string
			for _, tk := range loop.AllTasks(l) {
				names = append(names, tk.Name())
			}
			assert.ElementsMatch(t, []string{me.Name(), "sleeper"}, names)
			sleeper.Cancel(nil)
			_, err := future.Await(ctx, sleeper)
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, nil
		})
		require.NoError(t, err)
		assert.Empty(t, loop.AllTasks(l), "none left once the run is over")
	})
}

// TestWaitRefusesAnUnknownReturnWhen: asyncio.wait raises ValueError for
// an invalid return_when (test_tasks.test_wait_errors); Wait used to treat
// any value as AllCompleted.
func TestWaitRefusesAnUnknownReturnWhen(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			f := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil })
			for _, when := range []loop.ReturnWhen{-1, 3, 99} {
				_, _, err := loop.Wait(ctx, []*future.Future[int]{f}, when, 0)
				if !errors.Is(err, loop.ErrInvalidReturnWhen) {
					return 0, fmt.Errorf("ReturnWhen %d: got %v", int(when), err)
				}
			}
			_, err := future.Await(ctx, f)
			return 0, err
		})
		require.NoError(t, err)
	})
}

// TestNilAndZeroValuesGiveErrorsOrWork is issue 16's sixth bug: nil and
// zero values that panicked in the caller.
func TestNilAndZeroValuesGiveErrorsOrWork(t *testing.T) {
	c := future.Coroutine[int](func(context.Context) (int, error) { return 1, nil })
	assert.ErrorIs(t, loop.CreateTask(nil, c).Err(), future.ErrNil)
	assert.ErrorIs(t, loop.RunInExecutor(bg, nil, c).Err(), future.ErrNil)

	var p future.Promise[int]
	assert.ErrorIs(t, p.Resolve(1), future.ErrNil)
	assert.ErrorIs(t, p.Reject(errors.New("x")), future.ErrNil)
	assert.ErrorIs(t, p.Complete(1, nil), future.ErrNil)
	assert.ErrorIs(t, p.Cancel(nil), future.ErrNil)
	assert.NotPanics(t, func() { p.SetCancelHook(nil) })

	f := future.NewPromise[int]()
	assert.True(t, f.Future().OnDone(nil), "pending: nothing registered, nothing to fail later")
	assert.NoError(t, f.Resolve(3))
	assert.False(t, f.Future().OnDone(nil))

	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var cond locks.Condition // a zero Condition has a lock of its own
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			if err := cond.Acquire(ctx); err != nil {
				return 0, err
			}
			loop.CreateTask(l, func(ctx context.Context) (int, error) {
				if err := cond.Acquire(ctx); err != nil {
					return 0, err
				}
				cond.Notify(1)
				return 0, cond.Release()
			})
			if err := cond.Wait(ctx); err != nil {
				return 0, err
			}
			return 0, cond.Release()
		})
		require.NoError(t, err)
	})
}

// TestAPanickingExceptionHandlerKeepsTheStack: the report of a handler
// that panics carries a *future.PanicError with the handler's stack.
func TestAPanickingExceptionHandlerKeepsTheStack(t *testing.T) {
	// The default handler logs; capture what reaches it.
	got := make(chan error, 1)
	restore := loop.SetDefaultHandlerForTest(func(err error) {
		select {
		case got <- err:
		default: // keep the first
		}
	})
	defer restore()
	l := loop.NewSingleThread(loop.WithExceptionHandler(func(error) { panic("handler exploded") }))
	defer l.Close()
	_, err := run(t, l, func(ctx context.Context) (int, error) {
		_, err := l.CallSoon(func() { panic("callback exploded") })
		return 0, errors.Join(err, loop.Sleep(ctx, 0))
	})
	require.NoError(t, err)
	report := <-got
	var pe *future.PanicError
	require.ErrorAs(t, report, &pe)
	assert.Equal(t, "handler exploded", pe.Value)
	assert.Contains(t, string(pe.Stack), "TestAPanickingExceptionHandlerKeepsTheStack")
}

// TestTaskGroupCancelStopsTheGroupWithoutAFailure follows Python 3.15's
// TaskGroup.cancel (test_taskgroups.py on CPython main): the group's tasks
// and the body waiting under the group's context are cancelled, and the
// group ends without an error.
func TestTaskGroupCancelStopsTheGroupWithoutAFailure(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var kids []*future.Future[int]
		var bodyErr error
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			return 0, loop.WithTaskGroup(ctx, func(ctx context.Context, g *loop.TaskGroup) error {
				for range 3 {
					kids = append(kids, loop.CreateTaskIn(g, func(ctx context.Context) (int, error) {
						return 0, loop.Sleep(ctx, time.Hour)
					}))
				}
				loop.CreateTaskIn(g, func(ctx context.Context) (int, error) {
					g.Cancel()
					return 0, nil
				})
				bodyErr = loop.Sleep(ctx, time.Hour) // the body is interrupted too
				return nil
			})
		})
		require.NoError(t, err)
		assert.ErrorIs(t, bodyErr, future.ErrCancelled)
		for _, k := range kids {
			assert.True(t, k.Cancelled())
		}
	}, loop.WithVirtualTime())
}

// TestATimeoutScopeCanBeHeld follows CPython's test_timeouts
// (test_timeout_disabled, test_reschedule, test_timeout_expired): a scope
// with no limit does not expire; When reads the deadline on the loop's
// clock, virtual time included; Reschedule moves it; Expired says whether
// it ran out; rescheduling an expired scope does nothing.
func TestATimeoutScopeCanBeHeld(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			tctx, ts := loop.NewTimeout(ctx)
			defer ts.Cancel()
			if _, has := ts.When(); has {
				return 0, errors.New("a scope made without a limit has one")
			}
			if err := loop.Sleep(tctx, time.Hour); err != nil {
				return 0, fmt.Errorf("no limit, yet: %w", err)
			}
			want := l.Time().Add(10 * time.Second)
			ts.Reschedule(want)
			if when, has := ts.When(); !has || !when.Equal(want) {
				return 0, fmt.Errorf("When: %v %v, want %v", when, has, want)
			}
			start := l.Time()
			err := loop.Sleep(tctx, time.Hour)
			if !errors.Is(err, loop.ErrTimeout) || !ts.Expired() {
				return 0, fmt.Errorf("after the limit: %v, expired %v", err, ts.Expired())
			}
			if d := l.Time().Sub(start); d != 10*time.Second {
				return 0, fmt.Errorf("expired after %v", d)
			}
			ts.Reschedule(time.Time{}) // too late: refused
			if !ts.Expired() {
				return 0, errors.New("an expired scope came back")
			}
			return 0, nil
		})
		require.NoError(t, err)
	}, loop.WithVirtualTime())
}
