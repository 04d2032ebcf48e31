// Command asyncio_call_at schedules plain functions for given readings of
// the loop's clock: the Go translation of asyncio_call_at.py. Deadlines are
// computed from Loop.Time, as Python computes them from loop.time().
//
// Like the Python program it prints two clocks that do not agree. "clock
// time" is the wall clock, time.Now as seconds since the Unix epoch, which
// is what time.time() returns. "loop  time" and the callbacks' lines are
// readings of the loop's clock. Python's loop.time() is time.monotonic(),
// seconds since an arbitrary instant (the boot, on Linux). Loop.Time is a
// time.Time that carries a monotonic reading but exposes no number, so this
// program gives the loop's clock a number of its own: the seconds from the
// program's start to the reading, measured on the monotonic clock (see
// loopTime). Both numbers print as Python prints a float.
package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// programStart is the zero of loopTime's numbers. It is set once,
// when the program starts, and only read after that. time.Now gives it a
// monotonic reading, so differences from it ignore changes to the wall
// clock, as the loop's own deadlines do.
var programStart = time.Now()

// loopTime returns t, a reading of the loop's clock (Loop.Time), as
// loop.time() gives one: a float of seconds, here seconds since
// programStart. On a loop made WithVirtualTime the reading is the virtual
// time, so it stands still while callbacks run and moves by exactly a
// timer's delay when the timer fires.
func loopTime(t time.Time) float64 {
	return t.Sub(programStart).Seconds()
}

// clockTime returns the wall clock as time.time() gives it: seconds since
// the Unix epoch, as a float.
func clockTime() float64 {
	return float64(time.Now().UnixNano()) / float64(time.Second)
}

// pyFloat formats f as Python's str and repr print a float: the shortest
// digits that read back as f, in positional notation, with an exponent
// only for magnitudes below 1e-4 or from 1e16 up, and with ".0" on a whole
// number.
func pyFloat(f float64) string {
	if a := math.Abs(f); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(f, 'e', -1, 64) // both print 4.1e-05
	}
	s := strconv.FormatFloat(f, 'f', -1, 64)
	if !strings.Contains(s, ".") {
		s += ".0"
	}
	return s
}

func callback(w io.Writer, n int, l *loop.Loop) {
	fmt.Fprintf(w, "callback %d invoked at %s\n", n, pyFloat(loopTime(l.Time())))
}

func mainCoro(w io.Writer, l *loop.Loop) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		now := l.Time()
		fmt.Fprintf(w, "clock time: %s\n", pyFloat(clockTime()))
		fmt.Fprintf(w, "loop  time: %s\n", pyFloat(loopTime(now)))

		fmt.Fprintln(w, "registering callbacks")
		if _, err := l.CallAt(now.Add(200*time.Millisecond), func() { callback(w, 1, l) }); err != nil {
			return struct{}{}, err
		}
		if _, err := l.CallAt(now.Add(100*time.Millisecond), func() { callback(w, 2, l) }); err != nil {
			return struct{}{}, err
		}
		if _, err := l.CallSoon(func() { callback(w, 3, l) }); err != nil {
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
