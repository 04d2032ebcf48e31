package compat

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// ErrCalledTwice reports a one-shot callback called more than once. The
// first call's result stands; later calls are dropped and reported to the
// misuse handler (see WithMisuseHandler).
var ErrCalledTwice = errors.New("compat: callback called more than once")

// Pair holds the two results of a FromCallback2 callback.
type Pair[A, B any] struct {
	First  A
	Second B
}

// Triple holds the three results of a FromCallback3 callback.
type Triple[A, B, C any] struct {
	First  A
	Second B
	Third  C
}

// FromCallback calls start with a callback and returns a future of what the
// callback receives: the usual way to put a future in front of a callback
// API such as Fetch(url, func(body []byte, err error)).
//
// start runs at once, on the calling goroutine; the callback may be called
// from any goroutine, before or after start returns. The future completes
// with the callback's first call (an error from the callback rejects it). A
// second call is dropped and reported to the misuse handler as an error
// matching ErrCalledTwice. A panic in start rejects the future with a
// *future.PanicError, unless the callback already completed it.
//
// ctx bounds the wait for a callback that never comes: when ctx ends first
// the future is cancelled with context.Cause(ctx) (so errors.Is matches
// future.ErrCancelled and, for a timeout, context.DeadlineExceeded) and a
// late callback is dropped quietly. If ctx has already ended, start is not
// called. No goroutine is left behind in either case. When ctx is a loop
// task's context the future belongs to that loop, so its AddDoneCallback
// and Then functions run there. A nil ctx or start gives a future failed
// with an error matching future.ErrNil.
func FromCallback[T any](ctx context.Context, start func(cb func(T, error)), opts ...Option) *future.Future[T] {
	if start == nil {
		return adapt[T](ctx, "FromCallback", opts, nil)
	}
	return adapt(ctx, "FromCallback", opts, func(settle func(T, error)) {
		start(settle)
	})
}

// FromCallback2 is FromCallback for a callback with two results and an
// error, such as func(n int, body []byte, err error); the future holds both
// results in a Pair.
func FromCallback2[A, B any](ctx context.Context, start func(cb func(A, B, error)), opts ...Option) *future.Future[Pair[A, B]] {
	if start == nil {
		return adapt[Pair[A, B]](ctx, "FromCallback2", opts, nil)
	}
	return adapt(ctx, "FromCallback2", opts, func(settle func(Pair[A, B], error)) {
		start(func(a A, b B, err error) { settle(Pair[A, B]{a, b}, err) })
	})
}

// FromCallback3 is FromCallback for a callback with three results and an
// error; the future holds them in a Triple.
func FromCallback3[A, B, C any](ctx context.Context, start func(cb func(A, B, C, error)), opts ...Option) *future.Future[Triple[A, B, C]] {
	if start == nil {
		return adapt[Triple[A, B, C]](ctx, "FromCallback3", opts, nil)
	}
	return adapt(ctx, "FromCallback3", opts, func(settle func(Triple[A, B, C], error)) {
		start(func(a A, b B, c C, err error) { settle(Triple[A, B, C]{a, b, c}, err) })
	})
}

// FromValueCallback is FromCallback for a callback that cannot fail, such
// as func(v T): the future fails only through ctx or a panic in start.
func FromValueCallback[T any](ctx context.Context, start func(cb func(T)), opts ...Option) *future.Future[T] {
	if start == nil {
		return adapt[T](ctx, "FromValueCallback", opts, nil)
	}
	return adapt(ctx, "FromValueCallback", opts, func(settle func(T, error)) {
		start(func(v T) { settle(v, nil) })
	})
}

// FromErrCallback is FromCallback for a completion callback that carries
// only an error, such as func(err error) after a write.
func FromErrCallback(ctx context.Context, start func(cb func(error)), opts ...Option) *future.Future[struct{}] {
	if start == nil {
		return adapt[struct{}](ctx, "FromErrCallback", opts, nil)
	}
	return adapt(ctx, "FromErrCallback", opts, func(settle func(struct{}, error)) {
		start(func(err error) { settle(struct{}{}, err) })
	})
}

// adapt is the machinery behind every From... adapter. run is start with
// its callback already converted to the (T, error) shape.
func adapt[T any](ctx context.Context, name string, opts []Option, run func(settle func(T, error))) *future.Future[T] {
	if ctx == nil || run == nil {
		p := future.NewPromise[T]()
		_ = p.Reject(fmt.Errorf("%w: %s: nil context or start function", future.ErrNil, name))
		return p.Future()
	}
	cfg := newConfig(opts)
	var p future.Promise[T]
	if l, err := loop.GetRunningLoop(ctx); err == nil {
		p = future.NewPromiseOn[T](l)
	} else {
		p = future.NewPromise[T]()
	}
	if ctx.Err() != nil {
		_ = p.Cancel(context.Cause(ctx))
		return p.Future()
	}

	// The AfterFunc goroutine only starts if ctx ends; stopping it once the
	// future completes is what keeps a finished adapter from holding on.
	stop := context.AfterFunc(ctx, func() { _ = p.Cancel(context.Cause(ctx)) })
	if !p.Future().OnDone(func() { stop() }) {
		stop()
	}

	var calls atomic.Int32 // counts callback calls, from any goroutine
	settle := func(v T, err error) {
		if n := calls.Add(1); n > 1 {
			cfg.misuse(fmt.Errorf("%w: %s callback call number %d dropped; the first result stands", ErrCalledTwice, name, n))
			return
		}
		// ErrAlreadyDone here means ctx won the race: drop the late result.
		// Anything else is a panic in a done callback that ran inline.
		if err := p.Complete(v, err); err != nil && !errors.Is(err, future.ErrAlreadyDone) {
			cfg.misuse(err)
		}
	}
	func() {
		defer func() {
			if r := recover(); r != nil {
				pe := future.NewPanicError(r)
				if err := p.Reject(pe); errors.Is(err, future.ErrAlreadyDone) {
					cfg.misuse(pe) // the callback came first; keep its result, report the panic
				}
			}
		}()
		run(settle)
	}()
	return p.Future()
}

// ToCallback calls cb with f's value and error once f completes: the way to
// hand a future to code that still expects a callback. cb runs where f's
// done callbacks run (on f's loop if it has one, else on the goroutine that
// completes f, or at once if f is already complete) and is called exactly
// once. A panic in cb is recovered and reported to the misuse handler as a
// *future.PanicError. A nil f or cb returns an error matching
// future.ErrNil and registers nothing.
func ToCallback[T any](f *future.Future[T], cb func(T, error), opts ...Option) error {
	if f == nil || cb == nil {
		return fmt.Errorf("%w: ToCallback: nil future or callback", future.ErrNil)
	}
	cfg := newConfig(opts)
	return f.AddDoneCallback(func(f *future.Future[T]) {
		defer func() {
			if r := recover(); r != nil {
				cfg.misuse(future.NewPanicError(r))
			}
		}()
		cb(f.Result())
	})
}
