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

// TestEagerStart follows CPython's test_eager_task_factory:
// test_eager_completion (a body that never suspends is done when
// CreateTask returns), test_current_task (CurrentTask is the new task
// during its eager step), test_block_after_eager_step (a body that
// suspends is pending, and finishes as a normal task) and
// test_cancellation_after_eager_step_blocks.
func TestEagerStart(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		inChild(t, func(t *testing.T) {
			_, err := run(t, l, func(ctx context.Context) (int, error) {
				me := loop.CurrentTask(ctx)
				var during *loop.Task
				done := loop.CreateTask(l, func(ctx context.Context) (string, error) {
					during = loop.CurrentTask(ctx)
					return "hello", nil
				}, loop.EagerStart(ctx), loop.TaskName("eager"))
				if !done.IsDone() {
					return 0, errors.New("an eager task that never suspends is not done at once")
				}
				if v, err := done.Result(); v != "hello" || err != nil {
					return 0, errors.New("wrong result")
				}
				if during == nil || during.Name() != "eager" || during.Is(me) {
					return 0, errors.New("CurrentTask during the eager step is not the new task")
				}

				blocked := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return 5, loop.Sleep(ctx, 10*time.Millisecond)
				}, loop.EagerStart(ctx))
				if blocked.IsDone() {
					return 0, errors.New("a task that sleeps is done at once")
				}
				if v, err := future.Await(ctx, blocked); v != 5 || err != nil {
					return 0, errors.New("the blocked eager task did not finish")
				}

				yielder := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return 6, loop.Sleep(ctx, 0)
				}, loop.EagerStart(ctx))
				if v, err := future.Await(ctx, yielder); v != 6 || err != nil {
					return 0, errors.New("the yielding eager task did not finish")
				}

				never := future.NewPromise[int]()
				waiting := loop.CreateTask(l, func(ctx context.Context) (int, error) {
					return future.Await(ctx, never.Future())
				}, loop.EagerStart(ctx))
				waiting.Cancel(errors.New("cancellation message"))
				_, err := future.Await(ctx, waiting)
				if !errors.Is(err, future.ErrCancelled) {
					return 0, errors.New("cancelling after the eager step did not cancel")
				}
				return 0, nil
			})
			require.NoError(t, err)

			// Outside a task, EagerStart is ignored: the task starts as usual.
			lazy := loop.CreateTask(l, func(context.Context) (int, error) { return 1, nil }, loop.EagerStart(bg))
			assert.False(t, lazy.IsDone())
			v, err := loop.RunUntilComplete(bg, l, lazy)
			require.NoError(t, err)
			assert.Equal(t, 1, v)
			require.NoError(t, l.Close())
		})
	})
}
