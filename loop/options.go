package loop

import (
	"fmt"
	"os"
	"runtime"
	"time"
)

// Option configures a loop at construction. Options are made by the With
// functions of this package; other packages cannot define their own.
type Option interface {
	apply(*config)
}

type config struct {
	workers int
	debug   bool
	virtual bool
	eager   bool // WithEagerTaskFactory
	portIO  bool // WithPortableIO
	handler func(error)

	executorWorkers int
	slow            time.Duration // debug: report steps longer than this
}

func newConfig(opts []Option) config {
	c := config{
		workers:         runtime.GOMAXPROCS(0),
		handler:         defaultHandler,
		executorWorkers: min(32, runtime.GOMAXPROCS(0)+4), // asyncio's default pool size
		slow:            100 * time.Millisecond,           // asyncio's slow_callback_duration
	}
	for _, o := range opts {
		if o != nil {
			o.apply(&c)
		}
	}
	return c
}

type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithWorkers sets how many coroutines and callbacks a pool loop runs in
// parallel. The default is runtime.GOMAXPROCS(0); values below 1 mean 1.
// Coroutines suspended in Await do not count against it. It has no effect on
// a single-thread loop.
func WithWorkers(n int) Option {
	return optionFunc(func(c *config) { c.workers = max(n, 1) })
}

// WithExecutorWorkers sets how many RunInExecutor and ToThread jobs run at
// once; the rest wait for a slot. The default is min(32, GOMAXPROCS+4),
// the size asyncio gives its default thread pool. Values below 1 mean 1.
// Affects both engines.
func WithExecutorWorkers(n int) Option {
	return optionFunc(func(c *config) { c.executorWorkers = max(n, 1) })
}

// WithDebug turns on asyncio-style debug checks, for development:
//   - on a single-thread loop, CallSoon called from another thread while
//     the loop runs returns ErrWrongThread instead of racing, and Await or
//     Sleep with a task's context from the body of a task on another
//     thread (another loop's) returns future.ErrWrongGoroutine instead of
//     aborting (a system call per CallSoon, and per suspension); a plain
//     goroutine with a task's context blocks like plain Go code, debug or
//     not;
//   - a CallSoon or CallSoonThreadsafe callback, or a task step, that runs
//     longer than the slow-callback duration (WithSlowCallbackDuration,
//     default 100 ms as in asyncio) is reported to the exception handler as
//     a *SlowCallbackError (two clock reads per callback and step).
//
// asyncio's debug mode also warns about coroutines that were never
// awaited. A future.Coroutine is a plain func value that leaves nothing to
// find at run time, so that check is static instead: run
// go run github.com/goasyncio/asyncio/future/cmd/neverawaited ./...
//
// Off by default; affects both engines.
func WithDebug() Option {
	return optionFunc(func(c *config) { c.debug = true })
}

// WithSlowCallbackDuration sets how long a callback or task step may run
// before a loop made WithDebug reports it (asyncio's
// slow_callback_duration). The default is 100 ms; values of zero or less
// keep it. Affects both engines, in debug mode only.
func WithSlowCallbackDuration(d time.Duration) Option {
	return optionFunc(func(c *config) {
		if d > 0 {
			c.slow = d
		}
	})
}

// WithEagerTaskFactory makes every task of the loop start eagerly, as if
// made with EagerStart (asyncio's loop.set_task_factory with
// eager_task_factory, Python 3.12): a task made while the loop runs, from
// one of its coroutines or callbacks, runs its body at once until its
// first suspension, and one that never suspends is done when CreateTask
// returns. A task made while the loop is not running starts as usual, as
// in asyncio.
//
// On the single-thread loop the loop tells its own callers by their
// thread. A pool cannot tell which of its parallel workers runs the
// caller (Go has no goroutine identity), so there the option has no
// effect: pass EagerStart(ctx) instead, which names the caller. A
// deliberate difference from asyncio, listed in compat/MIGRATING.md.
func WithEagerTaskFactory() Option {
	return optionFunc(func(c *config) { c.eager = true })
}

// WithPortableIO serves the loop's streams (loop/streams) with goroutines
// on Go's netpoller, the path every OS has, even where the single-thread
// loop would use its own poller (epoll on Linux), which reads and writes
// its sockets on the loop's thread. For comparing the two, and for tests
// of the portable path; a pool always uses goroutines.
func WithPortableIO() Option {
	return optionFunc(func(c *config) { c.portIO = true })
}

// WithExceptionHandler sets the function that receives errors nobody else
// can: a panic in a callback (as a *future.PanicError), a callback that
// called runtime.Goexit. The default writes them to standard error. The
// handler runs on the loop; it should be quick. Affects both engines.
func WithExceptionHandler(h func(error)) Option {
	return optionFunc(func(c *config) {
		if h != nil {
			c.handler = h
		}
	})
}

// WithVirtualTime gives the loop a virtual clock for tests, like Trio's
// autojump clock or tokio's paused time. The clock starts at the time the
// loop is made and stands still while anything on the loop can run; when
// nothing can (no callback ready, every task waiting, no RunInExecutor job
// in flight), it jumps to the next timer's deadline and fires it. A test
// of a ten-minute Sleep then takes microseconds, and timer order is
// deterministic.
//
// Only the loop's own work counts: a goroutine outside the loop that will
// complete a future later does not hold the clock back, so a task waiting
// on one may see timers fire first. Use RunInExecutor for such work, or
// run the loop inside a testing/synctest bubble, whose fake clock the
// default clock follows. Affects both engines.
func WithVirtualTime() Option {
	return optionFunc(func(c *config) { c.virtual = true })
}

func defaultHandler(err error) {
	fmt.Fprintf(os.Stderr, "loop: unhandled error: %v\n", err)
}

// lastResort reports what an exception handler that panicked was
// handling; a variable so that a test can see it.
var lastResort = defaultHandler
