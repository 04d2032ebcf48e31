package future

import (
	"errors"
	"fmt"
)

// Promise is the writing side of a Future: the only way to complete it.
// Keeping the two apart lets a function hand out the *Future to readers
// while holding on to the right to complete it.
//
// A Promise is a small value that may be copied freely; all copies complete
// the same future. Its zero value is not usable. Methods are safe for
// concurrent use; the first completion wins and later ones return an error
// matching ErrAlreadyDone without changing anything.
type Promise[T any] struct{ f *Future[T] }

// NewPromise returns a promise and its pending future. The future belongs to
// no executor: its callbacks run on the goroutine that completes it.
func NewPromise[T any]() Promise[T] {
	return Promise[T]{f: new(Future[T])}
}

// NewPromiseOn returns a promise whose future belongs to e: its
// AddDoneCallback functions and Then functions run on e (asyncio's
// loop.create_future). A nil e gives the same as NewPromise.
func NewPromiseOn[T any](e Executor) Promise[T] {
	return Promise[T]{f: &Future[T]{owner: e}}
}

// Future returns the future this promise completes.
func (p Promise[T]) Future() *Future[T] { return p.f }

// errZeroPromise is what the methods of a zero Promise, made without
// NewPromise, return.
var errZeroPromise = nilArg("Promise", "future (a zero Promise; use NewPromise)")

// Resolve completes the future with v. It returns nil on success, an error
// matching ErrAlreadyDone if the future was already complete, or the
// *PanicError of a done callback that ran inline and panicked (the future is
// complete all the same).
func (p Promise[T]) Resolve(v T) error {
	if p.f == nil {
		return errZeroPromise
	}
	return p.f.complete(v, nil)
}

// Reject completes the future with err. A nil err returns an error matching
// ErrNil and leaves the future pending. Otherwise it behaves as Resolve.
func (p Promise[T]) Reject(err error) error {
	if err == nil {
		return nilArg("Reject", "error")
	}
	if p.f == nil {
		return errZeroPromise
	}
	var zero T
	return p.f.complete(zero, err)
}

// Complete completes the future with v if err is nil and with err otherwise:
// the shape of a Go function's (T, error) results. When err matches
// ErrCancelled the future is cancelled and v is dropped, so that a cancelled
// future never also reports a value.
func (p Promise[T]) Complete(v T, err error) error {
	if p.f == nil {
		return errZeroPromise
	}
	if err != nil {
		var zero T
		v = zero
	}
	return p.f.complete(v, err)
}

// Cancel completes the future as cancelled with cause (nil means plain
// ErrCancelled), whatever cancellation hook the future has.
func (p Promise[T]) Cancel(cause error) error {
	if p.f == nil {
		return errZeroPromise
	}
	var zero T
	return p.f.complete(zero, Cancelled(cause))
}

// SetCancelHook makes f.Cancel call hook instead of completing the future at
// once. Loops use it so that cancelling a task's future cancels the task's
// coroutine, which then decides how the future ends. It has no effect on a
// completed future; a nil hook restores the default.
func (p Promise[T]) SetCancelHook(hook func(cause error) bool) {
	if p.f == nil {
		return
	}
	var c Canceller
	if hook != nil {
		c = cancelFunc(hook)
	}
	p.f.mu.Lock()
	if p.f.state.Load() == statePending {
		p.f.cancel = c
	}
	p.f.mu.Unlock()
}

// Canceller is a cancel hook (see SetCancelHook) as a value rather than a
// function, so that an executor whose task record has a Cancel method can
// be the hook itself, with no closure to allocate. *Future[T] is one.
type Canceller interface {
	// Cancel asks for cancellation with cause and reports whether the
	// request was accepted, as Future.Cancel does.
	Cancel(cause error) bool
}

// cancelFunc makes a function a Canceller.
type cancelFunc func(cause error) bool

func (fn cancelFunc) Cancel(cause error) bool { return fn(cause) }

// InitPromise makes f, which must be a zero Future nobody else has seen
// yet, a pending future that belongs to e (as NewPromiseOn does) and whose
// Cancel calls c instead of completing it (as SetCancelHook does; nil
// means the default), and returns its promise. It is for executors that
// keep the future inside a record of their own, a task say, so that the
// two take one allocation instead of two. Everyone else wants NewPromise
// or NewPromiseOn.
func InitPromise[T any](f *Future[T], e Executor, c Canceller) Promise[T] {
	f.owner, f.cancel = e, c
	return Promise[T]{f: f}
}

// rejected returns a future, belonging to no executor, that failed with err.
func rejected[T any](err error) *Future[T] {
	p := NewPromise[T]()
	_ = p.Reject(err)
	return p.Future()
}

func nilArg(fn, what string) error {
	return fmt.Errorf("%w: %s: nil %s", ErrNil, fn, what)
}

func isCancel(err error) bool { return errors.Is(err, ErrCancelled) }

func joinErr(a, b error) error {
	if a == nil {
		return b
	}
	return errors.Join(a, b)
}
