package loop

import "github.com/goasyncio/asyncio/loop/internal/engine"

// Handle is returned by CallSoon and CallSoonThreadsafe (asyncio's Handle).
// Its zero value is a handle to nothing. It may be copied; copies refer to
// the same callback.
type Handle struct{ h engine.Handle }

// Cancel keeps the callback from running if it has not started yet; it does
// nothing if the callback has run, is running, or was cancelled before
// (asyncio's Handle.cancel). It is safe to call from any goroutine.
func (h Handle) Cancel() { h.h.Cancel() }

// Cancelled reports whether Cancel has been called on this handle (or a
// copy), even if the callback had already run (asyncio's
// Handle.cancelled). The zero Handle reports false. On the single-thread
// loop a handle is only an id, so that CallSoon allocates nothing; the
// loop remembers the ids of cancelled handles, a map entry each, for its
// life.
func (h Handle) Cancelled() bool { return h.h.Cancelled() }
