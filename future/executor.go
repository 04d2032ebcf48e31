package future

import "context"

// Executor runs functions on behalf of the futures that belong to it: an
// event loop. *loop.Loop implements it. Futures made with NewPromiseOn run
// their done callbacks and Then functions through it.
type Executor interface {
	// Submit schedules fn to run on the executor soon. It is safe to call
	// from any goroutine. After the executor is closed it returns an error
	// matching ErrClosed and fn does not run.
	Submit(fn func()) error
}

// Suspender is implemented by the context an event loop hands to each
// coroutine it runs as a task. Await finds it (directly, or through
// ctx.Value(SuspenderKey{}) when the coroutine derived a context from its
// own) and asks it to park the coroutine, instead of blocking the
// goroutine, while a future is pending.
//
// A third-party loop plugs in here; application code never calls Suspend.
type Suspender interface {
	context.Context

	// Suspend parks the calling coroutine until w completes or ctx (the
	// context Await was given: this Suspender or one derived from it) is
	// done, and lets other work run meanwhile. It returns nil when w is
	// complete, context.Cause(ctx) when ctx ended first, an error matching
	// ErrCancelled when the coroutine's task was cancelled, and an error
	// matching ErrWrongGoroutine when called from a goroutine that is not
	// running the coroutine (when the implementation can tell).
	Suspend(ctx context.Context, w Waitable) error
}

// SuspenderKey is the context key under which a Suspender answers
// Value, so that Await finds it through contexts derived from it.
type SuspenderKey struct{}

// Waitable is a future seen without its type, as a Suspender needs it.
// *Future[T] implements it for every T.
type Waitable interface {
	// IsDone reports whether the future has completed.
	IsDone() bool
	// Done returns a channel closed on completion.
	Done() <-chan struct{}
	// OnDone registers a quick, non-blocking fn to call on completion, and
	// reports false (without registering) if the future is already done.
	OnDone(fn func()) bool
	// Cancel asks the future to complete as cancelled.
	Cancel(cause error) bool
}

var _ Waitable = (*Future[int])(nil)

// SuspenderOf returns the Suspender that ctx is, or that it carries under
// SuspenderKey, as Await finds it, and nil if there is none: for code that
// waits on a Waitable of its own as Await waits on a future.
func SuspenderOf(ctx context.Context) Suspender {
	if s, ok := ctx.(Suspender); ok {
		return s
	}
	s, _ := ctx.Value(SuspenderKey{}).(Suspender)
	return s
}
