// Command asyncio_executor_thread runs six blocking calls on a loop's
// executor of three goroutines and waits for them all: the Go translation of
// asyncio_executor_thread.py. loop.RunInExecutor plays run_in_executor, and
// loop.WithExecutorWorkers(3) the ThreadPoolExecutor(max_workers=3).
//
// Python logs every line with its thread's name, and the worker threads'
// lines interleave with the main thread's as the OS schedules them. Here the
// loop's lines ("MainThread") go to one writer in a fixed order, and the
// executor's lines to another, whose order stays up to the scheduler; Go
// goroutines have no names, so they are labelled "executor". Wait returns
// the done futures in the order they were given, so the results are listed
// in job order where Python lists them in set order.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// logf prints one line in the chapter's logging format,
// '%(threadName)10s %(name)18s: %(message)s'.
func logf(w io.Writer, thread, name, format string, args ...any) {
	fmt.Fprintf(w, "%10s %18s: %s\n", thread, name, fmt.Sprintf(format, args...))
}

// blocks is the blocking work: it holds its goroutine with time.Sleep, as
// the Python function holds its thread.
func blocks(w io.Writer, n int) int {
	name := fmt.Sprintf("blocks(%d)", n)
	logf(w, "executor", name, "running")
	time.Sleep(100 * time.Millisecond)
	logf(w, "executor", name, "done")
	return n * n
}

func runBlockingTasks(w, workers io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		log := func(format string, args ...any) { logf(w, "MainThread", "run_blocking_tasks", format, args...) }
		log("starting")

		log("creating executor tasks")
		blockingTasks := make([]*future.Future[int], 6)
		for i := range blockingTasks {
			blockingTasks[i] = loop.RunInExecutor(ctx, l, func(context.Context) (int, error) {
				return blocks(workers, i), nil
			})
		}
		log("waiting for executor tasks")
		completed, _, err := loop.Wait(ctx, blockingTasks, loop.AllCompleted, 0)
		if err != nil {
			return struct{}{}, err
		}
		results := make([]int, 0, len(completed))
		for _, t := range completed {
			r, err := t.Result()
			if err != nil {
				return struct{}{}, err
			}
			results = append(results, r)
		}
		log("results: %s", pyfmt.List(results))

		log("exiting")
		return struct{}{}, nil
	}
}

// run runs the program, printing the loop's lines to w and the executor's
// to workers. workers must be safe for concurrent use: three goroutines
// write to it.
func run(w, workers io.Writer, engineName string, opts ...loop.Option) error {
	// ThreadPoolExecutor(max_workers=3): six jobs run in two waves.
	opts = append([]loop.Option{loop.WithExecutorWorkers(3)}, opts...)
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, runBlockingTasks(w, workers, eventLoop))
		return err
	})
}

func main() {
	name := engine.Flag()
	flag.Parse()
	// Both to standard error, as the Python program logs; each line is one
	// write, so lines from different goroutines do not mix.
	if err := run(os.Stderr, os.Stderr, *name); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
