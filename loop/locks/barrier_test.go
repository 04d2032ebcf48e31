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

// waitTasks starts n tasks that each Wait on b once and returns their
// futures, with the index each got.
func waitTasks(l *loop.Loop, b *locks.Barrier, n int) []*future.Future[int] {
	fs := make([]*future.Future[int], n)
	for i := range fs {
		fs[i] = loop.CreateTask(l, func(ctx context.Context) (int, error) { return b.Wait(ctx) })
	}
	return fs
}

func TestBarrierReleasesAllWithDistinctIndices(t *testing.T) {
	const parties, rounds = 5, 3
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		b := locks.NewBarrier(parties)
		assert.Equal(t, parties, b.Parties())
		for round := range rounds {
			indices, err := run(l, func(ctx context.Context) ([]int, error) {
				var idx []int
				for _, f := range waitTasks(l, b, parties) {
					i, err := future.Await(ctx, f)
					if err != nil {
						return nil, err
					}
					idx = append(idx, i)
				}
				return idx, nil
			})
			require.NoError(t, err, "round %d", round)
			assert.ElementsMatch(t, []int{0, 1, 2, 3, 4}, indices, "round %d", round)
			assert.Zero(t, b.NWaiting())
		}
		assert.False(t, b.Broken())
	})
}

func TestBarrierWaitsForTheLastParty(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		b := locks.NewBarrier(3)
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs := waitTasks(l, b, 2)
			if err := yieldUntil(ctx, func() bool { return b.NWaiting() == 2 }); err != nil {
				return 0, err
			}
			assert.False(t, fs[0].IsDone() || fs[1].IsDone(), "two of three wait")
			last, err := b.Wait(ctx)
			assert.Equal(t, 2, last, "the last to arrive")
			for _, f := range fs {
				_, ferr := future.Await(ctx, f)
				err = errors.Join(err, ferr)
			}
			return 0, err
		})
		require.NoError(t, err)
	})
}

func TestBarrierAbortAndReset(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		b := locks.NewBarrier(3)
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs := waitTasks(l, b, 2)
			if err := yieldUntil(ctx, func() bool { return b.NWaiting() == 2 }); err != nil {
				return 0, err
			}
			b.Abort()
			for _, f := range fs {
				_, err := future.Await(ctx, f)
				assert.ErrorIs(t, err, locks.ErrBrokenBarrier, "waiters see the abort")
			}
			assert.True(t, b.Broken())
			_, err := b.Wait(ctx)
			assert.ErrorIs(t, err, locks.ErrBrokenBarrier, "and so do later arrivals")
			assert.Zero(t, b.NWaiting())

			b.Reset()
			assert.False(t, b.Broken())
			fs = waitTasks(l, b, 2)
			if err := yieldUntil(ctx, func() bool { return b.NWaiting() == 2 }); err != nil {
				return 0, err
			}
			b.Reset() // while they wait: they are refused, the barrier is not broken
			for _, f := range fs {
				_, err := future.Await(ctx, f)
				assert.ErrorIs(t, err, locks.ErrBrokenBarrier)
			}
			assert.False(t, b.Broken())

			// A full round works after all that.
			fs = waitTasks(l, b, 3)
			for _, f := range fs {
				if _, err := future.Await(ctx, f); err != nil {
					return 0, err
				}
			}
			return 0, nil
		})
		require.NoError(t, err)
	})
}

func TestBarrierCancelledWaiterLeavesTheRound(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		b := locks.NewBarrier(3)
		indices, err := run(l, func(ctx context.Context) ([]int, error) {
			fs := waitTasks(l, b, 2)
			if err := yieldUntil(ctx, func() bool { return b.NWaiting() == 2 }); err != nil {
				return nil, err
			}
			assert.True(t, fs[0].Cancel(nil))
			_, err := future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, future.ErrCancelled)
			assert.Equal(t, 1, b.NWaiting(), "it left the round")
			assert.False(t, b.Broken(), "as in asyncio, a cancelled waiter does not break the barrier")

			more := waitTasks(l, b, 2) // the round needs two more
			var idx []int
			for _, f := range append(fs[1:], more...) {
				i, err := future.Await(ctx, f)
				if err != nil {
					return nil, err
				}
				idx = append(idx, i)
			}
			return idx, nil
		})
		require.NoError(t, err)
		assert.ElementsMatch(t, []int{0, 1, 2}, indices, "indices stay distinct")
	})
}

func TestBarrierFromPlainGoroutines(t *testing.T) {
	const parties = 4
	b := locks.NewBarrier(parties)
	var mu sync.Mutex
	var indices []int
	var wg sync.WaitGroup
	for range parties {
		wg.Go(func() {
			i, err := b.Wait(bg)
			assert.NoError(t, err)
			mu.Lock()
			indices = append(indices, i)
			mu.Unlock()
		})
	}
	wg.Wait()
	assert.ElementsMatch(t, []int{0, 1, 2, 3}, indices)

	ctx, cancel := context.WithCancel(bg)
	done := make(chan error)
	go func() {
		_, err := b.Wait(ctx)
		done <- err
	}()
	spinUntil(t, func() bool { return b.NWaiting() == 1 })
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.Zero(t, b.NWaiting())
}

// TestBarrierDoesNotCountAWaiterCancelledBeforeItRuns: of a round of
// three, A and B wait, A's task is cancelled, and C arrives before A's
// task has run again. C is the second live party, not the third: its Wait
// must not release the round. (C's context has ended already, so that a
// Wait that does not complete the round returns at once.) B and two more
// then make a round with indices 0, 1 and 2, B's being 0.
func TestBarrierDoesNotCountAWaiterCancelledBeforeItRuns(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		b := locks.NewBarrier(3)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			fs := waitTasks(l, b, 2)
			if err := yieldUntil(ctx, func() bool { return b.NWaiting() == 2 }); err != nil {
				return struct{}{}, err
			}
			assert.True(t, fs[0].Cancel(nil))
			ended, cancel := context.WithCancel(ctx)
			cancel()
			if _, err := b.Wait(ended); !assert.ErrorIs(t, err, context.Canceled,
				"C released a round of three with B alone") {
				b.Abort() // so that the waits below end
			}
			_, err := future.Await(ctx, fs[0])
			assert.ErrorIs(t, err, future.ErrCancelled)

			var indices []int
			for _, f := range append(fs[1:], waitTasks(l, b, 2)...) {
				i, err := future.Await(ctx, f)
				assert.NoError(t, err)
				indices = append(indices, i)
			}
			assert.Equal(t, 0, indices[0], "B arrived first")
			assert.ElementsMatch(t, []int{0, 1, 2}, indices)
			assert.Equal(t, 0, b.NWaiting())
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}
