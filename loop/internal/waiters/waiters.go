// Package waiters is the waiting list of the loop's synchronization
// primitives (loop/locks) and queues (loop/queues), with the one protocol
// they share between the waiter and whoever serves it.
//
// A waiter's promise is the only channel between the two: the server
// grants by resolving it, with what it hands over written into the waiter
// first, or refuses by rejecting it (a broken barrier, a queue shut down);
// a waiter that gives up (its context ended, or its task was cancelled,
// which cancels the future the task waits on) cancels it. Whichever
// completes the promise first decides, so a grant and a giving up can
// never both take effect, and each side learns which did: Grant reports
// whether the waiter took it, and Withdraw whether a grant came first. A
// waiter that was granted what it will not use must pass it on.
//
// The tempting version keeps the decision in a field under the
// primitive's lock and refuses the task's cancellation, so that the lock
// alone decides; but then a waiting task that is cancelled stays counted
// until it runs again, and a server cannot skip it.
package waiters

import (
	"context"
	"sync"

	"github.com/goasyncio/asyncio/future"
)

// Waiter is one coroutine or goroutine waiting on a primitive, with what
// a grant hands it (an item, an arrival index).
type Waiter[T any] struct {
	p future.Promise[struct{}]

	// Value is what a grant hands over: written by the server before
	// Grant, read by the waiter only after Wait or Withdraw has reported
	// the grant, which the promise's completion orders after the write.
	Value T

	// prev, next and queued are protected by the mutex of the primitive
	// whose list holds the waiter.
	prev, next *Waiter[T]
	queued     bool
}

// New returns a waiter, not yet in any list.
func New[T any]() *Waiter[T] { return &Waiter[T]{p: future.NewPromise[struct{}]()} }

// Grant resolves the waiter's promise and reports whether the waiter got
// it: false means it had already given up (or been refused), and the
// caller must serve someone else instead. Resolving runs the waiter's
// wake-up (a loop's wakeup of its task, or the close of a channel): quick,
// so Grant may be called under the primitive's mutex.
func (w *Waiter[T]) Grant() bool {
	return w.p.Resolve(struct{}{}) == nil
}

// Refuse rejects the waiter's promise with err, which its Wait returns,
// and reports whether the waiter took it.
func (w *Waiter[T]) Refuse(err error) bool { return w.p.Reject(err) == nil }

// Wait waits for the grant: inside a loop task it suspends the task, on a
// plain goroutine it blocks until the grant or until ctx ends. It returns
// nil for a grant, the error of a refusal, or the error that ended the
// wait (context.Cause(ctx), or the task's cancellation), after which the
// caller must Withdraw or Leave.
func (w *Waiter[T]) Wait(ctx context.Context) error {
	_, err := future.Await(ctx, w.p.Future())
	return err
}

// Withdraw settles a wait that ended with an error: it cancels the promise
// so that no grant can arrive later, and reports whether a grant had
// arrived first. A caller that was granted what it will not use must pass
// it on. The caller must also take the waiter off its list if it is still
// there (see Leave).
func (w *Waiter[T]) Withdraw() (granted bool) {
	_ = w.p.Cancel(nil) // fails if the promise is already complete
	return w.p.Future().Err() == nil
}

// Leave withdraws w after its wait failed (see Withdraw) and, unless a
// grant had arrived, takes it off l, which mu protects. It reports whether
// a grant had arrived: one the caller must pass on or use.
func (w *Waiter[T]) Leave(mu *sync.Mutex, l *List[T]) (granted bool) {
	if w.Withdraw() {
		return true
	}
	mu.Lock()
	l.Remove(w)
	mu.Unlock()
	return false
}

// GaveUp reports whether w's promise is complete: it gave up or was
// refused, or, for a primitive whose waiters stay listed once woken (a
// Lock, as asyncio's), it was granted (see Granted).
func (w *Waiter[T]) GaveUp() bool { return w.p.Future().IsDone() }

// Granted reports whether w was granted.
func (w *Waiter[T]) Granted() bool {
	f := w.p.Future()
	return f.IsDone() && f.Err() == nil
}

// Pending reports whether w waits still: neither granted nor given up.
func (w *Waiter[T]) Pending() bool { return !w.p.Future().IsDone() }

// List is a FIFO of waiters: a doubly linked list through the waiters
// themselves, so that one that gives up leaves from the middle in constant
// time. The zero value is an empty list. It is not safe for concurrent
// use: its owner's mutex protects it.
type List[T any] struct {
	head, tail *Waiter[T]
	n          int
}

// Len returns how many waiters are in the list, those that gave up and
// have not left yet included.
func (l *List[T]) Len() int { return l.n }

// Front returns the first waiter, or nil if l is empty.
func (l *List[T]) Front() *Waiter[T] { return l.head }

// Add appends a new waiter and returns it.
func (l *List[T]) Add() *Waiter[T] {
	w := New[T]()
	l.PushBack(w)
	return w
}

// PushBack appends w.
func (l *List[T]) PushBack(w *Waiter[T]) {
	w.prev, w.next, w.queued = l.tail, nil, true
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n++
}

// PopFront removes and returns the first waiter, or nil if l is empty.
func (l *List[T]) PopFront() *Waiter[T] {
	w := l.head
	if w != nil {
		l.Remove(w)
	}
	return w
}

// Remove takes w off l if it is there, and reports whether it was.
func (l *List[T]) Remove(w *Waiter[T]) bool {
	if !w.queued {
		return false
	}
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next, w.queued = nil, nil, false
	l.n--
	return true
}

// DropGivenUp takes off l the waiters that have given up but not yet left
// (a cancelled task's promise is cancelled at once, and the task leaves
// the list only when it next runs), and reports whether there were any.
func (l *List[T]) DropGivenUp() bool {
	dropped := false
	for w := l.head; w != nil; {
		next := w.next
		if w.GaveUp() {
			l.Remove(w)
			dropped = true
		}
		w = next
	}
	return dropped
}

// PopAll empties l and returns its waiters in FIFO order.
func (l *List[T]) PopAll() []*Waiter[T] {
	if l.n == 0 {
		return nil
	}
	ws := make([]*Waiter[T], 0, l.n)
	for w := l.PopFront(); w != nil; w = l.PopFront() {
		ws = append(ws, w)
	}
	return ws
}

// WakeFirst is asyncio's _wake_up_first for a primitive whose woken
// waiter stays listed until it runs: unless the first waiter still
// listed has been granted already (one woken at a time), it grants the
// first that is still waiting, leaving it in the list, and skips those
// that have given up (they leave when they run). It reports whether it
// granted one.
func (l *List[T]) WakeFirst() bool {
	for w := l.head; w != nil; w = w.next {
		switch {
		case w.Granted():
			return false
		case w.Pending() && w.Grant():
			return true
		}
	}
	return false
}

// AllGaveUp reports whether every waiter in l has given up (true for an
// empty l): asyncio's all(w.cancelled() for w in waiters).
func (l *List[T]) AllGaveUp() bool {
	for w := l.head; w != nil; w = w.next {
		if w.Pending() || w.Granted() {
			return false
		}
	}
	return true
}

// GrantFirst pops waiters until one takes a grant made by set (which
// writes what it hands over into the waiter), and returns it, or nil if
// none is left that takes one.
func (l *List[T]) GrantFirst(set func(w *Waiter[T])) *Waiter[T] {
	for w := l.PopFront(); w != nil; w = l.PopFront() {
		if set != nil {
			set(w)
		}
		if w.Grant() {
			return w
		}
	}
	return nil
}
