// Package queues provides asyncio's queues for coroutines: Queue[T], made
// first in, first out by New, last in, first out by NewLIFO, or smallest
// first by NewPriority, with an optional bound on its size.
//
// A buffered Go channel is the nearest thing Go has, and for handing values
// between goroutines it is the right tool. A Queue adds what a channel
// lacks:
//
//   - Join and TaskDone, to wait until every item put has been processed,
//     not just received (a channel needs a sync.WaitGroup beside it).
//   - Priority and LIFO orders; a channel is only FIFO.
//   - Introspection that never blocks and needs no select: Qsize, Empty,
//     Full, and PutNowait and GetNowait returning ErrFull and ErrEmpty.
//   - Suspension without select on a single-thread loop: Put and Get,
//     called from a loop task, suspend the task and let the loop's thread
//     run other tasks, where a channel send or receive would block the
//     thread and with it the whole loop. Cancelling the task ends the wait.
//   - Shutdown, whose errors a Put cannot miss: after it Put returns
//     ErrShutDown where a send on a closed channel panics, and Get drains
//     what is left before returning ErrShutDown, as a receive does.
//
// Waiting is built on package future only: a waiting Put or Get awaits a
// future with future.Await, so the same queue serves tasks on either loop
// engine and plain goroutines, all at once. The package does not import
// package loop.
package queues
