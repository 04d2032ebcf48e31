// Package loop provides asyncio's event loop for Go, with two engines chosen
// by constructor, as tokio offers a current-thread and a multi-thread
// runtime:
//
//   - NewSingleThread: every callback and every coroutine body runs on one
//     OS thread, locked with runtime.LockOSThread for the loop's life.
//     Coroutines are Go runtime coroutines (iter.Pull) switched on that
//     thread, so a suspend/resume costs about what an iter.Pull round trip
//     does, where a channel handoff to a locked goroutine costs hundreds of
//     times more. Nothing runs in parallel, so loop code needs no locks.
//   - NewPool: callbacks and coroutine bodies run on N worker goroutines
//     in parallel, tokio's multi-thread scheduler: each worker resumes
//     bodies on runtime coroutines as the single-thread loop does, takes
//     posted work from a shared lock-free inbox and steals from the others
//     when it runs out. A coroutine suspended in Await holds no worker.
//
// Engines lists both, by name, for programs and tests that let a flag
// choose. The machinery behind them is in loop/internal (see its
// README.md); this package is the API.
//
// The asyncio surface keeps asyncio's names: RunUntilComplete, Run,
// CreateTask, CallSoon, CallSoonThreadsafe, CallLater, CallAt, Sleep,
// GetRunningLoop, Close; Gather, Wait, AsCompleted, WaitFor, Timeout,
// Shield and TaskGroup to compose tasks; RunInExecutor and ToThread for
// blocking work. Where a method cannot take a type parameter, the name is
// a generic function taking the loop or a context (RunUntilComplete,
// CreateTask, Gather). Packages loop/locks and loop/queues hold asyncio's
// synchronization primitives and queues.
//
// Timers live in each loop's own heap: no goroutine or time.Timer per
// timer. WithVirtualTime gives a loop a clock that jumps to the next timer
// when nothing can run, so tests of long timeouts run at once and in a
// fixed order; a loop made inside a testing/synctest bubble follows the
// bubble's fake clock as well.
//
// As in asyncio, a loop runs only inside RunUntilComplete (or Run): work
// scheduled between runs waits for the next one. Unlike a goroutine started
// with go, a task has a typed result, can be cancelled at its suspension
// points with a cause, and is never lost: Close cancels what is pending and
// every task's future says how it ended.
//
// # Cancellation and contexts
//
// A task's context is the context its body receives. Cancelling the task
// (its future's Cancel, a Task handle's Cancel, a TaskGroup, Close)
// cancels that context with the cause, and hands the cancellation to what
// the task awaits, as asyncio does; a wait under a context derived from it
// (WithCancel, WithTimeout, Timeout) then ends with a cancellation too,
// matching future.ErrCancelled and context.Canceled, with the cause kept.
// A deadline that passes gives the deadline's error instead (ErrTimeout
// for Timeout). future.ContextErr states the rule. Deliberate differences
// from asyncio, all of them from Go's rule that a context once done stays
// done, are listed in compat/MIGRATING.md.
//
// # Goroutines handed a task's context
//
// Only the task's body suspends the task. A goroutine the body started
// may be handed the context, as Go code hands contexts around: its Await
// and Sleep block that goroutine like plain Go code (until the future
// completes or the context ends) and leave the task alone. Go has no
// goroutine identity; the loop tells its bodies from other goroutines by
// a per-goroutine bit that user code can read, debug.SetPanicOnFault,
// which the coroutines that run bodies set (it also makes a fault at a
// non-nil address in a body a panic, which the task reports, instead of a
// crash). A goroutine that sets the bit itself passes for a body, and a
// body that clears it for a goroutine (the single-thread loop corrects
// that by its thread; on a pool the body then blocks its worker until the
// future completes). Another task's body awaiting with this task's context
// gets future.ErrWrongGoroutine while this task is suspended, and is not
// caught on a pool of several workers while this task runs in parallel.
package loop
