package queue

import (
	"sync"
	"sync/atomic"
)

// segmentLen is how many entries one segment of an MPSC holds.
const segmentLen = 512

// maxFreeSegments is how many segments handed back an MPSC keeps for
// certain; the rest wait for the next collection (see Recycler). Keeping
// only these made a stream of posts that the loop runs as fast as they come
// cost 34 instead of 25 ns a post (BenchmarkCallSoonThreadsafe/Loop/single).
const maxFreeSegments = 8

// MPSC is a FIFO that any goroutine pushes into without taking a lock, and
// that one consumer at a time empties: the single-thread loop's goroutine,
// or whichever pool worker holds the pool's inbox lock.
//
// Entries live in a linked list of fixed-size segments. A poster reserves a
// position with one atomic add on tail, writes the entry into its slot, and
// stamps the slot with the position; the consumer takes entries in
// position order while their stamps match. Posters never wait for the
// consumer, as they would for a shared lock (contention on such a lock was
// most of the cost of a cross-thread post:
// BenchmarkCallSoonThreadsafeContended), and a backlog grows by whole
// segments, never copied.
//
// The consumer hands passed segments back for reuse (a fresh one costs page
// faults); appending and reusing happen under mu, once per segmentLen
// posts. A poster holding a stale tailSeg may see it reused, but under a
// new base, which it checks: a segment is reused only once every slot in
// it has been taken, so the one holding a poster's position stays put
// until the poster has written it.
//
// Make one with Init. The consumer's methods (Pop, Ready, Reserved, Head)
// must not run concurrently with each other.
type MPSC[E any] struct {
	_       CacheLinePad
	tail    atomic.Uint64              // next position to reserve
	tailSeg atomic.Pointer[segment[E]] // the newest segment
	_       CacheLinePad
	head    uint64      // next position to take; the consumer's alone
	headSeg *segment[E] // the segment holding head
	_       CacheLinePad
	mu      sync.Mutex
	live    *segment[E] // the oldest segment not handed back; under mu
	// free holds the segments handed back, under mu. It is this queue's
	// own: stale stamps are safe only among one queue's positions.
	free Recycler[segment[E]]
}

type segment[E any] struct {
	slots [segmentLen]slot[E]
	base  atomic.Uint64 // position of slots[0]
	next  atomic.Pointer[segment[E]]
}

type slot[E any] struct {
	e     E
	stamp atomic.Uint64 // position+1 once e is written for it
}

// Init makes q an empty queue. It must be called before any other method.
func (q *MPSC[E]) Init() {
	s := new(segment[E])
	q.tailSeg.Store(s)
	q.headSeg, q.live = s, s
}

// Push appends e and returns its position. Safe for any number of
// goroutines.
func (q *MPSC[E]) Push(e E) uint64 {
	pos := q.Reserve()
	q.Publish(pos, e)
	return pos
}

// Reserve reserves the next position, which its caller must then Publish:
// the first half of Push. Until it does, the consumer stops at that
// position.
func (q *MPSC[E]) Reserve() uint64 { return q.tail.Add(1) - 1 }

// Publish writes e at pos, which Reserve returned, and stamps it: the
// second half of Push.
func (q *MPSC[E]) Publish(pos uint64, e E) {
	seg := q.tailSeg.Load()
	if pos-seg.base.Load() >= segmentLen { // past it, or (reused meanwhile) before it
		seg = q.segmentFor(pos)
	}
	s := &seg.slots[pos-seg.base.Load()]
	s.e = e
	// A sequentially consistent store: on amd64 an XCHG, the post's second
	// locked instruction. The release store it replaced (a plain MOV,
	// written in assembly) made a single poster's stream cost 17 against
	// 24 ns a post here (six interleaved rounds of
	// BenchmarkCallSoonThreadsafe/Loop/single, 2-core VM); it is gone
	// because the race detector never saw it, and Go's sync/atomic has no
	// release-only store. Padding slots to a cache line each won nothing
	// back (24 against 23 ns).
	s.stamp.Store(pos + 1)
}

// segmentFor returns the segment holding pos, appending segments as
// needed.
func (q *MPSC[E]) segmentFor(pos uint64) *segment[E] {
	q.mu.Lock()
	defer q.mu.Unlock()
	// Under mu no segment from live on is handed back, and pos is at or
	// after live (the consumer has not taken pos yet).
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
func (q *MPSC[E]) newSegment(base uint64) *segment[E] {
	s := q.free.Get()
	if s == nil {
		s = new(segment[E])
		s.base.Store(base)
		return s
	}
	// Stale stamps are below base+1, so they match no position here.
	s.next.Store(nil)
	s.base.Store(base)
	return s
}

// retire hands back seg, whose every slot the consumer has taken; next is
// the segment after it.
func (q *MPSC[E]) retire(seg, next *segment[E]) {
	q.mu.Lock()
	q.live = next
	q.free.Put(seg, maxFreeSegments)
	q.mu.Unlock()
}

// Tail returns the next position to be reserved: every position below it
// has been reserved, though not necessarily written yet.
func (q *MPSC[E]) Tail() uint64 { return q.tail.Load() }

// Head returns the next position the consumer takes. Consumer only.
func (q *MPSC[E]) Head() uint64 { return q.head }

// Reserved reports whether any position has been reserved and not taken:
// an entry is in the queue or a poster is writing one. Consumer only. It
// is the last look before a consumer sleeps: a poster reserves with a
// sequentially consistent add and then reads the consumer's sleeping flag,
// so either the poster sees the flag or this sees the reservation.
func (q *MPSC[E]) Reserved() bool { return q.tail.Load() != q.head }

// Ready reports whether the next entry is written and can be taken.
// Consumer only. It is Pop's lookup without Pop's effects; Pop does not
// call a shared helper because one measured slower on a stream of
// cross-thread posts (43 against 32 ns: BenchmarkCallSoonThreadsafe).
func (q *MPSC[E]) Ready() bool {
	seg, i := q.headSeg, q.head-q.headSeg.base.Load()
	if i == segmentLen {
		if seg = seg.next.Load(); seg == nil {
			return false
		}
		i = 0
	}
	return seg.slots[i].stamp.Load() == q.head+1
}

// Pop removes and returns the next entry and its position, if it is
// written. Consumer only.
func (q *MPSC[E]) Pop() (e E, pos uint64, ok bool) {
	seg, i := q.headSeg, q.head-q.headSeg.base.Load()
	if i == segmentLen {
		next := seg.next.Load()
		if next == nil {
			return e, 0, false
		}
		q.headSeg = next
		q.retire(seg, next)
		seg, i = next, 0
	}
	s := &seg.slots[i]
	if s.stamp.Load() != q.head+1 {
		return e, 0, false
	}
	e, pos = s.e, q.head
	// Cleared for the collector. (Leaving it to when the segment is done
	// measured slower: 37-44 against 29-34 ns a cross-thread post,
	// BenchmarkCallSoonThreadsafe/Loop/single.)
	var zero E
	s.e = zero
	q.head++
	return e, pos, true
}
