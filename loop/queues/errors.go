package queues

import (
	"errors"
	"fmt"

	"github.com/goasyncio/asyncio/future"
)

// Sentinel errors. Every error this package returns is one of them or wraps
// one (a nil context wraps future.ErrNil), so callers test with errors.Is.
var (
	// ErrEmpty is returned by GetNowait when the queue holds no item
	// (asyncio's QueueEmpty).
	ErrEmpty = errors.New("queues: queue is empty")

	// ErrFull is returned by PutNowait when the queue has no room
	// (asyncio's QueueFull).
	ErrFull = errors.New("queues: queue is full")

	// ErrShutDown is returned by Put and PutNowait once Shutdown has been
	// called, and by Get and GetNowait once the queue is also empty
	// (Python 3.13's QueueShutDown).
	ErrShutDown = errors.New("queues: queue is shut down")

	// ErrTaskDoneTooMany is returned by TaskDone when it is called more
	// times than items were put (asyncio raises ValueError). The count of
	// unfinished items is left at zero.
	ErrTaskDoneTooMany = errors.New("queues: TaskDone called more times than items were put")
)

func nilContext(op string) error {
	return fmt.Errorf("%w: queues: %s: nil context", future.ErrNil, op)
}
