package loop

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
)

// Gather runs aws concurrently and returns a future completed with their
// values, in argument order, once every one has a value (asyncio.gather).
// A Coroutine among aws becomes a task on the loop running the caller (ctx
// must be a coroutine's context, or derived from one); a Future is used as
// it is. The tasks see ctx's values but not its cancellation: they are
// cancelled through the returned future, as below.
//
// Gather fails fast: the first awaitable to fail (in completion order)
// completes the result with its error, a cancellation making the result
// cancelled, and the tasks Gather made itself are then cancelled with a
// cause that wraps that error. Futures passed in are left alone, since
// other code may share them. asyncio.gather cancels nothing on a failure;
// Gather cancels what it owns so that no orphan keeps running, as
// errgroup.WithContext does. The result does not wait for the cancelled
// tasks to unwind; Close waits for them in the end. A task of Gather's that
// fails later with an error other than a cancellation has nobody to read
// it: the error goes to the exception handler, wrapped in
// ErrNeverRetrieved, as asyncio logs "Task exception was never retrieved".
//
// Cancelling the returned future completes it as cancelled at once and
// cancels every child, the futures passed in included, as asyncio's
// gather does.
//
// Gather with no awaitables is complete at once, with an empty slice. A
// nil awaitable (or nil Future or Coroutine) fails the result with an error
// matching future.ErrNil, and a Coroutine outside a running loop with one
// matching ErrNoRunningLoop; in both cases nothing is started. Await the
// result from a task on either engine or from a plain goroutine.
//
// aws may be a slice of any one awaitable type, spread: futs... for a
// []*future.Future[T], coros... for a []future.Coroutine[T], as
// asyncio.gather(*aws) takes a list. Arguments of different kinds (a
// Future beside a Coroutine) name the interface as the element type:
// Gather[T, future.Awaitable[T]](ctx, f, c). A function literal is not an
// Awaitable (it has no methods); convert it with future.Coroutine[T](fn).
func Gather[T any, A future.Awaitable[T]](ctx context.Context, aws ...A) *future.Future[[]T] {
	if ctx == nil {
		return failed[[]T](nil, fmt.Errorf("%w: Gather: nil context", future.ErrNil))
	}
	l, _ := GetRunningLoop(ctx)
	for i, a := range aws {
		if err := check("Gather", i, l, future.Awaitable[T](a)); err != nil {
			return failed[[]T](nil, err)
		}
	}
	g := &gathering[T]{p: future.NewPromiseOn[[]T](executorOf(l)), values: make([]T, len(aws))}
	if len(aws) == 0 {
		_ = g.p.Resolve(g.values)
		return g.p.Future()
	}
	g.left.Store(int64(len(aws)))
	g.ks = newKids(ctx, l, len(aws), sink[T](g), g.p.Future())
	g.p.SetCancelHook(g.cancel)
	startKids(g.ks, aws, none)
	return g.p.Future()
}

// none is the skip of a combinator that starts every awaitable.
func none(int) bool { return false }

// gathering is a Gather in progress.
type gathering[T any] struct {
	p      future.Promise[[]T]
	ks     *kids[T]
	values []T // values[i] is written by child i alone, read once left is 0
	left   atomic.Int64
}

// done records child i's outcome. The first error completes the result
// (a cancellation makes it cancelled) and cancels the tasks Gather made;
// the last value completes it with all of them.
func (g *gathering[T]) done(i int, own bool, v T, err error) {
	if err != nil {
		if g.p.Complete(nil, err) == nil {
			g.ks.cancelOwn(fmt.Errorf("loop: Gather: another awaitable failed: %w", err))
		} else if own && !g.cancelledBy(err) {
			// The result is settled already: as with a task's future
			// that nobody reads, asyncio's "exception was never
			// retrieved".
			g.ks.l.reportUnretrieved(err)
		}
		return
	}
	g.values[i] = v
	if g.left.Add(-1) == 0 {
		_ = g.p.Resolve(g.values)
	}
}

// cancelledBy reports whether err is a cancellation, whether the task
// returned it as asyncio's (future.ErrCancelled) or in the Go manner, as
// ctx.Err() or context.Cause(ctx) after cancelOwn: not an error of its own.
func (g *gathering[T]) cancelledBy(err error) bool {
	if errors.Is(err, future.ErrCancelled) || errors.Is(err, context.Canceled) {
		return true
	}
	stopped := g.ks.stoppedBy()
	return stopped != nil && errors.Is(err, stopped)
}

// cancel is the result's cancel hook: it completes the result as
// cancelled and cancels every child, the futures passed in included.
func (g *gathering[T]) cancel(cause error) bool {
	if g.p.Cancel(cause) != nil {
		return false // settled already
	}
	g.ks.cancelAll(cause)
	return true
}

// GatherSettled is Gather that collects every outcome instead of failing
// fast: asyncio.gather with return_exceptions=True. The result completes
// once every child has completed, with one future.Result per awaitable in
// argument order: a value, an error or a cancellation. It never fails on
// account of its children; only cancelling it ends it with an error, and
// that cancels every child, the futures passed in included.
//
// A nil awaitable, or a Coroutine outside a running loop, gets a Result
// whose Err matches future.ErrNil or ErrNoRunningLoop, and the others are
// still run and collected. With no awaitables the result is complete at
// once, with an empty slice. aws are passed as Gather's are.
func GatherSettled[T any, A future.Awaitable[T]](ctx context.Context, aws ...A) *future.Future[[]future.Result[T]] {
	results := make([]future.Result[T], len(aws))
	if ctx == nil {
		for i := range results {
			results[i].Err = fmt.Errorf("%w: GatherSettled: nil context", future.ErrNil)
		}
		p := future.NewPromise[[]future.Result[T]]()
		_ = p.Resolve(results)
		return p.Future()
	}
	l, _ := GetRunningLoop(ctx)
	s := &settling[T]{p: future.NewPromiseOn[[]future.Result[T]](executorOf(l)), results: results}
	left := len(aws)
	for i, a := range aws {
		if err := check("GatherSettled", i, l, future.Awaitable[T](a)); err != nil {
			results[i].Err = err // its Result already says why
			left--
		}
	}
	if left == 0 {
		_ = s.p.Resolve(results)
		return s.p.Future()
	}
	s.left.Store(int64(left))
	s.ks = newKids(ctx, l, len(aws), sink[T](s), s.p.Future())
	s.p.SetCancelHook(s.cancel)
	startKids(s.ks, aws, func(i int) bool { return results[i].Err != nil })
	return s.p.Future()
}

// settling is a GatherSettled in progress.
type settling[T any] struct {
	p       future.Promise[[]future.Result[T]]
	ks      *kids[T]
	results []future.Result[T] // results[i] is written by child i alone, read once left is 0
	left    atomic.Int64
}

func (s *settling[T]) done(i int, _ bool, v T, err error) {
	s.results[i] = future.Result[T]{Value: v, Err: err}
	if s.left.Add(-1) == 0 {
		_ = s.p.Resolve(s.results) // fails if cancelled meanwhile
	}
}

// cancel is the result's cancel hook: it completes the result as
// cancelled and cancels every child, the futures passed in included.
func (s *settling[T]) cancel(cause error) bool {
	if s.p.Cancel(cause) != nil {
		return false // settled already
	}
	s.ks.cancelAll(cause)
	return true
}
