package queues_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/looptest"
	"github.com/goasyncio/asyncio/loop/queues"
)

// orders are the three constructors, each with the order Get returns
// 3, 1, 4, 1', 5 in (1' is the second 1).
var orders = []struct {
	name string
	new  func(maxsize int) *queues.Queue[item]
	want []item
	ints func(maxsize int) *queues.Queue[int] // the same order for ints
}{
	{"FIFO", queues.New[item], []item{{3, 0}, {1, 1}, {4, 2}, {1, 3}, {5, 4}}, queues.New[int]},
	{"LIFO", queues.NewLIFO[item], []item{{5, 4}, {1, 3}, {4, 2}, {1, 1}, {3, 0}}, queues.NewLIFO[int]},
	{
		"priority", func(n int) *queues.Queue[item] { return queues.NewPriority(n, itemLess) },
		[]item{{1, 1}, {1, 3}, {3, 0}, {4, 2}, {5, 4}},
		func(n int) *queues.Queue[int] { return queues.NewPriority(n, func(a, b int) bool { return a < b }) },
	},
}

// item is a priority and the position it was put at, so that the order
// among equal priorities shows.
type item struct{ prio, pos int }

func itemLess(a, b item) bool { return a.prio < b.prio }

func putAll(t *testing.T, q *queues.Queue[item]) {
	t.Helper()
	for i, p := range []int{3, 1, 4, 1, 5} {
		assert.NoError(t, q.PutNowait(item{p, i}))
	}
}

func TestGetReturnsItemsInTheConstructorsOrder(t *testing.T) {
	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			t.Run("without waiting", func(t *testing.T) {
				q := o.new(0)
				putAll(t, q)
				assert.Equal(t, o.want, drain(q))
			})
			eachEngine(t, func(t *testing.T, l *loop.Loop) {
				got, err := run(t, l, func(ctx context.Context) ([]item, error) {
					q := o.new(5)
					putAll(t, q)
					var got []item
					for range 5 {
						v, err := q.Get(ctx)
						if err != nil {
							return got, err
						}
						got = append(got, v)
					}
					return got, nil
				})
				require.NoError(t, err)
				assert.Equal(t, o.want, got)
			})
		})
	}
}

func TestEqualPrioritiesComeOutInPutOrder(t *testing.T) {
	q := queues.NewPriority(0, itemLess)
	for i := range 100 {
		require.NoError(t, q.PutNowait(item{i % 3, i}))
	}
	got := drain(q)
	require.Len(t, got, 100)
	assert.True(t, slices.IsSortedFunc(got, func(a, b item) int {
		if a.prio != b.prio {
			return a.prio - b.prio
		}
		return a.pos - b.pos
	}), "by priority, then by put order: %v", got)
}

func TestTheZeroValueIsAnUnboundedFIFOQueue(t *testing.T) {
	var q queues.Queue[string]
	assert.True(t, q.Empty())
	assert.False(t, q.Full())
	assert.Equal(t, 0, q.Maxsize())
	for _, s := range []string{"a", "b", "c"} {
		require.NoError(t, q.Put(bg, s))
	}
	assert.Equal(t, 3, q.Qsize())
	v, err := q.Get(bg)
	require.NoError(t, err)
	assert.Equal(t, "a", v)
	assert.Equal(t, []string{"b", "c"}, drain(&q))
}

// TestTheZeroValueTakesAPutFirst: a zero Queue's first call may be a Put
// (asking nothing else first), and an item handed straight to a waiting
// getter that is then cancelled goes back into it.
func TestTheZeroValueTakesAPutFirst(t *testing.T) {
	var q queues.Queue[string]
	require.NoError(t, q.PutNowait("a"))
	v, err := q.GetNowait()
	require.NoError(t, err)
	assert.Equal(t, "a", v)

	var q2 queues.Queue[string]
	require.NoError(t, q2.Put(bg, "b"))
	assert.Equal(t, []string{"b"}, drain(&q2))

	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var q queues.Queue[string]
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			g := loop.CreateTask(l, q.Get)
			if err := until(ctx, nGetters(&q, 1)); err != nil {
				return 0, err
			}
			require.NoError(t, q.PutNowait("c")) // handed to g
			g.Cancel(nil)
			_, err := future.Await(ctx, g)
			assert.ErrorIs(t, err, future.ErrCancelled)
			return 0, nil
		})
		require.NoError(t, err)
		assert.Equal(t, []string{"c"}, drain(&q))
	})
}

