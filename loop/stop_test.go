package loop_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// TestARunRunsWhatWasQueuedBeforeItsStop: a callback queued before
// RunUntilComplete's stop callback runs in that run, beside a task resumed
// just before the stop that then parks. On the old pool the task's worker
// permit went to the stopping run, and the callback was left for the next
// run (TestPoolRunsWhatWasPostedBeforeTheStop, before the pool's workers
// ran coroutines). With one worker, so that the stop callback cannot run
// while the callback that queues beside it still does.
func TestARunRunsWhatWasQueuedBeforeItsStop(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		main, gate := future.NewPromise[int](), future.NewPromise[int]()
		ran := false
		_ = loop.CreateTask(l, func(ctx context.Context) (int, error) {
			if _, err := future.Await(ctx, gate.Future()); err != nil {
				return 0, err
			}
			return 0, loop.Sleep(ctx, time.Hour) // parks
		})
		_, err := l.CallSoon(func() {
			_ = main.Resolve(1) // queues the stop callback
			_ = gate.Resolve(1) // then the task's resume
			_, _ = l.CallSoon(func() { ran = true })
		})
		require.NoError(t, err)
		_, err = loop.RunUntilComplete(context.Background(), l, main.Future())
		require.NoError(t, err)
		assert.True(t, ran, "a callback queued before the stop did not run in that run")
	}, loop.WithWorkers(1))
}
