package queues_test

import (
	"context"
	"fmt"
	"slices"
	"sync"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/queues"
)

// Three worker tasks on a pool loop process items in parallel. The main
// task puts the work, waits with Join until every item is marked done with
// TaskDone, then shuts the queue down so the workers' Get returns
// ErrShutDown and they end. The workers finish in no fixed order, so the
// results are sorted before printing.
func ExampleQueue_Join() {
	l := loop.NewPool(loop.WithWorkers(3))
	defer l.Close()

	var mu sync.Mutex
	var squares []int
	worker := func(q *queues.Queue[int]) future.Coroutine[int] {
		return func(ctx context.Context) (int, error) {
			n := 0
			for {
				v, err := q.Get(ctx)
				if err != nil {
					return n, nil // shut down: no more work
				}
				mu.Lock()
				squares = append(squares, v*v)
				mu.Unlock()
				n++
				_ = q.TaskDone()
			}
		}
	}

	total, err := loop.RunUntilComplete(context.Background(), l, future.Coroutine[int](func(ctx context.Context) (int, error) {
		q := queues.New[int](2)
		var workers []*future.Future[int]
		for range 3 {
			workers = append(workers, loop.CreateTask(l, worker(q)))
		}
		for i := 1; i <= 6; i++ {
			if err := q.Put(ctx, i); err != nil {
				return 0, err
			}
		}
		if err := q.Join(ctx); err != nil {
			return 0, err
		}
		q.Shutdown(false)
		total := 0
		for _, w := range workers {
			n, err := future.Await(ctx, w)
			if err != nil {
				return 0, err
			}
			total += n
		}
		return total, nil
	}))
	slices.Sort(squares)
	fmt.Println(total, err)
	fmt.Println(squares)
	// Output:
	// 6 <nil>
	// [1 4 9 16 25 36]
}
