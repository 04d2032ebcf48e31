// Command asyncio_call_at schedules plain functions for given readings of
// the loop's clock: the Go translation of asyncio_call_at.py. Deadlines are
// computed from Loop.Time, as Python computes them from loop.time().
//
// Python prints time.time() and raw loop.time() readings, which differ on
// every run. This translation prints each reading as the seconds since the
// first one (now), to a tenth of a second, which is the deterministic part,
// and leaves out the wall-clock line: in Go, Loop.Time is a time.Time that
// carries a monotonic reading, so it is not a separate number scale.
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

// since formats a loop clock reading as seconds after start.
func since(start, t time.Time) string {
	return fmt.Sprintf("%.1f", t.Sub(start).Seconds())
}

func callback(w io.Writer, n int, l *loop.Loop, start time.Time) {
	fmt.Fprintf(w, "callback %d invoked at %s\n", n, since(start, l.Time()))
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		now := l.Time()
		fmt.Fprintf(w, "loop  time: %s\n", since(now, now))

		fmt.Fprintln(w, "registering callbacks")
		if _, err := l.CallAt(now.Add(200*time.Millisecond), func() { callback(w, 1, l, now) }); err != nil {
			return struct{}{}, err
		}
		if _, err := l.CallAt(now.Add(100*time.Millisecond), func() { callback(w, 2, l, now) }); err != nil {
			return struct{}{}, err
		}
		if _, err := l.CallSoon(func() { callback(w, 3, l, now) }); err != nil {
			return struct{}{}, err
		}
		return struct{}{}, loop.Sleep(ctx, time.Second)
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
