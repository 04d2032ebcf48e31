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

func TestSemaphoreBoundIsNeverExceeded(t *testing.T) {
	const permits, tasks = 3, 40
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		sem := locks.NewSemaphore(permits)
		var inUse, most atomic.Int32
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs := make([]*future.Future[struct{}], tasks)
			for i := range fs {
				fs[i] = task(l, func(ctx context.Context) error {
					if err := sem.Acquire(ctx); err != nil {
						return err
					}
					defer sem.Release()
					n := inUse.Add(1)
					for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
					}
					err := loop.Sleep(ctx, 0) // hold the permit across a suspension
					inUse.Add(-1)
					return err
				})
			}
			return 0, awaitAll(ctx, fs...)
		})
		require.NoError(t, err)
		assert.LessOrEqual(t, most.Load(), int32(permits))
		assert.Positive(t, most.Load())
		assert.False(t, sem.Locked(), "every permit came back")
		for range permits {
			assert.True(t, sem.TryAcquire())
		}
		assert.False(t, sem.TryAcquire(), "and no more than were made")
	}, loop.WithWorkers(8))
}

func TestSemaphoreServesWaitersInFIFOOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		sem := locks.NewSemaphore(1)
		var order []int // protected by the semaphore's single permit
		_, err := run(l, func(ctx context.Context) (int, error) {
			if err := sem.Acquire(ctx); err != nil {
				return 0, err
			}
			fs := make([]*future.Future[struct{}], 6)
			for i := range fs {
				fs[i] = task(l, func(ctx context.Context) error {
					if err := sem.Acquire(ctx); err != nil {
						return err
					}
					order = append(order, i)
					sem.Release()
					return nil
				})
				if err := yieldUntil(ctx, func() bool { return locks.SemaphoreWaiters(sem) == i+1 }); err != nil {
					return 0, err
				}
			}
			assert.True(t, fs[2].Cancel(nil), "a cancelled waiter drops out of the order")
			sem.Release()
			if sem.TryAcquire() {
				// Only possible on the pool, whose workers can run every
				// waiter before this line: the permit is free once each
				// has had its turn, and never before.
				assert.Len(t, order, 5, "TryAcquire took the permit ahead of a waiter")
				sem.Release()
			}
			err := awaitAll(ctx, fs...)
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, nil
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 1, 3, 4, 5}, order)
		assert.False(t, sem.Locked())
	})
}

func TestSemaphoreGrantRacingACancellationIsPassedOn(t *testing.T) {
	// One worker: the main task releases and cancels before the waiter runs
	// again (see the Lock test of the same name).
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		sem := locks.NewSemaphore(0)
		_, err := run(l, func(ctx context.Context) (int, error) {
			a := task(l, sem.Acquire)
			b := task(l, sem.Acquire)
			if err := yieldUntil(ctx, func() bool { return locks.SemaphoreWaiters(sem) == 2 }); err != nil {
				return 0, err
			}
			sem.Release() // grants a
			assert.True(t, a.Cancel(nil))
			_, err := future.Await(ctx, a)
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, awaitAll(ctx, b)
		})
		require.NoError(t, err, "b got the permit a was handed")
		assert.True(t, sem.Locked(), "b holds the only permit; none was made up")
		sem.Release()
		assert.True(t, sem.TryAcquire())
	}, loop.WithWorkers(1))
}

func TestSemaphoreReleaseSkipsAWaiterCancelledButNotYetRun(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		sem := locks.NewSemaphore(0)
		_, err := run(l, func(ctx context.Context) (int, error) {
			a := task(l, sem.Acquire)
			if err := yieldUntil(ctx, func() bool { return locks.SemaphoreWaiters(sem) == 1 }); err != nil {
				return 0, err
			}
			assert.True(t, a.Cancel(nil))
			sem.Release() // a is still queued, but refuses the permit
			_, err := future.Await(ctx, a)
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, nil
		})
		require.NoError(t, err)
		assert.True(t, sem.TryAcquire(), "the permit went back to the count")
		assert.False(t, sem.TryAcquire())
	}, loop.WithWorkers(1))
}

func TestSemaphoreFromPlainGoroutines(t *testing.T) {
	sem := locks.NewSemaphore(1)
	require.True(t, sem.TryAcquire())
	assert.True(t, sem.Locked())
	ctx, cancel := context.WithCancel(bg)
	done := make(chan error)
	go func() { done <- sem.Acquire(ctx) }()
	spinUntil(t, func() bool { return locks.SemaphoreWaiters(sem) == 1 })
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	sem.Release()
	assert.False(t, sem.Locked(), "the abandoned wait took no permit")
}

