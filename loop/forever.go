package loop

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
)

// ErrStopped is returned by RunUntilComplete when Stop ended the run
// before the awaited future completed (asyncio's "Event loop stopped
// before Future completed.").
var ErrStopped = errors.New("loop: stopped before the future completed")

// RunForever runs l until Stop is called or ctx ends (asyncio's
// run_forever), and returns nil after a Stop, or ctx's cause. Callbacks
// and tasks left scheduled wait for the next run: a later RunForever or
// RunUntilComplete takes up where this one stopped. If Stop was called
// while the loop was not running, RunForever runs one iteration (what was
// scheduled until then) and returns, as asyncio's does.
//
// It returns ErrRunning if the loop is already running, ErrClosed after
// Close, and an error matching future.ErrNil for a nil ctx.
func (l *Loop) RunForever(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%w: RunForever: nil context", future.ErrNil)
	}
	if !l.state.CompareAndSwap(stateIdle, stateRunning) {
		if l.closedForUsers() {
			return closedErr("RunForever")
		}
		return ErrRunning
	}
	defer l.state.CompareAndSwap(stateRunning, stateIdle)
	stop := new(atomic.Bool)
	defer l.stopWhenDone(ctx, stop)()
	if err := l.run(stop); err != nil {
		return err
	}
	return context.Cause(ctx)
}

// run runs the loop until stop is set: the part of RunForever and
// RunUntilComplete after their checks. A Stop made while no run was in
// progress makes this run one iteration (asyncio's run_forever and
// run_until_complete stop the same way). An error means the engine's
// thread is gone (a callback called runtime.Goexit): the loop is finished.
func (l *Loop) run(stop *atomic.Bool) error {
	if l.stopEarly.Swap(false) {
		l.eng.Submit(func() { l.eng.Stop(stop) })
	}
	l.running.Store(stop)
	defer l.running.Store(nil)
	if err := l.eng.Run(stop); err != nil {
		l.state.Store(stateClosed)
		return err
	}
	return nil
}

// stopWhenDone sets stop, and wakes the loop, when ctx ends; call the
// function it returns when the run is over.
func (l *Loop) stopWhenDone(ctx context.Context, stop *atomic.Bool) (release func() bool) {
	if ctx.Done() == nil {
		return func() bool { return false }
	}
	return context.AfterFunc(ctx, func() {
		stop.Store(true)
		l.eng.Unpark()
	})
}

// Stop stops the loop's current run after the callbacks already scheduled
// when it is called (asyncio's stop): RunForever then returns nil, and
// RunUntilComplete, if its future is still pending, ErrStopped. Called
// while the loop is not running, it makes the next RunForever run one
// iteration and return. It is safe from any goroutine, on the loop too.
//
// On the single-thread loop the line is asyncio's: what was scheduled
// before the current iteration began runs, what it schedules waits. A
// pool has no iterations: what was posted before Stop runs, and what a
// callback schedules on its worker just before Stop may run too.
func (l *Loop) Stop() {
	if stop := l.running.Load(); stop != nil {
		l.eng.Stop(stop)
		l.eng.Unpark()
		return
	}
	l.stopEarly.Store(true)
}
