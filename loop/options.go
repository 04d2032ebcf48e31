package loop

import (
	"fmt"
	"os"
	"runtime"
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
	handler func(error)

	executorWorkers int
}

func newConfig(opts []Option) config {
	c := config{
		workers:         runtime.GOMAXPROCS(0),
		handler:         defaultHandler,
		executorWorkers: min(32, runtime.GOMAXPROCS(0)+4), // asyncio's default pool size
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

// WithDebug turns on asyncio-style debug checks: on a single-thread loop,
// CallSoon called from another thread while the loop runs returns
// ErrWrongThread instead of racing. It costs a system call per CallSoon.
// Off by default; affects both engines.
func WithDebug() Option {
	return optionFunc(func(c *config) { c.debug = true })
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
