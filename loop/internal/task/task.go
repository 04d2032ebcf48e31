package task

import (
	"context"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
)

// Task is a coroutine being run by a loop: asyncio's Task. It is also the
// context.Context the coroutine body receives, and the future.Suspender
// that Await uses to park it.
//
// A Task is embedded in its typed half (package loop), which calls Init
// before the task is shared. It must not be copied.
type Task struct {
	host *Host
	body Body
	id   uint64                // numbers the default name, Task-<id>
	slot *atomic.Pointer[Task] // its place in the host's registry; cleared as it finishes

	state state
	// cancelPending is set while a cancellation waits to be delivered at the
	// next suspension point: the lock-free copy of ext.cause != nil.
	cancelPending atomic.Bool
	// inCancel is set while Cancel passes a cancellation on to the future
	// the task waits on (see Cancel).
	inCancel atomic.Bool

	// co is the runtime coroutine the body runs on, which also holds what
	// a park waits for; nil until the first step and after the body ends.
	// Only the engine goroutine stepping the task and the task's own
	// coroutine, which run in lockstep, touch it; between steps the
	// task's queue orders it.
	co *Coro

	// wakeFn wakes the parked task; made by the body's first Suspend, so
	// that a task that never waits does not pay for it.
	wakeFn func()

	mu sync.Mutex // protects the fields below
	// waitingOn is the future the task is suspended on, so that Cancel can
	// cancel it (asyncio's _fut_waiter).
	waitingOn future.Waitable
	// ext is the state of a task that has been cancelled, has made its
	// context or runs under debug mode; nil for the many that do none of
	// these. Every field a task can do without lives elsewhere (here, on
	// the coroutine, or in the Gather that made it): a trivial task and
	// its future fit in 240 bytes, and a Gather's task in 112. It is
	// written under mu, but read without it by finish (see there).
	ext atomic.Pointer[taskExt]
}

// taskExt is what a task needs once it is cancelled or asked for its
// context, or runs in debug mode. Its fields are protected by the task's
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

	// name is the task's name if it was given one.
	name string

	// requests counts the cancellations requested and not withdrawn by
	// Uncancel: asyncio's cancelling(); last is the latest of them.
	requests int
	last     error

	// stepStart is when the body last started or resumed (see Monotonic),
	// for debug mode's slow-step report. Written and read only by the
	// body's own goroutine.
	stepStart time.Duration
}

// lastID numbers tasks across every loop of the process, as asyncio's
// default names do (Task-1, Task-2, ...).
var lastID atomic.Uint64

// Init makes t a new task of h with body b, scheduled to start. It is
// called once, before t is registered or queued.
func (t *Task) Init(h *Host, b Body) {
	t.host, t.body = h, b
	t.id = lastID.Add(1)
}

// SetName names t (asyncio's Task.set_name); "" restores the default.
func (t *Task) SetName(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if name == "" && t.ext.Load() == nil {
		return
	}
	t.extLocked().name = name
}

// Name returns t's name: the one given, or Task-<n> with n counting the
// tasks of the process, as asyncio's default.
func (t *Task) Name() string {
	if x := t.ext.Load(); x != nil {
		t.mu.Lock()
		name := x.name
		t.mu.Unlock()
		if name != "" {
			return name
		}
	}
	return "Task-" + strconv.FormatUint(t.id, 10)
}

// Finished reports whether t's body has ended.
func (t *Task) Finished() bool { return t.state.isDone() }

// Host returns the host t belongs to.
func (t *Task) Host() *Host { return t.host }

// Body returns the typed half of t.
func (t *Task) Body() Body { return t.body }

// IsRunning reports whether t's body is running (and not in the middle of
// a Suspend or a yield). Only a running task's coroutine may be read.
func (t *Task) IsRunning() bool { return t.state.isRunning() }

// extLocked returns t.ext, making it if need be. The caller holds t.mu.
func (t *Task) extLocked() *taskExt {
	x := t.ext.Load()
	if x == nil {
		x = new(taskExt)
		t.ext.Store(x)
	}
	return x
}

// start runs the body from the beginning on the calling goroutine (the
// task's coroutine), recording panics and runtime.Goexit as the task's
// result.
func (t *Task) start() {
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
			t.body.Fail(future.NewPanicError(r))
			t.finish()
			return
		}
		// runtime.Goexit: it cannot be stopped, only reported. The
		// coroutine stays parked for good (see Coro.goexit).
		t.body.Fail(future.ErrGoexit)
		t.finish()
		t.co.goexit()
	}()
	if err := t.takeCancel(); err != nil {
		// Cancelled before it started: the body never runs (asyncio).
		t.body.Fail(err)
	} else {
		t.body.Run(t)
	}
	normal = true
	t.finish()
}

