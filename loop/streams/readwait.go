package streams

import (
	"context"
	"sync"

	"github.com/goasyncio/asyncio/future"
)

// readWait is what a stream's pending read waits on: a future.Waitable
// that the stream keeps and starts again for each wait, where a promise
// per wait cost an allocation a message (TestAnEchoRoundTripAllocatesNothing).
// bench/cmd/echoserver, 10 conns x 1 KiB (the report's workloads 10a and
// 10b), 6 interleaved runs each, medians: the pool 13.64 -> 12.81 us of
// server CPU a request and 13.73 -> 13.02 us a request; the single-thread
// loop 11.08 -> 10.90 and 12.25 -> 12.14.
//
// One read waits at a time (a second gets ErrReadInProgress until the
// first returns), and each task that reads a stream gets a readWait of its
// own (stream.waitData), so one serves all of that task's reads. gen tells
// them apart: a wakeup taken for one wait never ends a later one. A
// task's Cancel takes the Waitable its task waits on and cancels it a
// moment later; if that wait has ended meanwhile and the same task waits
// again, the new wait is cancelled, which is where the cancellation would
// have been delivered anyway (the task's next suspension). Another task's
// wait is another readWait, which that Cancel never reaches.
type readWait struct {
	owner future.Suspender // the task whose waits these are; nil off a task

	mu   sync.Mutex
	gen  uint64 // counts the waits; the one in progress, or the last
	done bool   // the current wait has ended
	// parked: a task's body has parked on the current wait (its OnDone).
	// Only then may Cancel end it: a goroutine that waits with the task's
	// context blocks on Done instead, and a Cancel of the task that
	// reached such a wait (one that read the task's previous wait) would
	// end a wait the task is not in, and the task would never see it.
	parked bool
	err    error         // the cancellation that ended it, if one did
	fn     func()        // the waiting task's wakeup (OnDone)
	ch     chan struct{} // closed when done; made only for a wait outside a task
}

// readWake is the wakeup of one wait, taken by whoever delivers data (or
// the end of the stream); the zero readWake wakes nothing.
type readWake struct {
	w   *readWait
	gen uint64
}

// start begins a new wait and returns its generation.
func (w *readWait) start() uint64 {
	w.mu.Lock()
	w.gen++
	w.done, w.parked, w.err, w.fn, w.ch = false, false, nil, nil, nil
	g := w.gen
	w.mu.Unlock()
	return g
}

// fire ends the wait it was taken for, if that wait is still the current
// one and has not ended.
func (k readWake) fire() {
	if k.w != nil {
		k.w.end(k.gen, nil)
	}
}

// end ends wait gen with err and runs its wakeup; it reports whether it
// did (false: that wait had ended already, or a later one has started).
func (w *readWait) end(gen uint64, err error) bool {
	w.mu.Lock()
	if w.done || w.gen != gen {
		w.mu.Unlock()
		return false
	}
	w.done, w.err = true, err
	if w.ch != nil {
		close(w.ch)
	}
	fn := w.fn
	w.fn = nil
	w.mu.Unlock()
	if fn != nil {
		fn()
	}
	return true
}

// IsDone reports whether the current wait has ended (future.Waitable).
func (w *readWait) IsDone() bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.done
}

// Done returns a channel closed when the current wait ends
// (future.Waitable), for a wait outside a task.
func (w *readWait) Done() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.ch == nil {
		w.ch = make(chan struct{})
		if w.done {
			close(w.ch)
		}
	}
	return w.ch
}

// OnDone has fn called when the current wait ends, or reports false if it
// has (future.Waitable). The one waiting task registers its wakeup, once
// each time it parks; a second registration replaces the first.
func (w *readWait) OnDone(fn func()) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.done {
		return false
	}
	w.fn, w.parked = fn, true
	return true
}

// Cancel ends the current wait with the cancellation cause
// (future.Waitable): what a task's Cancel does to what its task waits on.
// It refuses a wait no task has parked on (see parked); the task's Cancel
// then delivers the cancellation at the task itself.
func (w *readWait) Cancel(cause error) bool {
	w.mu.Lock()
	gen, parked := w.gen, w.parked
	w.mu.Unlock()
	// A wait that ends or restarts meanwhile is not gen's: end refuses it.
	return parked && w.end(gen, future.Cancelled(cause))
}

// wait waits for the current wait to end, as future.Await waits for a
// future: the task sp suspends, any other goroutine (sp nil) blocks until
// it ends or ctx does. It returns the cancellation that ended it, or why
// the wait stopped.
func (w *readWait) wait(ctx context.Context, sp future.Suspender) error {
	switch {
	case w.IsDone():
		// Ended before the wait began, as Await returns at once for a
		// future already done.
	case sp != nil:
		if err := sp.Suspend(ctx, w); err != nil {
			return err
		}
	default:
		select {
		case <-w.Done():
		case <-ctx.Done():
			return future.ContextErr(ctx)
		}
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

var _ future.Waitable = (*readWait)(nil)
