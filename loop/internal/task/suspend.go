package task

import (
	"context"
	"fmt"

	"github.com/goasyncio/asyncio/future"
)

// Suspend implements future.Suspender: Await calls it with a pending future.
//
// The claim from running to parking makes the task the caller's: of two
// goroutines that call Suspend with the same task's context, at most one
// parks it, and the other gets ErrWrongGoroutine. The tempting version
// that only loads the state lets both through, and both then switch the
// same coroutine.
//
// In debug mode, the single-thread engine also checks the thread: a
// goroutine other than the body would otherwise switch the body's runtime
// coroutine, which aborts the process.
func (t *Task) Suspend(ctx context.Context, w future.Waitable) error {
	if t.foreign() {
		return blockForeign(ctx, w)
	}
	if t.host.Debug && !t.host.Engine.OnLoopThread() {
		return fmt.Errorf("%w: Await with the context of a task, outside the loop's thread", future.ErrWrongGoroutine)
	}
	if !t.state.claimPark() {
		return fmt.Errorf("%w: Await with the context of a task that is not running here", future.ErrWrongGoroutine)
	}
	if own := t.body.Own(); own != nil && own == w {
		t.state.unpark()
		return ErrAwaitSelf // asyncio: "Task cannot await on itself"
	}
	passed := false // a pending cancellation was handed on to w
	for {
		if !passed && t.cancelPending.Load() && !w.IsDone() {
			// Cancelled while running, and now awaiting: as asyncio's task
			// step does, hand the cancellation to what is awaited (an
			// awaited task then unwinds too) and wait for it to end
			// (test_tasks.test_cancel_awaited_task). Once only: a cycle of
			// awaits would hand it back here.
			if err := t.takeCancel(); err != nil {
				if !w.Cancel(CauseOf(err)) {
					t.state.unpark()
					return err
				}
				passed = true
			}
		}
		if err := t.mustStop(ctx, w); err != nil || w.IsDone() {
			t.state.unpark()
			return err
		}
		t.mu.Lock()
		if t.cancelPending.Load() { // set under mu with ext.cause
			t.mu.Unlock()
			continue // a cancellation arrived; deliver it
		}
		t.waitingOn = w
		t.mu.Unlock()

		if t.wakeFn == nil {
			t.wakeFn = t.Wake
		}
		t.stepEnds()
		t.co.park(ctx, w) // returns with the task running again
		t.stepBegins()

		t.mu.Lock()
		t.waitingOn = nil
		t.mu.Unlock()
		t.state.reclaimPark()
	}
}

// mustStop returns the error that ends a Suspend before, or instead of,
// parking: a delivered cancellation, a closing loop, or ctx ending.
func (t *Task) mustStop(ctx context.Context, w future.Waitable) error {
	if err := t.takeCancel(); err != nil {
		return err
	}
	if t.host.Closing() && !w.IsDone() {
		return future.Cancelled(closedErr("Await"))
	}
	if ctx != context.Context(t) {
		// A cancellation stays one through a derived ctx: the task's own
		// cancellation, which cancels its context, ends such a ctx too.
		return future.ContextErr(ctx)
	}
	return nil
}

// Yield is Sleep(ctx, 0): the task goes to the back of its engine's ready
// queue and resumes on a later turn. It returns a cancellation delivered
// meanwhile.
//
// The claim from running to yielding makes the yield the caller's, as
// Suspend's claim does a park: a Sleep or Await with this task's context
// from another task is refused until the yield is over. The state stays
// yielding until the engine resumes the task, so no wake can queue it a
// second time meanwhile.
func (t *Task) Yield() error {
	return t.YieldCtx(t)
}

// YieldCtx is Yield for a caller whose context is ctx (the task's, or one
// derived from it): a goroutine other than the body yields like plain Go
// code, and an ended ctx stops it before and after the turn.
func (t *Task) YieldCtx(ctx context.Context) error {
	if ctx != context.Context(t) {
		if err := future.ContextErr(ctx); err != nil {
			return err
		}
	}
	if t.foreign() {
		return yieldForeign(ctx)
	}
	if yield := t.ClaimYield(); yield != nil {
		yield(struct{}{})
		return t.afterYield(ctx)
	}
	if err := t.yieldSlow(); err != nil {
		return err
	}
	return t.afterYield(ctx)
}

// afterYield is what a resumed Yield returns: a cancellation delivered
// meanwhile, or ctx's end.
func (t *Task) afterYield(ctx context.Context) error {
	if err := t.takeCancel(); err != nil {
		return err
	}
	if ctx != context.Context(t) {
		return future.ContextErr(ctx)
	}
	return nil
}

// ClaimYield is Yield's fast path, for a caller that wants the switch in
// its own frame: it claims the task and returns the function that parks
// its coroutine, which the caller calls and then collects a cancellation
// with TakeCancel. It returns nil where Yield must take its slow path (a
// cancellation to deliver, debug mode, a task not running here). Every
// call active across the coroutine switch costs a mispredicted return (the
// switch swaps stacks under the CPU's return-address predictor), so
// loop.Sleep makes the switch itself rather than through Yield.
func (t *Task) ClaimYield() func(struct{}) bool {
	if t.cancelPending.Load() || t.host.Debug || !onBody() || !t.state.claimYield() {
		return nil
	}
	// Claimed: the task is running, and its coroutine may be read.
	c := t.co
	c.yielding = true
	return c.yield
}

var errYieldNotRunning = fmt.Errorf("%w: Sleep on a task that is not running here", future.ErrWrongGoroutine)

// yieldSlow is Yield for a task with a cancellation to deliver, in debug
// mode, or not running here.
func (t *Task) yieldSlow() error {
	if t.host.Debug && !t.host.Engine.OnLoopThread() {
		return fmt.Errorf("%w: Sleep with the context of a task, outside the loop's thread", future.ErrWrongGoroutine)
	}
	if !t.state.claimYield() {
		return errYieldNotRunning
	}
	if err := t.takeCancel(); err != nil {
		t.state.unyield()
		return err
	}
	t.stepEnds()
	t.co.yielding = true
	t.co.yield(struct{}{})
	t.stepBegins()
	return t.takeCancel()
}

// Of returns the task whose context ctx is, or is derived from, and nil
// if there is none.
func Of(ctx context.Context) *Task {
	if t, ok := ctx.(*Task); ok {
		return t
	}
	if ctx == nil {
		return nil
	}
	t, _ := ctx.Value(future.SuspenderKey{}).(*Task)
	return t
}

var _ future.Suspender = (*Task)(nil)
