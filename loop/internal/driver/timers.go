package driver

import (
	"sync"
	"sync/atomic"
)

// Timer is one CallLater or CallAt callback waiting in a loop's heap.
type Timer struct {
	when      int64  // due, in nanoseconds of the loop's clock; read-only once pushed
	seq       uint64 // order of creation: FIFO among equal deadlines
	index     int    // position in the heap, -1 once out; protected by Timers.mu
	fn        func()
	cancelled atomic.Bool

	// Fire is what an engine queues when the timer is due: it runs fn
	// unless the timer was cancelled since. Made once, by NewTimer, so
	// that queueing it allocates nothing.
	Fire func()
}

// NewTimer returns a timer that runs fn at when, a reading of the loop's
// Clock, once pushed into a loop's Timers.
func NewTimer(when int64, fn func()) *Timer {
	tm := &Timer{when: when, fn: fn, index: -1}
	tm.Fire = tm.run
	return tm
}

// run is Fire: a timer cancelled after it left the heap (by a callback
// earlier in the same iteration) must still not run.
func (tm *Timer) run() {
	if !tm.cancelled.Load() {
		tm.fn()
	}
}

// When returns the timer's deadline on the loop's clock.
func (tm *Timer) When() int64 { return tm.when }

// Cancelled reports whether Cancel was called.
func (tm *Timer) Cancelled() bool { return tm.cancelled.Load() }

// Timers is a loop's timer heap. Any goroutine may add or cancel; the
// engine takes due timers out. The zero value is empty and ready to use.
type Timers struct {
	mu  sync.Mutex // protects h and seq
	h   timerHeap
	seq uint64
	n   atomic.Int32 // len(h), for the engine's lock-free "any timers?"
}

// Len returns how many timers wait, without the lock.
func (ts *Timers) Len() int { return int(ts.n.Load()) }

// Push adds tm and reports whether it is now the earliest, in which case
// an engine parked until a later deadline must be woken.
func (ts *Timers) Push(tm *Timer) bool {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.seq++
	tm.seq = ts.seq
	ts.h.push(tm)
	ts.n.Store(int32(len(ts.h)))
	return tm.index == 0
}

// Cancel keeps tm from running, if it has not started yet, and takes it
// out of the heap at once.
func (ts *Timers) Cancel(tm *Timer) {
	tm.cancelled.Store(true)
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if tm.index >= 0 {
		ts.h.remove(tm.index)
		ts.n.Store(int32(len(ts.h)))
	}
}

// Next returns the earliest deadline.
func (ts *Timers) Next() (int64, bool) {
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

// PopDue appends the timers due at now to dst, earliest first, and removes
// them from the heap, all under one lock.
func (ts *Timers) PopDue(now int64, dst []*Timer) []*Timer {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	for len(ts.h) > 0 && ts.h[0].when <= now {
		dst = append(dst, ts.h.remove(0))
	}
	ts.n.Store(int32(len(ts.h)))
	return dst
}

// Reset drops every timer.
func (ts *Timers) Reset() {
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
type timerHeap []*Timer

// before reports whether a fires before b.
func before(a, b *Timer) bool {
	if a.when != b.when {
		return a.when < b.when
	}
	return a.seq < b.seq
}

func (h *timerHeap) push(tm *Timer) {
	*h = append(*h, tm)
	h.up(len(*h)-1, tm)
}

// remove takes out the timer at index i and returns it.
func (h *timerHeap) remove(i int) *Timer {
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
func (h timerHeap) up(i int, tm *Timer) {
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
func (h timerHeap) down(i int, tm *Timer) bool {
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
