package loop

import (
	"sync"
	"sync/atomic"
)

// registry keeps a loop's live tasks, so that Close can cancel them and wait
// for the last one to finish.
//
// A task is created on one goroutine and, on the pool, usually finishes on
// another. Had both ends to take one lock, the creating and the finishing
// worker would contend for it once per task (measured: a seventh of a pool
// Gather's time). So only adding takes the lock. Each task gets a slot in a
// list of small chunks that never move; finishing clears the slot and
// counts the task finished, without the lock, so that the loop stops
// referencing the task at once (a failed task nobody reads must stay
// collectable: that is how its error gets reported). An add that needs a
// new chunk first unlinks the chunks that have emptied, once the list has
// doubled since the last sweep: a sweep visits each chunk once, so that
// costs O(1) per add. A long-lived task keeps its chunk, so the list costs
// at most regChunkLen pointers per live task, and usually one.
type registry struct {
	mu         sync.Mutex // protects the chunk list; orders addTask against Close
	head, tail *regChunk
	ti         int                // next free slot in tail
	chunks     int                // chunks in the list
	sweepAt    int                // chunks at which the next add sweeps
	free       recycler[regChunk] // emptied chunks, for the next adds

	// Tasks added and tasks finished are counted apart, so that neither
	// side writes a line the other writes: a finish reads only waiting,
	// which stays nil until Close.
	added    atomic.Int64 // written under mu
	_        cacheLinePad
	finished atomic.Int64
	waiting  atomic.Pointer[atomic.Bool] // Close's stop flag, once it waits
	_        cacheLinePad
}

// regChunkLen is the slots in a chunk: small, since a chunk stays while
// any of its tasks lives, however many have finished.
const regChunkLen = 32

type regChunk struct {
	slots [regChunkLen]atomic.Pointer[task]
	next  *regChunk
}

// addTask registers t unless the loop is closing, which is checked under
// the lock that Close takes after marking the loop closing: either Close
// sees t or t is refused.
func (l *Loop) addTask(t *task) bool { return l.addTasks([]*task{t}) }

// addTasks is addTask for every task of ts under one lock: all of them
// are registered, or, if the loop is closing, none. (Gather registers its
// children a batch at a time: a lock round trip per child was a tenth of
// a pool Gather's time.)
func (l *Loop) addTasks(ts []*task) bool {
	r := &l.reg
	r.mu.Lock()
	defer r.mu.Unlock()
	if l.closedForUsers() {
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

// removeTask records that t has finished (t.finish stored tsDone first) and
// tells a waiting Close when it was the last.
func (l *Loop) removeTask(t *task) {
	r := &l.reg
	t.slot.Store(nil)
	r.finished.Add(1)
	// Close stores waiting before it reads finished, and finished was
	// counted before this load: one of the two sees the other. Once
	// waiting is set, added no longer changes.
	if stop := r.waiting.Load(); stop != nil && r.finished.Load() == r.added.Load() {
		stop.Store(true)
		l.eng.wakeup()
	}
}

// grow appends an empty chunk to the list. The caller holds r.mu.
func (r *registry) grow() {
	c := r.free.get()
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
		r.free.put(c, 1)
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

// closing is Close's snapshot: it returns the tasks still live and arranges
// for stop to be set once none is, now or when the last finishes. The loop
// is already marked closing, so no task is added after this.
func (l *Loop) closing(stop *atomic.Bool) []*task {
	r := &l.reg
	r.mu.Lock()
	defer r.mu.Unlock()
	var live []*task
	for c := r.head; c != nil; c = c.next {
		for i := range c.slots {
			if t := c.slots[i].Load(); t != nil {
				live = append(live, t)
			}
		}
	}
	r.waiting.Store(stop)
	if r.finished.Load() == r.added.Load() {
		stop.Store(true)
	}
	return live
}
