package loop

import (
	"context"
	"fmt"
	"sync"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// kids are the children of a combinator over several awaitables (Gather,
// GatherSettled): for each, a future passed in, or a task the combinator
// made for a coroutine. Those tasks have no future of their own: nobody
// but the combinator sees them, so each reports its outcome straight to
// the combinator's sink. That saves each child a future (its record is 112
// bytes, where a task and its future take 224), its locking and a
// callback: when Gather's children lost their futures, Gather of 10,000
// went from 842 to 483 ns per task on one thread and from 478 to 444 on
// the pool (six interleaved runs of BenchmarkGather, go test -bench
// Gather ./bench/).
//
// The tasks are registered and queued a batch at a time, so that on the
// pool the first run while the rest are made. A failure among them may
// come before the last is made: cancelOwn cancels the tasks published so
// far, and publish cancels those made after it.
type kids[T any] struct {
	l      *Loop
	parent context.Context // the tasks' parent context: the caller's, without its cancellation
	sink   sink[T]
	stop   future.Waitable // the combinator's result: once it is complete, futures passed in are not watched
	k      []kid[T]        // k[:published] may be read by any goroutine
	nfut   int             // futures passed in

	mu        sync.Mutex // protects the fields below
	published int        // children made and visible to cancelOwn
	stopped   error      // the cause cancelOwn cancelled with, if it has
}

// kid is one child: a task made for coroutine c, or future f passed in.
// (The coroutine is here rather than in the task, so that the task fits a
// smaller size class.)
type kid[T any] struct {
	t *task.Task
	c future.Coroutine[T]
	f *future.Future[T]
}

// sink is where children report: done records child i's outcome; own says
// whether it is the outcome of a task the combinator made and ran.
type sink[T any] interface {
	done(i int, own bool, v T, err error)
}

// kidTask is a task a combinator made for its child i's coroutine.
type kidTask[T any] struct {
	task.Task
	ks *kids[T]
	i  int
}

func (t *kidTask[T]) Run(ctx context.Context) {
	v, err := t.ks.k[t.i].c(ctx)
	if err == nil {
		v, err = undelivered(&t.Task, v)
	}
	t.ks.sink.done(t.i, true, v, err)
}

func (t *kidTask[T]) Fail(err error) { t.ks.sink.done(t.i, true, *new(T), err) }

func (t *kidTask[T]) Parent() context.Context { return t.ks.parent }

// Own is nil: a combinator's child has no future that code can await.
func (t *kidTask[T]) Own() future.Waitable { return nil }

// newKids returns the children of a combinator over n awaitables, running
// on l (nil outside a loop) and reporting to s until stop completes.
func newKids[T any](ctx context.Context, l *Loop, n int, s sink[T], stop future.Waitable) *kids[T] {
	return &kids[T]{l: l, parent: context.WithoutCancel(ctx), sink: s, stop: stop, k: make([]kid[T], n)}
}

// startKids starts aws, skipping those for which skip reports true (they are
// the caller's to report): a task for each coroutine, queued a batch at a
// time, then a watch on each future passed in. Every awaitable not skipped
// has passed check.
func startKids[T any, A future.Awaitable[T]](ks *kids[T], aws []A, skip func(i int) bool) {
	var (
		batch   []*task.Task // made since the last flush
		refused []int
	)
	// flush registers the batch with the loop, under one lock, and
	// publishes k[:n] with it.
	flush := func(n int) {
		queued := batch
		if len(batch) > 0 && !ks.l.host.Add(batch...) {
			for _, t := range batch {
				i := t.Body().(*kidTask[T]).i
				ks.k[i].t = nil // never queued: nothing to cancel
				refused = append(refused, i)
			}
			queued = nil
		}
		ks.publish(n, queued)
		clear(batch)
		batch = batch[:0]
	}
	for i, a := range aws {
		if skip(i) {
			continue
		}
		f, c := coroutineOf(future.Awaitable[T](a))
		if f != nil {
			ks.k[i].f = f
			ks.nfut++
			continue
		}
		t := &kidTask[T]{ks: ks, i: i}
		t.Init(&ks.l.host, t)
		ks.k[i].c, ks.k[i].t = c, &t.Task
		if batch == nil {
			batch = make([]*task.Task, 0, startBatchLen)
		}
		if batch = append(batch, &t.Task); len(batch) == startBatchLen {
			flush(i + 1)
		}
	}
	flush(len(aws))
	for _, i := range refused {
		// Never ran (the loop is closing): the error is the result's, or
		// nobody's to read, so it is not reported as a task's own.
		ks.sink.done(i, false, *new(T), closedErr("CreateTask"))
	}
	if ks.nfut == 0 {
		return
	}
	fs := make([]*future.Future[T], len(ks.k))
	for i := range ks.k {
		fs[i] = ks.k[i].f
	}
	future.OnEach(fs, ks.stop, func(i int) {
		v, err := fs[i].Result()
		ks.sink.done(i, false, v, err)
	})
}

// startBatchLen bounds a batch: a worker may start on the first tasks of a
// long Gather while its caller is still making the rest.
const startBatchLen = 64

// publish makes k[:n] visible to cancelOwn and queues ts, the tasks among
// them made since the last publish. If a failure has already cancelled the
// tasks published before, ts are cancelled too: each task is cancelled by
// cancelOwn or here, never by both.
func (ks *kids[T]) publish(n int, ts []*task.Task) {
	ks.mu.Lock()
	ks.published = n
	stopped := ks.stopped
	ks.mu.Unlock()
	if len(ts) == 0 {
		return
	}
	if stopped != nil {
		for _, t := range ts {
			t.Cancel(stopped)
		}
	}
	ks.l.eng.StartTasks(ts)
}

// cancelOwn cancels the tasks the combinator made: those published now,
// and (through publish) those published later.
func (ks *kids[T]) cancelOwn(cause error) {
	ks.mu.Lock()
	ks.stopped = cause
	n := ks.published
	ks.mu.Unlock()
	for _, k := range ks.k[:n] {
		if k.t != nil {
			k.t.Cancel(cause)
		}
	}
}

// cancelAll cancels every child, the futures passed in included, as
// asyncio's gather does when it is cancelled itself.
func (ks *kids[T]) cancelAll(cause error) {
	ks.cancelOwn(cause)
	for _, k := range ks.k {
		if k.f != nil {
			k.f.Cancel(cause)
		}
	}
}

// stoppedBy reports the cause cancelOwn cancelled with, if it has.
func (ks *kids[T]) stoppedBy() error {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	return ks.stopped
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

// start turns a checked awaitable into a future: a Future as it is,
// anything else as a new task on l. It reports whether it made a task.
//
// The task's context keeps ctx's values but not its cancellation
// (context.WithoutCancel): ctx is usually the calling task's own, which is
// cancelled when that task ends, and a child must not see its context end
// while it still runs. Children are cancelled through their futures instead.
func start[T any](parent context.Context, l *Loop, a future.Awaitable[T]) (*future.Future[T], bool) {
	f, c := coroutineOf(future.Awaitable[T](a))
	if f != nil {
		return f, false
	}
	return createTask(parent, l, c), true
}

// coroutineOf returns a itself if it is a future, to be used as it is, and
// otherwise a coroutine that a task can run: a itself, or, for a type of
// the caller's that embeds a Future or a Coroutine (which makes it an
// Awaitable), one that awaits it.
func coroutineOf[T any](a future.Awaitable[T]) (*future.Future[T], future.Coroutine[T]) {
	switch a := a.(type) {
	case *future.Future[T]:
		return a, nil
	case future.Coroutine[T]:
		return nil, a
	}
	return nil, func(ctx context.Context) (T, error) { return future.Await(ctx, a) }
}

// executorOf returns l as a future.Executor, and nil for a nil l: a nil
// *Loop in the interface would not read as nil.
func executorOf(l *Loop) future.Executor {
	if l == nil {
		return nil
	}
	return l
}
