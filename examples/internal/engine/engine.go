// Package engine lets every example choose its loop engine with one flag,
// so that the same program (and its test) runs on both.
package engine

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/goasyncio/asyncio/loop"
)

// Names lists the engines, in the order tests run them: loop.Engines().
var Names = func() []string {
	var names []string
	for _, e := range loop.Engines() {
		names = append(names, e.Name)
	}
	return names
}()

// Flag registers -engine on the default flag set.
func Flag() *string {
	return flag.String("engine", "single", "loop engine: "+strings.Join(Names, " or "))
}

// New returns a new loop of the named engine, configured by opts (a test
// passes loop.WithVirtualTime to run a program's sleeps and timers on
// virtual time).
//
// The pool engine gets one worker unless opts say otherwise: the chapter's
// programs print from several callbacks and tasks and, like every asyncio
// program, rely on only one of them running at a time. With more workers
// the pool runs them in parallel and their lines interleave in an order
// that changes from run to run. One worker still exercises what sets the
// pool apart: each task body on its own goroutine, parked bodies holding no
// worker, timers posted by the goroutine that runs the loop.
func New(name string, opts ...loop.Option) (*loop.Loop, error) {
	for _, e := range loop.Engines() {
		if e.Name == name {
			// Later options win, so opts may still ask for more workers;
			// a single-thread loop ignores the option.
			return e.New(append([]loop.Option{loop.WithWorkers(1)}, opts...)...), nil
		}
	}
	return nil, fmt.Errorf("unknown engine %q (want %s)", name, strings.Join(Names, " or "))
}

// Main is the main function of an example: it reads -engine and runs the
// program on that engine, writing to standard output, and exits with
// status 1 if the program fails.
func Main(run func(w io.Writer, engine string, opts ...loop.Option) error) {
	name := Flag()
	flag.Parse()
	if err := run(os.Stdout, *name); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

// WithLoop makes a loop of the named engine with opts, calls fn with it and
// closes it, returning fn's error, or Close's if fn succeeded.
func WithLoop(name string, opts []loop.Option, fn func(l *loop.Loop) error) (err error) {
	l, err := New(name, opts...)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := l.Close(); err == nil {
			err = cerr
		}
	}()
	return fn(l)
}
