// Command asyncio_coroutine starts a coroutine on an event loop: the Go
// translation of asyncio_coroutine.py, the first program of the asyncio
// coroutines chapter.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"

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

func run(w io.Writer, engineName string) (err error) {
	eventLoop, err := engine.New(engineName)
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

func main() {
	name := engine.Flag()
	flag.Parse()
	if err := run(os.Stdout, *name); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
