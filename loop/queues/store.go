package queues

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
	// cancelled first. Every item in the store now was put after it, so it
	// goes where that order places it: first out for FIFO, last for LIFO.
	restore(v T, seq uint64)
	// clear drops every item and returns how many there were.
	clear() int
}

// fifo is a growable ring buffer: first in, first out.
type fifo[T any] struct {
	buf  []T
	head int // index of the oldest item
	n    int
}

func (q *fifo[T]) len() int { return q.n }

func (q *fifo[T]) push(v T, _ uint64) {
	q.grow()
	q.buf[(q.head+q.n)%len(q.buf)] = v
	q.n++
}

func (q *fifo[T]) pop() T {
	var zero T
	v := q.buf[q.head]
	q.buf[q.head] = zero // let the item be collected
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return v
}

func (q *fifo[T]) restore(v T, _ uint64) {
	q.grow()
	q.head = (q.head - 1 + len(q.buf)) % len(q.buf)
	q.buf[q.head] = v
	q.n++
}

func (q *fifo[T]) clear() int {
	n := q.n
	clear(q.buf)
	q.head, q.n = 0, 0
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

// lifo is a stack: last in, first out.
type lifo[T any] struct{ s []T }

func (q *lifo[T]) len() int { return len(q.s) }

func (q *lifo[T]) push(v T, _ uint64) { q.s = append(q.s, v) }

func (q *lifo[T]) pop() T {
	var zero T
	n := len(q.s) - 1
	v := q.s[n]
	q.s[n] = zero
	q.s = q.s[:n]
	return v
}

// restore puts v at the bottom: everything above it was put later. It is
// O(n), and runs only when a getter is cancelled in a race with a Put.
func (q *lifo[T]) restore(v T, _ uint64) {
	var zero T
	q.s = append(q.s, zero)
	copy(q.s[1:], q.s)
	q.s[0] = v
}

func (q *lifo[T]) clear() int {
	n := len(q.s)
	clear(q.s)
	q.s = q.s[:0]
	return n
}
