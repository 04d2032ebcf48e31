package engine

import (
	"context"
	"time"

	"github.com/goasyncio/asyncio/loop"
)

// Sleep is loop.Sleep, except that a d of zero or less sleeps on a timer of
// one nanosecond instead of yielding one turn.
//
// It works around an ordering difference of the pool engine: there a task
// resuming from loop.Sleep(ctx, 0) queues for a worker ahead of the task
// starts and callbacks already posted, so it runs before them, where asyncio
// (and the single-thread engine) run it after them, on the next iteration.
// A due timer is posted behind what is already queued on both engines, so
// the programs that sleep for 0.1*i seconds print the chapter's order with
// i = 0 too. Use loop.Sleep directly once the pool engine yields in order.
func Sleep(ctx context.Context, d time.Duration) error {
	return loop.Sleep(ctx, max(d, time.Nanosecond))
}
