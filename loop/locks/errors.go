package locks

import "errors"

// Sentinel errors. Every error this package returns for misuse or a broken
// barrier is one of them, so callers test with errors.Is, except for a nil
// context, which matches future.ErrNil as everywhere in this module. Waits
// that end because their context ended or their task was cancelled return
// that error instead (context.Cause(ctx), or an error matching
// future.ErrCancelled).
var (
	// ErrNotLocked reports a Release of a Lock (or Condition) that is not
	// locked, or a Condition Wait or Notify without the lock held. asyncio
	// raises RuntimeError for these.
	ErrNotLocked = errors.New("locks: lock is not acquired")

	// ErrOverRelease reports a BoundedSemaphore released more times than it
	// was acquired: a Release with every permit already free. asyncio raises
	// ValueError.
	ErrOverRelease = errors.New("locks: bounded semaphore released too many times")

	// ErrBrokenBarrier reports a Barrier that was aborted, or reset while
	// tasks waited on it (asyncio's BrokenBarrierError).
	ErrBrokenBarrier = errors.New("locks: barrier is broken")
)
