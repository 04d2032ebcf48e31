// Command asyncio_wait starts several phases as tasks and waits for all of
// them at once: the Go translation of asyncio_wait.py. loop.Wait takes
// futures, not coroutines, so main makes each phase a task first, as
// asyncio.wait does internally. Python keeps those tasks in a set, so its
// phases start, and its results come back, in an order that changes from run
// to run; Go keeps them in a slice, so the phases start in order and the
// results are listed in that order.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func phase(w io.Writer, i int) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintf(w, "in phase %d\n", i)
		if err := loop.Sleep(ctx, time.Duration(i)*100*time.Millisecond); err != nil {
			return "", err
		}
		fmt.Fprintf(w, "done with phase %d\n", i)
		return fmt.Sprintf("phase %d result", i), nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop, numPhases int) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "starting main")
		phases := make([]future.Coroutine[string], numPhases)
		for i := range phases {
			phases[i] = phase(w, i)
		}
		fmt.Fprintln(w, "waiting for phases to complete")
		tasks := make([]*future.Future[string], len(phases))
		for i, p := range phases {
			tasks[i] = loop.CreateTask(l, p)
		}
		completed, _, err := loop.Wait(ctx, tasks, loop.AllCompleted, 0)
		if err != nil {
			return struct{}{}, err
		}
		results := make([]string, 0, len(completed))
		for _, t := range completed {
			r, err := t.Result() // Python's t.result() raises the task's exception
			if err != nil {
				return struct{}{}, err
			}
			results = append(results, r)
		}
		fmt.Fprintf(w, "results: %s\n", pyfmt.List(results))
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop, 3))
		return err
	})
}

func main() { engine.Main(run) }
