package loop

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
)

// RunUntilComplete runs l until a completes and returns a's typed result
// (asyncio's run_until_complete). a is a Coroutine, which becomes the loop's
// main task, or a Future (a type of the caller's that embeds either becomes
// a main task that awaits it). The loop runs nothing before the call and nothing
// after it returns: callbacks and tasks scheduled meanwhile wait for the next
// run.
//
// ctx is the main task's parent context: the coroutine sees its deadline and
// values, and cancelling ctx cancels the task, which then ends as its body
// decides. For a Future, ctx ending stops the run and returns
// context.Cause(ctx), leaving the future alone.
//
// It returns ErrRunning if the loop is already running, including when
// called from a callback or coroutine on l, and ErrClosed after Close. A nil
// a, l or ctx returns an error matching future.ErrNil. If a callback on a
// single-thread loop calls runtime.Goexit, the loop's thread is gone: the
// loop closes and RunUntilComplete returns an error matching
// future.ErrGoexit.
func RunUntilComplete[T any](ctx context.Context, l *Loop, a future.Awaitable[T]) (T, error) {
	var zero T
	if ctx == nil || l == nil || a == nil {
		return zero, fmt.Errorf("%w: RunUntilComplete: nil context, loop or awaitable", future.ErrNil)
	}
	if !l.state.CompareAndSwap(stateIdle, stateRunning) {
		if l.closedForUsers() {
			return zero, closedErr("RunUntilComplete")
		}
		return zero, ErrRunning
	}
	defer l.state.CompareAndSwap(stateRunning, stateIdle)

	if err := check("RunUntilComplete", -1, l, a); err != nil {
		return zero, err
	}
	stop := new(atomic.Bool)
	f, c := coroutineOf(a)
	if c != nil {
		f = createTask(ctx, l, c)
		if ctx.Done() != nil {
			defer context.AfterFunc(ctx, func() { f.Cancel(context.Cause(ctx)) })()
		}
	} else {
		defer l.stopWhenDone(ctx, stop)()
	}
	// As asyncio's run_until_complete, stop through a callback: the
	// future's own done callbacks, posted right after it, still run. A run
	// that ended otherwise (ctx) has set stop, and its callback, if the
	// future completes in a later run, must leave that run alone.
	stopFn := func() {
		if !stop.Load() {
			l.eng.Stop(stop)
		}
	}
	if !f.OnDone(func() { l.eng.Submit(stopFn) }) {
		// Already done: stop after one iteration, as asyncio's done
		// callback, scheduled with call_soon, does.
		l.eng.Submit(stopFn)
	}
	if err := l.run(stop); err != nil {
		return zero, err
	}
	if !f.IsDone() {
		if err := context.Cause(ctx); err != nil {
			return zero, err
		}
		return zero, ErrStopped
	}
	return f.Result()
}

// Run runs c on a new single-thread loop and closes the loop afterwards, as
// asyncio.run does: the convenient entry point of a program. Tasks c left
// pending are cancelled by the close. opts configure the loop.
func Run[T any](ctx context.Context, c future.Coroutine[T], opts ...Option) (T, error) {
	l := NewSingleThread(opts...)
	v, err := RunUntilComplete(ctx, l, c)
	if cerr := l.Close(); cerr != nil {
		err = errors.Join(err, cerr)
	}
	return v, err
}
