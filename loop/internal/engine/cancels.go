package engine

import (
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/loop/internal/queue"
)

// Cancels records the ids of callbacks cancelled through their Handle
// before they ran; the engine checks it as it dispatches each callback,
// which costs one atomic load while nothing is recorded.
//
// Ids have a tag, their low bit: callbacks queued on the loop (even) and
// posted from anywhere (odd). An engine knows, per tag, an id at or below
// which every callback has been dispatched (its watermark): a Cancel of
// such an id has come too late and records nothing, and ids recorded too
// late anyway (cancelled as they ran) are swept out once the record has
// doubled since the last sweep, so that it stays proportional to the
// callbacks really cancelled and waiting, and every operation is O(1)
// amortized. (A sweep at every dispatch made 40,000 queued callbacks,
// half of them cancelled, take 4 s on the pool.)
//
// The zero value is not usable: an engine makes one with its watermark.
type Cancels struct {
	_  queue.CacheLinePad
	n  atomic.Int32 // number of recorded ids: the dispatcher's fast check
	mu sync.Mutex   // protects ids and sweepAt
	// ids holds cancelled ids not yet dispatched (and some dispatched
	// since, until the next sweep).
	ids     map[uint64]struct{}
	sweepAt int
	// asked holds every id Cancel was called for, for Handle.Cancelled:
	// a handle here is an id with no storage of its own, so that queuing
	// a callback allocates nothing (a flag per handle, even from slabs,
	// cost CallSoon 5.5 -> 7.2 ns and CallSoonThreadsafe 21 -> 32 ns in
	// interleaved runs of BenchmarkCallSoon and BenchmarkCallSoonThreadsafe).
	// It costs a map entry per cancelled handle for the loop's life.
	asked   map[uint64]struct{}
	visited int // ids a sweep has looked at, ever: the cost a test bounds
	// watermark returns, per tag, an id at or below which every callback
	// has been dispatched. It may lag: a lower mark only delays sweeping.
	watermark func() [2]uint64
	_         queue.CacheLinePad
}

// newCancels returns a record whose watermark is given by wm.
func newCancels(wm func() [2]uint64) *Cancels { return &Cancels{watermark: wm} }

// Cancel records id, unless its callback has been dispatched. Safe for any
// goroutine.
func (c *Cancels) Cancel(id uint64) {
	if id == 0 {
		return
	}
	wm := c.watermark()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.asked == nil {
		c.asked = make(map[uint64]struct{})
	}
	c.asked[id] = struct{}{}
	if id <= wm[id&1] {
		return
	}
	if c.ids == nil {
		c.ids = make(map[uint64]struct{})
	}
	if _, ok := c.ids[id]; ok {
		return
	}
	c.ids[id] = struct{}{}
	c.n.Add(1)
	if len(c.ids) >= c.sweepAt {
		c.visited += len(c.ids)
		for k := range c.ids {
			if k <= wm[k&1] {
				delete(c.ids, k)
				c.n.Add(-1)
			}
		}
		c.sweepAt = 2*len(c.ids) + 64
	}
}

// Asked reports whether Cancel was called for id, before or after its
// callback was dispatched. Safe for any goroutine.
func (c *Cancels) Asked(id uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	_, ok := c.asked[id]
	return ok
}

// Take reports whether id was cancelled, forgetting it. The dispatcher
// calls it for a callback it is about to run, and skips the callback if it
// reports true.
func (c *Cancels) Take(id uint64) bool {
	if c.n.Load() == 0 {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.ids[id]; ok {
		delete(c.ids, id)
		c.n.Add(-1)
		return true
	}
	return false
}

// Active reports whether any id is recorded: only then must a dispatcher
// publish its watermark.
func (c *Cancels) Active() bool { return c.n.Load() != 0 }

// Len returns how many ids are recorded.
func (c *Cancels) Len() int { return int(c.n.Load()) }

// postedID is the id of the entry at position pos of an inbox: odd, so that
// it never equals a local id, and never zero.
func postedID(pos uint64) uint64 { return (pos+1)<<1 | 1 }

// localID is the id of the seq-th callback queued locally: even, not zero.
func localID(seq uint64) uint64 { return seq << 1 }

// marks is a dispatcher's watermark, published with atomic stores so that
// Cancel may read it from any goroutine.
type marks [2]atomic.Uint64

// load returns the marks.
func (m *marks) load() [2]uint64 { return [2]uint64{m[0].Load(), m[1].Load()} }

// publish raises the marks to ran, which holds the highest id dispatched
// per tag.
func (m *marks) publish(ran [2]uint64) {
	for tag, id := range ran {
		if id > m[tag].Load() {
			m[tag].Store(id)
		}
	}
}
