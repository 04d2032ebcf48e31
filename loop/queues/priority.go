package queues

// entry is an item of a priority queue with its put order.
type entry[T any] struct {
	v   T
	seq uint64
}

// priority is a binary min-heap ordered by less, ties broken by put order,
// so that equal items come out first in, first out.
//
// less is user code and may panic. Every operation keeps all items in the
// slice at every step (pop moves the item it returns to the end before
// sifting, as container/heap does, and truncates only after), so a panic
// loses no item and invents none; it can only leave the heap out of order.
type priority[T any] struct {
	less func(a, b T) bool
	h    []entry[T]
}

func (q *priority[T]) len() int { return len(q.h) }

// before reports whether the item at i comes out before the item at j.
func (q *priority[T]) before(i, j int) bool {
	a, b := q.h[i], q.h[j]
	if q.less(a.v, b.v) {
		return true
	}
	if q.less(b.v, a.v) {
		return false
	}
	return a.seq < b.seq
}

func (q *priority[T]) push(v T, seq uint64) {
	q.h = append(q.h, entry[T]{v: v, seq: seq})
	q.up(len(q.h) - 1)
}

func (q *priority[T]) pop() T {
	n := len(q.h) - 1
	q.h[0], q.h[n] = q.h[n], q.h[0]
	q.down(0, n)
	v := q.h[n].v
	q.h[n] = entry[T]{}
	q.h = q.h[:n]
	return v
}

// restore is push with the item's original put order, which is older than
// every item in the heap, so it comes out first among its equals.
func (q *priority[T]) restore(v T, seq uint64) { q.push(v, seq) }

func (q *priority[T]) clear() int {
	n := len(q.h)
	clear(q.h)
	q.h = q.h[:0]
	return n
}

func (q *priority[T]) up(i int) {
	for i > 0 {
		parent := (i - 1) / 2
		if !q.before(i, parent) {
			return
		}
		q.h[i], q.h[parent] = q.h[parent], q.h[i]
		i = parent
	}
}

// down sifts the item at i down within the first n items.
func (q *priority[T]) down(i, n int) {
	for {
		child := 2*i + 1
		if child >= n {
			return
		}
		if r := child + 1; r < n && q.before(r, child) {
			child = r
		}
		if !q.before(child, i) {
			return
		}
		q.h[i], q.h[child] = q.h[child], q.h[i]
		i = child
	}
}
