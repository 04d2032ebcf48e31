// Command asyncio_future_event_loop runs a loop until a future is given a
// result by a callback: the Go translation of asyncio_future_event_loop.py.
// The future keeps its result after the loop is closed. Python's
// asyncio.Future is split in two here: mark_done gets the Promise, the
// write side, and the loop waits on its Future, the read side.
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

func run(w io.Writer, engineName string, opts ...loop.Option) error {
	eventLoop, err := engine.New(engineName, opts...)
	if err != nil {
		return err
	}
	allDone := future.NewPromiseOn[string](eventLoop)
	if err := enter(w, eventLoop, allDone); err != nil {
		return err
	}
	result, err := allDone.Future().Result()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "future result: '%s'\n", result)
	return nil
}

// enter is the program's try/finally block: it runs the loop until
// allDone is complete, then closes the loop.
func enter(w io.Writer, eventLoop *loop.Loop, allDone future.Promise[string]) (err error) {
	defer func() {
		fmt.Fprintln(w, "closing event loop")
		if cerr := eventLoop.Close(); err == nil {
			err = cerr
		}
	}()
	fmt.Fprintln(w, "scheduling mark_done")
	if _, err := eventLoop.CallSoon(func() { markDone(w, allDone, "the result") }); err != nil {
		return err
	}
	fmt.Fprintln(w, "entering event loop")
	result, err := loop.RunUntilComplete(context.Background(), eventLoop, allDone.Future())
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "returned result: '%s'\n", result)
	return nil
}

func main() { engine.Main(run) }
