package locks_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

func TestLockMutualExclusion(t *testing.T) {
	// Tasks yield inside the critical section, so on the single-thread loop
	// they interleave, and on the pool they also run in parallel.
	const tasks, rounds = 32, 40
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		counter := 0 // protected by mu; the race detector checks it
		var inside, overlaps atomic.Int32
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs := make([]*future.Future[struct{}], tasks)
			for i := range fs {
				fs[i] = task(l, func(ctx context.Context) error {
					for range rounds {
						if err := mu.Acquire(ctx); err != nil {
							return err
						}
						if inside.Add(1) != 1 {
							overlaps.Add(1)
						}
						c := counter
						if err := loop.Sleep(ctx, 0); err != nil {
							return err
						}
						counter = c + 1
						inside.Add(-1)
						if err := mu.Release(); err != nil {
							return err
						}
					}
					return nil
				})
			}
			return 0, awaitAll(ctx, fs...)
		})
		require.NoError(t, err)
		assert.Equal(t, tasks*rounds, counter, "no increment was lost")
		assert.Zero(t, overlaps.Load(), "never two holders at once")
		assert.False(t, mu.Locked())
	}, loop.WithWorkers(8))
}

// queueLockWaiters starts n tasks that each take mu, record their number in
// order and release it, starting each only once the one before is queued.
// mu must be held by the caller.
func queueLockWaiters(ctx context.Context, l *loop.Loop, mu *locks.Lock, n int, order *[]int) ([]*future.Future[struct{}], error) {
	fs := make([]*future.Future[struct{}], n)
	queued := locks.LockWaiters(mu) // read before any task starts: on a pool it may queue at once
	for i := range fs {
		fs[i] = task(l, func(ctx context.Context) error {
			if err := mu.Acquire(ctx); err != nil {
				return err
			}
			*order = append(*order, i) // protected by mu
			if err := loop.Sleep(ctx, 0); err != nil {
				return err
			}
			return mu.Release()
		})
		if err := yieldUntil(ctx, func() bool { return locks.LockWaiters(mu) == queued+i+1 }); err != nil {
			return nil, err
		}
	}
	return fs, nil
}

func TestLockServesWaitersInFIFOOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		var order []int
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			fs, err := queueLockWaiters(ctx, l, &mu, 8, &order)
			if err != nil {
				return 0, err
			}
			if err := mu.Release(); err != nil {
				return 0, err
			}
			// Release hands the lock to the first waiter, so a newcomer
			// cannot overtake the queue: it gets the lock only on the
			// pool, whose workers can run every waiter before this line.
			if mu.TryAcquire() {
				assert.Len(t, order, 8, "a newcomer overtook the queue")
				if err := mu.Release(); err != nil {
					return 0, err
				}
			}
			return 0, awaitAll(ctx, fs...)
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7}, order)
		assert.False(t, mu.Locked())
	})
}

func TestLockZeroValueAndTryAcquire(t *testing.T) {
	var mu locks.Lock
	assert.False(t, mu.Locked())
	assert.True(t, mu.TryAcquire())
	assert.True(t, mu.Locked())
	assert.False(t, mu.TryAcquire())
	require.NoError(t, mu.Release())
	assert.False(t, mu.Locked())
}

func TestLockReleaseOfAnUnlockedLock(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		_, err := run(l, func(ctx context.Context) (int, error) {
			assert.ErrorIs(t, mu.Release(), locks.ErrNotLocked)
			assert.False(t, mu.Locked(), "a failed Release changes nothing")

			// The lock works as before.
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			assert.True(t, mu.Locked())
			assert.NoError(t, mu.Release())
			assert.ErrorIs(t, mu.Release(), locks.ErrNotLocked, "twice is once too many")
			assert.True(t, mu.TryAcquire())
			return 0, mu.Release()
		})
		require.NoError(t, err)
	})
}

func TestLockMayBeReleasedByAnotherTask(t *testing.T) {
	// asyncio's Lock has no owner; neither has this one.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			_, err := future.Await(ctx, task(l, func(context.Context) error { return mu.Release() }))
			return 0, err
		})
		require.NoError(t, err)
		assert.False(t, mu.Locked())
	})
}

