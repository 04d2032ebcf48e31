package loop

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
)

// Task states. A task moves scheduled -> running -> done. Await moves it
// running -> parking (claimed by Suspend: nobody else can park it) ->
// suspended (waiting for a wakeup) -> scheduled (woken) -> running. The
// slow path of Sleep(ctx, 0) moves it running -> yielding -> running, so
// that another task cannot park or yield it meanwhile (the single-thread
// fast path stays running: see Sleep). A new task is scheduled from the
// start: the zero state, which costs no store.
const (
	tsScheduled int32 = iota
	tsRunning
	tsParking
	tsSuspended
	tsDone
	tsYielding
)

// task is a coroutine being run by a loop: asyncio's Task. It is also the
// context.Context the coroutine body receives, and the future.Suspender that
// Await uses to park it.
type task struct {
	l    *Loop
	body runner
	slot *atomic.Pointer[task] // its place in l.reg; cleared as it finishes

	state atomic.Int32
	// cancelPending is set while a cancellation waits to be delivered at the
	// next suspension point: the lock-free copy of ext.cause != nil.
	cancelPending atomic.Bool

	// Single-thread engine: the runtime coroutine the body runs on, which
	// also holds what a park waits for. It is touched only by the loop
	// goroutine and by the task's coroutine, which run in lockstep on the
	// loop's thread, and nil on the pool.
	co *coro
	// Pool engine: a wake token for the parked body.
	wakeCh chan struct{}

	// wakeFn wakes the parked task; made by the body's first Suspend, so
	// that a task that never waits does not pay for it.
	wakeFn func()

	mu sync.Mutex // protects the fields below
	// waitingOn is the future the task is suspended on, so that Cancel can
	// cancel it (asyncio's _fut_waiter).
	waitingOn future.Waitable
	// ext is the state of a task that has been cancelled, has made its
	// context or runs under WithDebug; nil for the many that do none of
	// these. Every field a task can do without lives elsewhere (here, on
	// the coroutine, or in the Gather that made it): a trivial task and
	// its future fit in 240 bytes, and a Gather's task in 112. It is
	// written under mu, but read without it by finish (see there).
	ext atomic.Pointer[taskExt]
}

// taskExt is what a task needs once it is cancelled or asked for its
// context, or runs under WithDebug. Its fields are protected by the task's
// mu, except stepStart.
type taskExt struct {
	// cause is the undelivered cancellation.
	cause error
	// cancelled records that cancellation was requested, for ctx made later.
	cancelled error
	// ctx is made on first use of Done, Err or Value: a real cancelCtx,
	// so that context.Cause sees the task's cancellation cause; cancel
	// cancels it.
	ctx    context.Context
	cancel context.CancelCauseFunc

	// stepStart is when the body last started or resumed (see monotonic),
	// for WithDebug's slow-step report: a debug-only field, kept out of
	// every task. Written and read only by the body's own goroutine.
	stepStart time.Duration
}

// extLocked returns t.ext, making it if need be. The caller holds t.mu.
func (t *task) extLocked() *taskExt {
	x := t.ext.Load()
	if x == nil {
		x = new(taskExt)
		t.ext.Store(x)
	}
	return x
}

// runner is the typed half of a task.
type runner interface {
	// run calls the coroutine body with ctx and completes the future.
	run(ctx context.Context)
	// fail completes the future with err without running the body.
	fail(err error)
	// parentCtx is the context the task's own is rooted at. It is kept
	// in the typed half, so that a Gather's children share their
	// Gather's instead of holding 16 bytes of it each.
	parentCtx() context.Context
}

type typedTask[T any] struct {
	task
	parent context.Context
	c      future.Coroutine[T]
	p      future.Promise[T] // completes f
	f      future.Future[T]  // the task's future, in the same allocation
}

func (t *typedTask[T]) run(ctx context.Context) {
	v, err := t.c(ctx)
	if err != nil {
		t.watch()
	}
	_ = t.p.Complete(v, err) // only this task completes p
}

func (t *typedTask[T]) fail(err error) {
	t.watch()
	_ = t.p.Complete(*new(T), err)
}