// finish marks the task done and releases what it holds.
func (t *Task) finish() {
	t.state.finish()
	// Most tasks are never cancelled and never asked for their context:
	// they have no ext and finish without the lock. (Taking it cost a pool
	// Gather 7% of its time: 414 against 386 ns a task in ten interleaved
	// runs of BenchmarkGather/Loop/pool.) The state is stored before ext
	// is loaded here, and ext is stored before the state is loaded in
	// context, so one of the two sees the other: a context made after
	// this load finds the task done and cancels itself. A Cancel that
	// loaded the state before this store may still make ext afterwards;
	// it then records a cancellation that nothing delivers and that a
	// context made later reports, as if it had come just before the end.
	// waitingOn needs no clearing here: Suspend clears it as the park
	// returns, and start after a panic.
	if t.ext.Load() == nil {
		t.host.remove(t)
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
	t.host.remove(t)
}

// Wake makes a suspended task runnable: its engine claims it and queues
// its next step. Spurious and repeated wakes are harmless: a task that is
// not suspended is left alone, and a woken body looks again at what it
// waits for.
func (t *Task) Wake() { t.host.Engine.Wake(t) }

// ClaimWake is the engine's half of Wake: it moves a suspended t to
// scheduled and reports whether it did, in which case the caller queues
// t's next step.
func (t *Task) ClaimWake() bool { return t.state.claimWake() }

// Cancel is the task future's cancel hook (a future.Canceller): it
// requests cancellation, delivered at the task's current or next
// suspension point.
func (t *Task) Cancel(cause error) bool {
	if t.state.isDone() {
		return false
	}
	err := future.Cancelled(cause)
	t.mu.Lock()
	if t.state.isDone() {
		t.mu.Unlock()
		return false
	}
	w := t.waitingOn
	x := t.extLocked()
	if w != nil && !t.inCancel.CompareAndSwap(false, true) {
		// A Cancel of this task is already passing a cancellation to what
		// it waits on, and that came back round to here: tasks awaiting
		// each other in a cycle. Passing it on again would go round the
		// cycle for ever (it overflowed the stack); deliver it at the task
		// instead, which ends the cycle.
		w = nil
	}
	if w == nil {
		x.cause = err
		t.cancelPending.Store(true)
	}
	x.requests++
	x.last = err
	if x.cancelled == nil {
		x.cancelled = err
	}
	cancelCtx := x.cancel
	t.mu.Unlock()
	if cancelCtx != nil {
		cancelCtx(CauseOf(err))
	}
	// Cancel what the task waits on; that wakes it with a cancelled result.
	// If that future will not be cancelled, deliver at the task instead.
	if w != nil {
		accepted := w.Cancel(CauseOf(err))
		t.inCancel.Store(false)
		if !accepted {
			t.mu.Lock()
			x.cause = err
			t.cancelPending.Store(true)
			t.mu.Unlock()
		}
	}
	t.Wake()
	return true
}

// Cancelling returns the number of cancellations requested of t and not
// withdrawn by Uncancel (asyncio's Task.cancelling).
func (t *Task) Cancelling() int {
	if t.ext.Load() == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.ext.Load().requests
}

// Uncancel withdraws one cancellation request and returns how many remain
// (asyncio's Task.uncancel). When none remains, a cancellation not yet
// delivered is dropped, as in Python 3.13, and the task's context, which
// the cancellation had ended, is made anew: contexts the task derives
// from then on work again (one derived before stays cancelled).
func (t *Task) Uncancel() int {
	if t.ext.Load() == nil {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	x := t.ext.Load()
	if x.requests == 0 {
		return 0
	}
	x.requests--
	if x.requests > 0 || t.state.isDone() {
		return x.requests
	}
	x.cause = nil
	t.cancelPending.Store(false)
	x.cancelled = nil
	if x.ctx != nil && x.ctx.Err() != nil {
		x.ctx, x.cancel = context.WithCancelCause(t.body.Parent())
	}
	return 0
}

// LastCancel returns the cancellation most recently requested of t and
// not withdrawn, or nil.
func (t *Task) LastCancel() error {
	if t.ext.Load() == nil {
		return nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	x := t.ext.Load()
	if x.requests == 0 {
		return nil
	}
	return x.last
}

// CancelPending reports whether a cancellation waits to be delivered.
func (t *Task) CancelPending() bool { return t.cancelPending.Load() }

// TakeCancel returns, and clears, a cancellation waiting to be delivered.
func (t *Task) TakeCancel() error { return t.takeCancel() }

// takeCancel is TakeCancel, apart so that its fast path inlines.
func (t *Task) takeCancel() error {
	if !t.cancelPending.Load() {
		return nil
	}
	return t.takeCancelLocked()
}

// takeCancelLocked is takeCancel's slow path.
func (t *Task) takeCancelLocked() error {
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

// stepBegins and stepEnds bracket a step of the body for debug mode's
// slow-step report.
func (t *Task) stepBegins() {
	if t.host.Debug {
		t.debugExt().stepStart = Monotonic()
	}
}

func (t *Task) stepEnds() {
	if t.host.Debug {
		t.host.CheckSlow(t, Monotonic()-t.debugExt().stepStart)
	}
}

// debugExt returns t.ext, making it if need be: under the lock only the
// first time, since ext, once made, stays.
func (t *Task) debugExt() *taskExt {
	if x := t.ext.Load(); x != nil {
		return x
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.extLocked()
}