func TestLockCancelledWaiterLeavesTheLockWorking(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		var order []int
		cause := errors.New("no longer needed")
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			fs, err := queueLockWaiters(ctx, l, &mu, 4, &order)
			if err != nil {
				return 0, err
			}
			assert.True(t, fs[1].Cancel(cause))
			_, err = future.Await(ctx, fs[1])
			assert.ErrorIs(t, err, future.ErrCancelled)
			assert.ErrorIs(t, err, cause)
			assert.Equal(t, 3, locks.LockWaiters(&mu), "the cancelled waiter left the queue")

			if err := mu.Release(); err != nil {
				return 0, err
			}
			return 0, awaitAll(ctx, fs[0], fs[2], fs[3])
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 2, 3}, order, "the rest keep their order")
		assert.False(t, mu.Locked())
		assert.Zero(t, locks.LockWaiters(&mu))
		assert.True(t, mu.TryAcquire(), "not stuck")
	})
}

func TestLockGrantRacingACancellationIsPassedOn(t *testing.T) {
	// One worker, so that on both engines the main task releases and then
	// cancels before the first waiter runs again: the waiter was handed the
	// lock, but its Await reports the cancellation. It must pass the lock
	// on.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		var order []int
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			fs, err := queueLockWaiters(ctx, l, &mu, 3, &order)
			if err != nil {
				return 0, err
			}
			if err := mu.Release(); err != nil { // grants fs[0]
				return 0, err
			}
			assert.True(t, fs[0].Cancel(nil))
			_, err = future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, awaitAll(ctx, fs[1], fs[2])
		})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, order)
		assert.False(t, mu.Locked(), "the grant was passed on, not lost")
	}, loop.WithWorkers(1))
}

func TestLockFromPlainGoroutines(t *testing.T) {
	t.Run("a context that ends abandons the wait", func(t *testing.T) {
		var mu locks.Lock
		require.NoError(t, mu.Acquire(bg))
		cause := errors.New("caller gave up")
		ctx, cancel := context.WithCancelCause(bg)
		done := make(chan error)
		go func() { done <- mu.Acquire(ctx) }()
		spinUntil(t, func() bool { return locks.LockWaiters(&mu) == 1 })
		cancel(cause)
		assert.ErrorIs(t, <-done, cause)
		assert.Zero(t, locks.LockWaiters(&mu))
		require.NoError(t, mu.Release())
		assert.False(t, mu.Locked(), "nobody was left holding it")
	})
	t.Run("goroutines take turns", func(t *testing.T) {
		var mu locks.Lock
		counter := 0
		done := make(chan error)
		for range 8 {
			go func() {
				for range 100 {
					if err := mu.Acquire(bg); err != nil {
						done <- err
						return
					}
					counter++
					if err := mu.Release(); err != nil {
						done <- err
						return
					}
				}
				done <- nil
			}()
		}
		for range 8 {
			require.NoError(t, <-done)
		}
		assert.Equal(t, 800, counter)
	})
}

func TestLockReleaseSkipsAWaiterCancelledButNotYetRun(t *testing.T) {
	// One worker: the waiter's promise is cancelled at once, but the task
	// has not run to leave the queue when Release looks at it. Release must
	// skip it.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var mu locks.Lock
		var order []int
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := mu.Acquire(ctx); err != nil {
				return 0, err
			}
			fs, err := queueLockWaiters(ctx, l, &mu, 3, &order)
			if err != nil {
				return 0, err
			}
			assert.True(t, fs[0].Cancel(nil))
			assert.Equal(t, 3, locks.LockWaiters(&mu), "still queued")
			if err := mu.Release(); err != nil {
				return 0, err
			}
			_, err = future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, awaitAll(ctx, fs[1], fs[2])
		})
		require.NoError(t, err)
		assert.Equal(t, []int{1, 2}, order)
		assert.False(t, mu.Locked())
	}, loop.WithWorkers(1))
}
