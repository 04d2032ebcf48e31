package loop

import (
	"context"
	"fmt"
	"sync"

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
// tasks to unwind; Close waits for them in the end.
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
func Gather[T any](ctx context.Context, aws ...future.Awaitable[T]) *future.Future[[]T] {
	g, err := startAll(ctx, "Gather", aws)
	if err != nil {
		p := future.NewPromise[[]T]()
		_ = p.Reject(err)
		return p.Future()
	}
	// future.All collects the values and fails fast; Gather adds what
	// owning the children means: its result belongs to the loop, a failure
	// cancels the tasks it made, and cancelling it cancels every child.
	all := future.All(g.fs...)
	p := future.NewPromiseOn[[]T](g.owner())
	p.SetCancelHook(func(cause error) bool {
		if p.Cancel(cause) != nil {
			return false // settled already
		}
		all.Cancel(cause) // stop collecting
		g.cancelAll(cause)
		return true
	})
	// settle runs on the goroutine that completed the last child, inside
	// that completion, so it only completes the result and cancels.
	settle := func() {
		vs, err := all.Result()
		if p.Complete(vs, err) == nil && err != nil {
			g.cancelOwn(fmt.Errorf("loop: Gather: another awaitable failed: %w", err))
		}
	}
	if !all.OnDone(settle) {
		settle()
	}
	return p.Future()
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
// once, with an empty slice.
func GatherSettled[T any](ctx context.Context, aws ...future.Awaitable[T]) *future.Future[[]future.Result[T]] {
	g, results := startEach(ctx, "GatherSettled", aws)
	p := future.NewPromiseOn[[]future.Result[T]](g.owner())
	s := &settledState[T]{p: p, kids: g, results: results}
	for _, f := range g.fs {
		if f != nil {
			s.left++
		}
	}
	if s.left == 0 {
		_ = p.Resolve(s.results)
		return p.Future()
	}
	p.SetCancelHook(s.cancel)
	for i, f := range g.fs {
		if f == nil {
			continue // its Result already says why
		}
		if f.IsDone() || !f.OnDone(func() { s.done(i, f) }) {
			s.done(i, f)
		}
	}
	return p.Future()
}

// settledState is what GatherSettled has collected.
type settledState[T any] struct {
	p    future.Promise[[]future.Result[T]]
	kids *children[T]

	mu      sync.Mutex         // protects the fields below
	results []future.Result[T] // nil once the result is settled
	left    int                // children not complete yet
}

func (s *settledState[T]) done(i int, f *future.Future[T]) {
	v, err := f.Result()
	s.mu.Lock()
	if s.results == nil {
		s.mu.Unlock()
		return
	}
	s.results[i] = future.Result[T]{Value: v, Err: err}
	if s.left--; s.left > 0 {
		s.mu.Unlock()
		return
	}
	results := s.results
	s.results = nil
	s.mu.Unlock() // before Resolve: it runs the result's callbacks
	_ = s.p.Resolve(results)
}

func (s *settledState[T]) cancel(cause error) bool {
	s.mu.Lock()
	if s.results == nil {
		s.mu.Unlock()
		return false
	}
	s.results = nil
	s.mu.Unlock()
	_ = s.p.Cancel(cause)
	s.kids.cancelAll(cause)
	return true
}

// children are the futures a combinator waits for: fs[i] stands for the
// i-th awaitable, and own[i] says whether the combinator made it (a task
// for a coroutine) and so may cancel it. Both are written before any
// callback is registered and only read afterwards.
type children[T any] struct {
	l   *Loop
	fs  []*future.Future[T]
	own []bool
}

// owner is the executor the combinator's result belongs to: the loop, if
// there is one, so that callbacks on the result run there.
func (c *children[T]) owner() future.Executor {
	if c.l == nil {
		return nil // a nil *Loop in the interface would not read as nil
	}
	return c.l
}

func (c *children[T]) cancelOwn(cause error) {
	for i, f := range c.fs {
		if c.own[i] {
			f.Cancel(cause)
		}
	}
}

func (c *children[T]) cancelAll(cause error) {
	for _, f := range c.fs {
		f.Cancel(cause) // a nil entry (GatherSettled) returns false
	}
}

// startAll checks every awaitable and, only if all are usable, turns each
// into a future (see start).
func startAll[T any](ctx context.Context, op string, aws []future.Awaitable[T]) (*children[T], error) {
	if ctx == nil {
		return nil, fmt.Errorf("%w: %s: nil context", future.ErrNil, op)
	}
	l, _ := GetRunningLoop(ctx)
	for i, a := range aws {
		if err := check(op, i, l, a); err != nil {
			return nil, err
		}
	}
	c := &children[T]{l: l, fs: make([]*future.Future[T], len(aws)), own: make([]bool, len(aws))}
	parent := context.WithoutCancel(ctx) // once, not per child
	b := startBatch{l: l}
	defer b.flush() // every task registered must start, or Close waits for it
	for i, a := range aws {
		c.fs[i], c.own[i] = startIn(parent, &b, a)
	}
	return c, nil
}

// startEach is startAll that starts what it can: an unusable awaitable
// leaves a nil future and its error in the matching result.
func startEach[T any](ctx context.Context, op string, aws []future.Awaitable[T]) (*children[T], []future.Result[T]) {
	results := make([]future.Result[T], len(aws))
	c := &children[T]{fs: make([]*future.Future[T], len(aws)), own: make([]bool, len(aws))}
	if ctx == nil {
		for i := range results {
			results[i].Err = fmt.Errorf("%w: %s: nil context", future.ErrNil, op)
		}
		return c, results
	}
	c.l, _ = GetRunningLoop(ctx)
	parent := context.WithoutCancel(ctx) // once, not per child
	b := startBatch{l: c.l}
	defer b.flush() // every task registered must start, or Close waits for it
	for i, a := range aws {
		if err := check(op, i, c.l, a); err != nil {
			results[i].Err = err
			continue
		}
		c.fs[i], c.own[i] = startIn(parent, &b, a)
	}
	return c, results
}

// check returns why a cannot be started: nil, or a coroutine with no loop.
// i is a's position among several, or -1 for a function that takes one.
func check[T any](op string, i int, l *Loop, a future.Awaitable[T]) error {
	// what names a in an error; only made when there is one.
	what := func() string {
		if i >= 0 {
			return fmt.Sprintf("awaitable %d", i)
		}
		return "awaitable"
	}
	switch a := a.(type) {
	case nil:
		return fmt.Errorf("%w: %s: %s is nil", future.ErrNil, op, what())
	case *future.Future[T]:
		if a == nil {
			return fmt.Errorf("%w: %s: %s is a nil future", future.ErrNil, op, what())
		}
		return nil
	case future.Coroutine[T]:
		if a == nil {
			return fmt.Errorf("%w: %s: %s is a nil coroutine", future.ErrNil, op, what())
		}
	}
	if l == nil {
		return fmt.Errorf("loop: %s: %s needs a task: %w", op, what(), ErrNoRunningLoop)
	}
	return nil
}

// start turns a checked awaitable into a future: a Future as it is, anything
// else (a Coroutine) as a new task on l. It reports whether it made a task.
//
// The task's context keeps ctx's values but not its cancellation
// (context.WithoutCancel): ctx is usually the calling task's own, which is
// cancelled when that task ends, and a child must not see its context end
// while it still runs. Children are cancelled through their futures instead.
func start[T any](parent context.Context, l *Loop, a future.Awaitable[T]) (*future.Future[T], bool) {
	f, c := coroutineOf(a)
	if f != nil {
		return f, false
	}
	return createTask(parent, l, c), true
}

// startIn is start for one of several awaitables: a task it makes is
// queued with b's batch.
func startIn[T any](parent context.Context, b *startBatch, a future.Awaitable[T]) (*future.Future[T], bool) {
	f, c := coroutineOf(a)
	if f != nil {
		return f, false
	}
	f, t := newTask(parent, b.l, c)
	b.add(t)
	return f, true
}

// coroutineOf returns a itself if it is a future, to be used as it is, and
// otherwise a coroutine that a task can run.
func coroutineOf[T any](a future.Awaitable[T]) (*future.Future[T], future.Coroutine[T]) {
	switch a := a.(type) {
	case *future.Future[T]:
		return a, nil
	case future.Coroutine[T]:
		return nil, a
	}
	// Another Awaitable of this module: await it in a task of its own.
	return nil, func(ctx context.Context) (T, error) { return future.Await(ctx, a) }
}
