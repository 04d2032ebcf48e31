package queues

import "github.com/goasyncio/asyncio/future"

// waitState says why a waiter's signal was completed. It is protected by the
// queue's mu.
type waitState uint8

const (
	// waiting: in the queue's list, signal pending.
	waiting waitState = iota
	// granted: taken off the list and given what it waited for: an item
	// (a getter, in v and seq) or a reserved slot (a putter).
	granted
	// released: taken off the list by Shutdown, given nothing.
	released
)

// waiter is one suspended Get or Put. Only the queue completes its signal,
// always under mu and always together with setting state, so after the
// wait the waiter learns from state, not from the signal, what it got.
type waiter[T any] struct {
	signal future.Promise[struct{}] // completed once, by the queue, under mu

	state waitState // protected by mu
	v     T         // a granted getter's item; protected by mu
	seq   uint64    // the put order of v; protected by mu

	prev, next *waiter[T] // list links while waiting; protected by mu
}

func newWaiter[T any]() *waiter[T] {
	return &waiter[T]{signal: newSignal()}
}

// newSignal returns a promise that only its maker can complete.
//
// A task's cancellation cancels the future the task is suspended on. The
// tempting version lets it, as asyncio does; then a grant and a
// cancellation race on the future itself, and a waiter holding a cancelled
// future cannot tell whether an item was meant for it. Refusing the
// cancellation makes the queue the future's only writer: the loop delivers
// the cancellation at the task instead (Await still returns it), and the
// waiter's state, read under mu, says whether a grant came first. For Join,
// where many callers await one future, it also keeps one caller's
// cancellation from waking all the others.
func newSignal() future.Promise[struct{}] {
	p := future.NewPromise[struct{}]()
	p.SetCancelHook(refuseCancel)
	return p
}

func refuseCancel(error) bool { return false }

// wake records why w's wait ends and completes its signal. The signal's
// callbacks (a loop's wakeup of the suspended task, or the close of a Done
// channel) run here, under the queue's mu; they are quick and never call
// back into the queue.
func (w *waiter[T]) wake(s waitState) {
	w.state = s
	_ = w.signal.Resolve(struct{}{}) // only the queue completes it, once
}

// waitList is a FIFO of waiters, linked through the waiters themselves so
// that a cancelled waiter leaves it in O(1). The zero value is empty.
type waitList[T any] struct {
	head, tail *waiter[T]
	n          int
}

func (l *waitList[T]) pushBack(w *waiter[T]) {
	w.prev, w.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	l.n++
}

// popFront removes and returns the oldest waiter, or nil.
func (l *waitList[T]) popFront() *waiter[T] {
	w := l.head
	if w != nil {
		l.remove(w)
	}
	return w
}

// remove unlinks w, which must be in l.
func (l *waitList[T]) remove(w *waiter[T]) {
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
	w.prev, w.next = nil, nil
	l.n--
}
