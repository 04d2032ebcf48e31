package locks

import (
	"context"
	"sync"

	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Event is a flag that coroutines can wait for (asyncio.Event): Set raises
// it and wakes every waiter, Clear lowers it again. There are three ways to
// wait: Wait (suspends a task, or blocks a goroutine honouring its context),
// IsSet (never blocks), and Done (a channel for select).
//
// The zero value is a clear event, ready to use. An Event must not be
// copied after first use. It is safe for concurrent use. A call of Set
// synchronizes before the return of every Wait it wakes, of every IsSet that
// reports true because of it, and of every receive from a channel it closes.
type Event struct {
	mu  sync.Mutex             // protects the fields below
	set bool                   // the flag
	q   waiters.List[struct{}] // waiters, in arrival order; empty while set is true
	ch  chan struct{}          // made by Done while clear, closed by Set, dropped by Clear
}

// closedChan is what Done returns while the event is set and no channel
// was made for the current period of it being clear.
var closedChan = func() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}()

// Set raises the flag and wakes every coroutine and goroutine waiting in
// Wait, and closes the channel Done returned. Setting a set event does
// nothing.
func (e *Event) Set() {
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return
	}
	e.set = true
	if e.ch != nil {
		close(e.ch)
	}
	ws := e.q.PopAll()
	e.mu.Unlock()
	for _, w := range ws {
		w.Grant() // a waiter that gave up meanwhile needs nothing
	}
}

// Clear lowers the flag: later calls of Wait wait for the next Set, and Done
// returns a new channel. Clearing a clear event does nothing.
func (e *Event) Clear() {
	e.mu.Lock()
	if e.set {
		e.set = false
		e.ch = nil
	}
	e.mu.Unlock()
}

// IsSet reports whether the flag is raised. It never blocks.
func (e *Event) IsSet() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.set
}

// Wait returns nil at once if the flag is raised, and otherwise waits until
// Set is called. Inside a loop task, with the task's context or one derived
// from it, the task is suspended while it waits; anywhere else the goroutine
// blocks until Set or until ctx ends.
//
// On failure, it returns context.Cause(ctx), or an error matching
// future.ErrCancelled if the task was cancelled, and leaves the event
// unchanged. A cancellation that comes together with a Set still returns
// the cancellation error, as in asyncio.
func (e *Event) Wait(ctx context.Context) error {
	e.mu.Lock()
	if e.set {
		e.mu.Unlock()
		return nil
	}
	w := e.q.Add()
	e.mu.Unlock()

	err := w.Wait(ctx)
	if err == nil {
		return nil
	}
	w.Leave(&e.mu, &e.q) // a grant is a Set, which needs no passing on
	return err
}

// Done returns a channel that is closed when the flag is raised: closed
// already if it is set now. The channel belongs to the current period of
// the flag being clear; after Clear, Done returns a new one. Receiving from
// it suspends nothing: inside a loop task, use Wait instead, since a
// blocking receive would hold up the loop's thread.
func (e *Event) Done() <-chan struct{} {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ch == nil {
		if e.set {
			return closedChan
		}
		e.ch = make(chan struct{})
	}
	return e.ch
}