func (t *typedTask[T]) parentCtx() context.Context { return t.parent }

// watch has the exception handler told if the task's error is never read
// (asyncio's "Task exception was never retrieved").
func (t *typedTask[T]) watch() {
	future.WatchUnretrieved(t.p.Future(), t.l.reportUnretrieved)
}

// CreateTask schedules c to run on l as a task, concurrently with the
// caller, and returns the task's future (asyncio's create_task). The task
// starts on the loop's next iteration while the loop runs. Cancelling the
// future cancels the task: the coroutine sees the cancellation at the Await
// it is suspended in, as in asyncio.
//
// CreateTask never returns nil. A nil c, or a closed loop, gives a future
// already failed with an error matching future.ErrNil or ErrClosed.
//
// The task's context is rooted at context.Background; see RunUntilComplete
// for a task that inherits a caller's context.
func CreateTask[T any](l *Loop, c future.Coroutine[T]) *future.Future[T] {
	return createTask(context.Background(), l, c)
}

func createTask[T any](parent context.Context, l *Loop, c future.Coroutine[T]) *future.Future[T] {
	f, t := newTask(parent, l, c)
	if t != nil {
		l.eng.start(t)
	}
	return f
}

// newTask is createTask without the start: it returns the task to queue,
// or nil if the future is already failed.
func newTask[T any](parent context.Context, l *Loop, c future.Coroutine[T]) (*future.Future[T], *task) {
	switch {
	case c == nil:
		return failed[T](l, fmt.Errorf("%w: CreateTask: nil coroutine", future.ErrNil)), nil
	case l.closedForUsers():
		return failed[T](l, closedErr("CreateTask")), nil
	}
	tt := &typedTask[T]{c: c}
	t := &tt.task
	t.l, t.body, tt.parent = l, tt, parent
	tt.p = future.InitPromise(&tt.f, l, t)
	if !l.addTask(t) {
		_ = tt.p.Reject(closedErr("CreateTask"))
		return &tt.f, nil
	}
	return &tt.f, t
}

// startBatch queues the tasks a combinator makes in batches: on the pool,
// one lock round trip per batch instead of one per task (measured: the
// inbox's lock was a sixth of a pool Gather's time). Tasks start in the
// order added; none waits longer than until the batch fills or Flush.
type startBatch struct {
	l  *Loop
	ts []*task
}

// startBatchLen bounds a batch: a worker may start on the first tasks of a
// long Gather while its caller is still making the rest.
const startBatchLen = 64

func (b *startBatch) add(t *task) {
	if t == nil {
		return
	}
	if b.ts == nil {
		b.ts = make([]*task, 0, startBatchLen)
	}
	b.ts = append(b.ts, t)
	if len(b.ts) == startBatchLen {
		b.flush()
	}
}

// flush queues the tasks added since the last flush.
func (b *startBatch) flush() {
	if len(b.ts) > 0 {
		b.l.eng.startTasks(b.ts)
		clear(b.ts)
		b.ts = b.ts[:0]
	}
}

// start runs the body from the beginning on the calling goroutine, recording
// panics and Goexit as the task's result. It is the body of the task's
// coroutine (single-thread engine) or runs on a worker (pool engine).
func (t *task) start() {
	t.stepBegins()
	normal := false
	defer func() {
		t.stepEnds()
		if normal {
			return
		}
		// A panic in a park leaves waitingOn set, which Suspend would
		// have cleared and finish's fast path does not.
		t.mu.Lock()
		t.waitingOn = nil
		t.mu.Unlock()
		if r := recover(); r != nil {
			t.body.fail(future.NewPanicError(r))
			t.finish()
			return
		}
		// runtime.Goexit: it cannot be stopped, only reported. The engine
		// decides what happens to the goroutine.
		t.body.fail(future.ErrGoexit)
		t.finish()
		t.l.eng.goexit(t)
	}()
	if err := t.takeCancel(); err != nil {
		// Cancelled before it started: the body never runs (asyncio).
		t.body.fail(err)
	} else {
		t.body.run(t)
	}
	normal = true
	t.finish()
}

