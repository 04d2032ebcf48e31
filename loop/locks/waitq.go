package locks

import (
	"context"
	"sync"

	"github.com/goasyncio/asyncio/future"
)

// waiter is one coroutine or goroutine waiting on a primitive. Its promise
// is the only channel between the waiter and whoever serves it: the server
// grants by resolving it (or refuses, for a barrier, by rejecting it), and
// a waiter that gives up cancels it. Whichever completes the promise first
// decides what happened, so a grant and a cancellation can never both take
// effect.
type waiter struct {
	p future.Promise[struct{}]

	// prev, next and queued are protected by the mutex of the primitive
	// whose queue holds the waiter.
	prev, next *waiter
	queued     bool

	// index is a barrier's arrival index: written under the barrier's
	// mutex before p is resolved, read by the waiter only after Await has
	// returned, which the future's completion orders after the write.
	index int
}

func newWaiter() *waiter { return &waiter{p: future.NewPromise[struct{}]()} }

// grant resolves the waiter's promise and reports whether the waiter got
// it: false means the waiter had already given up (its promise is
// cancelled), and the caller must serve someone else instead. Call it
// without holding the primitive's mutex: resolving runs the waiter's wake-up
// callback.
func (w *waiter) grant() bool {
	_ = w.p.Resolve(struct{}{}) // fails only if the waiter gave up first
	return w.p.Future().Err() == nil
}

// refuse rejects the waiter's promise with err (a broken barrier).
func (w *waiter) refuse(err error) { _ = w.p.Reject(err) }

// withdraw settles a wait that ended with an error: it cancels the promise
// so that no grant can arrive later, and reports whether a grant had
// arrived first. A caller that was granted a resource it will not use must
// pass it on. The caller must also take the waiter off its queue if it is
// still there.
func (w *waiter) withdraw() (granted bool) {
	_ = w.p.Cancel(nil) // fails if the promise is already complete
	return w.p.Future().Err() == nil
}

// leave withdraws w after its wait failed (see withdraw) and, if no grant
// had arrived, takes it off q, which mu protects. It reports whether a
// grant had arrived: one the caller must pass on.
func (w *waiter) leave(mu *sync.Mutex, q *waitq) (granted bool) {
	if w.withdraw() {
		return true
	}
	mu.Lock()
	q.remove(w)
	mu.Unlock()
	return false
}

// wait awaits the grant: inside a loop task it suspends the task, on a
// plain goroutine it blocks until the grant or until ctx ends.
func (w *waiter) wait(ctx context.Context) error {
	_, err := future.Await(ctx, w.p.Future())
	return err
}

// waitq is a FIFO queue of waiters: a doubly linked list, so that a waiter
// that gives up leaves from the middle in constant time. The zero value is
// an empty queue. It is not safe for concurrent use: its owner's mutex
// protects it.
type waitq struct {
	head, tail *waiter
	n          int
}

// push appends w.
func (q *waitq) push(w *waiter) {
	w.prev, w.next, w.queued = q.tail, nil, true
	if q.tail != nil {
		q.tail.next = w
	} else {
		q.head = w
	}
	q.tail = w
	q.n++
}

// pop removes and returns the first waiter, or nil if q is empty.
func (q *waitq) pop() *waiter {
	w := q.head
	if w != nil {
		q.remove(w)
	}
	return w
}

// remove takes w off q if it is there, and reports whether it was.
func (q *waitq) remove(w *waiter) bool {
	if !w.queued {
		return false
	}
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		q.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		q.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	q.n--
	return true
}

// dropGivenUp takes off q the waiters that have given up but not yet left
// (a cancelled task's promise is cancelled at once, and the task leaves the
// queue only when it next runs), and reports whether there were any.
func (q *waitq) dropGivenUp() bool {
	dropped := false
	for w := q.head; w != nil; {
		next := w.next
		if w.p.Future().IsDone() { // a queued waiter is never granted
			q.remove(w)
			dropped = true
		}
		w = next
	}
	return dropped
}

// popAll empties q and returns its waiters in FIFO order.
func (q *waitq) popAll() []*waiter {
	if q.n == 0 {
		return nil
	}
	ws := make([]*waiter, 0, q.n)
	for w := q.pop(); w != nil; w = q.pop() {
		ws = append(ws, w)
	}
	return ws
}
