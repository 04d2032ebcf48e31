package queues

import "github.com/goasyncio/asyncio/future"

// newSignal returns a promise that only its maker can complete: the one
// future every Join awaits.
//
// A task's cancellation cancels the future the task is suspended on. Were
// the joiners' shared future cancellable, one joiner's cancellation would
// complete it and wake all the others. Refusing the cancellation makes the
// queue the future's only writer: the loop delivers the cancellation at
// the task instead (Await still returns it).
func newSignal() future.Promise[struct{}] {
	p := future.NewPromise[struct{}]()
	p.SetCancelHook(refuseCancel)
	return p
}

func refuseCancel(error) bool { return false }
