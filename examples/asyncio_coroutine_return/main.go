// Command asyncio_coroutine_return gets a coroutine's return value back
// from the event loop: the Go translation of asyncio_coroutine_return.py.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

func coroutine(w io.Writer) future.Coroutine[string] {
	return func(ctx context.Context) (string, error) {
		fmt.Fprintln(w, "in coroutine")
		return "result", nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(eventLoop *loop.Loop) error {
		// RunUntilComplete returns the coroutine's result, typed: a string.
		returnValue, err := loop.RunUntilComplete(context.Background(), eventLoop, coroutine(w))
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "it returned: '%s'\n", returnValue) // Python's repr of a str
		return nil
	})
}

func main() { engine.Main(run) }
