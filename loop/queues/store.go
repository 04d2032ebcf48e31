package queues

import "slices"

// store holds a queue's items in the order its constructor chose. seq is the
// item's put order, counted by the queue; only the priority order keeps it.
// Stores are protected by the queue's mu.
type store[T any] interface {
	len() int
	push(v T, seq uint64)
	// pop removes and returns the next item; the store is not empty.
	pop() T
	// restore returns an item that was handed to a getter straight from a
	// Put, while the store was empty, and came back because the getter was
	// cancelled first. Every item pushed since was put after it; only
	// items restored before it, handed to other getters in that same
	// stretch, can be older. It goes where its put order places it among
	// them: for FIFO, ahead of every pushed item; for LIFO, below them.
	restore(v T, seq uint64)
	// clear drops every item and returns how many there were.
	clear() int
}

// fifo is a growable ring buffer: first in, first out. Items restored go
// to back, in put order, and come out before the ring's.
type fifo[T any] struct {
	buf  []T
	head int // index of the oldest item
	n    int
	back restored[T]
}

func (q *fifo[T]) len() int { return q.n + len(q.back.v) }

func (q *fifo[T]) push(v T, _ uint64) {
	q.grow()
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
}

func (q *fifo[T]) pop() T {
	if len(q.back.v) > 0 {
		return q.back.popFirst()
	}
	var zero T
	v := q.buf[q.head]
	q.buf[q.head] = zero // let the item be collected
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return v
}

func (q *fifo[T]) restore(v T, seq uint64) { q.back.insert(v, seq) }

func (q *fifo[T]) clear() int {
	n := q.len()
	clear(q.buf)
	q.head, q.n = 0, 0
	q.back.clear()
	return n
}

// grow makes room for one more item, doubling the buffer when it is full.
func (q *fifo[T]) grow() {
	if q.n < len(q.buf) {
		return
	}
	buf := make([]T, max(2*len(q.buf), 8))
	k := copy(buf, q.buf[q.head:])
	copy(buf[k:], q.buf[:q.head])
	q.buf, q.head = buf, 0
}

// lifo is a stack: last in, first out. Items restored go to bottom, in
// put order (newest last), and come out after the stack's.
type lifo[T any] struct {
	s      []T
	bottom restored[T]
}

func (q *lifo[T]) len() int { return len(q.s) + len(q.bottom.v) }

func (q *lifo[T]) push(v T, _ uint64) { q.s = append(q.s, v) }

func (q *lifo[T]) pop() T {
	if len(q.s) == 0 {
		return q.bottom.popLast()
	}
	var zero T
	n := len(q.s) - 1
	v := q.s[n]
	q.s[n] = zero
	q.s = q.s[:n]
	return v
}

func (q *lifo[T]) restore(v T, seq uint64) { q.bottom.insert(v, seq) }

func (q *lifo[T]) clear() int {
	n := q.len()
	clear(q.s)
	q.s = q.s[:0]
	q.bottom.clear()
	return n
}

// restored holds the items given back by cancelled getters, sorted by put
// order. It is empty but in a race between a Put and a cancellation, and
// short: an item is given back only if it was handed to a getter while the
// store was empty, so every item pushed since is newer than all of these.
type restored[T any] struct {
	v   []T
	seq []uint64
}

// insert adds v where seq places it. O(len), as it is short.
func (r *restored[T]) insert(v T, seq uint64) {
	i := len(r.seq)
	for i > 0 && r.seq[i-1] > seq {
		i--
	}
	r.v = slices.Insert(r.v, i, v)
	r.seq = slices.Insert(r.seq, i, seq)
}

// popFirst removes and returns the oldest item; r is not empty.
func (r *restored[T]) popFirst() T {
	v := r.v[0]
	var zero T
	r.v[0] = zero // let the item be collected
	r.v, r.seq = r.v[1:], r.seq[1:]
	return v
}

// popLast removes and returns the newest item; r is not empty.
func (r *restored[T]) popLast() T {
	n := len(r.v) - 1
	v := r.v[n]
	var zero T
	r.v[n] = zero
	r.v, r.seq = r.v[:n], r.seq[:n]
	return v
}

func (r *restored[T]) clear() {
	clear(r.v)
	r.v, r.seq = r.v[:0], r.seq[:0]
}
