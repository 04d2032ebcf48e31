package queues_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/queues"
)

var errStop = errors.New("stop waiting")

func TestACancelledGetterTakesNothing(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](0)
			getter := loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(q, 1)); err != nil {
				return struct{}{}, err
			}
			assert.True(t, getter.Cancel(errStop))
			_, err := future.Await(ctx, getter)
			assert.ErrorIs(t, err, future.ErrCancelled)
			assert.ErrorIs(t, err, errStop, "the cause is kept")
			g, _ := queues.Waiting(q)
			assert.Equal(t, 0, g, "the getter left the queue")

			assert.NoError(t, q.PutNowait(7))
			assert.Equal(t, 1, q.Qsize(), "the item waits for the next Get")
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

// In these tests the item is handed to the getter and the getter is
// cancelled before it resumes: the cancellation wins, and the item must not
// be lost with it.

func TestAnItemHandedToACancelledGetterGoesToTheNextGetter(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](1)
			first := loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(q, 1)); err != nil {
				return struct{}{}, err
			}
			second := loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(q, 2)); err != nil {
				return struct{}{}, err
			}
			assert.NoError(t, q.PutNowait(7)) // handed to first
			assert.True(t, q.Full(), "the handed item counts until its getter resumes")
			assert.True(t, first.Cancel(errStop))

			_, err := future.Await(ctx, first)
			assert.ErrorIs(t, err, errStop)
			v, err := future.Await(ctx, second)
			assert.NoError(t, err)
			assert.Equal(t, 7, v, "the next getter got the item")
			assert.True(t, q.Empty())
			assert.False(t, q.Full())
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestAnItemHandedToACancelledGetterGoesBackToTheHead(t *testing.T) {
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
					q := o.new(3)
					getter := loop.CreateTask(l, q.Get)
					if err := until(ctx, nGetters(q, 1)); err != nil {
						return struct{}{}, err
					}
					assert.NoError(t, q.PutNowait(item{1, 0})) // handed to getter
					assert.NoError(t, q.PutNowait(item{1, 1}))
					assert.NoError(t, q.PutNowait(item{0, 2}))
					assert.ErrorIs(t, q.PutNowait(item{9, 9}), queues.ErrFull, "the handed item still counts")
					assert.True(t, getter.Cancel(errStop))
					_, err := future.Await(ctx, getter)
					assert.ErrorIs(t, err, errStop)

					assert.Equal(t, 3, q.Qsize(), "the item is back, within the bound")
					want := map[string][]item{
						"FIFO":     {{1, 0}, {1, 1}, {0, 2}},
						"LIFO":     {{0, 2}, {1, 1}, {1, 0}},
						"priority": {{0, 2}, {1, 0}, {1, 1}},
					}[o.name]
					assert.Equal(t, want, drain(q), "where its put order places it")
					return struct{}{}, nil
				})
				require.NoError(t, err)
			})
		})
	}
}

func TestACancelledPutterLeavesNoItem(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[string](1)
			assert.NoError(t, q.PutNowait("kept"))
			putter := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				return struct{}{}, q.Put(ctx, "phantom")
			})
			if err := until(ctx, nPutters(q, 1)); err != nil {
				return struct{}{}, err
			}
			assert.True(t, putter.Cancel(errStop))
			_, err := future.Await(ctx, putter)
			assert.ErrorIs(t, err, errStop)
			assert.Equal(t, []string{"kept"}, drain(q))
			assert.NoError(t, q.TaskDone())
			assert.ErrorIs(t, q.TaskDone(), queues.ErrTaskDoneTooMany, "the cancelled Put was not counted")
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestRoomReservedForACancelledPutterGoesToTheNextPutter(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[string](1)
			assert.NoError(t, q.PutNowait("a"))
			put := func(v string) *future.Future[struct{}] {
				return loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
					return struct{}{}, q.Put(ctx, v)
				})
			}
			first := put("phantom")
			if err := until(ctx, nPutters(q, 1)); err != nil {
				return struct{}{}, err
			}
			second := put("c")
			if err := until(ctx, nPutters(q, 2)); err != nil {
				return struct{}{}, err
			}
			v, err := q.GetNowait() // reserves the room for first
			assert.NoError(t, err)
			assert.Equal(t, "a", v)
			assert.True(t, q.Full(), "the room is reserved")
			assert.True(t, first.Cancel(errStop))

			_, err = future.Await(ctx, first)
			assert.ErrorIs(t, err, errStop)
			_, err = future.Await(ctx, second)
			assert.NoError(t, err, "the next putter got the room")
			assert.Equal(t, []string{"c"}, drain(q))
			return struct{}{}, nil
		})
		require.NoError(t, err)
		mustWork(t, l)
	})
}

