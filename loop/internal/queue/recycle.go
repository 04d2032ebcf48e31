package queue

import "sync"

// Recycler keeps the emptied blocks of a queue (segments, chunks) for
// reuse: up to a few for certain, and the rest in a sync.Pool until the
// collector next runs. A backlog that keeps coming back then finds its
// blocks again instead of faulting in fresh memory each time, and a one-off
// burst's blocks still go back to the collector. (A fresh segment's page
// faults were a third of the cost of a stream of cross-thread posts:
// BenchmarkCallSoonThreadsafe/Loop/single, go test -bench CallSoonThreadsafe
// ./bench/.)
//
// A Recycler belongs to one queue, whose lock (or owner goroutine) guards
// kept; the pool behind it is safe for any goroutine. The zero value is
// empty and ready to use.
type Recycler[T any] struct {
	kept []*T
	more sync.Pool
}

// Get returns a block put back earlier, or nil if there is none.
func (r *Recycler[T]) Get() *T {
	if n := len(r.kept); n > 0 {
		b := r.kept[n-1]
		r.kept[n-1] = nil
		r.kept = r.kept[:n-1]
		return b
	}
	b, _ := r.more.Get().(*T)
	return b
}

// Put keeps b for Get: for certain if fewer than keep are kept, else until
// the next collection.
func (r *Recycler[T]) Put(b *T, keep int) {
	if len(r.kept) < keep {
		r.kept = append(r.kept, b)
		return
	}
	r.more.Put(b)
}

// Kept returns how many blocks are kept for certain.
func (r *Recycler[T]) Kept() int { return len(r.kept) }
