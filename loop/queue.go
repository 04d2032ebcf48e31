package loop

import (
	"sync"
	"sync/atomic"
)

// entry is one queued callback, or one step of a task: the single-thread
// engine queues task steps as t rather than as fn, so that dispatching one
// calls the engine's step directly. Every call between a coroutine switch
// and the loop's next dispatch is a return the CPU mispredicts (the switch
// swaps stacks under its return-address predictor), so the shallower that
// path, the cheaper a suspend/resume. id identifies the entry to
// Handle.Cancel.
type entry struct {
	fn func()
	t  *task
	id uint64
}

// inbox is a mutex-guarded FIFO that any goroutine posts into. The
// single-thread loop empties it a batch at a time (takeInto); pool workers
// take one item each (popUpTo).
//
// The fields posters write (mu, items, seq) and the flag the loop reads
// (n) sit on separate cache lines, and n is written only when the queue
// turns non-empty or empty: a loop polling an inbox that a producer keeps
// busy reads a line that stays in its cache, instead of pulling the
// posters' line across cores at every look.
type inbox struct {
	_     cacheLinePad
	mu    sync.Mutex // protects items, head and seq; orders writes of n
	items []entry
	head  int    // items[:head] have been popped
	seq   uint64 // last id handed out; posted ids are seq<<1|1 (see cancels)
	_     cacheLinePad
	n     atomic.Int32 // 1 while items[head:] is not empty, else 0
	_     cacheLinePad
}

// cacheLinePad keeps the fields on either side of it off each other's cache
// lines (128 bytes covers adjacent-line prefetching on amd64).
type cacheLinePad [128]byte

// push appends e, giving it an id, and returns the id.
func (q *inbox) push(e entry) uint64 {
	q.mu.Lock()
	q.seq++
	id := q.seq<<1 | 1
	e.id = id
	if len(q.items) == q.head {
		q.n.Store(1)
	}
	q.items = append(q.items, e)
	q.mu.Unlock()
	return id
}

// pushTimers appends an entry firing each of tms, in order, under a single
// lock: a burst of due timers costs one lock round trip, not one each.
func (q *inbox) pushTimers(tms []*timer) {
	if len(tms) == 0 {
		return
	}
	q.mu.Lock()
	if len(q.items) == q.head {
		q.n.Store(1)
	}
	for _, tm := range tms {
		q.seq++
		q.items = append(q.items, entry{fn: tm.fire, id: q.seq<<1 | 1})
	}
	q.mu.Unlock()
}

// takeInto appends every queued entry to dst and empties the queue. When
// dst is empty it trades storage with the queue instead of copying: the
// caller gets the queued entries' array and the queue gets dst's, so dst's
// array must hold only zero values past its length (what clear leaves).
func (q *inbox) takeInto(dst []entry) []entry {
	if q.n.Load() == 0 {
		return dst
	}
	q.mu.Lock()
	if len(dst) == 0 && q.head == 0 {
		dst, q.items = q.items, dst[:0]
		q.n.Store(0)
	} else {
		dst = append(dst, q.items[q.head:]...)
		q.reset()
	}
	q.mu.Unlock()
	return dst
}

// popUpTo removes and returns the oldest entry if its id is at most limit.
func (q *inbox) popUpTo(limit uint64) (entry, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.head == len(q.items) || q.items[q.head].id > limit {
		return entry{}, false
	}
	e := q.items[q.head]
	q.items[q.head] = entry{} // drop the func for the collector
	q.head++
	if q.head == len(q.items) {
		q.reset()
	}
	return e, true
}

// headUpTo reports whether the oldest entry's id is at most limit.
func (q *inbox) headUpTo(limit uint64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.head < len(q.items) && q.items[q.head].id <= limit
}

// lastID returns the id of the newest entry ever pushed (1 if none).
func (q *inbox) lastID() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.seq<<1 | 1
}

// reset empties the queue, keeping its storage. Called with mu held.
func (q *inbox) reset() {
	clear(q.items)
	q.items, q.head = q.items[:0], 0
	q.n.Store(0)
}

// cancels records the ids of callbacks cancelled through their Handle
// before they ran. Callbacks are dispatched in id order within each tag, so
// an id at or below its tag's watermark has already run and is not recorded.
type cancels struct {
	n  atomic.Int32 // number of recorded ids: the dispatcher's fast check
	mu sync.Mutex   // protects ids
	// ids holds cancelled ids not yet dispatched.
	ids map[uint64]struct{}
	// ran[tag] is the highest id of that tag dispatched so far.
	ran [2]atomic.Uint64
}

func (c *cancels) cancel(id uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if id <= c.ran[id&1].Load() {
		return
	}
	if c.ids == nil {
		c.ids = make(map[uint64]struct{})
	}
	if _, ok := c.ids[id]; !ok {
		c.ids[id] = struct{}{}
		c.n.Add(1)
	}
}

// take reports whether id was cancelled, forgetting it.
func (c *cancels) take(id uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.ids[id]; ok {
		delete(c.ids, id)
		c.n.Add(-1)
		return true
	}
	return false
}

// advance records that ids up to ran[tag] have been dispatched and drops
// recorded ids that can no longer be dispatched (cancelled after they ran).
func (c *cancels) advance(ran [2]uint64) {
	for tag, id := range ran {
		if id > c.ran[tag].Load() {
			c.ran[tag].Store(id)
		}
	}
	if c.n.Load() == 0 {
		return
	}
	c.mu.Lock()
	for id := range c.ids {
		if id <= c.ran[id&1].Load() {
			delete(c.ids, id)
			c.n.Add(-1)
		}
	}
	c.mu.Unlock()
}

// Handle is returned by CallSoon and friends. Its zero value is a handle to
// nothing. It may be copied; copies refer to the same callback.
type Handle struct {
	c  *cancels
	id uint64
}

// Cancel keeps the callback from running if it has not started yet; it does
// nothing if the callback has run, is running, or was cancelled before
// (asyncio's Handle.cancel). It is safe to call from any goroutine.
func (h Handle) Cancel() {
	if h.c != nil {
		h.c.cancel(h.id)
	}
}