// finish marks the task done and releases what it holds.
func (t *task) finish() {
	t.state.Store(tsDone)
	// Most tasks are never cancelled and never asked for their context:
	// they have no ext and finish without the lock. (Taking it cost a pool
	// Gather 7% of its time: ten interleaved runs, 414 against 386 ns a
	// task.) The state is stored before ext is loaded here, and ext is
	// stored before the state is loaded in context, so one of the two
	// sees the other: a context made after this load finds the task done
	// and cancels itself. A Cancel that loaded the state before this
	// store may still make ext afterwards; it then records a cancellation
	// that nothing delivers and that a context made later reports, as if
	// it had come just before the end. waitingOn needs no clearing here:
	// Suspend clears it as the park returns, and start after a panic.
	if t.ext.Load() == nil {
		t.l.removeTask(t)
		return
	}
	t.mu.Lock()
	t.waitingOn = nil
	x := t.ext.Load()
	x.cause = nil
	cancel := x.cancel
	if x.cancelled == nil {
		x.cancelled = context.Canceled
	}
	t.mu.Unlock()
	if cancel != nil {
		cancel(context.Canceled)
	}
	t.l.removeTask(t)
}

// wake makes a parked task runnable. Spurious and repeated wakes are
// harmless: the parked body re-checks what it waits for.
func (t *task) wake() { t.l.eng.wake(t) }

// Cancel is the task future's cancel hook (a future.Canceller): it
// requests cancellation, delivered at the task's current or next
// suspension point.
func (t *task) Cancel(cause error) bool {
	if t.state.Load() == tsDone {
		return false
	}
	err := future.Cancelled(cause)
	t.mu.Lock()
	if t.state.Load() == tsDone {
		t.mu.Unlock()
		return false
	}
	w := t.waitingOn
	x := t.extLocked()
	if w == nil {
		x.cause = err
		t.cancelPending.Store(true)
	}
	if x.cancelled == nil {
		x.cancelled = err
	}
	cancelCtx := x.cancel
	t.mu.Unlock()
	if cancelCtx != nil {
		cancelCtx(causeOf(err))
	}
	// Cancel what the task waits on; that wakes it with a cancelled result.
	// If that future will not be cancelled, deliver at the task instead.
	if w != nil && !w.Cancel(causeOf(err)) {
		t.mu.Lock()
		x.cause = err
		t.cancelPending.Store(true)
		t.mu.Unlock()
	}
	t.wake()
	return true
}

// takeCancel returns, and clears, a cancellation waiting to be delivered.
func (t *task) takeCancel() error {
	if !t.cancelPending.Load() {
		return nil
	}
	return t.takeCancelLocked()
}

// takeCancelLocked is takeCancel's slow path, apart so that the fast one
// inlines.
func (t *task) takeCancelLocked() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cancelPending.Store(false)
	x := t.ext.Load() // made by the Cancel that set cancelPending
	if x == nil {
		return nil
	}
	err := x.cause
	x.cause = nil
	return err
}

// Suspend implements future.Suspender: Await calls it with a pending future.
//
// The compare-and-swap from running to parking claims the task: of two
// goroutines that call Suspend with the same task's context, at most one
// parks it, and the other gets ErrWrongGoroutine. The tempting version
// that only loads the state lets both through; on the pool engine both
// then give up the same worker permit.
//
// In debug mode, the single-thread engine also checks the thread: a
// goroutine other than the body would otherwise switch the body's runtime
// coroutine, which aborts the process.
func (t *task) Suspend(ctx context.Context, w future.Waitable) error {
	if t.l.cfg.debug && !t.l.eng.onLoopThread() {
		return fmt.Errorf("%w: Await with the context of a task, outside the loop's thread", future.ErrWrongGoroutine)
	}
	if !t.state.CompareAndSwap(tsRunning, tsParking) {
		return fmt.Errorf("%w: Await with the context of a task that is not running here", future.ErrWrongGoroutine)
	}
	for {
		if err := t.mustStop(ctx, w); err != nil || w.IsDone() {
			t.state.Store(tsRunning)
			return err
		}
		t.mu.Lock()
		if t.cancelPending.Load() { // set under mu with ext.cause
			t.mu.Unlock()
			continue // a cancellation arrived; deliver it
		}
		t.waitingOn = w
		t.mu.Unlock()

		if t.wakeFn == nil {
			t.wakeFn = t.wake
		}
		t.stepEnds()
		t.l.eng.park(t, ctx, w) // returns with the task running again
		t.stepBegins()

		t.mu.Lock()
		t.waitingOn = nil
		t.mu.Unlock()
		t.state.Store(tsParking)
	}
}

