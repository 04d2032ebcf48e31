package queues

import (
	"context"
	"sync"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Queue is a queue of items of type T for coroutines and goroutines
// (asyncio's Queue, LifoQueue and PriorityQueue in one type): its
// constructor chooses the order in which Get returns items (New: first in,
// first out; NewLIFO: last in, first out; NewPriority: smallest first) and
// the bound on how many it holds.
//
// Put waits while the queue is full and Get while it is empty. Inside a
// loop task they suspend the task, never blocking the loop's thread;
// anywhere else they block the goroutine until ctx is done. Waiting getters
// are served in the order they started waiting, and so are waiting putters:
// an item put while getters wait goes to the longest-waiting one, and room
// freed while putters wait is reserved for the longest-waiting one.
//
// The zero value is an empty, unbounded FIFO queue, ready to use. A Queue
// must not be copied after first use. All methods are safe for concurrent
// use. A Put (or PutNowait) of an item synchronizes before the return of
// the Get (or GetNowait) that returns it, and each TaskDone synchronizes
// before the return of any Join it lets return.
//
// A Put and Get of one item with no one waiting costs about what a send and
// receive on a buffered channel does (45ns each for FIFO), and allocates
// nothing; the priority order adds its comparisons (BenchmarkPutGet, go
// test -bench PutGet ./loop/queues/). A Put or Get that has to wait
// allocates its waiter and the future it awaits.
type Queue[T any] struct {
	mu sync.Mutex // protects every field below except maxsize

	maxsize int      // as given; <= 0 means unbounded; set by the constructor only
	items   store[T] // queued items; made on first use for the zero value
	seq     uint64   // count of items put: their put order

	// getters wait for an item; the list is non-empty only while items is
	// empty, because an item put then goes straight to the oldest getter
	// (one that gave up and has not left yet is skipped).
	getters waiters.List[held[T]]
	// putters wait for room; the list is non-empty only while there is
	// none, because room that appears is at once reserved for the oldest.
	putters waiters.List[held[T]]
	// handed counts items given to getters that have not resumed yet, and
	// reserved counts slots granted to putters that have not resumed yet.
	// Both count against maxsize, so a cancelled getter can always give
	// its item back without overfilling the queue.
	handed, reserved int

	unfinished int                      // items put and not yet marked done by TaskDone
	joined     future.Promise[struct{}] // what Join waits on; valid while joining
	joining    bool

	shut    bool // Shutdown was called: puts fail, gets drain then fail
	dropped bool // Shutdown(true) was called: the queue stays empty
}

// New returns a first-in, first-out queue that holds at most maxsize items;
// a maxsize of zero or less means no limit, as in asyncio.
func New[T any](maxsize int) *Queue[T] {
	return &Queue[T]{maxsize: maxsize, items: new(fifo[T])}
}

// NewLIFO returns a last-in, first-out queue (a stack, asyncio's LifoQueue)
// that holds at most maxsize items; zero or less means no limit.
func NewLIFO[T any](maxsize int) *Queue[T] {
	return &Queue[T]{maxsize: maxsize, items: new(lifo[T])}
}

// NewPriority returns a queue whose Get returns the smallest item first,
// as ordered by less (asyncio's PriorityQueue, which uses heap order), and
// that holds at most maxsize items; zero or less means no limit. Equal items
// (neither less than the other) come out in the order they were put. It
// panics if less is nil.
//
// less runs with the queue locked and must not call the queue. If it
// panics, the panic propagates from the call that ran it (inside a loop
// task, the task fails with a *future.PanicError); the queue keeps every
// item it held, including one being put, and stays usable, but the order
// of its items may no longer follow less.
func NewPriority[T any](maxsize int, less func(a, b T) bool) *Queue[T] {
	if less == nil {
		panic("queues: NewPriority: nil less function")
	}
	return &Queue[T]{maxsize: maxsize, items: &priority[T]{less: less}}
}

// store returns q's items, making the FIFO store of a zero Queue. Call it
// with mu held.
func (q *Queue[T]) store() store[T] {
	if q.items == nil {
		q.items = new(fifo[T])
	}
	return q.items
}

// held is what a grant hands a waiting getter: the item and its put order.
// A putter's grant hands it nothing but room.
type held[T any] struct {
	v   T
	seq uint64
}

// Put adds v to the queue, waiting while the queue is full (asyncio's put).
// It returns nil once v is in the queue (or handed to a waiting getter).
// It returns ErrShutDown after Shutdown, including to a Put waiting when
// Shutdown is called. If ctx is done or the calling task is cancelled
// first, it returns that error and leaves the queue without v; room that
// had already been reserved for it passes to the next waiting putter.
func (q *Queue[T]) Put(ctx context.Context, v T) error {
	if ctx == nil {
		return nilContext("Put")
	}
	w, err := q.putOrWait(v)
	if w == nil {
		return err
	}
	return q.afterPutWait(w, v, w.Wait(ctx))
}

// putOrWait puts v if there is room and otherwise queues a waiter for room.
func (q *Queue[T]) putOrWait(v T) (*waiters.Waiter[held[T]], error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shut {
		return nil, ErrShutDown
	}
	if q.hasRoom() {
		q.insert(v)
		return nil, nil
	}
	w := q.putters.Add()
	return w, nil
}

// afterPutWait finishes a Put whose wait ended with err: nil for room
// reserved, ErrShutDown for a Put that Shutdown turned away, or the error
// that ended the wait.
func (q *Queue[T]) afterPutWait(w *waiters.Waiter[held[T]], v T, err error) error {
	if err == nil {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.reserved--
		if q.shut {
			return ErrShutDown
		}
		q.insert(v) // into the room reserved for us
		return nil
	}
	if w.Leave(&q.mu, &q.putters) {
		// The room was reserved for us, but the cancellation came before
		// we could use it: pass it on.
		q.mu.Lock()
		q.reserved--
		q.grantPutters()
		q.mu.Unlock()
	}
	return err
}

// PutNowait adds v to the queue if there is room, without waiting
// (asyncio's put_nowait). It returns ErrFull, and leaves the queue
// unchanged, when the queue is full or all its free room is reserved for
// waiting putters; ErrShutDown after Shutdown.
func (q *Queue[T]) PutNowait(v T) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.shut {
		return ErrShutDown
	}
	if !q.hasRoom() {
		return ErrFull
	}
	q.insert(v)
	return nil
}

