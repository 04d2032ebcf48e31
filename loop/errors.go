package loop

import (
	"errors"

	"github.com/goasyncio/asyncio/future"
)

// Errors returned by loops. Each is a sentinel for errors.Is.
var (
	// ErrClosed is returned by every call on a closed loop. It is the same
	// value as future.ErrClosed.
	ErrClosed = future.ErrClosed

	// ErrRunning is returned by RunUntilComplete and Close while the loop is
	// already running, including when called from inside the loop (asyncio's
	// "This event loop is already running").
	ErrRunning = errors.New("loop: already running")

	// ErrWrongThread is returned, in debug mode, by CallSoon on a
	// single-thread loop called from a thread other than the loop's while it
	// runs: use CallSoonThreadsafe there.
	ErrWrongThread = errors.New("loop: call from outside the loop's thread")

	// ErrNoRunningLoop is returned by GetRunningLoop and Sleep when the
	// context does not belong to a coroutine running on a loop.
	ErrNoRunningLoop = errors.New("loop: no running loop in context")
)