func TestNowaitCallsReportFullAndEmpty(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(t, l, func(ctx context.Context) (int, error) {
			q := queues.New[int](2)
			_, err := q.GetNowait()
			assert.ErrorIs(t, err, queues.ErrEmpty)
			assert.True(t, q.Empty())

			assert.NoError(t, q.PutNowait(1))
			assert.NoError(t, q.PutNowait(2))
			assert.True(t, q.Full())
			assert.ErrorIs(t, q.PutNowait(3), queues.ErrFull)
			assert.Equal(t, 2, q.Qsize(), "a failed PutNowait leaves the queue unchanged")
			assert.Equal(t, []int{1, 2}, drain(q))

			_, err = q.GetNowait()
			return 0, err
		})
		assert.ErrorIs(t, err, queues.ErrEmpty)
		mustWork(t, l)
	})
}

func TestANilContextIsAnError(t *testing.T) {
	q := queues.New[int](0)
	//lint:ignore SA1012 a nil context is the bad input under test
	_, err := q.Get(nil)
	assert.ErrorIs(t, err, future.ErrNil)
	//lint:ignore SA1012 a nil context is the bad input under test
	assert.ErrorIs(t, q.Put(nil, 1), future.ErrNil)
	require.NoError(t, q.PutNowait(1))
	//lint:ignore SA1012 a nil context is the bad input under test
	assert.ErrorIs(t, q.Join(nil), future.ErrNil)
	assert.Equal(t, 1, q.Qsize(), "nothing changed")
}

func TestNewPriorityPanicsOnANilLess(t *testing.T) {
	assert.PanicsWithValue(t, "queues: NewPriority: nil less function", func() {
		queues.NewPriority[int](0, nil)
	})
}

func TestPutWaitsWhileTheQueueIsFull(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(t, l, func(ctx context.Context) ([]int, error) {
			q := queues.New[int](2)
			maxSeen := 0
			producer := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
				for i := range 10 {
					if err := q.Put(ctx, i); err != nil {
						return struct{}{}, err
					}
					maxSeen = max(maxSeen, q.Qsize())
				}
				return struct{}{}, nil
			})
			if err := until(ctx, nPutters(q, 1)); err != nil {
				return nil, err
			}
			assert.Equal(t, 2, q.Qsize(), "the producer waits at the bound")
			assert.True(t, q.Full())
			assert.ErrorIs(t, q.PutNowait(99), queues.ErrFull, "room is not free while a putter waits")

			var got []int
			for range 10 {
				v, err := q.Get(ctx)
				if err != nil {
					return got, err
				}
				got = append(got, v)
			}
			_, err := future.Await(ctx, producer)
			assert.LessOrEqual(t, maxSeen, 2)
			return got, err
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, got)
	})
}

func TestGettersAreServedInTheOrderTheyCameIn(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(t, l, func(ctx context.Context) ([]int, error) {
			q := queues.New[int](0)
			var tasks []*future.Future[int]
			for i := range 3 {
				tasks = append(tasks, loop.CreateTask(l, q.Get))
				if err := until(ctx, nGetters(q, i+1)); err != nil {
					return nil, err
				}
			}
			for i := range 3 {
				assert.NoError(t, q.PutNowait(i*10))
			}
			var got []int
			for _, f := range tasks {
				v, err := future.Await(ctx, f)
				if err != nil {
					return got, err
				}
				got = append(got, v)
			}
			return got, nil
		})
		require.NoError(t, err)
		assert.Equal(t, []int{0, 10, 20}, got)
	})
}

