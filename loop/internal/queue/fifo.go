package queue

// FIFO is a first-in, first-out queue of entries in a list of fixed-size
// chunks: a backlog of any length grows a chunk at a time instead of
// regrowing, and copying, one array (a tenth of the time of a million
// queued tasks: BenchmarkTaskScaling, go test -bench TaskScaling
// ./bench/). Emptied chunks are reused through a Recycler.
//
// The zero value is empty and ready to use. A FIFO is not safe for
// concurrent use: its owner goroutine, or its owner's lock, protects it.
type FIFO[E any] struct {
	head, tail *chunk[E]
	hi, ti     int // next entry to pop in head, next to write in tail
	n          int // entries queued
	spare      Recycler[chunk[E]]
}

const (
	chunkLen = 256
	// maxSpare is how many emptied chunks a FIFO keeps for certain.
	maxSpare = 4
)

type chunk[E any] struct {
	e    [chunkLen]E
	next *chunk[E]
}

// Len returns the number of entries queued.
func (f *FIFO[E]) Len() int { return f.n }

// Push appends e.
func (f *FIFO[E]) Push(e E) {
	if f.tail == nil || f.ti == chunkLen {
		c := f.spare.Get()
		if c == nil {
			c = new(chunk[E])
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

// Front returns the oldest entry; the FIFO must not be empty.
func (f *FIFO[E]) Front() *E { return &f.head.e[f.hi] }

// Pop removes and returns the oldest entry; the FIFO must not be empty.
func (f *FIFO[E]) Pop() E {
	var zero E
	e := f.head.e[f.hi]
	f.head.e[f.hi] = zero // for the collector
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
		f.spare.Put(old, maxSpare)
	}
	return e
}
