package loop

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

// TestPoolRunsWhatWasPostedBeforeTheStop: a callback posted before
// RunUntilComplete's stop callback runs in that run, even when the only
// worker's permit comes back while the run is already waiting for every
// permit. Here a task resumed just after the stop keeps the permit until
// the run is stopping, then parks: its permit used to go to the run's
// wait, and the callback was left for the next run.
func TestPoolRunsWhatWasPostedBeforeTheStop(t *testing.T) {
	l := NewPool(WithWorkers(1))
	defer func() { require.NoError(t, l.Close()) }()
	p := l.eng.(*pool)
	main, gate := future.NewPromise[int](), future.NewPromise[int]()
	ran := false
	_ = CreateTask(l, func(ctx context.Context) (int, error) {
		if _, err := future.Await(ctx, gate.Future()); err != nil {
			return 0, err
		}
		for !p.stopping.Load() { // resumed after the stop callback
			runtime.Gosched()
		}
		return 0, Sleep(ctx, time.Hour) // parks, giving the permit back
	})
	_, err := l.CallSoon(func() {
		_ = main.Resolve(1) // queues the stop callback
		_ = gate.Resolve(1) // then the task's resume
		_, _ = l.CallSoon(func() { ran = true })
	})
	require.NoError(t, err)
	_, err = RunUntilComplete(context.Background(), l, main.Future())
	require.NoError(t, err)
	assert.True(t, ran, "a callback posted before the stop did not run in that run")
}
