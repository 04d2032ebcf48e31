package future

import (
	"runtime"
	"sync/atomic"
)

// WatchUnretrieved asks for report to be called with f's error if f fails
// and is then garbage collected without anyone having read the error
// through Result, Err or Await: asyncio's "Task exception was never
// retrieved". Cancellation is not reported. Loops call it for the futures
// of their tasks; it must be called before f completes, and does nothing
// after.
//
// report runs on the runtime's cleanup goroutine (runtime.AddCleanup), at
// a time of the collector's choosing, possibly never if the program exits
// first. It must be safe to call from any goroutine and must not block.
func WatchUnretrieved[T any](f *Future[T], report func(error)) {
	if f == nil || report == nil {
		return
	}
	w := &errWatch{report: report}
	f.mu.Lock()
	if f.state.Load() == stateDone {
		f.mu.Unlock()
		return
	}
	f.watch = w
	f.mu.Unlock()
	runtime.AddCleanup(f, (*errWatch).check, w)
}

// errWatch is what outlives a watched future: its error and whether anyone
// read it. It must not point back to the future, or the future would never
// be collected.
type errWatch struct {
	report func(error)
	err    atomic.Pointer[error] // set when the future completes
	read   atomic.Bool           // set by Result, Err and Await after completion
}

func (w *errWatch) check() {
	if p := w.err.Load(); p != nil && *p != nil && !w.read.Load() && !isCancel(*p) {
		w.report(*p)
	}
}
