package loop

import (
	"sync"
	"sync/atomic"
)

// segmentLen is how many entries one segment of an mpsc queue holds.
const segmentLen = 512

// mpsc is the single-thread loop's inbox: a FIFO that any goroutine posts
// into without taking a lock, and that the loop goroutine alone empties.
//
// Entries live in a linked list of fixed-size segments. A poster reserves
// a position with one atomic add on tail, writes the entry into the slot
// of the segment that holds it, and then stamps the slot with the
// position; the loop takes entries in position order while their stamps
// match. The stamp is a release store (storeRelease), not a sequentially
// consistent one: on amd64 the latter is an XCHG, which waits for the
// slot's cache line, and cost a single poster's stream 25.3 against 22.7 ns
// a post (six interleaved rounds). So a poster's later loads may overtake
// its stamp, and the last look before the loop sleeps is at tail (see
// reserved), not at a stamp.
//
// Positions give FIFO order and the ids Handle.Cancel uses; a
// backlog of any length grows by whole segments, so no array is copied to
// grow; and posters never wait for the loop, as they would for a shared
// lock (measured: contention on such a lock was most of the cost of a
// cross-thread post).
//
// The loop hands the segments it has passed back for reuse: a fresh
// segment costs page faults, which on a stream of posts cost more than
// the rest of a post. Appending and reusing segments happens under mu,
// once per segmentLen posts. A poster that read an old tailSeg can see
// it reused, but only under a new base, which it checks: a segment is
// reused only after every slot in it has been taken, so the segment that
// holds a poster's own position stays put until the poster has written it.
type mpsc struct {
	_       cacheLinePad
	tail    atomic.Uint64           // next position to reserve
	tailSeg atomic.Pointer[segment] // the newest segment
	_       cacheLinePad
	head    uint64   // next position to take; the loop's alone
	headSeg *segment // the segment holding head
	_       cacheLinePad
	mu      sync.Mutex
	live    *segment // the oldest segment not handed back; under mu
	// free holds the segments handed back, under mu. It is this queue's
	// own: stale stamps are safe only among one queue's positions.
	free recycler[segment]
}

// maxFreeSegments is how many segments handed back are kept for certain;
// the rest wait for the next collection (see recycler; keeping only these
// made a stream of posts that the loop runs as fast as they come cost 34
// instead of 25 ns a post).
const maxFreeSegments = 8

type segment struct {
	slots [segmentLen]slot
	base  atomic.Uint64 // position of slots[0]
	next  atomic.Pointer[segment]
}

type slot struct {
	fn    func()
	t     *task
	stamp atomic.Uint64 // position+1 once fn and t are written for it
}

func (q *mpsc) init() {
	s := new(segment)
	q.tailSeg.Store(s)
	q.headSeg, q.live = s, s
}

// idOf is the id of the entry at pos: odd, so that it never equals a local
// id (see cancels), and never zero.
func idOf(pos uint64) uint64 { return (pos+1)<<1 | 1 }

// push appends e and returns its id. Safe for any number of goroutines.
func (q *mpsc) push(e entry) uint64 {
	seg := q.tailSeg.Load()
	pos := q.tail.Add(1) - 1
	base := seg.base.Load()
	if pos-base >= segmentLen { // past it, or (reused meanwhile) before it
		seg = q.segmentFor(pos)
		base = seg.base.Load()
	}
	s := &seg.slots[pos-base]
	s.fn, s.t = e.fn, e.t
	storeRelease(&s.stamp, pos+1)
	return idOf(pos)
}

// segmentFor returns the segment holding pos, appending segments as
// needed.
func (q *mpsc) segmentFor(pos uint64) *segment {
	q.mu.Lock()
	defer q.mu.Unlock()
	// Under mu no segment from live on is handed back, and pos is at or
	// after live (the loop has not taken pos yet).
	seg := q.tailSeg.Load()
	if pos < seg.base.Load() {
		seg = q.live
	}
	for pos-seg.base.Load() >= segmentLen {
		next := seg.next.Load()
		if next == nil {
			next = q.newSegment(seg.base.Load() + segmentLen)
			seg.next.Store(next)
			q.tailSeg.Store(next)
		}
		seg = next
	}
	return seg
}

// newSegment returns an empty segment starting at base, reusing one if it
// can. Called with mu held.
func (q *mpsc) newSegment(base uint64) *segment {
	s := q.free.get()
	if s == nil {
		s = new(segment)
		s.base.Store(base)
		return s
	}
	// Stale stamps are below base+1, so they match no position here.
	s.next.Store(nil)
	s.base.Store(base)
	return s
}

// retire hands back seg, whose every slot the loop has taken; next is the
// segment after it.
func (q *mpsc) retire(seg, next *segment) {
	q.mu.Lock()
	q.live = next
	q.free.put(seg, maxFreeSegments)
	q.mu.Unlock()
}

// reserved reports whether any position has been reserved and not taken:
// an entry is in the queue or a poster is writing one. Loop goroutine only.
// It is the last look before the loop sleeps: a poster reserves with a
// sequentially consistent add and then reads the loop's sleeping flag, so
// either the poster sees the flag or this sees the reservation.
func (q *mpsc) reserved() bool { return q.tail.Load() != q.head }

// ready reports whether the next entry is written and can be taken. Loop
// goroutine only. It is pop's lookup without pop's effects; pop does not
// call a shared helper because one measured slower on a stream of
// cross-thread posts (43 against 32 ns, four runs each).
func (q *mpsc) ready() bool {
	seg, i := q.headSeg, q.head-q.headSeg.base.Load()
	if i == segmentLen {
		if seg = seg.next.Load(); seg == nil {
			return false
		}
		i = 0
	}
	return seg.slots[i].stamp.Load() == q.head+1
}

// pop removes and returns the next entry, if it is written. Loop
// goroutine only.
func (q *mpsc) pop() (entry, bool) {
	seg, i := q.headSeg, q.head-q.headSeg.base.Load()
	if i == segmentLen {
		next := seg.next.Load()
		if next == nil {
			return entry{}, false
		}
		q.headSeg = next
		q.retire(seg, next)
		seg, i = next, 0
	}
	s := &seg.slots[i]
	if s.stamp.Load() != q.head+1 {
		return entry{}, false
	}
	e := entry{fn: s.fn, t: s.t, id: idOf(q.head)}
	// Cleared for the collector. (Leaving it to when the segment is done
	// measured slower: 37-44 against 29-34 ns a cross-thread post.)
	s.fn, s.t = nil, nil
	q.head++
	return e, true
}

// takeInto appends the written entries before position end, in order, to
// dst, stopping at the first one still being written (the caller waits for
// it: see drainAll). Loop goroutine only.
func (q *mpsc) takeInto(dst []entry, end uint64) []entry {
	for q.head < end {
		e, ok := q.pop()
		if !ok {
			break
		}
		dst = append(dst, e)
	}
	return dst
}
