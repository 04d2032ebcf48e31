package future

import (
	"errors"
	"fmt"
	"strings"
	"sync"
)

// This file holds the combinators over many futures: All, AllSettled, Any
// and Race. They run no goroutine and need no loop: each registers one
// OnDone callback per pending input and completes a plain future (made with
// NewPromise) from whichever goroutine completes the deciding input.
//
// Rules shared by all four:
//
//   - Inputs are never cancelled, neither when the result settles early nor
//     when the result is cancelled: an input may be shared with other
//     readers (JavaScript's Promise.all cannot cancel, and asyncio.gather
//     leaves siblings running after an error). Cancelling losers is the job
//     of a loop-level Gather or TaskGroup, which own the tasks they start.
//   - Cancelling the result completes it as cancelled at once and drops
//     what it had collected; the inputs carry on.
//   - Once the result is complete, no more callbacks are registered, and the
//     ones already registered on pending inputs do nothing but return when
//     those inputs complete. Each such callback holds only a small record,
//     not the values collected. Future has no way to remove a callback, so
//     it stays on its input until that input completes: racing again and
//     again against a future that never completes grows that future's
//     callback list by one small entry per call.
//   - Inputs complete before the call are looked at in argument order, so
//     Race over futures that are all complete picks the first argument.

// ErrEmpty reports that Any or Race was given no futures: with nothing to
// wait for, the result could never complete.
var ErrEmpty = errors.New("future: no futures given")

// Result is one future's outcome, as AllSettled reports it and as a
// gather that collects errors instead of failing reports it: Err is nil
// and Value is the value, or Err is the error (matching ErrCancelled for
// a cancelled future) and Value is T's zero value.
//
// Result is a plain value: its zero value is a successful zero T, and it
// may be copied freely.
type Result[T any] struct {
	// Value is the future's value; the zero value when Err is not nil.
	Value T
	// Err is the future's error, or nil.
	Err error
}

// AggregateError is the error of Any when every input failed. It holds one
// error per input, in argument order, and unwraps to all of them, so
// errors.Is and errors.As look through it to each input's error. If some
// input was cancelled, the aggregate therefore matches ErrCancelled too, and
// the future of Any reports itself cancelled.
//
// An AggregateError should not be changed after Any returns it; it is safe
// to read from many goroutines.
type AggregateError struct {
	// Errors holds each input's error, in argument order.
	Errors []error
}

func (e *AggregateError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "future: all %d futures failed", len(e.Errors))
	for i, err := range e.Errors {
		fmt.Fprintf(&b, "; [%d] %v", i, err)
	}
	return b.String()
}

// Unwrap returns the inputs' errors, in argument order.
func (e *AggregateError) Unwrap() []error { return e.Errors }

// All returns a future completed with the values of fs, in argument order,
// once every one has a value. It fails fast: the first input to fail (in
// completion order) completes the result with that input's error, a
// cancelled input making the result cancelled, and the inputs still pending
// are left running (see the rules above; a loop's Gather cancels them).
//
// All with no futures is complete at once, with an empty slice. A nil
// future among fs fails the result at once with an error matching ErrNil.
// Await the result from a loop task (either engine) or a plain goroutine.
func All[T any](fs ...*Future[T]) *Future[[]T] {
	p := NewPromise[[]T]()
	if err := checkNil("All", fs); err != nil {
		_ = p.Reject(err)
		return p.Future()
	}
	s := &allState[T]{p: p, values: make([]T, len(fs)), left: len(fs)}
	if s.left == 0 {
		_ = p.Resolve(s.values)
		return p.Future()
	}
	watch(fs, p.Future(), s.done, s.release)
	return p.Future()
}

// allState is what All has collected.
type allState[T any] struct {
	p Promise[[]T]

	mu     sync.Mutex // protects the fields below
	values []T        // nil once the result is settled
	left   int        // inputs without a value yet
}

func (s *allState[T]) done(i int, f *Future[T]) {
	v, err := f.Result()
	s.mu.Lock()
	if s.values == nil {
		s.mu.Unlock()
		return
	}
	if err != nil {
		s.values = nil
		s.mu.Unlock()
		_ = s.p.Reject(err)
		return
	}
	s.values[i] = v
	if s.left--; s.left > 0 {
		s.mu.Unlock()
		return
	}
	values := s.values
	s.values = nil
	// Resolve outside mu: it runs the result's callbacks, and one of them
	// (release) takes mu.
	s.mu.Unlock()
	_ = s.p.Resolve(values)
}

func (s *allState[T]) release() {
	s.mu.Lock()
	s.values = nil
	s.mu.Unlock()
}

// AllSettled returns a future completed, once every input has completed,
// with each input's outcome in argument order: a value, an error or a
// cancellation, as a Result. It never fails on account of its inputs; only
// cancelling the result itself ends it with an error. A nil future among fs
// gets a Result whose Err matches ErrNil, and the others are still
// collected.
//
// AllSettled with no futures is complete at once, with an empty slice.
// Await the result from a loop task (either engine) or a plain goroutine.
func AllSettled[T any](fs ...*Future[T]) *Future[[]Result[T]] {
	p := NewPromise[[]Result[T]]()
	s := &settledState[T]{p: p, results: make([]Result[T], len(fs)), left: len(fs)}
	pending := make([]*Future[T], len(fs))
	for i, f := range fs {
		if f == nil {
			s.results[i].Err = fmt.Errorf("%w: AllSettled: future %d is nil", ErrNil, i)
			s.left--
			continue
		}
		pending[i] = f
	}
	if s.left == 0 {
		_ = p.Resolve(s.results)
		return p.Future()
	}
	watch(pending, p.Future(), s.done, s.release)
	return p.Future()
}