func TestEveryItemArrivesExactlyOnce(t *testing.T) {
	const producers, consumers, perProducer = 4, 3, 200
	check := func(t *testing.T, got []int) {
		t.Helper()
		slices.Sort(got)
		want := make([]int, producers*perProducer)
		for i := range want {
			want[i] = i
		}
		assert.Equal(t, want, got)
	}
	// consume gets until ErrShutDown and reports what it got.
	consume := func(ctx context.Context, q *queues.Queue[int], mu *sync.Mutex, got *[]int) error {
		for {
			v, err := q.Get(ctx)
			if errors.Is(err, queues.ErrShutDown) {
				return nil
			}
			if err != nil {
				return err
			}
			mu.Lock()
			*got = append(*got, v)
			mu.Unlock()
			if err := q.TaskDone(); err != nil {
				return err
			}
		}
	}
	produce := func(ctx context.Context, q *queues.Queue[int], p int) error {
		for i := range perProducer {
			if err := q.Put(ctx, p*perProducer+i); err != nil {
				return err
			}
		}
		return nil
	}
	// The engines as eachEngine runs them (a one-worker pool), and a
	// parallel pool.
	var newLoops []looptest.Engine
	for _, e := range looptest.Engines {
		newLoops = append(newLoops, looptest.With(e, loop.WithWorkers(1)))
	}
	newLoops = append(newLoops, looptest.PoolOf("parallel pool", 4))

	for _, o := range orders {
		t.Run(o.name, func(t *testing.T) {
			for _, e := range newLoops {
				t.Run("tasks on "+e.Name, func(t *testing.T) {
					l := e.New()
					defer func() { require.NoError(t, l.Close()) }()
					var mu sync.Mutex
					var got []int
					_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
						q := o.ints(3)
						var fs []*future.Future[struct{}]
						for range consumers {
							fs = append(fs, loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
								return struct{}{}, consume(ctx, q, &mu, &got)
							}))
						}
						var ps []*future.Future[struct{}]
						for p := range producers {
							ps = append(ps, loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
								return struct{}{}, produce(ctx, q, p)
							}))
						}
						for _, f := range ps {
							if _, err := future.Await(ctx, f); err != nil {
								return struct{}{}, err
							}
						}
						if err := q.Join(ctx); err != nil {
							return struct{}{}, err
						}
						q.Shutdown(false)
						for _, f := range fs {
							if _, err := future.Await(ctx, f); err != nil {
								return struct{}{}, err
							}
						}
						return struct{}{}, nil
					})
					require.NoError(t, err)
					check(t, got)
				})
			}
			t.Run("goroutines", func(t *testing.T) {
				q := o.ints(3)
				var mu sync.Mutex
				var got []int
				var consumed, produced sync.WaitGroup
				for range consumers {
					consumed.Go(func() { assert.NoError(t, consume(bg, q, &mu, &got)) })
				}
				for p := range producers {
					produced.Go(func() { assert.NoError(t, produce(bg, q, p)) })
				}
				produced.Wait()
				require.NoError(t, q.Join(bg))
				q.Shutdown(false)
				consumed.Wait()
				check(t, got)
			})
		})
	}
}

func TestTasksAndGoroutinesShareAQueue(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		q := queues.New[int](1)
		const n = 100
		sum := make(chan int, 1)
		go func() {
			s := 0
			for range n {
				v, err := q.Get(bg)
				if !assert.NoError(t, err) {
					break
				}
				s += v
			}
			sum <- s
		}()
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			for i := range n {
				if err := q.Put(ctx, i); err != nil {
					return struct{}{}, err
				}
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
		assert.Equal(t, n*(n-1)/2, <-sum)
	})
}

func TestAPanickingLessLosesNoItem(t *testing.T) {
	boom := errors.New("boom")
	less := func(a, b int) bool {
		if a == 13 || b == 13 {
			panic(boom)
		}
		return a < b
	}
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		q := queues.NewPriority(0, less)
		require.NoError(t, q.PutNowait(1))
		require.NoError(t, q.PutNowait(2))
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			return struct{}{}, q.Put(ctx, 13)
		})
		var pe *future.PanicError
		require.ErrorAs(t, err, &pe, "the task fails with the panic")
		assert.ErrorIs(t, err, boom)
		assert.Equal(t, 3, q.Qsize(), "the item being put is kept")
		mustWork(t, l)

		got, err := run(t, l, func(ctx context.Context) ([]int, error) {
			var got []int
			for range 3 {
				v, err := func() (v int, err error) {
					defer func() {
						if r := recover(); r != nil {
							err = fmt.Errorf("%v", r)
						}
					}()
					return q.Get(ctx)
				}()
				if err == nil {
					got = append(got, v)
				}
			}
			return got, nil
		})
		require.NoError(t, err)
		// Pops that panicked kept their item; whatever came out came out
		// once, and the rest is still in the queue.
		rest := drainRecovering(q)
		all := append(got, rest...)
		slices.Sort(all)
		assert.Equal(t, []int{1, 2, 13}, all)
	})
}

// drainRecovering takes every item left, surviving a panicking less, by
// giving up when it panics and reading what is left through a fresh queue.
func drainRecovering(q *queues.Queue[int]) []int {
	var out []int
	for range 10 {
		v, err, panicked := func() (v int, err error, panicked bool) {
			defer func() {
				if recover() != nil {
					panicked = true
				}
			}()
			v, err = q.GetNowait()
			return v, err, false
		}()
		switch {
		case panicked:
			continue
		case err != nil:
			return out
		}
		out = append(out, v)
	}
	return out
}
