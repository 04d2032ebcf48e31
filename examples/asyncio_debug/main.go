// Command asyncio_debug runs a task that holds up its loop, first as it is
// and then, with -v, under the loop's debug mode, which catches it: the Go
// translation of asyncio_debug.py.
//
// asyncio's set_debug(True) and slow_callback_duration = 0.001 are
// loop.WithDebug and loop.WithSlowCallbackDuration(time.Millisecond). Where
// asyncio logs a slow step itself, this loop hands a *loop.SlowCallbackError
// to its exception handler; the handler here logs it in the chapter's
// format, '%(levelname)7s: %(message)s', naming the task where Python
// prints the task's repr. inner's task is named after its coroutine, which
// is what Python's repr shows of it.
//
// Two lines of the chapter's output have no counterpart. asyncio logs
// which selector it picked when it makes a loop ("DEBUG: Using selector:
// KqueueSelector"); this loop logs nothing of the kind. And the Python
// program never closes its loop, which debug mode reported, in older
// runs, as a ResourceWarning; this one closes it.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// logf prints one line in the chapter's logging format: the level right
// aligned in seven columns, a colon, the message.
func logf(w io.Writer, level, format string, args ...any) {
	fmt.Fprintf(w, "%7s: %s\n", level, fmt.Sprintf(format, args...))
}

func inner(w io.Writer) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		logf(w, "INFO", "inner starting")
		// The work is a blocking sleep, as in Python: it holds the loop's
		// thread (a pool worker, on the pool engine) for 0.1 s without
		// giving the loop a chance to run anything else. This is the slow
		// step debug mode reports.
		time.Sleep(100 * time.Millisecond)
		logf(w, "INFO", "inner completed")
		return struct{}{}, nil
	}
}

func outer(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		logf(w, "INFO", "outer starting")
		task := loop.CreateTask(l, inner(w), loop.TaskName("inner"))
		if _, err := future.Await(ctx, task); err != nil {
			return struct{}{}, err
		}
		logf(w, "INFO", "outer completed")
		return struct{}{}, nil
	}
}

// handler returns the loop's exception handler. It logs a slow step or
// callback as asyncio's debug mode logs one, "Executing <what> took
// <seconds> seconds" at WARNING with the time to the millisecond, and
// anything else at ERROR, the level of asyncio's default exception
// handler.
func handler(w io.Writer) func(error) {
	return func(err error) {
		var slow *loop.SlowCallbackError
		if !errors.As(err, &slow) {
			logf(w, "ERROR", "%v", err)
			return
		}
		what := "<Handle>"
		if slow.Task {
			what = fmt.Sprintf("<Task name=%s>", pyfmt.Str(slow.Name))
		}
		logf(w, "WARNING", "Executing %s took %.3f seconds", what, slow.Duration.Seconds())
	}
}

// run runs the program on the named engine, logging to w, in debug mode
// if verbose. Everything that writes to w runs on the loop, one step or
// callback at a time, so w need not be safe for concurrent use.
func run(w io.Writer, engineName string, verbose bool, opts ...loop.Option) error {
	base := []loop.Option{loop.WithExceptionHandler(handler(w))}
	if verbose {
		logf(w, "INFO", "enabling debugging")
		base = append(base,
			loop.WithDebug(),
			// The chapter's threshold, well below the default of 100 ms,
			// so that the example's 0.1 s step is caught for certain.
			loop.WithSlowCallbackDuration(time.Millisecond),
		)
	}
	// Later options win: the caller's opts come last.
	return engine.WithLoop(engineName, append(base, opts...), func(l *loop.Loop) error {
		logf(w, "INFO", "entering event loop")
		_, err := loop.RunUntilComplete(context.Background(), l, outer(w, l))
		return err
	})
}

func main() {
	name := engine.Flag()
	verbose := flag.Bool("v", false, "enable debugging: report steps that hold the loop for over 1 ms")
	flag.Parse()
	// Standard error, where the Python program logs.
	if err := run(os.Stderr, *name, *verbose); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
