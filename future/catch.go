package future

import "fmt"

// Catch returns a future completed with f's value when f succeeds, and with
// fn's results when f fails: fn receives f's error and recovers by returning
// a value, or returns an error (f's own to pass it on, or another). fn is
// not called on success. A *PanicError from f is an error like any other and
// reaches fn.
//
// Cancellation is not something Catch catches: a cancelled f (one whose
// error matches ErrCancelled) passes through as cancelled and fn is not
// called, as Python's "except Exception" lets CancelledError through.
// Recovering from a cancellation would silently undo somebody's decision to
// stop the work; code that must act on every outcome uses Finally, or reads
// f.Err in a done callback.
//
// A panic in fn completes the returned future with a *PanicError, and
// runtime.Goexit in fn with an error matching ErrGoexit, so that no reader
// waits forever.
//
// The returned future belongs to f's executor, if any, and fn runs there;
// otherwise fn runs on the goroutine that completes f, or the caller's if f
// is already complete. Cancelling the returned future does not cancel f; if
// it happens before f fails, fn is not called, as nobody could see its
// results. A nil f or fn gives a future failed with an error matching ErrNil.
func Catch[T any](f *Future[T], fn func(error) (T, error)) *Future[T] {
	if f == nil || fn == nil {
		return rejected[T](nilArg("Catch", "future or function"))
	}
	p := NewPromiseOn[T](f.owner)
	// The error AddDoneCallback may return is an inline callback's panic;
	// this callback recovers its own, so there is none.
	_ = f.AddDoneCallback(func(f *Future[T]) {
		v, err := f.Result()
		if err == nil || isCancel(err) {
			_ = p.Complete(v, err)
			return
		}
		if p.f.IsDone() {
			return // the result was cancelled; fn's answer would be dropped
		}
		settle(p, func() (T, error) { return fn(err) })
	})
	return p.Future()
}

// Finally returns a future completed the way f completes, after fn has run:
// fn runs once f completes, whatever the outcome (value, error or
// cancellation), as a finally block or a deferred call does. fn cannot see or
// change the outcome, with one exception: if fn panics, the returned future
// fails with a *PanicError and f's outcome is dropped (runtime.Goexit in fn
// gives an error matching ErrGoexit).
//
// The returned future belongs to f's executor, if any, and fn runs there;
// otherwise fn runs on the goroutine that completes f, or the caller's if f
// is already complete. Cancelling the returned future does not cancel f, and
// fn still runs when f completes: fn cleans up after f, not after the reader.
// A nil f or fn gives a future failed with an error matching ErrNil.
func Finally[T any](f *Future[T], fn func()) *Future[T] {
	if f == nil || fn == nil {
		return rejected[T](nilArg("Finally", "future or function"))
	}
	p := NewPromiseOn[T](f.owner)
	_ = f.AddDoneCallback(func(f *Future[T]) {
		settle(p, func() (T, error) {
			fn()
			return f.Result()
		})
	})
	return p.Future()
}

// settle completes p with fn's results. A panic in fn completes p with a
// *PanicError. runtime.Goexit in fn completes p with an error matching
// ErrGoexit and then goes on ending the goroutine, which nothing here can
// stop; recover returns nil for it, which is how it is told from a panic.
//
// The flag is needed because recover alone cannot tell a Goexit from a
// normal return: both reach the deferred function with recover() == nil.
func settle[T any](p Promise[T], fn func() (T, error)) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			_ = p.Reject(NewPanicError(r))
			return
		}
		_ = p.Reject(fmt.Errorf("%w: in a Catch or Finally function", ErrGoexit))
	}()
	v, err := fn()
	normal = true
	_ = p.Complete(v, err)
}
