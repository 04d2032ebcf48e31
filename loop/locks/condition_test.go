package locks_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

func TestConditionRequiresTheLock(t *testing.T) {
	c := locks.NewCondition(nil)
	assert.ErrorIs(t, c.Wait(bg), locks.ErrNotLocked)
	assert.ErrorIs(t, c.Notify(1), locks.ErrNotLocked)
	assert.ErrorIs(t, c.NotifyAll(), locks.ErrNotLocked)
	assert.ErrorIs(t, c.Release(), locks.ErrNotLocked)
	assert.False(t, c.Locked())
	assert.True(t, c.TryAcquire(), "the condition still works")
	assert.NoError(t, c.Notify(1), "notifying nobody is fine")
	assert.NoError(t, c.Release())
}

func TestConditionSharesItsLock(t *testing.T) {
	var mu locks.Lock
	c := locks.NewCondition(&mu)
	require.NoError(t, c.Acquire(bg))
	assert.True(t, mu.Locked())
	require.NoError(t, mu.Release())
	assert.False(t, c.Locked())
}

func TestConditionProducerConsumer(t *testing.T) {
	const consumers, items = 4, 40
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		c := locks.NewCondition(nil)
		var queue []int // protected by c's lock
		got := make([][]int, consumers)
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs := make([]*future.Future[struct{}], consumers)
			for i := range fs {
				fs[i] = task(l, func(ctx context.Context) error {
					for {
						if err := c.Acquire(ctx); err != nil {
							return err
						}
						if err := c.WaitFor(ctx, func() bool { return len(queue) > 0 }); err != nil {
							return errors.Join(err, c.Release())
						}
						v := queue[0]
						queue = queue[1:]
						if err := c.Release(); err != nil {
							return err
						}
						if v < 0 {
							return nil // the stop marker
						}
						got[i] = append(got[i], v)
					}
				})
			}
			for v := range items + consumers {
				if v >= items {
					v = -1
				}
				if err := c.Acquire(ctx); err != nil {
					return 0, err
				}
				queue = append(queue, v)
				if err := errors.Join(c.Notify(1), c.Release()); err != nil {
					return 0, err
				}
				if err := loop.Sleep(ctx, 0); err != nil {
					return 0, err
				}
			}
			return 0, awaitAll(ctx, fs...)
		})
		require.NoError(t, err)
		seen := map[int]bool{}
		for _, vs := range got {
			for _, v := range vs {
				assert.False(t, seen[v], "item %d consumed twice", v)
				seen[v] = true
			}
		}
		assert.Len(t, seen, items, "every item consumed once")
	})
}

// queueCondWaiters starts n tasks that each take c's lock, Wait once, record
// their number and release; each starts once the one before waits. The
// caller must not hold the lock.
func queueCondWaiters(ctx context.Context, l *loop.Loop, c *locks.Condition, n int, order *[]int) ([]*future.Future[struct{}], error) {
	fs := make([]*future.Future[struct{}], n)
	queued := locks.ConditionWaiters(c) // read before any task starts: on a pool it may queue at once
	for i := range fs {
		fs[i] = task(l, func(ctx context.Context) error {
			if err := c.Acquire(ctx); err != nil {
				return err
			}
			err := c.Wait(ctx)
			if !c.Locked() {
				return errors.New("Wait returned without the lock")
			}
			if err == nil {
				*order = append(*order, i) // protected by c's lock
			}
			return errors.Join(err, c.Release())
		})
		if err := yieldUntil(ctx, func() bool { return locks.ConditionWaiters(c) == queued+i+1 }); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

func TestConditionNotifyWakesInFIFOOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		c := locks.NewCondition(nil)
		var order []int
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs, err := queueCondWaiters(ctx, l, c, 5, &order)
			if err != nil {
				return 0, err
			}
			for i := range fs {
				if err := c.Acquire(ctx); err != nil {
					return 0, err
				}
				if err := errors.Join(c.Notify(1), c.Release()); err != nil {
					return 0, err
				}
				if _, err := future.Await(ctx, fs[i]); err != nil {
					return 0, err
				}
				assert.Equal(t, len(fs)-i-1, locks.ConditionWaiters(c), "Notify(1) woke one")
			}
			return 0, nil
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 1, 2, 3, 4}, order)
	})
}

