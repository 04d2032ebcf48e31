package loop

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goasyncio/asyncio/future"
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
	return l.callAt("CallLater", addDeadline(l.clock.now(), d), fn)
}

// CallAt schedules fn to run on the loop at when, a reading of the loop's
// clock (asyncio's call_at): compute it from Time, for example
// l.Time().Add(time.Second). A time in the past means as soon as possible.
// Otherwise it behaves as CallLater.
func (l *Loop) CallAt(when time.Time, fn func()) (TimerHandle, error) {
	return l.callAt("CallAt", int64(when.Sub(l.clock.epoch)), fn)
}

func (l *Loop) callAt(op string, when int64, fn func()) (TimerHandle, error) {
	if fn == nil {
		return TimerHandle{}, fmt.Errorf("%w: %s: nil function", future.ErrNil, op)
	}
	if l.closedForUsers() {
		return TimerHandle{}, closedErr(op)
	}
	tm := &timer{when: when, fn: fn}
	tm.fire = tm.run
	if l.timers.push(tm) {
		// It is the new earliest: an engine sleeping until a later
		// deadline must look again.
		l.eng.wakeup()
	}
	return TimerHandle{l: l, tm: tm}, nil
}

// Time returns the loop's clock reading (asyncio's loop.time): the current
// time with a monotonic reading, as time.Now gives it, or the virtual time
// of a loop made WithVirtualTime. Deadlines for CallAt are readings of this
// clock.
func (l *Loop) Time() time.Time { return l.clock.epoch.Add(time.Duration(l.clock.now())) }

// TimerHandle is returned by CallLater and CallAt (asyncio's TimerHandle).
// Its zero value is a handle to nothing. It may be copied; copies refer to
// the same timer. Its methods are safe for concurrent use.
type TimerHandle struct {
	l  *Loop
	tm *timer
}

// Cancel keeps the callback from running if it has not started; it does
// nothing if the callback has run, is running or was cancelled before. A
// cancelled timer leaves the loop's heap at once.
func (h TimerHandle) Cancel() {
	if h.tm == nil {
		return
	}
	h.tm.cancelled.Store(true)
	h.l.timers.remove(h.tm)
}

// Cancelled reports whether Cancel has been called.
func (h TimerHandle) Cancelled() bool { return h.tm != nil && h.tm.cancelled.Load() }

// When returns the time the callback is due, on the loop's clock.
func (h TimerHandle) When() time.Time {
	if h.tm == nil {
		return time.Time{}
	}
	return h.l.clock.epoch.Add(time.Duration(h.tm.when))
}

// timer is one CallLater or CallAt callback.
type timer struct {
	when      int64  // due, in nanoseconds of the loop's clock
	seq       uint64 // order of creation: FIFO among equal deadlines
	index     int    // position in the heap, -1 once out; protected by timers.mu
	fn        func()
	fire      func() // tm.run, made once, so that queueing it allocates nothing
	cancelled atomic.Bool
}

// run is what the loop dispatches: a timer cancelled after it left the heap
// (by a callback earlier in the same iteration) must still not run.
func (tm *timer) run() {
	if !tm.cancelled.Load() {
		tm.fn()
	}
}

// timers is a loop's timer heap. Any goroutine may add or cancel; the engine
// takes due timers out.
type timers struct {
	mu  sync.Mutex // protects h and seq
	h   timerHeap
	seq uint64
	n   atomic.Int32 // len(h), for the engine's lock-free "any timers?"
}

// push adds tm and reports whether it is now the earliest.
func (ts *timers) push(tm *timer) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.seq++
	tm.seq = ts.seq
	ts.h.push(tm)
	ts.n.Store(int32(len(ts.h)))
	return tm.index == 0
}

func (ts *timers) remove(tm *timer) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if tm.index >= 0 {
		ts.h.remove(tm.index)
		ts.n.Store(int32(len(ts.h)))
	}
}

// next returns the earliest deadline.
func (ts *timers) next() (int64, bool) {
	if ts.n.Load() == 0 {
		return 0, false
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if len(ts.h) == 0 {
		return 0, false
	}
	return ts.h[0].when, true
}

// popDue appends the timers due at now to dst, earliest first, and removes
// them from the heap, all under one lock.
func (ts *timers) popDue(now int64, dst []*timer) []*timer {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for len(ts.h) > 0 && ts.h[0].when <= now {
		dst = append(dst, ts.h.remove(0))
	}
	ts.n.Store(int32(len(ts.h)))
	return dst
}

// reset drops every timer.
func (ts *timers) reset() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for _, tm := range ts.h {
		tm.index = -1
	}
	clear(ts.h)
	ts.h = ts.h[:0]
	ts.n.Store(0)
}

// timerHeap is a 4-ary min-heap of timers by deadline, then creation, each
// timer keeping its index. Written out on the typed slice rather than
// through container/heap: no interface calls or boxing per comparison, and
// a 4-ary tree is half as deep as a binary one, so a pop, the common
// operation under a burst, moves a timer fewer levels (the four children
// of a node are adjacent in memory and compared together).
type timerHeap []*timer

