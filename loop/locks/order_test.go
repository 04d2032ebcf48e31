package locks_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

// order records names in the order things happen.
type order struct {
	mu  sync.Mutex
	got []string
}

func (o *order) add(s string) {
	o.mu.Lock()
	o.got = append(o.got, s)
	o.mu.Unlock()
}

// TestLockWokenWaiterCancelledBeforeItRunsPassesTheLockOn follows CPython's
// test_locks.LockTests.test_finished_waiter_cancelled and
// test_cancel_release_race: Release wakes the first waiter, which is then
// cancelled before it runs. The lock must go to the next waiter, not stay
// held by a task that never ran (which the old hand-over left it).
func TestLockWokenWaiterCancelledBeforeItRunsPassesTheLockOn(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		var o order
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			ta := task(l, func(ctx context.Context) error {
				if err := mu.Acquire(ctx); err != nil {
					o.add("a cancelled")
					return err
				}
				o.add("a")
				return mu.Release()
			})
			tb := task(l, func(ctx context.Context) error {
				if err := mu.Acquire(ctx); err != nil {
					return err
				}
				o.add("b")
				return mu.Release()
			})
			if err := loop.Sleep(ctx, 0); err != nil { // both queue
				return 0, err
			}
			if err := mu.Release(); err != nil { // wakes a
				return 0, err
			}
			ta.Cancel(errors.New("cancelled before it ran"))
			if _, err := future.Await(ctx, tb); err != nil {
				return 0, err
			}
			_, err := future.Await(ctx, ta)
			if !errors.Is(err, future.ErrCancelled) {
				return 0, errors.New("a was not cancelled")
			}
			return 0, nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"a cancelled", "b"}, o.got)
		assert.False(t, mu.Locked(), "left held by a task that never ran")
	}, loop.WithWorkers(1))
}

// TestLockReleaseThenReacquireQueuesBehindTheWokenWaiter follows asyncio's
// Lock (test_locks.LockTests.test_fair and the release/_wake_up_first
// rule): a task that releases and at once acquires again queues behind the
// waiter it woke, which takes the lock when it runs; TryAcquire meanwhile
// fails. The old hand-over gave the same order, but by making the woken
// task the owner before it ran.
func TestLockReleaseThenReacquireQueuesBehindTheWokenWaiter(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		var o order
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			ta := task(l, func(ctx context.Context) error {
				if err := mu.Acquire(ctx); err != nil {
					return err
				}
				o.add("a")
				return mu.Release()
			})
			if err := loop.Sleep(ctx, 0); err != nil {
				return 0, err
			}
			if err := mu.Release(); err != nil {
				return 0, err
			}
			if mu.Locked() {
				return 0, errors.New("locked right after Release: handed to a task that has not run")
			}
			if mu.TryAcquire() {
				return 0, errors.New("TryAcquire jumped ahead of the woken waiter")
			}
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			o.add("main")
			if err := mu.Release(); err != nil {
				return 0, err
			}
			_, err := future.Await(ctx, ta)
			return 0, err
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "main"}, o.got)
		assert.False(t, mu.Locked())
	}, loop.WithWorkers(1))
}

// TestWaitForValueReturnsThePredicatesValue follows CPython's
// test_locks.ConditionTests.test_wait_for: the wait ends once the
// predicate holds, and asyncio's wait_for returns the predicate's result.
func TestWaitForValueReturnsThePredicatesValue(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var cond locks.Condition
		var items []string
		got, err := run(l, func(ctx context.Context) (string, error) {
			task(l, func(ctx context.Context) error {
				for _, it := range []string{"", "first"} {
					if err := cond.Acquire(ctx); err != nil {
						return err
					}
					if it != "" {
						items = append(items, it)
					}
					cond.NotifyAll()
					if err := cond.Release(); err != nil {
						return err
					}
					if err := loop.Sleep(ctx, 0); err != nil {
						return err
					}
				}
				return nil
			})
			if err := cond.Acquire(ctx); err != nil {
				return "", err
			}
			defer func() { _ = cond.Release() }()
			return locks.WaitForValue(ctx, &cond, func() (string, bool) {
				if len(items) == 0 {
					return "", false
				}
				return items[0], true
			})
		})
		require.NoError(t, err)
		assert.Equal(t, "first", got)
	})
}
