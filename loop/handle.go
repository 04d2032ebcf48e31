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