func TestConditionNotifyAllWakesEveryWaiter(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		c := locks.NewCondition(nil)
		var order []int
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs, err := queueCondWaiters(ctx, l, c, 6, &order)
			if err != nil {
				return 0, err
			}
			if err := c.Acquire(ctx); err != nil {
				return 0, err
			}
			if err := errors.Join(c.NotifyAll(), c.Release()); err != nil {
				return 0, err
			}
			return 0, awaitAll(ctx, fs...)
		})
		require.NoError(t, err)
		assert.ElementsMatch(t, []int{0, 1, 2, 3, 4, 5}, order)
		assert.Zero(t, locks.ConditionWaiters(c))
	})
}

func TestConditionWaitReacquiresTheLockWhenCancelled(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		c := locks.NewCondition(nil)
		var order []int
		cause := errors.New("shutting down")
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs, err := queueCondWaiters(ctx, l, c, 2, &order)
			if err != nil {
				return 0, err
			}
			// Hold the lock while cancelling: the cancelled Wait must wait
			// for it before it returns.
			if err := c.Acquire(ctx); err != nil {
				return 0, err
			}
			assert.True(t, fs[0].Cancel(cause))
			if err := yieldUntil(ctx, func() bool { return locks.ConditionWaiters(c) == 1 }); err != nil {
				return 0, err
			}
			assert.False(t, fs[0].IsDone(), "still waiting for the lock")
			if err := c.Release(); err != nil {
				return 0, err
			}
			_, err = future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, cause, "the cancellation, after re-taking and releasing the lock")

			if err := c.Acquire(ctx); err != nil {
				return 0, err
			}
			if err := errors.Join(c.Notify(1), c.Release()); err != nil {
				return 0, err
			}
			return 0, awaitAll(ctx, fs[1])
		})
		require.NoError(t, err)
		assert.Equal(t, []int{1}, order)
		assert.False(t, c.Locked())
	})
}

func TestConditionNotificationRacingACancellationIsPassedOn(t *testing.T) {
	// One worker: the main task notifies the first waiter and cancels it
	// before it runs again. Its Wait fails, so it must hand the
	// notification to the second waiter.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		c := locks.NewCondition(nil)
		var order []int
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs, err := queueCondWaiters(ctx, l, c, 2, &order)
			if err != nil {
				return 0, err
			}
			if err := c.Acquire(ctx); err != nil {
				return 0, err
			}
			if err := c.Notify(1); err != nil {
				return 0, err
			}
			assert.True(t, fs[0].Cancel(nil))
			if err := c.Release(); err != nil {
				return 0, err
			}
			_, err = future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, awaitAll(ctx, fs[1])
		})
		require.NoError(t, err, "the second waiter was woken in the first one's place")
		assert.Equal(t, []int{1}, order)
	}, loop.WithWorkers(1))
}

func TestConditionWaitFromAGoroutineHonoursContext(t *testing.T) {
	c := locks.NewCondition(nil)
	ctx, cancel := context.WithCancel(bg)
	require.NoError(t, c.Acquire(bg))
	done := make(chan error)
	go func() { done <- c.Wait(ctx) }() // waits with the lock we hold
	spinUntil(t, func() bool { return locks.ConditionWaiters(c) == 1 && !c.Locked() })
	require.NoError(t, c.Acquire(bg)) // the waiter released it
	cancel()
	spinUntil(t, func() bool { return locks.ConditionWaiters(c) == 0 })
	select {
	case err := <-done:
		t.Fatalf("Wait returned %v without the lock", err)
	default:
	}
	require.NoError(t, c.Release())
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.True(t, c.Locked(), "Wait returned holding the lock")
	require.NoError(t, c.Release())
}

func TestConditionWaitRetriesTheLockAfterASecondCancellation(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		c := locks.NewCondition(&mu)
		var order []int
		first, second := errors.New("first"), errors.New("second")
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs, err := queueCondWaiters(ctx, l, c, 1, &order)
			if err != nil {
				return 0, err
			}
			if err := c.Acquire(ctx); err != nil {
				return 0, err
			}
			// Cancel it in Wait, then again while it waits for the lock.
			assert.True(t, fs[0].Cancel(first))
			if err := yieldUntil(ctx, func() bool { return locks.LockWaiters(&mu) == 1 }); err != nil {
				return 0, err
			}
			before := locks.LockFirstWaiter(&mu)
			assert.True(t, fs[0].Cancel(second))
			// It drops out of the lock's queue and joins it again.
			if err := yieldUntil(ctx, func() bool {
				return locks.LockFirstWaiter(&mu) != before && locks.LockWaiters(&mu) == 1
			}); err != nil {
				return 0, err
			}
			assert.False(t, fs[0].IsDone(), "it keeps waiting for the lock")
			if err := c.Release(); err != nil {
				return 0, err
			}
			_, err = future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, first, "Wait reports the first error")
			return 0, nil
		})
		require.NoError(t, err)
		assert.Empty(t, order)
		assert.False(t, c.Locked())
	})
}

