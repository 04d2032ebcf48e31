package loop

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/driver"
	"github.com/goasyncio/asyncio/loop/internal/engine"
	"github.com/goasyncio/asyncio/loop/internal/task"
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
	cfg   config
	eng   engine.Engine
	state atomic.Int32
	host  task.Host     // what the loop's tasks share with it, its registry included
	sigs  signals       // AddSignalHandler's handlers
	drv   driver.Driver // the clock, the timers, where the engine parks

	// jobs counts executor jobs in flight: work outside the loop that will
	// come back to it, so virtual time must not jump past it.
	jobs atomic.Int64
	exec executor

	running   atomic.Pointer[atomic.Bool] // the stop flag of the run in progress, for Stop
	stopEarly atomic.Bool                 // Stop was called while no run was in progress

	closeMu   sync.Mutex   // serializes Close and Shutdown
	closeStop *atomic.Bool // set when the last task of a closing loop ends
	closeRun  chan error   // a closing run still going when a Shutdown gave up; under closeMu
}

// newLoop makes a loop whose engine make returns.
func newLoop(opts []Option, make engine.Maker) *Loop {
	l := &Loop{cfg: newConfig(opts)}
	l.drv.Init(time.Now(), l.cfg.virtual)
	l.host = task.Host{
		Owner:      l,
		Report:     l.report,
		Debug:      l.cfg.debug,
		Slow:       l.cfg.slow,
		ReportSlow: l.reportSlow,
	}
	l.eng = make(engine.Config{Host: &l.host, Driver: &l.drv, Jobs: &l.jobs, Workers: l.cfg.workers, PortableIO: l.cfg.portIO})
	l.host.Engine = l.eng
	return l
}

// loopOf returns the loop running t.
func loopOf(t *task.Task) *Loop { return t.Host().Owner.(*Loop) }

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
	l.eng.Submit(fn)
	return nil
}

// CallSoon schedules fn to run on the loop's next iteration, after the
// callbacks already scheduled (asyncio's call_soon). Callbacks run one at a
// time in FIFO order on a single-thread loop and on a pool of one worker.
// On a pool of several, each worker starts what it takes in FIFO order, and
// workers take from the front of the queue, but callbacks on different
// workers run in parallel, and so may start out of order.
//
// CallSoon is for code running on the loop (callbacks and coroutines), or
// for any goroutine while the loop is not running. From other goroutines
// while the loop runs, use CallSoonThreadsafe: on a single-thread loop and
// on a pool of one worker, CallSoon skips synchronization, which is what
// makes it cheap. WithDebug makes the single-thread loop check this and
// return ErrWrongThread.
//
// A panic in fn is recovered and passed to the exception handler as a
// *future.PanicError; the loop goes on. A nil fn returns an error matching
// future.ErrNil; a closed loop returns ErrClosed.
func (l *Loop) CallSoon(fn func()) (Handle, error) {
	if fn == nil {
		return Handle{}, fmt.Errorf("%w: CallSoon: nil function", future.ErrNil)
	}
	switch l.state.Load() {
	case stateRunning:
		if l.cfg.debug {
			if !l.eng.OnLoopThread() {
				return Handle{}, ErrWrongThread
			}
			fn = l.timed(fn)
		}
		return Handle{l.eng.CallSoon(fn)}, nil
	case stateIdle:
		// Nothing runs on the loop: any goroutine may queue.
		if l.cfg.debug {
			fn = l.timed(fn)
		}
		return Handle{l.eng.CallSoonThreadsafe(fn)}, nil
	}
	return Handle{}, closedErr("CallSoon")
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
	return Handle{l.eng.CallSoonThreadsafe(fn)}, nil
}

// timed wraps a callback to report it if it runs slowly (WithDebug).
func (l *Loop) timed(fn func()) func() {
	return func() {
		start := task.Monotonic()
		defer func() { l.host.CheckSlow(nil, task.Monotonic()-start) }()
		fn()
	}
}

// reportSlow reports a callback (t nil) or a step of task t that ran for d.
func (l *Loop) reportSlow(t *task.Task, d time.Duration) {
	e := &SlowCallbackError{Task: t != nil, Duration: d}
	if t != nil {
		e.Name = t.Name()
	}
	l.report(e)
}

// IsRunning reports whether RunUntilComplete (or Close's final drain) is
// running the loop.
func (l *Loop) IsRunning() bool { return l.state.Load() == stateRunning }

// IsClosed reports whether Close has been called.
func (l *Loop) IsClosed() bool { return l.state.Load() >= stateClosing }

// Close shuts the loop down with no time limit: Shutdown with
// context.Background(). It waits for exactly two things, after cancelling
// them: every task still pending to finish unwinding (the loop runs them
// until they return), and every executor job queued or running
// (RunInExecutor, ToThread) to return. A cancelled task's Await returns a
// cancellation error whose cause matches ErrClosed, and any later Await in
// it returns the same at once, so no task can keep the loop from closing
// by waiting on the loop; a task body or job blocked outside the loop (a
// read that ignores its context, say) keeps Close waiting with it. Use
// Shutdown with a deadline to bound the wait and learn what still runs.
// Once the tasks have unwound, Close closes the servers and streams of
// loop/streams (and signal handlers) still open on the loop, so that
// their goroutines end.
// Close does not wait for goroutines the program started itself.
// Callbacks still queued when the last task ends are discarded, as
// asyncio's close does; timers that have not fired never will.
//
// Once the loop has closed, later calls return nil. Close returns
// ErrRunning, and does nothing, while the loop is running (including from
// a callback or coroutine on the loop itself). After Close, every call on l
// returns an error matching ErrClosed (CreateTask returns a future already
// failed with it).
func (l *Loop) Close() error { return l.Shutdown(context.Background()) }

