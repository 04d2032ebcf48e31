package queues

import (
	"context"

	"github.com/goasyncio/asyncio/future"
)

// TaskDone marks one item taken from the queue as processed (asyncio's
// task_done). Each Put counts one unfinished item; each TaskDone counts one
// down, and when none are left every Join returns. Calling it more times
// than items were put returns ErrTaskDoneTooMany and changes nothing.
func (q *Queue[T]) TaskDone() error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.unfinished <= 0 {
		return ErrTaskDoneTooMany
	}
	q.done(1)
	return nil
}

// Join waits until every item put in the queue has been marked done with
// TaskDone (asyncio's join), and returns nil. It returns at once when
// nothing is unfinished. If ctx is done or the calling task is cancelled
// first, it returns that error and changes nothing.
//
// Shutdown does not end a Join by itself: Shutdown(true) counts the items
// it drops as done, but items already taken by Get still need their
// TaskDone, as in Python 3.13.
func (q *Queue[T]) Join(ctx context.Context) error {
	if ctx == nil {
		return nilContext("Join")
	}
	q.mu.Lock()
	if q.unfinished == 0 {
		q.mu.Unlock()
		return nil
	}
	if !q.joining {
		// One signal for every joiner; newSignal's refusal to be cancelled
		// keeps one joiner's cancellation from waking the others.
		q.joined, q.joining = newSignal(), true
	}
	f := q.joined.Future()
	q.mu.Unlock()

	_, err := future.Await(ctx, f)
	return err
}

// done counts n unfinished items as finished and wakes the joiners when
// none are left. Call it with mu held.
func (q *Queue[T]) done(n int) {
	q.unfinished = max(q.unfinished-n, 0)
	if q.unfinished == 0 && q.joining {
		_ = q.joined.Resolve(struct{}{}) // only the queue completes it, once
		q.joined, q.joining = future.Promise[struct{}]{}, false
	}
}
