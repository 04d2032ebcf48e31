package future

import (
	"sync"
	"sync/atomic"
)

// Future is a value that becomes available later: pending until it is
// completed exactly once, with a value, an error, or cancellation.
//
// The reading side is *Future[T]; the writing side is the Promise[T] made with
// it (NewPromise), or the task that runs a coroutine (loop.CreateTask). A
// Future has four ways to be waited on: Await (blocks, honours a context,
// suspends instead when called from a coroutine), Result (never blocks), Done
// (a channel for select), and AddDoneCallback.
//
// The zero value is not usable; make futures with NewPromise, NewPromiseOn or
// a loop. A Future must not be copied. All methods are safe for concurrent
// use. Completing a future synchronizes before the return of any call that
// observes it completed (Result, Await, a receive from Done, a callback).
//
// Measured cost (BenchmarkFutureCreateResolveRead, go test -bench
// FutureCreateResolveRead ./bench/): create, resolve and read in one
// goroutine is about as fast as make-send-receive on a buffered channel, with
// one allocation.
type Future[T any] struct {
	state atomic.Uint32 // statePending until value, err are final, then stateDone

	mu sync.Mutex // protects the fields below until state is done
	// value and err are written once, under mu, before state becomes done,
	// and read only after state is done.
	value T
	err   error
	// done is made lazily by Done; closed on completion.
	done chan struct{}
	// first and rest are the completion callbacks; first saves an allocation
	// for the common single waiter, and rest is a pointer so that futures
	// with one waiter or none stay small. Nil after completion.
	first func()
	rest  *[]func()
	// cancel, when set, replaces the default cancellation: a task forwards
	// Cancel to its coroutine instead of completing at once.
	cancel Canceller

	owner Executor // where AddDoneCallback functions run; nil runs them inline

	// watch, set before completion by WatchUnretrieved, learns whether
	// anyone read the error.
	watch *errWatch
}

const (
	statePending uint32 = iota
	stateDone
)

// closedChan is returned by Done for futures completed before Done was called.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// IsDone reports whether f has completed (asyncio's done()).
func (f *Future[T]) IsDone() bool { return f.state.Load() == stateDone }

// Done returns a channel that is closed when f completes. Like
// context.Context.Done, it is made on first use and the same channel is
// returned every time.
func (f *Future[T]) Done() <-chan struct{} {
	if f.IsDone() {
		return f.doneChan()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state.Load() == stateDone {
		return f.doneChan()
	}
	if f.done == nil {
		f.done = make(chan struct{})
	}
	return f.done
}

// doneChan returns the channel for a completed f: the one Done made before
// completion, if any, so that Done always returns the same channel. done is
// final once f is complete.
func (f *Future[T]) doneChan() <-chan struct{} {
	if f.done != nil {
		return f.done
	}
	return closedChan
}

// Result returns f's value and error without blocking. While f is pending it
// returns ErrNotDone. A cancelled future returns an error matching
// ErrCancelled and never a value.
func (f *Future[T]) Result() (T, error) {
	if !f.IsDone() {
		var zero T
		return zero, ErrNotDone
	}
	f.retrieved()
	return f.value, f.err
}

// retrieved records, for WatchUnretrieved, that the result was read.
func (f *Future[T]) retrieved() {
	if w := f.watch; w != nil {
		w.read.Store(true)
	}
}

// Err returns the error f completed with: nil for a value, an error matching
// ErrCancelled for cancellation, ErrNotDone while pending (asyncio's
// exception()).
func (f *Future[T]) Err() error {
	if !f.IsDone() {
		return ErrNotDone
	}
	f.retrieved()
	return f.err
}

// Cancelled reports whether f completed by cancellation.
func (f *Future[T]) Cancelled() bool {
	return f.IsDone() && isCancel(f.err)
}

// Cancel asks f to complete as cancelled, with cause (nil means plain
// ErrCancelled), and reports whether the request was accepted. A future made
// with a Promise is completed at once. A task's future forwards the request
// to its coroutine, which sees the cancellation at the Await it is suspended
// in and may clean up, or even decline by returning a value, as in asyncio.
// Cancel on a completed future returns false and changes nothing.
func (f *Future[T]) Cancel(cause error) bool {
	if f == nil || f.IsDone() {
		return false
	}
	f.mu.Lock()
	hook := f.cancel
	f.mu.Unlock()
	if hook != nil {
		return hook.Cancel(cause)
	}
	var zero T
	return f.complete(zero, Cancelled(cause)) == nil
}

// OnDone arranges for fn to be called once when f completes, on the
// goroutine that completes it, and reports whether it did so: when f is
// already complete it returns false and does not call fn. It is the
// low-level hook event loops use to wake a suspended coroutine; fn must be
// quick and must not block. Application code wants AddDoneCallback, which
// runs on f's loop and catches panics. A nil fn registers nothing: OnDone
// then only reports whether f is pending.
func (f *Future[T]) OnDone(fn func()) bool {
	if f.IsDone() {
		return false
	}
	if fn == nil {
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.state.Load() == stateDone {
		return false
	}
	switch {
	case f.first == nil:
		f.first = fn
	case f.rest == nil:
		f.rest = &[]func(){fn}
	default:
		*f.rest = append(*f.rest, fn)
	}
	return true
}

// AddDoneCallback arranges for fn to be called with f once f completes
// (asyncio's add_done_callback). If f belongs to an executor (a loop), fn runs
// there; a loop's exception handler receives a panic in fn as a *PanicError.
// Otherwise fn runs on the goroutine that completes f, or at once on the
// caller's goroutine if f is already complete; a panic there is recovered
// and returned by the completing call (Resolve, Reject, ...) or by
// AddDoneCallback itself. A nil fn returns ErrNil.
func (f *Future[T]) AddDoneCallback(fn func(*Future[T])) error {
	if fn == nil {
		return nilArg("AddDoneCallback", "function")
	}
	call := func() { fn(f) }
	if f.owner != nil {
		call = func() {
			if err := f.owner.Submit(func() { fn(f) }); err != nil {
				// The loop is gone; run here rather than drop the callback.
				fn(f)
			}
		}
	}
	if f.OnDone(call) {
		return nil
	}
	return catch(call)
}

// complete records the outcome and runs the completion callbacks on the
// calling goroutine. It returns ErrAlreadyDone if f was complete, or the
// panics of inline callbacks.
func (f *Future[T]) complete(v T, err error) error {
	f.mu.Lock()
	if f.state.Load() == stateDone {
		f.mu.Unlock()
		return ErrAlreadyDone
	}
	f.value, f.err = v, err
	if f.watch != nil && err != nil {
		e := err // its own variable, so that only this branch allocates
		f.watch.err.Store(&e)
	}
	f.state.Store(stateDone)
	if f.done != nil {
		close(f.done)
	}
	first, rest := f.first, f.rest
	f.first, f.rest, f.cancel = nil, nil, nil
	f.mu.Unlock()

	if first == nil {
		return nil
	}
	// Callbacks run outside mu: they may touch f (Result, more callbacks).
	errs := catch(first)
	if rest == nil {
		return errs
	}
	for _, fn := range *rest {
		if e := catch(fn); e != nil {
			errs = joinErr(errs, e)
		}
	}
	return errs
}

// catch runs fn, turning a panic into a *PanicError.
func catch(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = NewPanicError(r)
		}
	}()
	fn()
	return nil
}
