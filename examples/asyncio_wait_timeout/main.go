// Command asyncio_wait_timeout waits for several phases with a time limit
// and cancels the ones still pending: the Go translation of
// asyncio_wait_timeout.py. Running out of time is not an error for
// loop.Wait: it returns the futures split into done and pending. Python's
// phases start in the order of a set; here they start in the order listed.
//
// The limit is a microsecond short of 0.1s. Python arms it an iteration
// before phase 1 arms its 0.1s sleep, so it runs out a little earlier; on a
// virtual clock, which stands still while ready work runs, the two would end
// at the same instant, and which of the two resumed first would depend on
// which timer was made first.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// limit is how long main waits for the phases (see the package comment).
const limit = 100*time.Millisecond - time.Microsecond

func phase(w io.Writer, i int) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintf(w, "in phase %d\n", i)
		if err := loop.Sleep(ctx, time.Duration(i)*100*time.Millisecond); err != nil {
			if errors.Is(err, future.ErrCancelled) {
				fmt.Fprintf(w, "phase %d canceled\n", i)
			}
			return "", err // Python's bare raise
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
		fmt.Fprintln(w, "waiting 0.1 for phases to complete")
		tasks := make([]*future.Future[string], len(phases))
		for i, p := range phases {
			tasks[i] = loop.CreateTask(l, p)
		}
		completed, pending, err := loop.Wait(ctx, tasks, loop.AllCompleted, limit)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "%d completed and %d pending\n", len(completed), len(pending))
		// Cancel the rest, so that they do not run on unobserved after
		// main has given up on them.
		if len(pending) > 0 {
			fmt.Fprintln(w, "canceling tasks")
			for _, t := range pending {
				t.Cancel(nil)
			}
		}
		fmt.Fprintln(w, "exiting main")
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
