package future

import (
	"context"
	"errors"
	"fmt"

	"github.com/sourcegraph/conc/panics"
)

// Sentinel errors. Every error this package returns wraps one of them, so
// callers test with errors.Is.
var (
	// ErrCancelled reports that a future or task was cancelled. A cancelled
	// future's error also matches context.Canceled, and unwraps to the cause
	// given to Cancel when there was one.
	ErrCancelled = errors.New("future: cancelled")

	// ErrAlreadyDone reports an attempt to complete a future that was already
	// completed. The first completion stands.
	ErrAlreadyDone = errors.New("future: already completed")

	// ErrNotDone is returned by Result while the future is pending (asyncio's
	// InvalidStateError).
	ErrNotDone = errors.New("future: result is not ready")

	// ErrNil reports a nil future, coroutine, function or context.
	ErrNil = errors.New("future: nil argument")

	// ErrClosed reports that the executor (event loop) a future or coroutine
	// belongs to has been closed. loop.ErrClosed is the same value.
	ErrClosed = errors.New("future: executor closed")

	// ErrWrongGoroutine reports a coroutine handle used from a goroutine
	// that is not running that coroutine: for example an Await, with a
	// coroutine's context, from a goroutine the coroutine started.
	ErrWrongGoroutine = errors.New("future: coroutine context used from another goroutine")

	// ErrGoexit reports that user code called runtime.Goexit (for example
	// t.FailNow in a test) where a result was expected.
	ErrGoexit = errors.New("future: runtime.Goexit called")
)

// ContextErr returns the error a wait that stops because ctx ended
// reports, and nil while ctx has not ended. A cancelled ctx gives a
// cancellation: an error matching ErrCancelled and context.Canceled that
// unwraps to context.Cause(ctx), so that a cancellation stays one through
// derived contexts. A ctx past its deadline gives context.Cause(ctx),
// which matches context.DeadlineExceeded (and loop.ErrTimeout for a
// loop.Timeout).
func ContextErr(ctx context.Context) error {
	switch err := ctx.Err(); err {
	case nil:
		return nil
	case context.Canceled:
		return Cancelled(context.Cause(ctx))
	default:
		return context.Cause(ctx)
	}
}

// cancelError is the error of a cancelled future.
type cancelError struct{ cause error }

// Cancelled returns the error a future cancelled with cause reports: it
// matches ErrCancelled and context.Canceled, and unwraps to cause.
// A nil cause gives ErrCancelled itself.
func Cancelled(cause error) error {
	if cause == nil || errors.Is(cause, ErrCancelled) {
		if cause == nil {
			return ErrCancelled
		}
		return cause
	}
	return &cancelError{cause: cause}
}

func (e *cancelError) Error() string { return "future: cancelled: " + e.cause.Error() }
func (e *cancelError) Unwrap() error { return e.cause }
func (e *cancelError) Is(target error) bool {
	return target == ErrCancelled || target == context.Canceled
}

// PanicError is the error that replaces a panic in user code: a coroutine
// body, a Then function or a callback. It keeps the panic value and the stack
// of the goroutine that panicked. It unwraps to the panic value when that
// value is an error, so errors.Is and errors.As see through it.
type PanicError struct {
	// Value is what was passed to panic.
	Value any
	// Stack is the panicking goroutine's stack, as runtime/debug.Stack
	// formats it.
	Stack []byte
}

// NewPanicError captures a recovered panic value with the current stack. Call
// it from the deferred function that recovered, so the stack still shows
// where the panic happened.
func NewPanicError(value any) *PanicError {
	r := panics.NewRecovered(1, value)
	return &PanicError{Value: r.Value, Stack: r.Stack}
}

func (e *PanicError) Error() string {
	return fmt.Sprintf("future: panic: %v\n\n%s", e.Value, e.Stack)
}

// Unwrap returns the panic value if it is an error, and nil otherwise.
func (e *PanicError) Unwrap() error {
	err, _ := e.Value.(error)
	return err
}
