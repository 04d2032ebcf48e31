package task

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/poller"
)

// Host is what the tasks of one loop share with it. The loop fills in the
// exported fields before any task is made and never changes them; the
// registry and the closing flag are its own.
type Host struct {
	// Engine wakes the loop's tasks.
	Engine Engine
	// Owner is the loop, as the executor its tasks' futures belong to.
	Owner future.Executor
	// Report passes an error nobody else can receive to the loop's
	// exception handler; it must not panic.
	Report func(error)
	// Debug turns on the checks of the loop's WithDebug; Slow is its
	// slow-step duration, and ReportSlow reports a callback (t nil) or a
	// step of task t that ran longer.
	Debug      bool
	Slow       time.Duration
	ReportSlow func(t *Task, d time.Duration)
	// Poller returns the loop's own I/O poller, on whose goroutine its
	// streams are read, opening it at the first call; it is nil, or
	// returns nil, if the loop has none (a pool, an OS without one,
	// loop.WithPortableIO, a loop shut down).
	Poller func() *poller.Poller

	closing atomic.Bool // set by Close's snapshot, under the registry's lock
	reg     registry
	res     closers // servers and streams to close with the loop
}

// Engine is what a task needs of the engine running it.
type Engine interface {
	// Wake queues t's next step if t is suspended (see Task.Wake), from
	// any goroutine.
	Wake(t *Task)
	// OnLoopThread reports whether the caller runs on the loop's own
	// thread, for the checks of debug mode; an engine without one
	// reports true.
	OnLoopThread() bool
	// OnBodyThread reports whether the caller certainly runs on the one
	// thread that runs every task body: true only on a single-thread
	// engine that knows its thread's id, called from that thread.
	OnBodyThread() bool
}

// WakeRunner is what an engine whose task bodies may run on any goroutine
// (the pool) offers a goroutine outside the loop that wakes its tasks,
// such as a stream's read goroutine: the chance to run the woken steps
// itself, on a worker that is idle, instead of waking that worker's
// goroutine for them (a wake of another thread per message).
type WakeRunner interface {
	// HoldWakes begins a hold: until the caller's RunWoken, the tasks
	// woken anywhere are queued without waking a worker for them.
	HoldWakes()
	// RunWoken ends the hold and, if a worker is idle, runs what is
	// queued on the calling goroutine as that worker, until there is
	// nothing left for it; otherwise it wakes a worker if one is needed.
	// The caller must be free to run task bodies: not locked to a
	// thread, not inside a step.
	RunWoken()
}

// Body is the typed half of a task: its coroutine and its future, kept in
// package loop.
type Body interface {
	// Run calls the coroutine body with ctx and completes the future.
	Run(ctx context.Context)
	// Fail completes the future with err without running the body.
	Fail(err error)
	// Parent is the context the task's own is rooted at. It is kept in
	// the typed half, so that a Gather's children share their Gather's
	// instead of holding 16 bytes of it each.
	Parent() context.Context
	// Own is the task's future, which the task must not await, or nil if
	// it has none that code can reach.
	Own() future.Waitable
}

// Closing reports whether Close has begun: tasks can no longer be added,
// and Await refuses to suspend.
func (h *Host) Closing() bool { return h.closing.Load() }

// CheckSlow reports a callback (t nil) or a step of task t that ran for
// d, if that is longer than the slow-callback duration (debug mode).
func (h *Host) CheckSlow(t *Task, d time.Duration) {
	if d > h.Slow {
		h.ReportSlow(t, d)
	}
}

// processStart is the origin of Monotonic.
var processStart = time.Now()

// Monotonic returns the time on the monotonic clock since the process
// started: a duration is a third of a time.Time's size, which matters in a
// task record.
func Monotonic() time.Duration { return time.Since(processStart) }

// ErrAwaitSelf is returned by a Suspend on the task's own future (see
// loop.ErrAwaitSelf).
var ErrAwaitSelf = errors.New("loop: a task cannot await its own future")

// closedErr is the error of an operation refused because the loop is
// closing; it matches future.ErrClosed, as the loop's closedErr does.
func closedErr(op string) error { return fmt.Errorf("loop: %s: %w", op, future.ErrClosed) }
