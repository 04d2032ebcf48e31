// Command asyncio_future_callback registers callbacks that run when a
// future completes: the Go translation of asyncio_future_callback.py. The
// callbacks run on the future's loop, in the order they were added;
// functools.partial becomes a closure that adds the argument n.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func callback(w io.Writer, f *future.Future[string], n int) {
	result, err := f.Result()
	if err != nil {
		fmt.Fprintf(w, "%d: future failed: %v\n", n, err)
		return
	}
	fmt.Fprintf(w, "%d: future done: %s\n", n, result)
}

func registerCallbacks(w io.Writer, allDone *future.Future[string]) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "registering callbacks on future")
		for n := 1; n <= 2; n++ {
			// functools.partial(callback, n=n)
			if err := allDone.AddDoneCallback(func(f *future.Future[string]) { callback(w, f, n) }); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}
}

func mainCoro(w io.Writer, allDone future.Promise[string]) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		if _, err := future.Await(ctx, registerCallbacks(w, allDone.Future())); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintln(w, "setting result of future")
		if err := allDone.Resolve("the result"); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		allDone := future.NewPromiseOn[string](eventLoop)
		_, err := loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, allDone))
		return err
	})
}

func main() { engine.Main(run) }
