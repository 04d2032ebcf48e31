package task

import (
	"context"
	"errors"
	"time"

	"github.com/goasyncio/asyncio/future"
)

// The context.Context methods. The task's context is rooted at its parent
// (context.Background for CreateTask) and is cancelled when the task is
// cancelled, with the cancellation as its cause, and when the task ends.

// Deadline returns the parent's deadline.
func (t *Task) Deadline() (time.Time, bool) { return t.body.Parent().Deadline() }

// Done returns a channel closed when the task is cancelled or ends.
func (t *Task) Done() <-chan struct{} { return t.context().Done() }

// Err returns context.Canceled once the task is cancelled or has ended.
func (t *Task) Err() error { return t.context().Err() }

// Value returns the task itself for future.SuspenderKey, and otherwise what
// the parent context holds.
func (t *Task) Value(key any) any {
	if _, ok := key.(future.SuspenderKey); ok {
		return t
	}
	return t.context().Value(key)
}

func (t *Task) String() string { return "loop.task" }

// context returns the task's cancelCtx, making it on first use.
func (t *Task) context() context.Context {
	t.mu.Lock()
	defer t.mu.Unlock()
	x := t.extLocked()
	if x.ctx == nil {
		x.ctx, x.cancel = context.WithCancelCause(t.body.Parent())
		switch {
		case x.cancelled != nil:
			x.cancel(CauseOf(x.cancelled))
		case t.state.isDone():
			// Done before anything was recorded (see finish).
			x.cancel(context.Canceled)
		}
	}
	return x.ctx
}

// CauseOf strips the future's cancellation wrapper, leaving the cause the
// canceller gave.
func CauseOf(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}
