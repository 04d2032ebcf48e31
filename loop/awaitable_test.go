package loop_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// reply is a type of a user's own that embeds a future: the promoted
// method makes it a future.Awaitable, though it is neither a Future nor a
// Coroutine itself.
type reply struct{ *future.Future[int] }

// TestAnAwaitableThatEmbedsAFutureRunsAsATask: RunUntilComplete once
// refused such a value with ErrNil ("unsupported awaitable") while Gather
// ran it; both now run it as a task that awaits it.
func TestAnAwaitableThatEmbedsAFutureRunsAsATask(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		p := future.NewPromise[int]()
		r := reply{p.Future()}
		_, err := l.CallSoon(func() { _ = p.Resolve(5) })
		require.NoError(t, err)
		v, err := loop.RunUntilComplete(context.Background(), l, future.Awaitable[int](r))
		require.NoError(t, err)
		assert.Equal(t, 5, v)

		vs, err := run(t, l, func(ctx context.Context) ([]int, error) {
			return future.Await(ctx, loop.Gather[int, future.Awaitable[int]](ctx, r, loop.Shield(ctx, future.Awaitable[int](r))))
		})
		require.NoError(t, err)
		assert.Equal(t, []int{5, 5}, vs)
	})
}
