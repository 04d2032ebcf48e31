// Command asyncio_call_later schedules plain functions to run after a
// delay: the Go translation of asyncio_call_later.py. The callback given
// to CallSoon runs before both timers, and the timers run in deadline
// order, not in the order they were made.
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

func callback(w io.Writer, n int) {
	fmt.Fprintf(w, "callback %d invoked\n", n)
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintln(w, "registering callbacks")
		if _, err := l.CallLater(200*time.Millisecond, func() { callback(w, 1) }); err != nil {
			return struct{}{}, err
		}
		if _, err := l.CallLater(100*time.Millisecond, func() { callback(w, 2) }); err != nil {
			return struct{}{}, err
		}
		if _, err := l.CallSoon(func() { callback(w, 3) }); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, loop.Sleep(ctx, 400*time.Millisecond)
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
