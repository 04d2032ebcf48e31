package loop

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
)

// Loop states.
const (
	stateIdle int32 = iota
	stateRunning
	stateClosing
	stateClosed
)

// Loop is an asyncio-style event loop: it runs callbacks and coroutines
// (as tasks) while RunUntilComplete runs. Make one with NewSingleThread or
// NewPool; the engine is fixed for the loop's life, and coroutine code runs
// unchanged on either.
//
// A Loop is safe for concurrent use except where a method says otherwise
// (CallSoon). It must not be copied. Close it when done: Close cancels the
// tasks still pending, lets them unwind, and stops the loop's goroutines.
type Loop struct {
	cfg     config
	eng     engine
	state   atomic.Int32
	cancels cancels
	clock   clock
	timers  timers

	// jobs counts executor jobs in flight: work outside the loop that will
	// come back to it, so virtual time must not jump past it.
	jobs atomic.Int64
	exec executor

	closeMu sync.Mutex // serializes Close

	reg registry // live tasks, for Close
}

// newLoop makes the engine-independent part of a loop.
func newLoop(opts []Option) *Loop {
	l := &Loop{cfg: newConfig(opts)}
	l.clock.epoch = time.Now()
	l.clock.virtual = l.cfg.virtual
	return l
}

// engine is what the two loop engines implement.
type engine interface {
	// callSoon queues fn from code running on the loop (or any goroutine
	// while the loop is idle).
	callSoon(fn func()) (uint64, error)
	// post queues fn from any goroutine.
	post(fn func()) uint64
	// run dispatches until stop is set; wakeup nudges it to look.
	run(stop *atomic.Bool) error
	wakeup()
	// stop, called on the loop, ends the run once the callbacks posted so
	// far have run, as asyncio's stop ends its iteration.
	stop(stop *atomic.Bool)
	// start queues a new task, from any goroutine, and startTasks several,
	// in order; step runs a scheduled task; park, yield and wake suspend
	// and resume it; goexit handles a body that called runtime.Goexit.
	start(t *task)
	startTasks(ts []*task)
	step(t *task)
	park(t *task, ctx context.Context, w future.Waitable)
	yield(t *task)
	wake(t *task)
	goexit(t *task)
	// shutdown stops the engine's goroutines for good.
	shutdown()
	// onLoopThread reports whether the caller runs on the loop's own
	// thread, for the single-thread engine in debug mode (a system call);
	// the pool has none and reports true.
	onLoopThread() bool
}

// Submit schedules fn to run on the loop, from any goroutine. It
// implements future.Executor: futures that belong to l run their callbacks
// through it. Unlike CallSoonThreadsafe it still accepts work while Close
// lets pending tasks unwind.
func (l *Loop) Submit(fn func()) error {
	if fn == nil {
		return fmt.Errorf("%w: Submit: nil function", future.ErrNil)
	}
	if l.state.Load() == stateClosed {
		return closedErr("Submit")
	}
	l.eng.post(fn)
	return nil
}

// CallSoon schedules fn to run on the loop's next iteration, after the
// callbacks already scheduled (asyncio's call_soon). Callbacks run one at a
// time in FIFO order on a single-thread loop, and start in FIFO order on a
// pool loop.
//
// CallSoon is for code running on the loop (callbacks and coroutines), or
// for any goroutine while the loop is not running. From other goroutines
// while the loop runs, use CallSoonThreadsafe: on a single-thread loop
// CallSoon skips synchronization, which is what makes it cheap. WithDebug
// makes the single-thread loop check this and return ErrWrongThread.
//
// A panic in fn is recovered and passed to the exception handler as a
// *future.PanicError; the loop goes on. A nil fn returns an error matching
// future.ErrNil; a closed loop returns ErrClosed.
func (l *Loop) CallSoon(fn func()) (Handle, error) {
	if fn == nil {
		return Handle{}, fmt.Errorf("%w: CallSoon: nil function", future.ErrNil)
	}
	if l.cfg.debug {
		fn = l.timed(fn)
	}
	id, err := l.eng.callSoon(fn)
	if err != nil {
		return Handle{}, err
	}
	return Handle{c: &l.cancels, id: id}, nil
}

// CallSoonThreadsafe is CallSoon for any goroutine (asyncio's
// call_soon_threadsafe): it posts fn to the loop's inbox, without a lock on
// the single-thread engine, and wakes the loop if it is idle.
func (l *Loop) CallSoonThreadsafe(fn func()) (Handle, error) {
	if fn == nil {
		return Handle{}, fmt.Errorf("%w: CallSoonThreadsafe: nil function", future.ErrNil)
	}
	if l.closedForUsers() {
		return Handle{}, closedErr("CallSoonThreadsafe")
	}
	if l.cfg.debug {
		fn = l.timed(fn)
	}
	return Handle{c: &l.cancels, id: l.eng.post(fn)}, nil
}

// timed wraps a callback to report it if it runs slowly (WithDebug).
func (l *Loop) timed(fn func()) func() {
	return func() {
		start := monotonic()
		defer func() { l.checkSlow(false, monotonic()-start) }()
		fn()
	}
}

// processStart is the origin of monotonic.
var processStart = time.Now()

// monotonic returns the time on the monotonic clock since the process
// started: a duration is a third of a time.Time's size, which matters in a
// task record.
func monotonic() time.Duration { return time.Since(processStart) }

