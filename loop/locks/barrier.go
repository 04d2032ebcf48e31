package locks

import (
	"context"
	"fmt"
	"sync"

	"github.com/goasyncio/asyncio/loop/internal/waiters"
)

// Barrier makes a fixed number of coroutines wait for each other
// (asyncio.Barrier): each calls Wait, and the Wait of the last to arrive
// releases them all at once. The barrier then starts filling again, so it
// can be used in rounds. Abort breaks it, Reset mends it.
//
// Make one with NewBarrier; the zero value is not usable. A Barrier must
// not be copied after first use. It is safe for concurrent use. The call of
// every Wait of a round synchronizes before the return of every Wait of
// that round that returns nil.
//
// A round is fixed when its last party arrives: waiters released by it
// return even if the next round starts before they run, so, unlike asyncio's
// barrier, a new round never waits for the old one to drain.
type Barrier struct {
	parties int // read-only after NewBarrier

	mu     sync.Mutex        // protects the fields below
	q      waiters.List[int] // waiters of the current round, in arrival order
	broken bool              // set by Abort, cleared by Reset
}

// NewBarrier returns a barrier for parties coroutines. A parties below 1 is
// a programming error: NewBarrier panics with a message starting "locks: ".
func NewBarrier(parties int) *Barrier {
	if parties < 1 {
		panic(fmt.Sprintf("locks: NewBarrier: parties must be at least 1, not %d", parties))
	}
	return &Barrier{parties: parties}
}

// Wait waits until parties coroutines (or goroutines) have called it, and
// returns the caller's arrival index: 0 for the first of the round to
// arrive, up to Parties()-1 for the last, different for each of them
// (asyncio's wait). The last to arrive does not wait.
//
// Inside a loop task, with the task's context or one derived from it, the
// task is suspended while it waits. Anywhere else the goroutine blocks
// until the round is complete or ctx ends.
//
// If the barrier is broken, or breaks while Wait waits (Abort, or Reset), it
// returns ErrBrokenBarrier. If ctx ends or the task is cancelled first, it
// returns context.Cause(ctx) or an error matching future.ErrCancelled and
// leaves the round as if it had never arrived: the barrier is not broken,
// as in asyncio, and the round and its arrival indices are counted without
// it from the moment of the cancellation, even if the next party arrives
// before the cancelled task runs again (asyncio still counts it then).
// NWaiting, like asyncio's n_waiting, counts it until its task runs. A
// cancellation that comes together with the release still returns the
// cancellation error. On failure the index is 0.
func (b *Barrier) Wait(ctx context.Context) (int, error) {
	b.mu.Lock()
	if b.broken {
		b.mu.Unlock()
		return 0, ErrBrokenBarrier
	}
	if b.q.Len()+1 == b.parties && !b.q.DropGivenUp() {
		// The last party: release the round, numbering it in arrival
		// order, and start the next. (A waiter that has given up is not
		// a party; dropGivenUp, which costs a pass over the round, runs
		// only when this arrival would complete it.)
		ws := b.q.PopAll()
		for i, w := range ws {
			w.Value = i
		}
		b.mu.Unlock()
		for _, w := range ws {
			w.Grant() // a waiter that gave up meanwhile keeps its error
		}
		return b.parties - 1, nil
	}
	w := b.q.Add()
	b.mu.Unlock()

	if err := w.Wait(ctx); err != nil {
		w.Leave(&b.mu, &b.q) // a grant that came anyway keeps its error
		return 0, err
	}
	return w.Value, nil
}

// Abort breaks the barrier: every Wait waiting now, and every later one
// until Reset, returns ErrBrokenBarrier (asyncio's abort). Aborting a
// broken barrier does nothing more.
func (b *Barrier) Abort() { b.breakRound(true) }

// Reset returns the barrier to its empty, unbroken state (asyncio's reset).
// Every Wait waiting now returns ErrBrokenBarrier; later ones start a new
// round.
func (b *Barrier) Reset() { b.breakRound(false) }

// breakRound refuses the current round's waiters and sets broken.
func (b *Barrier) breakRound(broken bool) {
	b.mu.Lock()
	b.broken = broken
	ws := b.q.PopAll()
	b.mu.Unlock()
	for _, w := range ws {
		w.Refuse(ErrBrokenBarrier)
	}
}

// Parties returns the number of coroutines needed to pass the barrier.
func (b *Barrier) Parties() int { return b.parties }

// NWaiting returns the number of coroutines waiting in the current round
// (asyncio's n_waiting).
func (b *Barrier) NWaiting() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.q.Len()
}

// Broken reports whether the barrier is broken (asyncio's broken).
func (b *Barrier) Broken() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.broken
}