// before reports whether a fires before b.
func before(a, b *timer) bool {
	if a.when != b.when {
		return a.when < b.when
	}
	return a.seq < b.seq
}

func (h *timerHeap) push(tm *timer) {
	*h = append(*h, tm)
	h.up(len(*h)-1, tm)
}

// remove takes out the timer at index i and returns it.
func (h *timerHeap) remove(i int) *timer {
	old := *h
	tm := old[i]
	last := len(old) - 1
	moved := old[last]
	old[last] = nil
	*h = old[:last]
	tm.index = -1
	if i != last {
		// Put the last timer in the hole and let it find its level.
		if !h.down(i, moved) {
			h.up(i, moved)
		}
	}
	return tm
}

// up places tm, which belongs at index i or above, moving parents down.
func (h timerHeap) up(i int, tm *timer) {
	for i > 0 {
		p := (i - 1) / 4
		if !before(tm, h[p]) {
			break
		}
		h[i] = h[p]
		h[i].index = i
		i = p
	}
	h[i] = tm
	tm.index = i
}

// down places tm, which belongs at index i or below, moving children up.
// It reports whether tm moved.
func (h timerHeap) down(i int, tm *timer) bool {
	start, n := i, len(h)
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		// The earliest of up to four children.
		m := c
		for k := c + 1; k < c+4 && k < n; k++ {
			if before(h[k], h[m]) {
				m = k
			}
		}
		if !before(h[m], tm) {
			break
		}
		h[i] = h[m]
		h[i].index = i
		i = m
	}
	h[i] = tm
	tm.index = i
	return i != start
}

// timerSlack is how late a runtime timer (time.Timer) may fire on Linux:
// the scheduler waits for one in epoll with millisecond resolution, so a
// wait of a few microseconds measured 1.1 ms late at the median and 3 ms at
// the 99th percentile on a 2-core machine. An engine waiting for its next
// deadline sets its runtime timer this much early and naps the rest.
const timerSlack = 1500 * time.Microsecond

// napStep is the longest nap: how long a post made during one may wait
// before the loop sees it. Posters do not wake a napping engine.
const napStep = 50 * time.Microsecond

// napSlack is the timer slack of the single-thread loop's thread: how late
// the kernel may end its naps, so that it can batch wakeups. Linux's
// default, 50 us, made a 1 us nap last 95 us at the median on the
// project's 2-core machine; with 1 us of slack it lasts 12 us.
const napSlack = time.Microsecond

// prSetTimerslack is Linux's PR_SET_TIMERSLACK prctl option.
const prSetTimerslack = 29

// setNapSlack sets the calling thread's timer slack to napSlack. It is for a
// locked thread only, which keeps the setting for its whole life; an error
// (a kernel without the option) only leaves naps longer.
func setNapSlack() {
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, prSetTimerslack, uintptr(napSlack), 0)
}

// nap blocks the calling thread for d, or napStep if less, in nanosleep:
// the kernel's high-resolution timers wake it within tens of microseconds,
// where a runtime timer could be a millisecond late. It gives up the CPU
// meanwhile, unlike a spin. It reports whether the clock moved: inside a
// testing/synctest bubble time.Now is fake and stands still while the
// bubble runs, so a nap cannot bring a deadline nearer, and the caller
// must wait on a runtime timer instead.
func (c *clock) nap(d time.Duration) bool {
	before := c.now()
	ts := syscall.NsecToTimespec(int64(min(d, napStep)))
	// EINTR (a signal, such as the runtime's preemption signal) only makes
	// the nap shorter; the caller looks at the clock again anyway.
	_ = syscall.Nanosleep(&ts, nil)
	return c.now() != before
}

// clock is a loop's time source: nanoseconds since the loop was made, read
// from the monotonic clock, or virtual time that moves only when the
// engine jumps it to the next deadline (WithVirtualTime).
type clock struct {
	epoch   time.Time
	virtual bool
	vnow    atomic.Int64 // virtual time; used only if virtual
}

// until returns how long it is until when, or false if when is due. It
// compares before it subtracts: a deadline in the distant past (CallAt
// with a zero time.Time is near the smallest int64) would overflow the
// difference into a wait of centuries.
func (c *clock) until(when int64) (time.Duration, bool) {
	now := c.now()
	if when <= now {
		return 0, false
	}
	return time.Duration(when - now), true
}

func (c *clock) now() int64 {
	if c.virtual {
		return c.vnow.Load()
	}
	return int64(time.Since(c.epoch))
}

// jump moves virtual time forward to when; it never goes back.
func (c *clock) jump(when int64) {
	for {
		now := c.vnow.Load()
		if when <= now || c.vnow.CompareAndSwap(now, when) {
			return
		}
	}
}

// addDeadline is now+d, saturating instead of overflowing. A negative d
// gives a deadline in the past, which orders before now, as in asyncio.
func addDeadline(now int64, d time.Duration) int64 {
	switch {
	case d > 0 && now > math.MaxInt64-int64(d):
		return math.MaxInt64
	case d < 0 && now < math.MinInt64-int64(d):
		return math.MinInt64
	}
	return now + int64(d)
}