// Get removes and returns the next item, waiting while the queue is empty
// (asyncio's get). After Shutdown it still returns the items left in the
// queue, then ErrShutDown, including to a Get waiting when Shutdown is
// called. If ctx is done or the calling task is cancelled first, it returns
// that error and takes nothing: an item that had already been handed to it
// goes to the next waiting getter, or else back into the queue where the
// order of its Put places it (the head, for FIFO).
func (q *Queue[T]) Get(ctx context.Context) (T, error) {
	if ctx == nil {
		var zero T
		return zero, nilContext("Get")
	}
	v, w, err := q.getOrWait()
	if w == nil {
		return v, err
	}
	var zero T
	if err := w.Wait(ctx); err != nil {
		// Turned away by Shutdown (ErrShutDown: a waiting getter means the
		// queue was empty), or the wait ended.
		if w.Leave(&q.mu, &q.getters) {
			// The item came first, the cancellation after: give it back.
			q.mu.Lock()
			q.giveBack(w.Value.v, w.Value.seq)
			q.mu.Unlock()
		}
		return zero, err
	}
	q.mu.Lock()
	q.handed--
	q.grantPutters()
	q.mu.Unlock()
	return w.Value.v, nil
}

// getOrWait takes an item if there is one and otherwise queues a waiter.
func (q *Queue[T]) getOrWait() (T, *waiters.Waiter[held[T]], error) {
	var zero T
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.store().len() > 0 {
		return q.take(), nil, nil
	}
	if q.shut {
		return zero, nil, ErrShutDown
	}
	w := q.getters.Add()
	return zero, w, nil
}

// GetNowait removes and returns the next item without waiting (asyncio's
// get_nowait). On an empty queue it returns ErrEmpty, or ErrShutDown after
// Shutdown.
func (q *Queue[T]) GetNowait() (T, error) {
	var zero T
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.store().len() > 0 {
		return q.take(), nil
	}
	if q.shut {
		return zero, ErrShutDown
	}
	return zero, ErrEmpty
}

// Qsize returns the number of items in the queue. Items already handed to
// a waiting getter that has not resumed yet are not counted.
func (q *Queue[T]) Qsize() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.store().len()
}

// Maxsize returns the bound given to the constructor; zero or less means
// the queue is unbounded.
func (q *Queue[T]) Maxsize() int { return q.maxsize }

// Empty reports whether the queue holds no item, so that GetNowait would
// fail.
func (q *Queue[T]) Empty() bool { return q.Qsize() == 0 }

// Full reports whether the queue has no room, so that PutNowait would fail
// with ErrFull. Room freed while putters wait is reserved for them, and an
// item handed to a getter counts until the getter resumes, so Full can be
// true briefly while Qsize is below Maxsize. An unbounded queue is never
// full.
func (q *Queue[T]) Full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return !q.hasRoom()
}

// hasRoom reports whether an item can be added now. Call it with mu held.
func (q *Queue[T]) hasRoom() bool {
	return q.maxsize <= 0 || q.store().len()+q.handed+q.reserved < q.maxsize
}

// insert adds v, handing it straight to the oldest waiting getter if there
// is one. The caller has checked for room. Call it with mu held.
//
// The counts change before the store does: if the priority order's less
// panics, the item is in the store all the same (see priority) and counted.
func (q *Queue[T]) insert(v T) {
	q.unfinished++
	q.seq++
	if q.handTo(v, q.seq) {
		q.handed++
		return
	}
	q.store().push(v, q.seq)
}

// take removes the next item from a non-empty store and gives the room to
// a waiting putter. Call it with mu held.
func (q *Queue[T]) take() T {
	v := q.items.pop()
	q.grantPutters()
	return v
}

// giveBack returns an item handed to a getter that was cancelled before it
// could take it: to the next waiting getter, or else to the store, where it
// still counts as put. After Shutdown(true) it is dropped instead, as the
// items in the queue were. Call it with mu held.
func (q *Queue[T]) giveBack(v T, seq uint64) {
	if q.handTo(v, seq) {
		return // handed stays the same: still out with a getter
	}
	q.handed--
	if q.dropped {
		q.done(1)
		return
	}
	q.store().restore(v, seq)
}

// grantPutters reserves the free room for the oldest waiting putters. Call
// it with mu held.
func (q *Queue[T]) grantPutters() {
	for q.putters.Len() > 0 && q.hasRoom() {
		if q.putters.GrantFirst(nil) == nil {
			return // every putter left had given up
		}
		q.reserved++
	}
}

// handTo grants v, put seq-th, to the oldest waiting getter that takes it,
// and reports whether one did. Call it with mu held.
func (q *Queue[T]) handTo(v T, seq uint64) bool {
	return q.getters.GrantFirst(func(w *waiters.Waiter[held[T]]) { w.Value = held[T]{v, seq} }) != nil
}
