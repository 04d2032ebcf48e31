package future

import (
	"fmt"
	"sync"
)

// This file holds All and AllSettled, and the machinery all four
// combinators over many futures share (any.go has Any and Race). The rules
// they share are documented on All.

// Result is one future's outcome, as AllSettled reports it and as a
// gather that collects errors instead of failing reports it: Err is nil
// and Value is the value, or Err is the error (matching ErrCancelled for
// a cancelled future) and Value is T's zero value.
//
// Result is a plain value: its zero value is a successful zero T, it may be
// copied freely, and, like any value nobody writes, it may be read from many
// goroutines at once.
type Result[T any] struct {
	// Value is the future's value; the zero value when Err is not nil.
	Value T
	// Err is the future's error, or nil.
	Err error
}

// All returns a future completed with the values of fs, in argument order,
// once every one has a value. It fails fast: the first input to fail (in
// completion order) completes the result with that input's error, a
// cancelled input making the result cancelled, and the inputs still pending
// are left running (see below).
//
// All with no futures is complete at once, with an empty slice. A nil
// future among fs fails the result at once with an error matching ErrNil.
//
// What holds for All, AllSettled, Any and Race alike:
//
//   - No goroutine is started and no loop is needed. The result is a plain
//     future (it belongs to no executor), completed on the goroutine that
//     completes the deciding input; that input's completion synchronizes
//     before any read of the result. Await it from a task on either loop
//     engine or from any goroutine.
//   - Inputs are never cancelled, neither when the result is decided early
//     nor when the result is cancelled, because an input may have other
//     readers. To cancel the rest when one fails, use the loop's Gather or
//     TaskGroup, which own the tasks they cancel.
//   - Cancelling the result completes it as cancelled at once and drops
//     what it had collected; the inputs carry on.
//   - Inputs already complete are handled first, in argument order; then
//     each pending one gets a callback, and registration stops as soon as
//     the result is decided (see OnEach). A callback does nothing once the
//     result is complete and keeps only a small record, not the values. A
//     Future cannot drop a callback, so it stays until its input completes:
//     racing again and again against a future that never completes grows
//     that future's callback list.
func All[T any](fs ...*Future[T]) *Future[[]T] {
	if err := checkNil("All", fs); err != nil {
		return rejected[[]T](err)
	}
	p := NewPromise[[]T]()
	if allDone(fs) {
		// Nothing to wait for: collect in one pass, with no shared state or
		// callbacks (about half the time and allocations for 100 inputs).
		values := make([]T, len(fs))
		for i, f := range fs {
			v, err := f.Result()
			if err != nil {
				_ = p.Reject(err)
				return p.Future()
			}
			values[i] = v
		}
		_ = p.Resolve(values)
		return p.Future()
	}
	s := &allState[T]{p: p, t: newTally[T](len(fs))}
	p.Future().OnDone(s.t.release)
	OnEach(fs, p.Future(), func(i int) { s.done(i, fs[i]) })
	return p.Future()
}

// allDone reports whether every future in fs is complete.
func allDone[T any](fs []*Future[T]) bool {
	for _, f := range fs {
		if !f.IsDone() {
			return false
		}
	}
	return true
}

// allState is what All has collected.
type allState[T any] struct {
	p Promise[[]T]
	t tally[T]
}

func (s *allState[T]) done(i int, f *Future[T]) {
	v, err := f.Result()
	if err != nil {
		if s.t.settle() {
			_ = s.p.Reject(err)
		}
		return
	}
	if values, last := s.t.put(i, v); last {
		_ = s.p.Resolve(values)
	}
}

// AllSettled returns a future completed, once every input has completed,
// with each input's outcome in argument order: a value, an error or a
// cancellation, as a Result. It never fails on account of its inputs; only
// cancelling the result itself ends it with an error. A nil future among fs
// gets a Result whose Err matches ErrNil, and the others are still
// collected.
//
// AllSettled with no futures is complete at once, with an empty slice. The
// points listed under All (no goroutine, inputs never cancelled, cancelling
// the result) hold here too.
func AllSettled[T any](fs ...*Future[T]) *Future[[]Result[T]] {
	p := NewPromise[[]Result[T]]()
	s := &settledState[T]{p: p, t: newTally[Result[T]](len(fs))}
	pending := make([]*Future[T], len(fs))
	for i, f := range fs {
		if f == nil {
			s.t.slots[i].Err = fmt.Errorf("%w: AllSettled: future %d is nil", ErrNil, i)
			s.t.left--
			continue
		}
		pending[i] = f
	}
	if s.t.left == 0 {
		_ = p.Resolve(s.t.slots)
		return p.Future()
	}
	p.Future().OnDone(s.t.release)
	OnEach(pending, p.Future(), func(i int) { s.done(i, pending[i]) })
	return p.Future()
}

// settledState is what AllSettled has collected.
type settledState[T any] struct {
	p Promise[[]Result[T]]
	t tally[Result[T]]
}

func (s *settledState[T]) done(i int, f *Future[T]) {
	v, err := f.Result()
	if results, last := s.t.put(i, Result[T]{Value: v, Err: err}); last {
		_ = s.p.Resolve(results)
	}
}

// tally is what a combinator collects, one slot per input, until the last
// input fills its slot or the result is settled otherwise.
type tally[E any] struct {
	mu    sync.Mutex // protects the fields below
	slots []E        // nil once the result is settled
	left  int        // slots not filled yet
}

func newTally[E any](n int) tally[E] { return tally[E]{slots: make([]E, n), left: n} }

// put fills slot i with e. If that was the last slot, it returns the slots,
// which are then the caller's to settle the result with, and true. The
// result is settled outside mu: settling runs the result's callbacks, and
// one of them (release) takes mu.
func (t *tally[E]) put(i int, e E) ([]E, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.slots == nil {
		return nil, false
	}
	t.slots[i] = e
	if t.left--; t.left > 0 {
		return nil, false
	}
	slots := t.slots
	t.slots = nil
	return slots, true
}

// settle ends the tally early and reports whether it was still open: only
// then may the caller settle the result.
func (t *tally[E]) settle() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	open := t.slots != nil
	t.slots = nil
	return open
}

// release drops the slots once the result is settled, whoever settled it.
func (t *tally[E]) release() { t.settle() }

// checkNil returns an error matching ErrNil naming the first nil future.
func checkNil[T any](fn string, fs []*Future[T]) error {
	for i, f := range fs {
		if f == nil {
			return fmt.Errorf("%w: %s: future %d is nil", ErrNil, fn, i)
		}
	}
	return nil
}
