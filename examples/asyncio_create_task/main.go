// Command asyncio_create_task starts a coroutine as a task and waits for
// its result: the Go translation of asyncio_create_task.py. The task runs
// only once main suspends in Await. Tasks are printed as Python's repr
// prints them, without the source location Python adds.
package main

import (
	"context"
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
		fmt.Fprintf(w, "waiting for %s\n", pyfmt.Task("task_func", task, false))
		returnValue, err := future.Await(ctx, task)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "task completed %s\n", pyfmt.Task("task_func", task, false))
		fmt.Fprintf(w, "return value: '%s'\n", returnValue)
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
