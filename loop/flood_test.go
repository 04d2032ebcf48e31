package loop_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// TestTimersRunUnderAFloodOfPosts is issue 16's fifth bug: a 300 ms Sleep
// took 1.2 s on the single-thread loop and 5.7 s on the pool while 64
// goroutines posted, because a due timer waited behind the whole backlog
// of posted callbacks. asyncio moves due timers into every iteration; here
// one iteration takes at most a bounded share of the backlog, and a pool
// runs fired timers ahead of it. The test counts instead of timing: with
// 200,000 callbacks posted before the loop runs and a timer already due,
// the timer must run after at most a few thousand of them, not after all.
func TestTimersRunUnderAFloodOfPosts(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const backlog = 200_000
		var ran atomic.Int64
		for range backlog {
			_, err := l.CallSoonThreadsafe(func() { ran.Add(1) })
			require.NoError(t, err)
		}
		ahead := make(chan int64, 1)
		_, err := l.CallLater(0, func() { ahead <- ran.Load() })
		require.NoError(t, err)
		n, err := run(t, l, func(ctx context.Context) (int64, error) {
			return future.Await(ctx, loop.RunInExecutor(ctx, l, func(context.Context) (int64, error) {
				return <-ahead, nil
			}))
		})
		require.NoError(t, err)
		assert.Less(t, n, int64(10_000), "posted callbacks that ran ahead of a due timer")
		t.Logf("%d of %d posted callbacks ran ahead of the due timer", n, backlog)
	})
}
