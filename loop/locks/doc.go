// Package locks provides asyncio's synchronization primitives for
// coroutines: Lock, Event, Condition, Semaphore, BoundedSemaphore and
// Barrier, with asyncio's names and semantics, Go-cased.
//
// They do the jobs of sync.Mutex, sync.Cond, golang.org/x/sync/semaphore
// and a closed channel, but for code running as tasks on a loop (package
// loop). Those blocking primitives park the goroutine that waits, which on
// a single-thread loop is the loop's only thread: a task blocked in
// sync.Mutex.Lock stops every other task, including the one that would
// unlock it, and the loop deadlocks. The primitives here wait by awaiting a
// future (package future) instead, so a waiting task is suspended and the
// loop runs the others meanwhile. On a pool loop they are safe for tasks
// running in parallel. From plain goroutines they block like their sync
// counterparts, but honour a context.Context.
//
// Each wait comes in the forms the standard library uses: a blocking call
// that takes a context (Acquire, Wait), a TryAcquire that never waits, and
// for Event a Done channel for select.
//
// Waiters are served first come, first served: a release hands the lock or
// permit straight to the longest waiter, so nobody starves. A waiter that
// gives up (its context ends, or its task is cancelled) leaves the
// primitive as it found it: if a grant raced with the cancellation, the
// grant goes on to the next waiter, so no permit is lost and no lock stays
// locked.
//
// As in asyncio, a Lock has no owner: any coroutine may release it, and
// these locks are not reentrant.
package locks