// mustStop returns the error that ends a Suspend before, or instead of,
// parking: a delivered cancellation, a closing loop, or ctx ending.
func (t *task) mustStop(ctx context.Context, w future.Waitable) error {
	if err := t.takeCancel(); err != nil {
		return err
	}
	if t.l.state.Load() >= stateClosing && !w.IsDone() {
		return future.Cancelled(closedErr("Await"))
	}
	if ctx != context.Context(t) && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return nil
}

// yieldSlow is Sleep(ctx, 0) on the pool engine, for a task that is not
// running, with a cancellation to deliver, and in debug mode; Sleep has
// the single-thread fast path.
func (t *task) yieldSlow() error {
	if t.l.cfg.debug && !t.l.eng.onLoopThread() {
		return fmt.Errorf("%w: Sleep with the context of a task, outside the loop's thread", future.ErrWrongGoroutine)
	}
	// Claimed as Suspend claims a park: a Sleep or Await with this task's
	// context from another task is refused until the yield is over.
	if !t.state.CompareAndSwap(tsRunning, tsYielding) {
		return fmt.Errorf("%w: Sleep on a task that is not running here", future.ErrWrongGoroutine)
	}
	if err := t.takeCancel(); err != nil {
		t.state.Store(tsRunning)
		return err
	}
	t.stepEnds()
	t.l.eng.yield(t)
	t.stepBegins()
	t.state.Store(tsRunning)
	return t.takeCancel()
}

// stepBegins and stepEnds bracket a step of the body for WithDebug's
// slow-step report.
func (t *task) stepBegins() {
	if t.l.cfg.debug {
		t.debugExt().stepStart = monotonic()
	}
}

func (t *task) stepEnds() {
	if t.l.cfg.debug {
		t.l.checkSlow(true, monotonic()-t.debugExt().stepStart)
	}
}

// debugExt returns t.ext, making it if need be: under the lock only the
// first time, since ext, once made, stays.
func (t *task) debugExt() *taskExt {
	if x := t.ext.Load(); x != nil {
		return x
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.extLocked()
}

// The context.Context methods. The task's context is rooted at its parent
// (context.Background for CreateTask) and is cancelled when the task is
// cancelled, with the cancellation as its cause, and when the task ends.

// Deadline returns the parent's deadline.
func (t *task) Deadline() (time.Time, bool) { return t.body.parentCtx().Deadline() }

// Done returns a channel closed when the task is cancelled or ends.
func (t *task) Done() <-chan struct{} { return t.context().Done() }

// Err returns context.Canceled once the task is cancelled or has ended.
func (t *task) Err() error { return t.context().Err() }

// Value returns the task itself for future.SuspenderKey, and otherwise what
// the parent context holds.
func (t *task) Value(key any) any {
	if _, ok := key.(future.SuspenderKey); ok {
		return t
	}
	return t.context().Value(key)
}

func (t *task) String() string { return "loop.task" }

// context returns the task's cancelCtx, making it on first use.
func (t *task) context() context.Context {
	t.mu.Lock()
	defer t.mu.Unlock()
	x := t.extLocked()
	if x.ctx == nil {
		x.ctx, x.cancel = context.WithCancelCause(t.body.parentCtx())
		switch {
		case x.cancelled != nil:
			x.cancel(causeOf(x.cancelled))
		case t.state.Load() == tsDone:
			// Done before anything was recorded (see finish).
			x.cancel(context.Canceled)
		}
	}
	return x.ctx
}

// causeOf strips the future's cancellation wrapper, leaving the cause the
// canceller gave.
func causeOf(err error) error {
	if u := errors.Unwrap(err); u != nil {
		return u
	}
	return err
}

var _ future.Suspender = (*task)(nil)
