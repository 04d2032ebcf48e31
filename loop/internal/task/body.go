package task

import (
	"context"
	"runtime"
	"runtime/debug"

	"github.com/goasyncio/asyncio/future"
)

// A task's context is an ordinary context.Context, and Go code hands
// contexts to goroutines. Only the task's body may suspend the task,
// though: a park or yield switches the body's runtime coroutine, and a
// switch from any other goroutine aborts the process on the single-thread
// engine (the runtime checks the locked thread) and corrupts the task on
// the pool. So Suspend and Yield first ask whether the caller is a body.
//
// Go gives no goroutine identity. It does give each goroutine one bit that
// user code can set and read: debug.SetPanicOnFault, which returns the
// previous setting. Every coroutine that runs bodies sets it (markBody),
// and a goroutine starts with it clear, so the bit tells a body from a
// goroutine the body started, at the cost of one call (a few
// nanoseconds; BenchmarkSwitch/Loop/single, go test -bench Switch
// ./bench/). The bit's own meaning, a fault at a non-nil address panics
// instead of crashing, applies to bodies: such a fault becomes the
// task's *future.PanicError, as any other panic in a body does.
//
// The bit cannot be exact: a goroutine that sets it itself passes for a
// body, and a body that clears it passes for a foreign goroutine until its
// coroutine starts its next task. The single-thread engine corrects the
// second case by the thread (OnBodyThread), so its loop never blocks; on
// the pool such a body blocks its worker until the future is done. And it
// says "a body", not which: another task's body using this task's context
// while this task runs in parallel (a pool of several workers) is not
// caught, as it was not before.

// markBody marks the calling goroutine as one that runs task bodies.
func markBody() { debug.SetPanicOnFault(true) }

// OnBody reports whether the calling goroutine runs task bodies (see
// above): a cheap first test, which a goroutine that set the bit itself
// passes.
func OnBody() bool { return onBody() }

// onBody reports whether the calling goroutine runs task bodies (see
// above), leaving its mark as it was.
func onBody() bool {
	if debug.SetPanicOnFault(true) {
		return true
	}
	debug.SetPanicOnFault(false)
	return false
}

// foreign reports whether the caller, with t's context, is a goroutine
// other than a task body: one the body started, say.
func (t *Task) foreign() bool {
	if onBody() {
		return false
	}
	if t.host.Engine.OnBodyThread() {
		markBody() // a body whose code cleared the mark
		return false
	}
	return true
}

// blockForeign is Suspend for a goroutine that is not the body: it blocks
// like plain Go code until w is done or ctx ends, and leaves the task
// alone.
func blockForeign(ctx context.Context, w future.Waitable) error {
	select {
	case <-w.Done():
		return nil
	case <-ctx.Done():
		if w.IsDone() {
			return nil
		}
		return future.ContextErr(ctx)
	}
}

// yieldForeign is Yield for a goroutine that is not the body: it gives
// other goroutines a turn, as plain Go code would.
func yieldForeign(ctx context.Context) error {
	if err := future.ContextErr(ctx); err != nil {
		return err
	}
	runtime.Gosched()
	return future.ContextErr(ctx)
}
