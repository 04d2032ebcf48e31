// Command asyncio_event makes two coroutines wait for one event that a
// callback sets: the Go translation of asyncio_event.py. Setting a
// locks.Event wakes every waiter at once, and the flag stays raised.
// Python starts the two coroutines from a set, in an order that changes from
// run to run; here loop.Wait gets them as tasks in a slice, so coro1 always
// starts, and is woken, first.
package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

func setEvent(w io.Writer, event *locks.Event) {
	fmt.Fprintln(w, "setting event in callback")
	event.Set()
}

// coro is coro1 and coro2 of the Python program, which differ only in name.
func coro(w io.Writer, name string, event *locks.Event) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		fmt.Fprintf(w, "%s waiting for event\n", name)
		if err := event.Wait(ctx); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "%s triggered\n", name)
		return struct{}{}, nil
	}
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		var event locks.Event // the zero Event is clear and ready to use
		fmt.Fprintf(w, "event start state: %s\n", pyfmt.Bool(event.IsSet()))

		// functools.partial(set_event, event) becomes a closure.
		if _, err := l.CallLater(100*time.Millisecond, func() { setEvent(w, &event) }); err != nil {
			return struct{}{}, err
		}

		tasks := []*future.Future[struct{}]{
			loop.CreateTask(l, coro(w, "coro1", &event)),
			loop.CreateTask(l, coro(w, "coro2", &event)),
		}
		if _, _, err := loop.Wait(ctx, tasks, loop.AllCompleted, 0); err != nil {
			return struct{}{}, err
		}
		fmt.Fprintf(w, "event end state: %s\n", pyfmt.Bool(event.IsSet()))
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
