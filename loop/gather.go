package loop

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
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
func Gather[T any](ctx context.Context, aws ...future.Awaitable[T]) *future.Future[[]T] {
	if ctx == nil {
		return failed[[]T](nil, fmt.Errorf("%w: Gather: nil context", future.ErrNil))
	}
	l, _ := GetRunningLoop(ctx)
	for i, a := range aws {
		if err := check("Gather", i, l, a); err != nil {
			return failed[[]T](nil, err)
		}
	}
	g := &gathering[T]{
		p:      future.NewPromiseOn[[]T](executorOf(l)),
		l:      l,
		values: make([]T, len(aws)),
		kids:   make([]gatherKid[T], len(aws)),
	}
	if len(aws) == 0 {
		_ = g.p.Resolve(g.values)
		return g.p.Future()
	}
	g.left.Store(int64(len(aws)))
	g.p.SetCancelHook(g.cancel)

	// Tasks are registered and queued a batch at a time, so that on the
	// pool the first run while the rest are made. A failure among them may
	// come before the last is made: it cancels the tasks published so far
	// (see cancelOwn), and publish cancels those made after it.
	g.parent = context.WithoutCancel(ctx) // once, not per child
	var (
		batch   []*task.Task // made since the last flush
		refused []int
	)
	// flush registers the batch with the loop, under one lock, and
	// publishes kids[:n] with it.
	flush := func(n int) {
		queued := batch
		if len(batch) > 0 && !l.host.Add(batch...) {
			for _, t := range batch {
				i := t.Body().(*gatherTask[T]).i
				g.kids[i].t = nil // never queued: nothing to cancel
				refused = append(refused, i)
			}
			queued = nil
		}
		g.publish(n, queued)
		clear(batch)
		batch = batch[:0]
	}
	for i, a := range aws {
		f, c := coroutineOf(a)
		if f != nil {
			g.kids[i].f = f
			continue
		}
		t := &gatherTask[T]{g: g, i: i}
		t.Init(&l.host, t)
		g.kids[i].c, g.kids[i].t = c, &t.Task
		if batch == nil {
			batch = make([]*task.Task, 0, startBatchLen)
		}
		if batch = append(batch, &t.Task); len(batch) == startBatchLen {
			flush(i + 1)
		}
	}
	flush(len(aws))
	for _, i := range refused {
		// Never ran: its error is the result's, or nobody's to read.
		g.done(i, false, *new(T), closedErr("CreateTask"))
	}
	for i := range g.kids {
		if f := g.kids[i].f; f != nil {
			if f.IsDone() || !f.OnDone(func() { g.doneFuture(i, f) }) {
				g.doneFuture(i, f)
			}
		}
	}
	return g.p.Future()
}

// gathering is a Gather in progress. The tasks Gather makes for its
// coroutines (gatherTask) have no future of their own: nobody but Gather
// sees them, so each writes its value straight into values and counts
// itself done. That saves each child a future (its record is 112 bytes,
// where a task and its future take 240), its locking and a callback: when
// the children lost their futures, Gather of 10,000 went from 842 to 483
// ns per task on one thread and from 478 to 444 on the pool (six
// interleaved runs each).
type gathering[T any] struct {
	p      future.Promise[[]T]
	l      *Loop
	parent context.Context // its tasks' parent context
	values []T             // values[i] is written by child i alone, read once left is 0
	left   atomic.Int64
	kids   []gatherKid[T] // kids[:published] may be read by any goroutine

	mu        sync.Mutex // protects the fields below
	published int        // kids made and visible to cancelOwn
	stopped   error      // the cause cancelOwn cancelled with, if it has
}

// publish makes kids[:n] visible to cancelOwn and queues ts, the tasks
// among them made since the last publish. If a failure has already
// cancelled the tasks published before, ts are cancelled too: each task is
// cancelled by cancelOwn or here, never by both.
func (g *gathering[T]) publish(n int, ts []*task.Task) {
	g.mu.Lock()
	g.published = n
	stopped := g.stopped
	g.mu.Unlock()
	if len(ts) == 0 {
		return
	}
	if stopped != nil {
		for _, t := range ts {
			t.Cancel(stopped)
		}
	}
	g.l.eng.StartTasks(ts)
}

// gatherKid is one of a Gather's children: a task Gather made and its
// coroutine, or a future passed in. (The coroutine is here rather than in
// the task, so that the task fits a smaller size class.)
type gatherKid[T any] struct {
	t *task.Task
	c future.Coroutine[T]
	f *future.Future[T]
}

// done records child i's outcome. The first error completes the result
// (a cancellation makes it cancelled) and cancels the tasks Gather made;
// the last value completes it with all of them.
func (g *gathering[T]) done(i int, own bool, v T, err error) {
	if err != nil {
		if g.p.Complete(nil, err) == nil {
			g.cancelOwn(fmt.Errorf("loop: Gather: another awaitable failed: %w", err))
		} else if own && !g.cancelledBy(err) {
			// The result is settled already: as with a task's future
			// that nobody reads, asyncio's "exception was never
			// retrieved".
			g.l.reportUnretrieved(err)
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
	g.mu.Lock()
	stopped := g.stopped
	g.mu.Unlock()
	return stopped != nil && errors.Is(err, stopped)
}

func (g *gathering[T]) doneFuture(i int, f *future.Future[T]) {
	v, err := f.Result()
	g.done(i, false, v, err)
}

// cancel is the result's cancel hook: it completes the result as
// cancelled and cancels every child, the futures passed in included.
func (g *gathering[T]) cancel(cause error) bool {
	if g.p.Cancel(cause) != nil {
		return false // settled already
	}
	for _, k := range g.kids {
		if k.t != nil {
			k.t.Cancel(cause)
		} else if k.f != nil {
			k.f.Cancel(cause)
		}
	}
	return true
}

// cancelOwn cancels the tasks Gather made: those published now, and
// (through publish) those published later.
func (g *gathering[T]) cancelOwn(cause error) {
	g.mu.Lock()
	g.stopped = cause
	n := g.published
	g.mu.Unlock()
	for _, k := range g.kids[:n] {
		if k.t != nil {
			k.t.Cancel(cause)
		}
	}
}

// gatherTask is a task Gather made for one of its coroutines,
// g.kids[i].c.
type gatherTask[T any] struct {
	task.Task
	g *gathering[T]
	i int
}

func (t *gatherTask[T]) Run(ctx context.Context) {
	v, err := t.g.kids[t.i].c(ctx)
	t.g.done(t.i, true, v, err)
}

func (t *gatherTask[T]) Fail(err error) { t.g.done(t.i, true, *new(T), err) }

func (t *gatherTask[T]) Parent() context.Context { return t.g.parent }

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
func (c *children[T]) owner() future.Executor { return executorOf(c.l) }

// executorOf returns l as a future.Executor, and nil for a nil l: a nil
// *Loop in the interface would not read as nil.
func executorOf(l *Loop) future.Executor {
	if l == nil {
		return nil
	}
	return l
}

func (c *children[T]) cancelAll(cause error) {
	for _, f := range c.fs {
		f.Cancel(cause) // a nil entry (GatherSettled) returns false
	}
}

// startEach checks each awaitable and turns each usable one into a future
// (see start): an unusable one leaves a nil future and its error in the
// matching result.
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
