//go:build unix

// Command asyncio_signal has the loop run a callback for Unix signals the
// process sends itself: the Go translation of asyncio_signal.py. It needs
// SIGHUP and SIGUSR1, so it builds as this program on Unix only; elsewhere
// (see main_other.go) it says so and exits.
//
// asyncio's add_signal_handler is l.AddSignalHandler, with a closure where
// Python uses functools.partial. os.kill is syscall.Kill. While the
// handlers are set, SIGINT runs its callback instead of ending the program,
// as in Python.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// signals are the ones the program sends, in order, with their names.
var signals = []struct {
	name string
	sig  syscall.Signal
}{
	{"SIGHUP", syscall.SIGHUP},
	{"SIGHUP", syscall.SIGHUP},
	{"SIGUSR1", syscall.SIGUSR1},
	{"SIGINT", syscall.SIGINT},
}

func signalHandler(w io.Writer, name string) func() {
	return func() { fmt.Fprintf(w, "signal_handler(%s)\n", pyfmt.Str(name)) }
}

// yieldControl is what the program awaits after each signal: the
// chapter's asyncio.sleep(0.01), which lets the handler run.
func yieldControl(ctx context.Context, _ int) error { return loop.Sleep(ctx, 10*time.Millisecond) }

// sendSignals sends each signal to the process and yields control with
// pause (its index) so the handler can run.
func sendSignals(w io.Writer, pause func(context.Context, int) error) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		pid := os.Getpid()
		fmt.Fprintf(w, "starting send_signals for %d\n", pid)
		for i, s := range signals {
			fmt.Fprintf(w, "sending %s\n", s.name)
			if err := syscall.Kill(pid, s.sig); err != nil {
				return struct{}{}, err
			}
			// Yield control to allow the signal handler to run, since the
			// signal does not interrupt the program flow otherwise.
			fmt.Fprintln(w, "yielding control")
			if err := pause(ctx, i); err != nil {
				return struct{}{}, err
			}
		}
		return struct{}{}, nil
	}
}

func run(w io.Writer, engineName string, pause func(context.Context, int) error, opts ...loop.Option) error {
	return engine.WithLoop(engineName, opts, func(l *loop.Loop) error {
		for _, sig := range []syscall.Signal{syscall.SIGHUP, syscall.SIGUSR1, syscall.SIGINT} {
			if err := l.AddSignalHandler(sig, signalHandler(w, sigName(sig))); err != nil {
				return err
			}
		}
		_, err := loop.RunUntilComplete(context.Background(), l, sendSignals(w, pause))
		return err
	})
}

// sigName returns the name the chapter gives sig.
func sigName(sig syscall.Signal) string {
	for _, s := range signals {
		if s.sig == sig {
			return s.name
		}
	}
	return sig.String()
}

func main() {
	engine.Main(func(w io.Writer, name string, opts ...loop.Option) error {
		return run(w, name, yieldControl, opts...)
	})
}
