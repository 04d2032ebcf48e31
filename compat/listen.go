package compat

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"

	"github.com/goasyncio/asyncio/future"
)

// ErrOverflow reports events dropped because Listen's buffer was full.
var ErrOverflow = errors.New("compat: listener buffer full, events dropped")

// OverflowError says how many events Listen dropped since the consumer last
// heard of a drop. It matches ErrOverflow.
type OverflowError struct {
	// Dropped counts the events lost, all newer than the events the
	// consumer received before this error.
	Dropped int
}

func (e *OverflowError) Error() string {
	return fmt.Sprintf("%v: %d", ErrOverflow, e.Dropped)
}

// Is reports whether target is ErrOverflow.
func (e *OverflowError) Is(target error) bool { return target == ErrOverflow }

// Listen turns a multi-shot callback API (an event listener) into an
// iterator. Iterating calls subscribe once with a callback that may be
// called any number of times, from any goroutine; each call's value comes
// out of the loop in order. Breaking out of the loop, ctx ending, or a panic
// in the loop body calls the unsubscribe function subscribe returned (a nil
// one is allowed), and events arriving after that are dropped.
//
// Back-pressure: the callback never blocks, because it may run on the loop's
// own thread, where blocking would stop the consumer too. Up to size events
// wait in a buffer; when it is full, new events are dropped, and once the
// consumer has drained the buffer it receives an *OverflowError (matching
// ErrOverflow) with the number lost, then iteration goes on.
//
// Waiting for an event is future.Await with ctx: inside a loop task it
// suspends the task, elsewhere it blocks the goroutine. When ctx ends the
// iterator yields one last error (context.Cause(ctx), or an error matching
// future.ErrCancelled when the consumer's task is cancelled) and stops. A panic in
// subscribe is yielded as a *future.PanicError and ends the iteration; a
// panic in unsubscribe goes to the misuse handler.
//
// Each iteration subscribes anew. Listen panics with "compat: Listen: ..."
// if ctx or subscribe is nil or size is below 1.
func Listen[T any](ctx context.Context, size int, subscribe func(cb func(T)) (unsubscribe func()), opts ...Option) iter.Seq2[T, error] {
	switch {
	case ctx == nil:
		panic("compat: Listen: nil context")
	case subscribe == nil:
		panic("compat: Listen: nil subscribe")
	case size < 1:
		panic("compat: Listen: buffer size below 1")
	}
	cfg := newConfig(opts)
	return func(yield func(T, error) bool) {
		var zero T
		s := &stream[T]{size: size}
		unsubscribe, err := subscribeSafely(subscribe, s.push)
		if err != nil {
			yield(zero, err)
			return
		}
		defer func() {
			s.close()
			if unsubscribe == nil {
				return
			}
			defer func() {
				if r := recover(); r != nil {
					cfg.misuse(future.NewPanicError(r))
				}
			}()
			unsubscribe()
		}()
		for {
			v, err := s.next(ctx)
			if !yield(v, err) {
				return
			}
			if err != nil && !errors.Is(err, ErrOverflow) {
				return
			}
		}
	}
}

func subscribeSafely[T any](subscribe func(func(T)) func(), cb func(T)) (unsubscribe func(), err error) {
	defer func() {
		if r := recover(); r != nil {
			err = future.NewPanicError(r)
		}
	}()
	return subscribe(cb), nil
}

// stream is the buffer between an event callback and the consumer.
type stream[T any] struct {
	size int // fixed at creation

	mu      sync.Mutex // protects the fields below
	buf     []T
	dropped int
	closed  bool
	wake    *future.Promise[struct{}] // set while the consumer waits for a push
}

func (s *stream[T]) push(v T) {
	s.mu.Lock()
	switch {
	case s.closed:
	case len(s.buf) == s.size:
		s.dropped++
	default:
		s.buf = append(s.buf, v)
	}
	w := s.wake
	s.wake = nil
	s.mu.Unlock()
	if w != nil {
		// Outside mu: resolving runs the waiter's wake-up callback.
		_ = w.Resolve(struct{}{})
	}
}

func (s *stream[T]) close() {
	s.mu.Lock()
	s.closed = true
	s.buf = nil
	s.mu.Unlock()
}

// next returns the oldest buffered event, else a pending drop report, else
// waits for a push or for ctx to end.
func (s *stream[T]) next(ctx context.Context) (T, error) {
	var zero T
	for {
		if ctx.Err() != nil {
			return zero, context.Cause(ctx)
		}
		s.mu.Lock()
		if len(s.buf) > 0 {
			v := s.buf[0]
			s.buf = s.buf[1:]
			s.mu.Unlock()
			return v, nil
		}
		if s.dropped > 0 {
			n := s.dropped
			s.dropped = 0
			s.mu.Unlock()
			return zero, &OverflowError{Dropped: n}
		}
		p := future.NewPromise[struct{}]()
		s.wake = &p
		s.mu.Unlock()
		if _, err := future.Await(ctx, p.Future()); err != nil {
			return zero, err
		}
	}
}
