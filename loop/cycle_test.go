package loop_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// TestATaskThatAwaitsItselfIsRefused follows CPython's
// test_tasks.test_task_await_self ("Task cannot await on itself"): the
// Await fails at once with ErrAwaitSelf, and the task goes on. Before, the
// Await parked for ever, and the Close every program runs then overflowed
// the stack (a task's Cancel cancelled the future it waited on, whose
// cancel hook was the same Cancel).
func TestATaskThatAwaitsItselfIsRefused(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		inChild(t, func(t *testing.T) {
			var self *future.Future[int]
			ready := future.NewPromise[struct{}]()
			self = loop.CreateTask(l, func(ctx context.Context) (int, error) {
				if _, err := future.Await(ctx, ready.Future()); err != nil {
					return 0, err
				}
				_, err := future.Await(ctx, self)
				if !errors.Is(err, loop.ErrAwaitSelf) {
					return 0, err
				}
				return 7, nil
			})
			_ = ready.Resolve(struct{}{})
			// A watchdog for the wait that used to last for ever.
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			v, err := loop.RunUntilComplete(ctx, l, self)
			require.NoError(t, err)
			assert.Equal(t, 7, v)
			require.NoError(t, l.Close())
		})
	})
}

// TestTwoTasksThatAwaitEachOtherEndOnClose: A awaits B and B awaits A, a
// deadlock asyncio has too. Cancelling either, or closing the loop, must
// end both, as cancellations; before, the cancellations chased each other
// round the cycle until the stack overflowed.
func TestTwoTasksThatAwaitEachOtherEndOnClose(t *testing.T) {
	for _, how := range []string{"cancel", "close"} {
		t.Run(how, func(t *testing.T) {
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				inChild(t, func(t *testing.T) {
					var a, b *future.Future[int]
					both := future.NewPromise[struct{}]()
					a = loop.CreateTask(l, func(ctx context.Context) (int, error) {
						if _, err := future.Await(ctx, both.Future()); err != nil {
							return 0, err
						}
						return future.Await(ctx, b)
					})
					b = loop.CreateTask(l, func(ctx context.Context) (int, error) {
						if _, err := future.Await(ctx, both.Future()); err != nil {
							return 0, err
						}
						return future.Await(ctx, a)
					})
					_, err := run(t, l, func(ctx context.Context) (int, error) {
						_ = both.Resolve(struct{}{})
						return 0, loop.Sleep(ctx, 0) // both park on each other
					})
					require.NoError(t, err)
					if how == "cancel" {
						a.Cancel(errors.New("stop"))
						_, err = loop.RunUntilComplete(context.Background(), l, a)
						assert.ErrorIs(t, err, future.ErrCancelled)
					}
					require.NoError(t, l.Close())
					assert.True(t, a.Cancelled(), "a: %v", a.Err())
					assert.True(t, b.Cancelled(), "b: %v", b.Err())
				})
			})
		})
	}
}
