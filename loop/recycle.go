package loop

import "sync"

// recycler keeps the emptied blocks of a queue or list (segments, chunks)
// for reuse: up to a few for certain, and the rest in a sync.Pool until
// the collector next runs. A backlog that keeps coming back then finds its
// blocks again instead of faulting in fresh memory each time (measured: a
// third of the cost of a stream of cross-thread posts), and a one-off
// burst's blocks still go back to the collector. A recycler belongs to one
// queue, whose lock (or owner goroutine) guards kept; the pool is safe for
// any goroutine.
type recycler[T any] struct {
	kept []*T
	more sync.Pool
}

// get returns a block put back earlier, or nil if there is none.
func (r *recycler[T]) get() *T {
	if n := len(r.kept); n > 0 {
		b := r.kept[n-1]
		r.kept[n-1] = nil
		r.kept = r.kept[:n-1]
		return b
	}
	b, _ := r.more.Get().(*T)
	return b
}

// put keeps b for get: for certain if fewer than keep are kept, else until
// the next collection.
func (r *recycler[T]) put(b *T, keep int) {
	if len(r.kept) < keep {
		r.kept = append(r.kept, b)
		return
	}
	r.more.Put(b)
}
