package queues_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/queues"
)

func TestJoinWaitsForEveryTaskDone(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](0)
			assert.NoError(t, q.Join(ctx), "nothing unfinished: Join returns at once")
			for i := range 3 {
				assert.NoError(t, q.PutNowait(i))
			}
			joined := make([]*future.Future[struct{}], 2)
			for i := range joined {
				joined[i] = loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
					return struct{}{}, q.Join(ctx)
				})
			}
			for range 3 {
				if _, err := q.Get(ctx); err != nil {
					return struct{}{}, err
				}
			}
			assert.NoError(t, q.TaskDone())
			assert.NoError(t, q.TaskDone())
			if err := loop.Sleep(ctx, 0); err != nil { // let the joiners look
				return struct{}{}, err
			}
			for _, f := range joined {
				assert.False(t, f.IsDone(), "one item is still unfinished")
			}
			assert.NoError(t, q.TaskDone())
			for _, f := range joined {
				_, err := future.Await(ctx, f)
				assert.NoError(t, err)
			}
			assert.ErrorIs(t, q.TaskDone(), queues.ErrTaskDoneTooMany)
			assert.NoError(t, q.PutNowait(9))
			assert.NoError(t, q.TaskDone(), "the count was left at zero, not below")
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestACancelledJoinLeavesTheOthersWaiting(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](0)
			assert.NoError(t, q.PutNowait(1))
			join := func(ctx context.Context) (struct{}, error) { return struct{}{}, q.Join(ctx) }
			cancelled, other := loop.CreateTask(l, join), loop.CreateTask(l, join)
			if err := loop.Sleep(ctx, 0); err != nil {
				return struct{}{}, err
			}
			assert.True(t, cancelled.Cancel(errStop))
			_, err := future.Await(ctx, cancelled)
			assert.ErrorIs(t, err, errStop)
			assert.False(t, other.IsDone())

			_, _ = q.GetNowait()
			assert.NoError(t, q.TaskDone())
			_, err = future.Await(ctx, other)
			return struct{}{}, err
		})
		require.NoError(t, err)
	})
}

func TestJoinOnAGoroutineHonoursItsContext(t *testing.T) {
	q := queues.New[int](0)
	require.NoError(t, q.PutNowait(1))
	ctx, cancel := context.WithCancelCause(bg)
	cancel(errStop)
	assert.ErrorIs(t, q.Join(ctx), errStop)

	errc := make(chan error, 1)
	go func() { errc <- q.Join(bg) }()
	_, _ = q.GetNowait()
	require.NoError(t, q.TaskDone())
	assert.NoError(t, <-errc)
}
