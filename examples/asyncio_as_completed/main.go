// Command asyncio_as_completed handles the results of several phases in the
// order they finish: the Go translation of asyncio_as_completed.py.
// loop.AsCompleted is an iterator over the tasks' outcomes in completion
// order; the phases are made tasks first, as asyncio.as_completed does
// internally. Python starts them from a set, in an order that changes from
// run to run; here they start in the order listed.
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
		if err := loop.Sleep(ctx, 500*time.Millisecond-time.Duration(i)*100*time.Millisecond); err != nil {
			return "", err
		}
		fmt.Fprintf(w, "done with phase %d\n", i)
		return fmt.Sprintf("phase %d result", i), nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop, numPhases int) future.Coroutine[[]string] {
	return func(ctx context.Context) ([]string, error) {
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
		var results []string
		for answer, err := range loop.AsCompleted(ctx, tasks...) {
			if err != nil {
				return nil, err
			}
			fmt.Fprintf(w, "received answer %s\n", pyfmt.Str(answer))
			results = append(results, answer)
		}
		fmt.Fprintf(w, "results: %s\n", pyfmt.List(results))
		return results, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop, 3))
		return err
	})
}

func main() { engine.Main(run) }
