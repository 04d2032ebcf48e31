// Command asyncio_future_await has a coroutine await a future that a
// callback completes: the Go translation of asyncio_future_await.py.
// future.Await takes a future as it takes a coroutine, and suspends the
// task until the callback has run.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func markDone(w io.Writer, p future.Promise[string], result string) {
	fmt.Fprintf(w, "setting future result to '%s'\n", result)
	// Nothing else completes the future, so this cannot find it done.
	_ = p.Resolve(result)
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		allDone := future.NewPromiseOn[string](l)

		fmt.Fprintln(w, "scheduling mark_done")
		if _, err := l.CallSoon(func() { markDone(w, allDone, "the result") }); err != nil {
			return struct{}{}, err
		}

		result, err := future.Await(ctx, allDone.Future())
		if err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "returned result: '%s'\n", result)
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