func TestSemaphoreZeroValueWaitsForARelease(t *testing.T) {
	var sem locks.Semaphore
	assert.True(t, sem.Locked())
	assert.False(t, sem.TryAcquire())
	sem.Release()
	assert.True(t, sem.TryAcquire())
}

func TestBoundedSemaphore(t *testing.T) {
	t.Run("over-release is an error and changes nothing", func(t *testing.T) {
		sem := locks.NewBoundedSemaphore(2)
		assert.ErrorIs(t, sem.Release(), locks.ErrOverRelease)
		require.NoError(t, sem.Acquire(bg))
		require.NoError(t, sem.Release())
		assert.ErrorIs(t, sem.Release(), locks.ErrOverRelease)
		assert.True(t, sem.TryAcquire())
		assert.True(t, sem.TryAcquire())
		assert.False(t, sem.TryAcquire(), "still two permits, not three")
		assert.True(t, sem.Locked())
	})
	t.Run("racing releases cannot both pass the bound", func(t *testing.T) {
		sem := locks.NewBoundedSemaphore(1)
		require.True(t, sem.TryAcquire())
		errs := make(chan error)
		for range 2 {
			go func() { errs <- sem.Release() }()
		}
		e1, e2 := <-errs, <-errs
		assert.Equal(t, 1, countErr(e1, e2, locks.ErrOverRelease), "exactly one release is refused")
	})
	t.Run("waiters are served on both engines", func(t *testing.T) {
		eachEngine(t, func(t *testing.T, l *loop.Loop) {
			sem := locks.NewBoundedSemaphore(1)
			_, err := run(l, func(ctx context.Context) (int, error) {
				if err := sem.Acquire(ctx); err != nil {
					return 0, err
				}
				f := task(l, func(ctx context.Context) error {
					if err := sem.Acquire(ctx); err != nil {
						return err
					}
					return sem.Release()
				})
				if err := yieldUntil(ctx, func() bool { return locks.BoundedSemaphoreWaiters(sem) == 1 }); err != nil {
					return 0, err
				}
				if err := sem.Release(); err != nil {
					return 0, err
				}
				return 0, awaitAll(ctx, f)
			})
			require.NoError(t, err)
			assert.False(t, sem.Locked())
			assert.ErrorIs(t, sem.Release(), locks.ErrOverRelease)
		})
	})
}

func countErr(a, b, target error) int {
	n := 0
	for _, e := range []error{a, b} {
		if errors.Is(e, target) {
			n++
		}
	}
	return n
}

func TestConstructorsPanicOnBadInput(t *testing.T) {
	assert.PanicsWithValue(t, "locks: NewSemaphore: negative number of permits -1", func() { locks.NewSemaphore(-1) })
	assert.PanicsWithValue(t, "locks: NewBoundedSemaphore: negative number of permits -2", func() { locks.NewBoundedSemaphore(-2) })
	assert.PanicsWithValue(t, "locks: NewBarrier: parties must be at least 1, not 0", func() { locks.NewBarrier(0) })
}

// TestBoundedSemaphoreRefusesAReleaseWhileItsPermitIsOnItsWay: a Release
// hands the only permit to a waiting task, the task is cancelled before it
// resumes, and a second Release comes in between. Only one Acquire
// succeeded, so the second Release is one too many; and once the task has
// given the permit back, no more than the bound is free.
func TestBoundedSemaphoreRefusesAReleaseWhileItsPermitIsOnItsWay(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		s := locks.NewBoundedSemaphore(1)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			require.True(t, s.TryAcquire())
			var acquired error // Acquire's own result; read after w ends
			w := task(l, func(ctx context.Context) error {
				acquired = s.Acquire(ctx)
				return acquired
			})
			if err := yieldUntil(ctx, func() bool { return locks.BoundedSemaphoreWaiters(s) == 1 }); err != nil {
				return struct{}{}, err
			}
			require.NoError(t, s.Release()) // hands the permit to w
			w.Cancel(nil)                   // w gives it back when it resumes
			err2 := s.Release()
			_, werr := future.Await(ctx, w)
			free := 0
			for s.TryAcquire() {
				free++
			}
			if acquired == nil {
				// On the pool, w can resume in parallel and take the
				// permit before the cancellation reaches it: then the
				// second Release gave back w's permit, unless it came
				// while the permit was still on its way. (The task may
				// still end cancelled, as asyncio's does when a cancel
				// arrives as its body returns; its permit is held all
				// the same.)
				assert.Equal(t, map[bool]int{true: 1, false: 0}[err2 == nil], free)
				return struct{}{}, nil
			}
			assert.ErrorIs(t, werr, future.ErrCancelled)
			assert.ErrorIs(t, err2, locks.ErrOverRelease)
			assert.Equal(t, 1, free, "free permits after the task gave its permit back")
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}
