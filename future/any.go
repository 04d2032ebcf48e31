package future

import (
	"errors"
	"fmt"
	"strings"
)

// ErrEmpty reports that Any or Race was given no futures: with nothing to
// wait for, the result could never complete.
var ErrEmpty = errors.New("future: no futures given")

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

// Error lists each input's error after its index.
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

// Any returns a future completed with the value of the first input to
// succeed, in completion order. If every input fails or is cancelled, the
// result fails with an *AggregateError holding each input's error in
// argument order. Pending inputs are left running once one succeeds.
//
// Any with no futures fails at once with an error matching ErrEmpty; a nil
// future among fs fails it at once with an error matching ErrNil. The points
// listed under All (no goroutine, inputs never cancelled, cancelling the
// result) hold here too.
func Any[T any](fs ...*Future[T]) *Future[T] {
	if err := checkInputs("Any", fs); err != nil {
		return rejected[T](err)
	}
	p := NewPromise[T]()
	s := &anyState[T]{p: p, t: newTally[error](len(fs))}
	p.Future().OnDone(s.t.release)
	OnEach(fs, p.Future(), func(i int) { s.done(i, fs[i]) })
	return p.Future()
}

// anyState is what Any has collected: each input's error.
type anyState[T any] struct {
	p Promise[T]
	t tally[error]
}

func (s *anyState[T]) done(i int, f *Future[T]) {
	v, err := f.Result()
	if err == nil {
		if s.t.settle() { // the first value wins
			_ = s.p.Resolve(v)
		}
		return
	}
	if errs, last := s.t.put(i, err); last {
		_ = s.p.Reject(&AggregateError{Errors: errs})
	}
}

// Race returns a future completed the way the first input to complete
// completed: with its value, its error, or as cancelled. The other inputs
// are left running.
//
// Race with no futures fails at once with an error matching ErrEmpty; a nil
// future among fs fails it at once with an error matching ErrNil. The points
// listed under All (no goroutine, inputs never cancelled, cancelling the
// result, a callback per pending input) hold here too; among inputs already
// complete, the first argument wins.
func Race[T any](fs ...*Future[T]) *Future[T] {
	if err := checkInputs("Race", fs); err != nil {
		return rejected[T](err)
	}
	p := NewPromise[T]()
	// No state to share: the first Complete wins and later ones return
	// ErrAlreadyDone, which is the race itself.
	OnEach(fs, p.Future(), func(i int) { _ = p.Complete(fs[i].Result()) })
	return p.Future()
}

// checkInputs is checkNil that also refuses an empty list.
func checkInputs[T any](fn string, fs []*Future[T]) error {
	if len(fs) == 0 {
		return fmt.Errorf("%w: %s", ErrEmpty, fn)
	}
	return checkNil(fn, fs)
}
