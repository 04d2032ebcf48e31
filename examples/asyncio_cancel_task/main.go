// Command asyncio_cancel_task cancels a task before it has started: the
// Go translation of asyncio_cancel_task.py. The body never runs, and
// awaiting the task returns an error matching future.ErrCancelled. Tasks
// are printed as Python's repr prints them, without the source location.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func taskFunc(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in task_func")
		return "the result", nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "creating task")
		task := loop.CreateTask(l, taskFunc(w))

		fmt.Fprintln(w, "canceling task")
		cancelling := task.Cancel(nil)

		fmt.Fprintf(w, "canceled task %s\n", pyfmt.Task("task_func", task, cancelling))
		result, err := future.Await(ctx, task)
		switch {
		case errors.Is(err, future.ErrCancelled):
			fmt.Fprintln(w, "caught error from canceled task")
		case err != nil:
			return struct{}{}, err
		default:
			fmt.Fprintf(w, "task result: '%s'\n", result)
		}
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop))
		return err
	})
}

func main() { engine.Main(run) }
