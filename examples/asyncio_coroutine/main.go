// Command asyncio_coroutine starts a coroutine on an event loop: the Go
// translation of asyncio_coroutine.py, the first program of the asyncio
// coroutines chapter.
package main

import (
	"context"
	"fmt"
	"io"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// coroutine is `async def coroutine()`: calling it makes a coroutine value
// and runs nothing.
func coroutine(w io.Writer) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "in coroutine")
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, opts ...loop.Option) (err error) {
	eventLoop, err := engine.New(engineName, opts...)
	if err != nil {
		return err
	}
	defer func() {
		fmt.Fprintln(w, "closing event loop")
		if cerr := eventLoop.Close(); err == nil {
			err = cerr
		}
	}()
	fmt.Fprintln(w, "starting coroutine")
	coro := coroutine(w)
	fmt.Fprintln(w, "entering event loop")
	_, err = loop.RunUntilComplete(context.Background(), eventLoop, coro)
	return err
}

func main() { engine.Main(run) }
