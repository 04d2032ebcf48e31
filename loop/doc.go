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
package loop