func TestConditionWaitDoesNotHoldUpClose(t *testing.T) {
	// A task keeps the lock and never releases it; another waits on the
	// condition. Close cancels both: the waiter cannot re-take the lock, and
	// must give up rather than keep the loop from closing. Its error says
	// that it returns without the lock (it matches future.ErrClosed), also
	// when its wait had already failed on a cancellation of its own before
	// the close ("cancelled first"), whose cause it keeps.
	errStop := errors.New("stop")
	for _, cancelledFirst := range []bool{false, true} {
		for _, e := range engines {
			t.Run(fmt.Sprintf("%s/cancelled first=%v", e.Name, cancelledFirst), func(t *testing.T) {
				l := e.New()
				c := locks.NewCondition(nil)
				var waiter *future.Future[struct{}]
				_, err := run(l, func(ctx context.Context) (int, error) {
					waiter = task(l, func(ctx context.Context) error {
						if err := c.Acquire(ctx); err != nil {
							return err
						}
						return c.WaitFor(ctx, func() bool { return false })
					})
					if err := yieldUntil(ctx, func() bool { return locks.ConditionWaiters(c) == 1 }); err != nil {
						return 0, err
					}
					task(l, func(ctx context.Context) error {
						if err := c.Acquire(ctx); err != nil {
							return err
						}
						_, err := future.Await(ctx, future.NewPromise[int]().Future())
						return err // leaves the lock locked
					})
					if err := yieldUntil(ctx, func() bool { return c.Locked() }); err != nil {
						return 0, err
					}
					if !cancelledFirst {
						return 0, nil
					}
					assert.True(t, waiter.Cancel(errStop))
					// The waiter leaves the condition's queue for the lock's.
					return 0, yieldUntil(ctx, func() bool { return locks.LockWaiters(locks.ConditionLock(c)) == 1 })
				})
				require.NoError(t, err)
				require.NoError(t, l.Close())
				_, err = waiter.Result()
				assert.ErrorIs(t, err, future.ErrClosed)
				if cancelledFirst {
					assert.ErrorIs(t, err, errStop)
				}
				assert.True(t, c.Locked(), "still held by the other task")
			})
		}
	}
}

// TestConditionWaitWithAnEndedTasksContext: a goroutine calls Wait with
// the context of a task that has ended. That context is done and suspends
// no task, so Wait behaves as for any done context in plain Go code: it
// gives up the notification at once with the context's cancellation and,
// as asyncio's Condition.wait does when cancelled, takes the lock back
// before returning, blocking (not spinning) until its holder lets go. (It
// used to return ErrWrongGoroutine without the lock.)
func TestConditionWaitWithAnEndedTasksContext(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		ended, err := run(l, func(ctx context.Context) (context.Context, error) { return ctx, nil })
		require.NoError(t, err)
		var mu locks.Lock
		c := locks.NewCondition(&mu)
		require.NoError(t, c.Acquire(bg))
		holderDone := make(chan error, 1)
		go func() {
			// Queued behind us: Wait's release hands it the lock.
			if err := mu.Acquire(bg); err != nil {
				holderDone <- err
				return
			}
			// Hold it until Wait queues for it again. (Not spinUntil: its
			// t.Fatal belongs to the test's goroutine; a hang here is the
			// test's deadline's to catch.)
			for locks.LockWaiters(&mu) != 1 {
				runtime.Gosched()
			}
			holderDone <- mu.Release()
		}()
		spinUntil(t, func() bool { return locks.LockWaiters(&mu) == 1 })

		err = c.Wait(ended)
		assert.ErrorIs(t, err, future.ErrCancelled)
		require.NoError(t, <-holderDone)
		assert.True(t, c.Locked(), "Wait took the lock back")
		assert.Zero(t, locks.ConditionWaiters(c), "Wait left the condition's queue")
		require.NoError(t, c.Release())
	})
}

// TestConditionWaitRefusesANilContextKeepingTheLock: a nil context is bad
// input, refused before the lock is released, so the caller still holds it.
func TestConditionWaitRefusesANilContextKeepingTheLock(t *testing.T) {
	c := locks.NewCondition(nil)
	require.NoError(t, c.Acquire(context.Background()))
	var err error
	require.NotPanics(t, func() {
		//lint:ignore SA1012 a nil context is the bad input under test
		err = c.Wait(nil)
	})
	assert.ErrorIs(t, err, future.ErrNil)
	assert.True(t, c.Locked(), "the caller still holds the lock")
	require.NoError(t, c.Release())
}
