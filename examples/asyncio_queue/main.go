// Command asyncio_queue has a producer put jobs into a bounded queue that two
// consumers take them from: the Go translation of asyncio_queue.py. Put
// suspends the producer while the queue is full, Get suspends a consumer
// while it is empty, and Join waits until every item has been marked done.
// Python's None, the signal to stop, is a nil *int here.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/queues"
)

// show prints an item as Python prints it: its number, or None.
func show(item *int) string {
	if item == nil {
		return "None"
	}
	return fmt.Sprint(*item)
}

func consumer(w io.Writer, n int, q *queues.Queue[*int]) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintf(w, "consumer %d: starting\n", n)
		for {
			fmt.Fprintf(w, "consumer %d: waiting for item\n", n)
			item, err := q.Get(ctx)
			if err != nil {
				return struct{}{}, err
			}
			fmt.Fprintf(w, "consumer %d: has item %s\n", n, show(item))
			if item == nil {
				// nil is the signal to stop.
				if err := q.TaskDone(); err != nil {
					return struct{}{}, err
				}
				break
			}
			if err := loop.Sleep(ctx, time.Duration(*item)*10*time.Millisecond); err != nil {
				return struct{}{}, err
			}
			if err := q.TaskDone(); err != nil {
				return struct{}{}, err
			}
		}
		fmt.Fprintf(w, "consumer %d: ending\n", n)
		return struct{}{}, nil
	}
}

func producer(w io.Writer, q *queues.Queue[*int], numWorkers int) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "producer: starting")
		// Add some numbers to the queue to simulate jobs.
		for i := range numWorkers * 3 {
			if err := q.Put(ctx, &i); err != nil {
				return struct{}{}, err
			}
			fmt.Fprintf(w, "producer: added task %d to the queue\n", i)
		}
		// Add nil entries to the queue to signal the consumers to exit.
		fmt.Fprintln(w, "producer: adding stop signals to the queue")
		for range numWorkers {
			if err := q.Put(ctx, nil); err != nil {
				return struct{}{}, err
			}
		}
		fmt.Fprintln(w, "producer: waiting for queue to empty")
		if err := q.Join(ctx); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "producer: ending")
		return struct{}{}, nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop, numConsumers int) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		// Create the queue with a fixed size so the producer will block
		// until the consumers pull some items out.
		q := queues.New[*int](numConsumers)

		// Schedule the consumer tasks.
		tasks := make([]*future.Future[struct{}], 0, numConsumers+1)
		for i := range numConsumers {
			tasks = append(tasks, loop.CreateTask(l, consumer(w, i, q)))
		}

		// Schedule the producer task.
		tasks = append(tasks, loop.CreateTask(l, producer(w, q, numConsumers)))

		// Wait for all of the coroutines to finish.
		if _, _, err := loop.Wait(ctx, tasks, loop.AllCompleted, 0); err != nil {
			return struct{}{}, err
		}
		for _, t := range tasks {
			if err := t.Err(); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop, 2))
		return err
	})
}

func main() { engine.Main(run) }
