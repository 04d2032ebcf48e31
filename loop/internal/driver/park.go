package driver

import (
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/loop/internal/poller"
)

// Driver is a loop's clock, its timers, and the place its engine parks.
// Any goroutine may read the clock, add and cancel timers, and Unpark; one
// goroutine at a time (the engine's) parks and takes due timers.
type Driver struct {
	Clock
	Timers

	wakeCh   chan struct{}                 // capacity 1: a pending wakeup
	sleeping atomic.Bool                   // set from Announce until Park returns: Unpark must send
	timer    *time.Timer                   // Park's deadline; made on first use; the parker's alone
	due      []*Timer                      // Due's buffer; the parker's alone
	poller   atomic.Pointer[poller.Poller] // SetPoller's; nil until then
}

// Init readies d for a loop made at epoch, with virtual time if virtual.
func (d *Driver) Init(epoch time.Time, virtual bool) {
	d.Epoch, d.Virtual = epoch, virtual
	d.wakeCh = make(chan struct{}, 1)
}

// TimerSlack is how late a runtime timer (time.Timer) may fire on Linux:
// the scheduler waits for one in epoll with millisecond resolution, so a
// wait of a few microseconds measured 1.1 ms late at the median and 3 ms
// at the 99th percentile on a 2-core VM (BenchmarkTimerLateness). Park
// sets its runtime timer this much early and naps the rest.
const TimerSlack = 1500 * time.Microsecond

// Announce says that the engine is about to park: from now on Unpark
// sends a wakeup. The engine then takes its last look at its queues and
// either parks or calls Withdraw. A poster that queues work and then calls
// Unpark either sees the announcement or has queued before the last look.
func (d *Driver) Announce() { d.sleeping.Store(true) }

// Withdraw takes back an Announce that was not followed by Park.
func (d *Driver) Withdraw() { d.sleeping.Store(false) }

// Unpark ends a Park, now or, if the engine has announced and not parked
// yet, as soon as it does. Safe for any goroutine; a spurious wakeup only
// makes the engine look at its queues again.
func (d *Driver) Unpark() {
	if d.sleeping.Load() {
		d.Kick()
	}
}

// Kick is Unpark without the check: it leaves a wakeup pending even for an
// engine that has not announced, for a caller that cannot tell.
func (d *Driver) Kick() {
	if p := d.poller.Load(); p != nil {
		p.Wake()
		return
	}
	d.wakeChannel()
	// A poller set meanwhile may have the engine waiting in it already,
	// past the channel: wake it there too.
	if p := d.poller.Load(); p != nil {
		p.Wake()
	}
}

// SetPoller makes p, from now on, where Park waits and what a wakeup
// wakes: the single-thread loop's own I/O poller, opened when its first
// stream is. An engine parked on the channel is woken to wait in p.
func (d *Driver) SetPoller(p *poller.Poller) {
	d.poller.Store(p)
	d.wakeChannel()
}

// wakeChannel leaves a wakeup on the channel Park waits on without a
// poller.
func (d *Driver) wakeChannel() {
	select {
	case d.wakeCh <- struct{}{}:
	default: // a wakeup is already pending
	}
}

// Poller returns the poller SetPoller set, or nil.
func (d *Driver) Poller() *poller.Poller { return d.poller.Load() }

// Park waits, after Announce, until Unpark, until the next timer is nearly
// due, or at most limit if it is not zero, and clears the announcement.
// With virtual time it instead jumps the clock to the next timer and
// returns, if quiet reports that nothing on the loop can run before it.
//
// The last stretch before a deadline is napped (see TimerSlack), so Park
// may return before the timer is due: the engine looks at its queues, and
// parks again.
func (d *Driver) Park(limit time.Duration, quiet func() bool) {
	defer d.sleeping.Store(false)
	when, ok := d.Next()
	switch {
	case !ok:
		d.wait(limit) // a post or a new timer
	case d.Virtual:
		if quiet() {
			d.Jump(when)
			return
		}
		d.wait(limit) // what keeps the loop from being quiet ends with a wakeup
	default:
		wait, ok := d.Until(when)
		if !ok {
			return
		}
		switch {
		case wait <= TimerSlack:
			// Too close for a runtime timer to be on time: nap, and let
			// the engine look at its queues and the clock again.
			if d.Nap(wait) {
				return
			}
			// The clock stood still: a synctest bubble's fake time, which
			// moves only while every goroutine waits. Wait for it.
		default:
			// Wake a little early; the last stretch is napped.
			wait -= TimerSlack
		}
		if limit != 0 {
			wait = min(wait, limit)
		}
		d.wait(wait) // a post, an earlier timer, or the next timer nearly due
	}
}

// wait blocks until a wakeup, or at most dur if it is not zero; with a
// poller, also until a registered descriptor is ready, whose handlers run
// before it returns.
func (d *Driver) wait(dur time.Duration) {
	if p := d.poller.Load(); p != nil {
		select {
		case <-d.wakeCh: // a Kick that found no poller yet
			return
		default:
		}
		if dur == 0 {
			dur = -1
		}
		if p.Wait(dur) > 0 {
			// The handlers run on the loop, not parked: the tasks they
			// wake need no wakeup.
			d.sleeping.Store(false)
			p.Dispatch()
		}
		return
	}
	if dur == 0 {
		<-d.wakeCh
		return
	}
	if d.timer == nil {
		d.timer = time.NewTimer(dur)
	} else {
		d.timer.Reset(dur)
	}
	select {
	case <-d.wakeCh:
	case <-d.timer.C:
	}
}

// PollIO handles the I/O that is ready now, without waiting, for an engine
// busy enough not to park: readiness then waits at most an iteration, as
// asyncio's loop polls its selector in every one. It does nothing without
// a poller or while nothing is registered.
func (d *Driver) PollIO() {
	if p := d.poller.Load(); p != nil && p.Registered() > 0 && p.Wait(0) > 0 {
		p.Dispatch()
	}
}

// Due returns the timers due now, earliest first, taken out of the heap.
// The slice is the driver's buffer: it is valid until the next Due.
func (d *Driver) Due() []*Timer {
	clear(d.due)
	d.due = d.PopDue(d.Now(), d.due[:0])
	return d.due
}

// Add pushes a timer due at when that runs fn, and unparks the engine if
// the timer is now the earliest. It returns the timer, for Cancel.
func (d *Driver) Add(when int64, fn func()) *Timer {
	tm := NewTimer(when, fn)
	if d.Push(tm) {
		// The new earliest: an engine parked until a later deadline
		// must look again.
		d.Unpark()
	}
	return tm
}
