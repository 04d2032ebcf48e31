package loop

import (
	"fmt"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/driver"
)

// CallLater schedules fn to run on the loop once d has passed on the loop's
// clock (asyncio's call_later). A zero or negative d means as soon as
// possible: fn runs on the next iteration, after the callbacks already
// ready, as in asyncio.
//
// Timers wait in one heap per loop, ordered by due time and then by the
// order they were made, so two timers due at the same instant run in FIFO
// order. No goroutine and no time.Timer is spent per timer. They fire only
// while the loop runs; one due while it is idle runs on the next
// RunUntilComplete. Close discards timers that have not fired.
//
// On a pool loop, which has no iterations, the goroutine running the loop
// posts each timer as it falls due, so the order between a timer that is
// already due and a CallSoon callback made at about the same time is not
// fixed; timers still start in deadline order.
//
// CallLater is safe to call from any goroutine. A nil fn returns an error
// matching future.ErrNil; a closed loop returns ErrClosed. A panic in fn
// goes to the exception handler, as with CallSoon.
func (l *Loop) CallLater(d time.Duration, fn func()) (TimerHandle, error) {
	return l.callAt("CallLater", driver.AddDeadline(l.drv.Now(), d), fn)
}

// CallAt schedules fn to run on the loop at when, a reading of the loop's
// clock (asyncio's call_at): compute it from Time, for example
// l.Time().Add(time.Second). A time in the past means as soon as possible.
// Otherwise it behaves as CallLater.
func (l *Loop) CallAt(when time.Time, fn func()) (TimerHandle, error) {
	return l.callAt("CallAt", l.drv.At(when), fn)
}

func (l *Loop) callAt(op string, when int64, fn func()) (TimerHandle, error) {
	if fn == nil {
		return TimerHandle{}, fmt.Errorf("%w: %s: nil function", future.ErrNil, op)
	}
	if l.closedForUsers() {
		return TimerHandle{}, closedErr(op)
	}
	return TimerHandle{l: l, tm: l.drv.Add(when, fn)}, nil
}

// Time returns the loop's clock reading (asyncio's loop.time): the current
// time with a monotonic reading, as time.Now gives it, or the virtual time
// of a loop made WithVirtualTime. Deadlines for CallAt are readings of this
// clock.
func (l *Loop) Time() time.Time { return l.drv.Time(l.drv.Now()) }

// TimerHandle is returned by CallLater and CallAt (asyncio's TimerHandle).
// Its zero value is a handle to nothing. It may be copied; copies refer to
// the same timer. Its methods are safe for concurrent use.
type TimerHandle struct {
	l  *Loop
	tm *driver.Timer
}

// Cancel keeps the callback from running if it has not started; it does
// nothing if the callback has run, is running or was cancelled before. A
// cancelled timer leaves the loop's heap at once.
func (h TimerHandle) Cancel() {
	if h.tm == nil {
		return
	}
	h.l.drv.Cancel(h.tm)
}

// Cancelled reports whether Cancel has been called.
func (h TimerHandle) Cancelled() bool { return h.tm != nil && h.tm.Cancelled() }

// When returns the time the callback is due, on the loop's clock.
func (h TimerHandle) When() time.Time {
	if h.tm == nil {
		return time.Time{}
	}
	return h.l.drv.Time(h.tm.When())
}