func TestContextCancellationEndsAWaitOnAGoroutine(t *testing.T) {
	t.Run("a getter takes nothing", func(t *testing.T) {
		q := queues.New[int](0)
		ctx, cancel := context.WithCancelCause(bg)
		errc := make(chan error, 1)
		go func() { _, err := q.Get(ctx); errc <- err }()
		spinUntil(nGetters(q, 1))
		cancel(errStop)
		assert.ErrorIs(t, <-errc, errStop)
		require.NoError(t, q.PutNowait(1))
		assert.Equal(t, 1, q.Qsize())
	})
	t.Run("a putter leaves no item", func(t *testing.T) {
		q := queues.New[int](1)
		require.NoError(t, q.PutNowait(1))
		ctx, cancel := context.WithCancelCause(bg)
		errc := make(chan error, 1)
		go func() { errc <- q.Put(ctx, 2) }()
		spinUntil(nPutters(q, 1))
		cancel(errStop)
		assert.ErrorIs(t, <-errc, errStop)
		assert.Equal(t, []int{1}, drain(q))
	})
}

// The grant and the cancellation race for real here: whichever wins, each
// item is had exactly once, and each Put that returned nil put exactly one.
func TestGrantsRacingCancellationsLoseNothing(t *testing.T) {
	const rounds = 300
	t.Run("getters", func(t *testing.T) {
		q := queues.New[int](0)
		var got []int
		for i := range rounds {
			ctx, cancel := context.WithCancel(bg)
			done := make(chan struct{})
			go func() {
				defer close(done)
				if v, err := q.Get(ctx); err == nil {
					got = append(got, v)
				}
			}()
			spinUntil(nGetters(q, 1))
			var wg sync.WaitGroup
			wg.Go(func() { assert.NoError(t, q.PutNowait(i)) })
			wg.Go(cancel)
			wg.Wait()
			<-done
			got = append(got, drain(q)...)
		}
		require.Len(t, got, rounds)
		for i, v := range got {
			require.Equal(t, i, v)
		}
	})
	t.Run("putters", func(t *testing.T) {
		q := queues.New[int](1)
		require.NoError(t, q.PutNowait(-1))
		var put, got []int
		for i := range rounds {
			ctx, cancel := context.WithCancel(bg)
			done := make(chan struct{})
			go func() {
				defer close(done)
				if q.Put(ctx, i) == nil {
					put = append(put, i)
				}
			}()
			spinUntil(nPutters(q, 1))
			var wg sync.WaitGroup
			wg.Go(func() {
				v, err := q.GetNowait()
				assert.NoError(t, err)
				got = append(got, v)
			})
			wg.Go(cancel)
			wg.Wait()
			<-done
			if q.Empty() {
				require.NoError(t, q.PutNowait(-1))
			}
		}
		got = append(got, drain(q)...)
		var real []int
		for _, v := range got {
			if v >= 0 {
				real = append(real, v)
			}
		}
		assert.Equal(t, put, real, "exactly the successful puts came out")
	})
}

func TestCancellingAGetterInTheMiddleKeepsTheOthersInOrder(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			q := queues.New[int](0)
			var gs []*future.Future[int]
			for i := range 3 {
				gs = append(gs, loop.CreateTask(l, q.Get))
				if err := until(ctx, nGetters(q, i+1)); err != nil {
					return struct{}{}, err
				}
			}
			assert.True(t, gs[1].Cancel(errStop))
			_, err := future.Await(ctx, gs[1])
			assert.ErrorIs(t, err, errStop)
			assert.NoError(t, q.PutNowait(1))
			assert.NoError(t, q.PutNowait(3))
			for i, want := range map[int]int{0: 1, 2: 3} {
				v, err := future.Await(ctx, gs[i])
				assert.NoError(t, err)
				assert.Equal(t, want, v)
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

// TestItemsGivenBackByCancelledGettersKeepPutOrder: three getters are each
// handed an item straight from a Put, a fourth item goes into the store, and
// then the getters are cancelled, in every order. Each item handed out goes
// back where its put order places it, also relative to the others given
// back: the queue then holds all four in its own order.
func TestItemsGivenBackByCancelledGettersKeepPutOrder(t *testing.T) {
	cancelOrders := [][]int{{0, 1, 2}, {2, 1, 0}, {1, 0, 2}, {0, 2, 1}, {1, 2, 0}, {2, 0, 1}}
	want := map[string][]item{
		"FIFO":     {{1, 0}, {1, 1}, {1, 2}, {1, 3}},
		"LIFO":     {{1, 3}, {1, 2}, {1, 1}, {1, 0}},
		"priority": {{1, 0}, {1, 1}, {1, 2}, {1, 3}},
	}
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				for _, order := range cancelOrders {
					got, err := run(t, l, func(ctx context.Context) ([]item, error) {
						q := o.new(0)
						var getters []*future.Future[item]
						for i := range 3 {
							getters = append(getters, loop.CreateTask(l, q.Get))
							if err := until(ctx, nGetters(q, i+1)); err != nil {
								return nil, err
							}
						}
						for pos := range 4 { // the first three are handed out
							require.NoError(t, q.PutNowait(item{1, pos}))
						}
						for _, i := range order {
							assert.True(t, getters[i].Cancel(errStop))
						}
						for _, g := range getters {
							_, err := future.Await(ctx, g)
							assert.ErrorIs(t, err, errStop)
						}
						return drain(q), nil
					})
					require.NoError(t, err)
					assert.Equal(t, want[o.name], got, "getters cancelled in the order %v", order)
				}
			})
		})
	}
}
