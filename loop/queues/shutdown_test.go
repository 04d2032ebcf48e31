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

func TestShutdownFailsPutsAndDrainsGets(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](2)
			assert.NoError(t, q.PutNowait(1))
			assert.NoError(t, q.PutNowait(2))
			putter := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, q.Put(ctx, 3)
			})
			if err := until(ctx, nPutters(q, 1)); err != nil {
				return struct{}{}, err
			}

			q.Shutdown(false)
			_, err := future.Await(ctx, putter)
			assert.ErrorIs(t, err, queues.ErrShutDown, "a waiting Put fails")
			assert.ErrorIs(t, q.Put(ctx, 4), queues.ErrShutDown)
			assert.ErrorIs(t, q.PutNowait(4), queues.ErrShutDown)

			for _, want := range []int{1, 2} {
				v, err := q.Get(ctx)
				assert.NoError(t, err, "Get drains what is left")
				assert.Equal(t, want, v)
			}
			_, err = q.Get(ctx)
			assert.ErrorIs(t, err, queues.ErrShutDown)
			_, err = q.GetNowait()
			assert.ErrorIs(t, err, queues.ErrShutDown)
			q.Shutdown(false) // again: nothing changes
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestShutdownWakesWaitingGetters(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.NewLIFO[int](0)
			a, b := loop.CreateTask(l, q.Get), loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(q, 2)); err != nil {
				return struct{}{}, err
			}
			q.Shutdown(false)
			for _, f := range []*future.Future[int]{a, b} {
				_, err := future.Await(ctx, f)
				assert.ErrorIs(t, err, queues.ErrShutDown)
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestImmediateShutdownDropsItemsAndReleasesJoin(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.NewPriority(0, func(a, b int) bool { return a < b })
			for i := range 4 {
				assert.NoError(t, q.PutNowait(i))
			}
			taken, err := q.Get(ctx)
			assert.NoError(t, err)
			joiner := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, q.Join(ctx)
			})
			if err := loop.Sleep(ctx, 0); err != nil {
				return struct{}{}, err
			}

			q.Shutdown(true)
			assert.Equal(t, 0, q.Qsize(), "the items are dropped")
			_, err = q.Get(ctx)
			assert.ErrorIs(t, err, queues.ErrShutDown)
			assert.False(t, joiner.IsDone(), "the item taken still awaits its TaskDone")
			assert.Equal(t, 0, taken)
			assert.NoError(t, q.TaskDone())
			_, err = future.Await(ctx, joiner)
			assert.NoError(t, err)
			assert.ErrorIs(t, q.TaskDone(), queues.ErrTaskDoneTooMany, "dropped items were counted done")
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestAnItemHandedOutBeforeAnImmediateShutdownIsDelivered(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](0)
			getter := loop.CreateTask(l, q.Get)
			cancelled := loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(q, 2)); err != nil {
				return struct{}{}, err
			}
			assert.NoError(t, q.PutNowait(1)) // handed to getter
			assert.NoError(t, q.PutNowait(2)) // handed to cancelled
			q.Shutdown(true)
			assert.True(t, cancelled.Cancel(errStop))

			v, err := future.Await(ctx, getter)
			assert.NoError(t, err)
			assert.Equal(t, 1, v)
			_, err = future.Await(ctx, cancelled)
			assert.ErrorIs(t, err, errStop)
			assert.Equal(t, 0, q.Qsize(), "a given-back item is dropped too")
			assert.NoError(t, q.TaskDone(), "for the item delivered")
			assert.ErrorIs(t, q.TaskDone(), queues.ErrTaskDoneTooMany, "the dropped one counted done")
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestShutdownEndsWaitsOnGoroutines(t *testing.T) {
	q := queues.New[int](1)
	require.NoError(t, q.PutNowait(1))
	puterr := make(chan error, 1)
	go func() { puterr <- q.Put(bg, 2) }()
	spinUntil(nPutters(q, 1))
	q.Shutdown(true)
	assert.ErrorIs(t, <-puterr, queues.ErrShutDown)

	geterr := make(chan error, 1)
	go func() { _, err := q.Get(bg); geterr <- err }()
	assert.ErrorIs(t, <-geterr, queues.ErrShutDown)
	assert.NoError(t, q.Join(bg), "the dropped item was counted done")
}

func TestAPutterGrantedRoomBeforeShutdownPutsNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.NewLIFO[int](1)
			assert.NoError(t, q.PutNowait(1))
			putter := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, q.Put(ctx, 2)
			})
			if err := until(ctx, nPutters(q, 1)); err != nil {
				return struct{}{}, err
			}
			_, err := q.GetNowait() // grants the room to putter
			assert.NoError(t, err)
			q.Shutdown(true)
			_, err = future.Await(ctx, putter)
			assert.ErrorIs(t, err, queues.ErrShutDown)
			assert.Equal(t, 0, q.Qsize())
			assert.NoError(t, q.TaskDone(), "for the item taken")
			assert.ErrorIs(t, q.TaskDone(), queues.ErrTaskDoneTooMany)
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestAWaiterReleasedByShutdownThenCancelledReportsTheCancellation(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](1)
			getter := loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(q, 1)); err != nil {
				return struct{}{}, err
			}
			q.Shutdown(false)
			assert.True(t, getter.Cancel(errStop))
			_, err := future.Await(ctx, getter)
			assert.ErrorIs(t, err, errStop)

			q = queues.New[int](1)
			assert.NoError(t, q.PutNowait(1))
			putter := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, q.Put(ctx, 2)
			})
			if err := until(ctx, nPutters(q, 1)); err != nil {
				return struct{}{}, err
			}
			q.Shutdown(false)
			assert.True(t, putter.Cancel(errStop))
			_, err = future.Await(ctx, putter)
			assert.ErrorIs(t, err, errStop)
			assert.Equal(t, []int{1}, drain(q))
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}
