// Command asyncio_call_soon schedules plain functions for the loop's next
// iteration: the Go translation of asyncio_call_soon.py. The callbacks run
// in the order they were scheduled; functools.partial becomes a closure.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// callback is callback(arg, *, kwarg='default'). Go has no keyword
// arguments with defaults, so every caller passes kwarg.
func callback(w io.Writer, arg int, kwarg string) {
	fmt.Fprintf(w, "callback invoked with %d and %s\n", arg, kwarg)
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "registering callbacks")
		if _, err := l.CallSoon(func() { callback(w, 1, "default") }); err != nil {
			return struct{}{}, err
		}
		// functools.partial(callback, kwarg='not default')
		wrapped := func(arg int) { callback(w, arg, "not default") }
		if _, err := l.CallSoon(func() { wrapped(2) }); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, loop.Sleep(ctx, 100*time.Millisecond)
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
	fmt.Fprintln(w, "entering event loop")
	_, err = loop.RunUntilComplete(context.Background(), eventLoop, mainCoro(w, eventLoop))
	return err
}

func main() { engine.Main(run) }
