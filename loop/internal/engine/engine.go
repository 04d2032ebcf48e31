package engine

import (
	"sync/atomic"

	"github.com/goasyncio/asyncio/loop/internal/driver"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// Engine is what package loop needs of an engine.
type Engine interface {
	task.Engine

	// CallSoon queues fn from code running on the loop while it runs;
	// CallSoonThreadsafe from any goroutine. Both return a Handle that
	// cancels it. Submit queues fn from any goroutine, with no Handle.
	CallSoon(fn func()) Handle
	CallSoonThreadsafe(fn func()) Handle
	Submit(fn func())
	// Start queues a new task's first step, from any goroutine;
	// StartTasks several, in order.
	Start(t *task.Task)
	StartTasks(ts []*task.Task)

	// Run dispatches until stop is set; Stop, called on the loop, sets
	// it once the callbacks queued so far have run, as asyncio's stop
	// ends its iteration. Unpark nudges a running engine to look at
	// stop and its timers.
	Run(stop *atomic.Bool) error
	Stop(stop *atomic.Bool)
	Unpark()
	// Shutdown stops the engine's goroutines for good.
	Shutdown()

	// ThreadID is the loop thread's id (osthread.ID), or 0 if there is
	// none or it is unknown.
	ThreadID() int

	// EagerCoros returns the coroutine cache of the engine goroutine the
	// caller runs on in lockstep (the loop goroutine itself, or a body it
	// resumed), for a task started eagerly with no caller named; nil
	// where the engine cannot tell that the caller is one of its own.
	EagerCoros() *task.Coros
}

// Config is what an engine is made with: the loop's host, driver and
// count of executor jobs in flight (work outside the loop that will come
// back to it, so that virtual time must not jump past it), and, for the
// pool, its number of workers.
type Config struct {
	Host    *task.Host
	Driver  *driver.Driver
	Jobs    *atomic.Int64
	Workers int
	// PortableIO keeps a single-thread loop from opening its own poller
	// (loop.WithPortableIO).
	PortableIO bool
}

// An Engine is made by a Maker; the loop keeps one per engine kind.
type Maker func(Config) Engine

// entry is one queued callback, or one step of a task: task steps are
// queued as t rather than as fn, so that dispatching one calls Step
// directly (every call between a coroutine switch and the next dispatch is
// a return the CPU mispredicts). id identifies a callback to
// Cancels.Cancel; it is 0 for task steps.
type entry struct {
	fn func()
	t  *task.Task
	id uint64
}

// Handle refers to one callback, so that it can be cancelled before it
// runs: by its id in the single-thread engine's Cancels, or by its flag on
// the pool. The zero value refers to nothing.
type Handle struct {
	c    *Cancels
	id   uint64
	flag *atomic.Bool
}

// Cancel keeps the callback from running if it has not started. Safe for
// any goroutine; idempotent.
func (h Handle) Cancel() {
	if h.flag != nil {
		h.flag.Store(true)
	}
	if h.c != nil {
		h.c.Cancel(h.id)
	}
}

// Cancelled reports whether Cancel has been called, whether or not the
// callback had run by then (asyncio's Handle.cancelled).
func (h Handle) Cancelled() bool {
	switch {
	case h.flag != nil:
		return h.flag.Load()
	case h.c != nil:
		return h.c.Asked(h.id)
	}
	return false
}