// checkSlow reports a callback or task step that ran for d, if that is
// longer than the slow-callback duration.
func (l *Loop) checkSlow(task bool, d time.Duration) {
	if d > l.cfg.slow {
		l.report(&SlowCallbackError{Task: task, Duration: d})
	}
}

// IsRunning reports whether RunUntilComplete (or Close's final drain) is
// running the loop.
func (l *Loop) IsRunning() bool { return l.state.Load() == stateRunning }

// IsClosed reports whether Close has been called.
func (l *Loop) IsClosed() bool { return l.state.Load() >= stateClosing }

// Close cancels every pending task, runs the loop until they have all
// finished unwinding, and stops the loop's goroutines (its OS thread, for a
// single-thread loop). A cancelled task's Await returns a cancellation
// error whose cause matches ErrClosed, and any later Await in it returns the
// same at once, so no task can keep the loop from closing by waiting.
// Callbacks still queued when the last task ends are discarded, as asyncio's
// close does; timers that have not fired never will.
//
// Close is idempotent: later calls return nil. It returns ErrRunning, and
// does nothing, while the loop is running (including from a callback or
// coroutine on the loop itself). After Close, every call on l returns an
// error matching ErrClosed (CreateTask returns a future already failed with
// it).
func (l *Loop) Close() error {
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	if !l.state.CompareAndSwap(stateIdle, stateClosing) {
		if l.state.Load() >= stateClosing {
			return nil
		}
		return ErrRunning
	}

	stop := new(atomic.Bool)
	live := l.closing(stop)

	cause := closedErr("Close")
	for _, t := range live {
		t.Cancel(cause)
	}
	l.cancelJobs(cause)
	err := l.eng.run(stop)
	l.timers.reset()
	l.exec.wg.Wait() // jobs were cancelled; their goroutines must end
	l.state.Store(stateClosed)
	l.eng.shutdown()
	return err
}

// closedForUsers reports whether user-facing calls must fail: the loop is
// closing or closed.
func (l *Loop) closedForUsers() bool { return l.state.Load() >= stateClosing }

// report hands an error nobody else can receive to the exception handler.
func (l *Loop) report(err error) {
	defer func() {
		if r := recover(); r != nil {
			defaultHandler(fmt.Errorf("exception handler panicked: %v; handling: %w", r, err))
		}
	}()
	l.cfg.handler(err)
}

// reportUnretrieved is the WatchUnretrieved report of the loop's tasks.
func (l *Loop) reportUnretrieved(err error) {
	l.report(fmt.Errorf("%w: %w", ErrNeverRetrieved, err))
}

func closedErr(op string) error { return fmt.Errorf("loop: %s: %w", op, ErrClosed) }

// GetRunningLoop returns the loop running the coroutine whose context ctx
// is (or is derived from), as asyncio's get_running_loop does. Outside a
// coroutine it returns ErrNoRunningLoop.
func GetRunningLoop(ctx context.Context) (*Loop, error) {
	if t := taskOf(ctx); t != nil {
		return t.l, nil
	}
	return nil, ErrNoRunningLoop
}

func taskOf(ctx context.Context) *task {
	if t, ok := ctx.(*task); ok {
		return t
	}
	return taskFromValue(ctx)
}

// taskFromValue is taskOf for a context derived from a task's.
func taskFromValue(ctx context.Context) *task {
	if ctx == nil {
		return nil
	}
	t, _ := ctx.Value(future.SuspenderKey{}).(*task)
	return t
}

// Sleep suspends the calling coroutine for d (asyncio.sleep). A d of zero
// or less gives the other tasks and callbacks one turn and resumes on the
// loop's next iteration, as asyncio.sleep(0) does. Outside a coroutine it
// returns ErrNoRunningLoop. It returns the cancellation error if the task
// is cancelled while it sleeps.
//
// ctx must be the calling coroutine's own, as for Await. On the pool, a
// Sleep or Await with the context of another task that is waiting in a
// Sleep returns an error matching future.ErrWrongGoroutine; on the
// single-thread loop the runtime refuses it, and the caller fails with a
// *future.PanicError.
func Sleep(ctx context.Context, d time.Duration) error {
	t := taskOf(ctx)
	if t == nil {
		return ErrNoRunningLoop
	}
	if d > 0 {
		return t.sleep(ctx, d)
	}
	// The state first: once the body has returned, the loop clears t.co
	// without ordering that against other goroutines, so only a running
	// task's may be read.
	if t.state.Load() != tsRunning || t.cancelPending.Load() || t.l.cfg.debug {
		return t.yieldSlow()
	}
	c := t.co
	if c == nil { // the pool
		return t.yieldSlow()
	}
	// The single-thread fast path, written out here: every call active
	// across the coroutine switch costs a mispredicted return (see entry).
	c.yielding = true
	c.yield(struct{}{})
	return t.takeCancel()
}

// sleep is Sleep for d > 0.
func (t *task) sleep(ctx context.Context, d time.Duration) error {
	p := future.NewPromise[struct{}]()
	h, err := t.l.CallLater(d, func() { _ = p.Resolve(struct{}{}) })
	if err != nil {
		// The loop is closing: as Await would, report a cancellation.
		return future.Cancelled(err)
	}
	if _, err = future.Await(ctx, p.Future()); err != nil {
		h.Cancel()
	}
	return err
}
