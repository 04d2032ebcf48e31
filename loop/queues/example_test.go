package queues_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/queues"
)

// A producer puts five items and then a sentinel, as the asyncio book's
// queue example does; a consumer task prints what it gets. On a
// single-thread loop the two tasks take turns on one thread: the producer
// suspends in Put while the queue is full, the consumer in Get while it is
// empty.
func ExampleNew() {
	const sentinel = -1
	main := func(ctx context.Context) (struct{}, error) {
		l, _ := loop.GetRunningLoop(ctx)
		q := queues.New[int](2)
		consumer := loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
			for {
				v, err := q.Get(ctx)
				if err != nil || v == sentinel {
					return struct{}{}, err
				}
				fmt.Println("consumed", v)
			}
		})
		for i := 1; i <= 5; i++ {
			if err := q.Put(ctx, i); err != nil {
				return struct{}{}, err
			}
		}
		if err := q.Put(ctx, sentinel); err != nil {
			return struct{}{}, err
		}
		return future.Await(ctx, consumer)
	}
	if _, err := loop.Run(context.Background(), main); err != nil {
		fmt.Println(err)
	}
	// Output:
	// consumed 1
	// consumed 2
	// consumed 3
	// consumed 4
	// consumed 5
}

func ExampleNewLIFO() {
	q := queues.NewLIFO[string](0)
	for _, s := range []string{"first", "second", "third"} {
		_ = q.PutNowait(s)
	}
	for !q.Empty() {
		s, _ := q.GetNowait()
		fmt.Println(s)
	}
	// Output:
	// third
	// second
	// first
}

func ExampleNewPriority() {
	type job struct {
		prio int
		name string
	}
	q := queues.NewPriority(0, func(a, b job) bool { return a.prio < b.prio })
	_ = q.PutNowait(job{2, "write report"})
	_ = q.PutNowait(job{1, "fix outage"})
	_ = q.PutNowait(job{3, "tidy desk"})
	_ = q.PutNowait(job{1, "call customer"}) // equal priority: after "fix outage"

	for !q.Empty() {
		j, _ := q.Get(context.Background()) // never waits: the queue is not empty
		fmt.Println(j.prio, j.name)
	}
	// Output:
	// 1 fix outage
	// 1 call customer
	// 2 write report
	// 3 tidy desk
}

func ExampleQueue_PutNowait() {
	q := queues.New[int](1)
	fmt.Println(q.PutNowait(1))
	err := q.PutNowait(2)
	fmt.Println(errors.Is(err, queues.ErrFull), q.Qsize(), q.Full())
	_, _ = q.GetNowait()
	_, err = q.GetNowait()
	fmt.Println(errors.Is(err, queues.ErrEmpty))
	// Output:
	// <nil>
	// true 1 true
	// true
}

func ExampleQueue_Shutdown() {
	q := queues.New[string](0)
	_ = q.PutNowait("left over")
	q.Shutdown(false)

	fmt.Println(errors.Is(q.PutNowait("late"), queues.ErrShutDown))
	ctx := context.Background()
	for {
		s, err := q.Get(ctx) // drains, then fails instead of waiting
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Println(s)
	}
	// Output:
	// true
	// left over
	// queues: queue is shut down
}
