// Command asyncio_ensure_future wraps a coroutine in a task that other code
// awaits without knowing where it came from: the Go translation of
// asyncio_ensure_future.py. asyncio.ensure_future is loop.CreateTask on the
// running loop for a coroutine (and the identity for a future, which is
// already awaitable). Tasks print as Python's repr, without source location.
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

func wrapped(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "wrapped")
		return "result", nil
	}
}

func inner(w io.Writer, task *future.Future[string]) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "inner: starting")
		fmt.Fprintf(w, "inner: waiting for %s\n", pyfmt.Task("wrapped", task, false))
		result, err := future.Await(ctx, task)
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "inner: task returned '%s'\n", result)
		return struct{}{}, nil
	}
}

func starter(w io.Writer) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "starter: creating task")
		// asyncio.ensure_future(wrapped()): a task on the running loop.
		l, err := loop.GetRunningLoop(ctx)
		if err != nil {
			return struct{}{}, err
		}
		task := loop.CreateTask(l, wrapped(w))
		fmt.Fprintln(w, "starter: waiting for inner")
		if _, err := future.Await(ctx, inner(w, task)); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "starter: inner returned")
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		fmt.Fprintln(w, "entering event loop")
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, starter(w))
		return err
	})
}

func main() { engine.Main(run) }