// Shutdown is Close with a limit: it does what Close does, but if ctx ends
// first it returns a *StillRunningError naming the tasks and counting the
// executor jobs still running, wrapping ctx's error. The loop then stays
// closing (no new task or job is accepted) and keeps its goroutines; a
// later Shutdown or Close goes on waiting where this one stopped, and must
// be called to release them.
func (l *Loop) Shutdown(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%w: Shutdown: nil context", future.ErrNil)
	}
	l.closeMu.Lock()
	defer l.closeMu.Unlock()
	switch {
	case l.state.CompareAndSwap(stateIdle, stateClosing):
		l.closeStop = new(atomic.Bool)
		live := l.host.Close(l.closeStop, l.eng.Unpark)
		cause := closedErr("Close")
		for _, t := range live {
			t.Cancel(cause)
		}
		l.cancelJobs(cause)
	case l.state.Load() == stateClosed:
		return nil
	case l.state.Load() == stateRunning:
		return ErrRunning
	}
	// Closing: a first call, or one after an earlier call's ctx ended.
	err := l.runUntilUnwound(ctx)
	if _, still := err.(*StillRunningError); still {
		return err
	}
	// The servers and streams the tasks left open: their goroutines end.
	l.host.CloseResources()
	if n := l.exec.waitJobs(ctx); n > 0 {
		return &StillRunningError{Jobs: n, Err: ctx.Err()}
	}
	l.drv.Reset()
	l.state.Store(stateClosed)
	l.eng.Shutdown()
	return err // the engine's, from the last run
}

// runUntilUnwound runs the closing loop until its last task has finished,
// or ctx ends (a *StillRunningError then). The run goes on in the
// background after ctx ends, since a task body may be blocked where the
// loop cannot stop it; the next call picks it up.
func (l *Loop) runUntilUnwound(ctx context.Context) error {
	if l.closeRun == nil {
		if l.host.AllFinished() {
			return nil
		}
		run := make(chan error, 1)
		go func() { run <- l.eng.Run(l.closeStop) }()
		l.closeRun = run
	}
	select {
	case err := <-l.closeRun:
		l.closeRun = nil
		return err
	case <-ctx.Done():
		e := &StillRunningError{Err: ctx.Err(), Jobs: int(l.jobs.Load())}
		for _, t := range l.host.Live() {
			e.Tasks = append(e.Tasks, t.Name())
		}
		slices.Sort(e.Tasks)
		return e
	}
}

// closedForUsers reports whether user-facing calls must fail: the loop is
// closing or closed.
func (l *Loop) closedForUsers() bool { return l.state.Load() >= stateClosing }

// report hands an error nobody else can receive to the exception handler.
func (l *Loop) report(err error) {
	defer func() {
		if r := recover(); r != nil {
			// The handler's panic keeps its stack, as every panic in user
			// code does.
			lastResort(fmt.Errorf("loop: exception handler panicked: %w; handling: %w", future.NewPanicError(r), err))
		}
	}()
	l.cfg.handler(err)
}

// CallExceptionHandler passes err to the loop's exception handler (see
// WithExceptionHandler), as asyncio's loop.call_exception_handler does: for
// an error that code running on the loop cannot hand to anyone who waits,
// such as a failure of a server's accept. A nil err is ignored. Safe from
// any goroutine; the handler runs on the caller's goroutine, and a panic
// in it is reported with its stack, never raised.
func (l *Loop) CallExceptionHandler(err error) {
	if err != nil {
		l.report(err)
	}
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
	if t := task.Of(ctx); t != nil {
		return loopOf(t), nil
	}
	return nil, ErrNoRunningLoop
}

// Sleep suspends the calling coroutine for d (asyncio.sleep). A d of zero
// or less gives the other tasks and callbacks one turn and resumes on the
// loop's next iteration, as asyncio.sleep(0) does; under a context derived
// from the task's it still reports that context's end, before and after
// the turn (future.ContextErr). Outside a coroutine it returns
// ErrNoRunningLoop. It returns the cancellation error if the task is
// cancelled while it sleeps.
//
// ctx is the calling coroutine's own, as for Await. A goroutine the body
// started, handed the context, sleeps like plain Go code (d <= 0 yields
// the processor) and leaves the task alone. Another task's body sleeping
// with the context of a task that is waiting in a Sleep gets an error
// matching future.ErrWrongGoroutine.
func Sleep(ctx context.Context, d time.Duration) error {
	t := task.Of(ctx)
	if t == nil {
		return ErrNoRunningLoop
	}
	if d > 0 {
		return sleep(ctx, t, d)
	}
	if ctx != context.Context(t) {
		return t.YieldCtx(ctx) // checks ctx before and after the turn
	}
	if yield := t.ClaimYield(); yield != nil {
		yield(struct{}{}) // here, not in Yield: see task.ClaimYield
		return t.TakeCancel()
	}
	return t.Yield()
}

// sleep is Sleep for d > 0.
func sleep(ctx context.Context, t *task.Task, d time.Duration) error {
	p := future.NewPromise[struct{}]()
	h, err := loopOf(t).CallLater(d, func() { _ = p.Resolve(struct{}{}) })
	if err != nil {
		// The loop is closing: as Await would, report a cancellation.
		return future.Cancelled(err)
	}
	if _, err = future.Await(ctx, p.Future()); err != nil {
		h.Cancel()
	}
	return err
}
