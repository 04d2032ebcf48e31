// Command asyncio_cancel_task2 cancels a task while it sleeps: the Go
// translation of asyncio_cancel_task2.py. The task sees the cancellation
// as the error of the Sleep it is suspended in, can clean up, and passes
// the error on; the coroutine awaiting the task gets it too.
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

func taskFunc(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in task_func, sleeping")
		if err := loop.Sleep(ctx, time.Second); err != nil {
			if errors.Is(err, future.ErrCancelled) {
				fmt.Fprintln(w, "task_func was canceled")
			}
			return "", err // Python's bare raise
		}
		return "the result", nil
	}
}

func taskCanceller(w io.Writer, t *future.Future[string]) {
	fmt.Fprintln(w, "in task_canceller")
	t.Cancel(nil)
	fmt.Fprintln(w, "canceled the task")
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "creating task")
		task := loop.CreateTask(l, taskFunc(w))
		if _, err := l.CallSoon(func() { taskCanceller(w, task) }); err != nil {
			return struct{}{}, err
		}
		if _, err := future.Await(ctx, task); err != nil {
			if !errors.Is(err, future.ErrCancelled) {
				return struct{}{}, err
			}
			fmt.Fprintln(w, "main() also sees task as canceled")
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
