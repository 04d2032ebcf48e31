package task

import (
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/loop/internal/queue"
)

// registry keeps a loop's live tasks, so that Close can cancel them and
// wait for the last one to finish.
//
// A task is created on one goroutine and, on the pool, usually finishes on
// another. Had both ends to take one lock, the creating and the finishing
// worker would contend for it once per task (a seventh of a pool Gather's
// time: BenchmarkGather/Loop/pool, go test -bench Gather ./bench/). So only
// adding takes the lock. Each task gets a slot in a list of small chunks
// that never move; finishing clears the slot and counts the task finished,
// without the lock, so that the loop stops referencing the task at once (a
// failed task nobody reads must stay collectable: that is how its error
// gets reported). An add that needs a new chunk first unlinks the chunks
// that have emptied, once the list has doubled since the last sweep: a
// sweep visits each chunk once, so that costs O(1) per add. A long-lived
// task keeps its chunk, so the list costs at most regChunkLen pointers per
// live task, and usually one.
type registry struct {
	mu         sync.Mutex // protects the chunk list; orders Add against Close
	head, tail *regChunk
	ti         int                      // next free slot in tail
	chunks     int                      // chunks in the list
	sweepAt    int                      // chunks at which the next add sweeps
	free       queue.Recycler[regChunk] // emptied chunks, for the next adds

	// Tasks added and tasks finished are counted apart, so that neither
	// side writes a line the other writes: a finish reads only waiting,
	// which stays nil until Close.
	added    atomic.Int64 // written under mu
	_        queue.CacheLinePad
	finished atomic.Int64
	waiting  atomic.Pointer[closeWait] // Close's wait, once it waits
	_        queue.CacheLinePad
}

// closeWait is what Close waits on: stop is set, and unpark called, when
// the last task finishes.
type closeWait struct {
	stop   *atomic.Bool
	unpark func()
}

// regChunkLen is the slots in a chunk: small, since a chunk stays while
// any of its tasks lives, however many have finished.
const regChunkLen = 32

type regChunk struct {
	slots [regChunkLen]atomic.Pointer[Task]
	next  *regChunk
}

// Add registers every task of ts, under one lock, unless Close has begun:
// all of them are registered, or none, and Add reports which. (Gather
// registers its children a batch at a time: a lock round trip per child
// was a tenth of a pool Gather's time, BenchmarkGather/Loop/pool.)
func (h *Host) Add(ts ...*Task) bool {
	r := &h.reg
	r.mu.Lock()
	defer r.mu.Unlock()
	if h.closing.Load() {
		return false
	}
	r.added.Add(int64(len(ts)))
	for _, t := range ts {
		if r.tail == nil || r.ti == regChunkLen {
			if r.chunks >= r.sweepAt {
				r.sweep()
				r.sweepAt = max(2*r.chunks, 4)
			}
			r.grow()
		}
		t.slot = &r.tail.slots[r.ti]
		t.slot.Store(t)
		r.ti++
	}
	return true
}

// WhileOpen runs fn under the registry's lock unless Close has begun, and
// reports whether it ran: fn is then ordered before Close's snapshot, so
// that Close sees what fn registered (an executor job, say).
func (h *Host) WhileOpen(fn func()) bool {
	r := &h.reg
	r.mu.Lock()
	defer r.mu.Unlock()
	if h.closing.Load() {
		return false
	}
	fn()
	return true
}

// remove records that t has finished (finish stored done first) and tells
// a waiting Close when it was the last.
func (h *Host) remove(t *Task) {
	r := &h.reg
	t.slot.Store(nil)
	r.finished.Add(1)
	// Close stores waiting before it reads finished, and finished was
	// counted before this load: one of the two sees the other. Once
	// waiting is set, added no longer changes.
	if w := r.waiting.Load(); w != nil && r.finished.Load() == r.added.Load() {
		w.stop.Store(true)
		w.unpark()
	}
}

// grow appends an empty chunk to the list. The caller holds r.mu.
func (r *registry) grow() {
	c := r.free.Get()
	if c == nil {
		c = new(regChunk)
	}
	if r.tail == nil {
		r.head = c
	} else {
		r.tail.next = c
	}
	r.tail, r.ti = c, 0
	r.chunks++
}

// sweep unlinks the chunks whose slots have all been cleared, keeping them
// for reuse (a burst of tasks that keeps coming back needs as many again).
// The tail, which is full when sweep runs, goes too if empty. The caller
// holds r.mu.
func (r *registry) sweep() {
	var prev *regChunk
	for c := r.head; c != nil; {
		next := c.next
		if !c.empty() {
			prev = c
			c = next
			continue
		}
		if prev == nil {
			r.head = next
		} else {
			prev.next = next
		}
		if c == r.tail {
			r.tail = prev
		}
		r.chunks--
		c.next = nil
		r.free.Put(c, 1)
		c = next
	}
	if r.tail == nil {
		r.head = nil
	}
}

// empty reports whether every slot of c has been cleared.
func (c *regChunk) empty() bool {
	for i := range c.slots {
		if c.slots[i].Load() != nil {
			return false
		}
	}
	return true
}

// Close is Close's snapshot: it marks the host closing (so that no task is
// added after it), returns the tasks still live, and arranges for stop to
// be set, and unpark called, once none is, now or when the last finishes.
func (h *Host) Close(stop *atomic.Bool, unpark func()) []*Task {
	r := &h.reg
	r.mu.Lock()
	defer r.mu.Unlock()
	h.closing.Store(true)
	live := h.liveLocked()
	r.waiting.Store(&closeWait{stop: stop, unpark: unpark})
	if r.finished.Load() == r.added.Load() {
		stop.Store(true)
	}
	return live
}

// Live returns the tasks registered and not finished, in no fixed order.
func (h *Host) Live() []*Task {
	h.reg.mu.Lock()
	defer h.reg.mu.Unlock()
	return h.liveLocked()
}

// liveLocked is Live for a caller that holds the registry's lock.
func (h *Host) liveLocked() []*Task {
	r := &h.reg
	var live []*Task
	for c := r.head; c != nil; c = c.next {
		for i := range c.slots {
			if t := c.slots[i].Load(); t != nil {
				live = append(live, t)
			}
		}
	}
	return live
}

// AllFinished reports whether every task registered has finished.
func (h *Host) AllFinished() bool {
	return h.reg.finished.Load() == h.reg.added.Load()
}
