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

// inbox is the pool's mutex-guarded FIFO, which any goroutine posts into
// and pool workers take one item each from (popUpTo). (The single-thread
// loop's is an mpsc.)
//
// The fields posters write (mu, items, seq) and the flag the loop reads
// (n) sit on separate cache lines, and n is written only when the queue
// turns non-empty or empty: a loop polling an inbox that a producer keeps
// busy reads a line that stays in its cache, instead of pulling the
// posters' line across cores at every look.
type inbox struct {
	_     cacheLinePad
	mu    sync.Mutex // protects items and seq; orders writes of n
	items chunkFIFO
	seq   uint64 // last id handed out; posted ids are seq<<1|1 (see cancels)
	_     cacheLinePad
	n     atomic.Int32 // 1 while items is not empty, else 0
	_     cacheLinePad
}

// cacheLinePad keeps the fields on either side of it off each other's cache
// lines (128 bytes covers adjacent-line prefetching on amd64).
type cacheLinePad [128]byte

// push appends e, giving it an id, and returns the id and whether the
// queue was empty before.
func (q *inbox) push(e entry) (id uint64, first bool) {
	q.mu.Lock()
	q.seq++
	id = q.seq<<1 | 1
	e.id = id
	first = q.items.n == 0
	if first {
		q.n.Store(1)
	}
	q.items.push(e)
	q.mu.Unlock()
	return id, first
}

// pushTimers appends an entry firing each of tms, in order, under a single
// lock: a burst of due timers costs one lock round trip, not one each.
func (q *inbox) pushTimers(tms []*timer) {
	if len(tms) == 0 {
		return
	}
	q.mu.Lock()
	if q.items.n == 0 {
		q.n.Store(1)
	}
	for _, tm := range tms {
		q.seq++
		q.items.push(entry{fn: tm.fire, id: q.seq<<1 | 1})
	}
	q.mu.Unlock()
}

// pushTasks appends an entry starting each of ts, in order, under a single
// lock (see startBatch).
func (q *inbox) pushTasks(ts []*task) {
	if len(ts) == 0 {
		return
	}
	q.mu.Lock()
	if q.items.n == 0 {
		q.n.Store(1)
	}
	for _, t := range ts {
		q.seq++
		q.items.push(entry{t: t, id: q.seq<<1 | 1})
	}
	q.mu.Unlock()
}

// popUpTo removes and returns the oldest entry whose handle c has not
// cancelled, if its id is at most limit; cancelled entries before it are
// dropped. The check is made under the queue's lock, so that the dispatch
// watermark moves in pop order: a worker recording its id after the lock
// could move the watermark past an id that another worker had popped but
// not yet checked, and so forget that its handle was cancelled.
//
// Only once a handle has been cancelled does it matter which ids have been
// dispatched (see cancels): until then the watermark is left alone, and
// workers do not write a line they all share.
func (q *inbox) popUpTo(limit uint64, c *cancels) (entry, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	for q.items.n > 0 && q.items.first().id <= limit {
		e := q.items.pop()
		if q.items.n == 0 {
			q.n.Store(0)
		}
		if c.n.Load() != 0 {
			// Take before advancing: advance forgets cancelled ids
			// at or below the watermark.
			cancelled := c.take(e.id)
			c.advance([2]uint64{0, e.id})
			if cancelled {
				continue
			}
		}
		return e, true
	}
	return entry{}, false
}

// headUpTo reports whether the oldest entry's id is at most limit.
func (q *inbox) headUpTo(limit uint64) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.items.n > 0 && q.items.first().id <= limit
}

// lastID returns the id of the newest entry ever pushed (1 if none).
func (q *inbox) lastID() uint64 {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.seq<<1 | 1
}

// chunkFIFO is a FIFO of entries in a list of fixed-size chunks: a backlog
// of any length grows a chunk at a time instead of regrowing, and copying,
// one array (measured: a tenth of the time of a million queued tasks).
// Emptied chunks are reused, a few for certain and the rest until the
// collector next runs: a backlog that keeps coming back does not fault in
// fresh chunks every time. Not safe for concurrent use.
type chunkFIFO struct {
	head, tail *chunk
	hi, ti     int             // next entry to pop in head, next to write in tail
	n          int             // entries queued
	spare      recycler[chunk] // emptied chunks, for the next ones needed
}

const (
	chunkLen = 256
	maxSpare = 4 // chunks kept for certain (see recycler)
)

type chunk struct {
	e    [chunkLen]entry
	next *chunk
}

func (f *chunkFIFO) push(e entry) {
	if f.tail == nil || f.ti == chunkLen {
		var c *chunk
		if c = f.spare.get(); c == nil {
			c = new(chunk)
		}
		if f.tail == nil {
			f.head, f.hi = c, 0
		} else {
			f.tail.next = c
		}
		f.tail, f.ti = c, 0
	}
	f.tail.e[f.ti] = e
	f.ti++
	f.n++
}

// first returns the oldest entry; the FIFO must not be empty.
func (f *chunkFIFO) first() *entry { return &f.head.e[f.hi] }

// pop removes and returns the oldest entry; the FIFO must not be empty.
func (f *chunkFIFO) pop() entry {
	e := f.head.e[f.hi]
	f.head.e[f.hi] = entry{} // for the collector
	f.hi++
	f.n--
	switch {
	case f.n == 0:
		// Empty: start again at the front of the chunk in hand.
		f.head.next = nil
		f.tail, f.hi, f.ti = f.head, 0, 0
	case f.hi == chunkLen:
		old := f.head
		f.head, f.hi = old.next, 0
		old.next = nil
		f.spare.put(old, maxSpare)
	}
	return e
}

// cancels records the ids of callbacks cancelled through their Handle
// before they ran. Callbacks are dispatched in id order within each tag, so
// an id at or below its tag's watermark has already run and is not recorded.
//
// The pool's workers write ran at every dispatch, so cancels is padded off
// the lines of the Loop fields that task creation reads.
type cancels struct {
	_  cacheLinePad
	n  atomic.Int32 // number of recorded ids: the dispatcher's fast check
	mu sync.Mutex   // protects ids
	// ids holds cancelled ids not yet dispatched.
	ids map[uint64]struct{}
	// ran[tag] is the highest id of that tag dispatched so far.
	ran [2]atomic.Uint64
	_   cacheLinePad
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