// settledState is what AllSettled has collected.
type settledState[T any] struct {
	p Promise[[]Result[T]]

	mu      sync.Mutex  // protects the fields below
	results []Result[T] // nil once the result is settled
	left    int         // inputs not complete yet
}

func (s *settledState[T]) done(i int, f *Future[T]) {
	v, err := f.Result()
	s.mu.Lock()
	if s.results == nil {
		s.mu.Unlock()
		return
	}
	s.results[i] = Result[T]{Value: v, Err: err}
	if s.left--; s.left > 0 {
		s.mu.Unlock()
		return
	}
	results := s.results
	s.results = nil
	s.mu.Unlock() // before Resolve, as in allState.done
	_ = s.p.Resolve(results)
}

func (s *settledState[T]) release() {
	s.mu.Lock()
	s.results = nil
	s.mu.Unlock()
}

// Any returns a future completed with the value of the first input to
// succeed, in completion order. If every input fails or is cancelled, the
// result fails with an *AggregateError holding each input's error in
// argument order. Pending inputs are left running once one succeeds.
//
// Any with no futures fails at once with an error matching ErrEmpty; a nil
// future among fs fails it at once with an error matching ErrNil. Await the
// result from a loop task (either engine) or a plain goroutine.
func Any[T any](fs ...*Future[T]) *Future[T] {
	p := NewPromise[T]()
	if err := checkInputs("Any", fs); err != nil {
		_ = p.Reject(err)
		return p.Future()
	}
	s := &anyState[T]{p: p, errs: make([]error, len(fs)), left: len(fs)}
	watch(fs, p.Future(), s.done, s.release)
	return p.Future()
}

// anyState is what Any has collected.
type anyState[T any] struct {
	p Promise[T]

	mu   sync.Mutex // protects the fields below
	errs []error    // nil once the result is settled
	left int        // inputs not complete yet
}

func (s *anyState[T]) done(i int, f *Future[T]) {
	v, err := f.Result()
	if err == nil {
		// The first value wins; a later Resolve changes nothing.
		_ = s.p.Resolve(v)
		return
	}
	s.mu.Lock()
	if s.errs == nil {
		s.mu.Unlock()
		return
	}
	s.errs[i] = err
	if s.left--; s.left > 0 {
		s.mu.Unlock()
		return
	}
	agg := &AggregateError{Errors: s.errs}
	s.errs = nil
	s.mu.Unlock() // before Reject, as in allState.done
	_ = s.p.Reject(agg)
}

func (s *anyState[T]) release() {
	s.mu.Lock()
	s.errs = nil
	s.mu.Unlock()
}

// Race returns a future completed the way the first input to complete
// completed: with its value, its error, or as cancelled. The other inputs
// are left running.
//
// Race with no futures fails at once with an error matching ErrEmpty; a nil
// future among fs fails it at once with an error matching ErrNil. Await the
// result from a loop task (either engine) or a plain goroutine.
func Race[T any](fs ...*Future[T]) *Future[T] {
	p := NewPromise[T]()
	if err := checkInputs("Race", fs); err != nil {
		_ = p.Reject(err)
		return p.Future()
	}
	// No state to share: the first Complete wins and later ones return
	// ErrAlreadyDone, which is the race itself.
	watch(fs, p.Future(), func(_ int, f *Future[T]) { _ = p.Complete(f.Result()) }, nil)
	return p.Future()
}

// watch calls done(i, fs[i]) once each input completes, for as long as out
// is pending, and release once out completes, whoever completes it. Inputs
// already complete are handled at once, in argument order; nil entries are
// skipped. Registration stops as soon as out is complete.
//
// done runs on the goroutine that completes the input, inside that input's
// completion, so it must be quick and must not block (OnDone's contract).
func watch[T, R any](fs []*Future[T], out *Future[R], done func(int, *Future[T]), release func()) {
	if release != nil {
		out.OnDone(release)
	}
	for i, f := range fs {
		if out.IsDone() {
			return
		}
		if f == nil {
			continue
		}
		// Looking before registering saves the closure for inputs that are
		// already complete; OnDone reporting false covers the input that
		// completes in between.
		if f.IsDone() || !f.OnDone(func() {
			if !out.IsDone() {
				done(i, f)
			}
		}) {
			done(i, f)
		}
	}
}

// checkNil returns an error matching ErrNil naming the first nil future.
func checkNil[T any](fn string, fs []*Future[T]) error {
	for i, f := range fs {
		if f == nil {
			return fmt.Errorf("%w: %s: future %d is nil", ErrNil, fn, i)
		}
	}
	return nil
}

// checkInputs is checkNil that also refuses an empty list.
func checkInputs[T any](fn string, fs []*Future[T]) error {
	if len(fs) == 0 {
		return fmt.Errorf("%w: %s", ErrEmpty, fn)
	}
	return checkNil(fn, fs)
}
