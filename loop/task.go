package loop

import (
	"context"
	"fmt"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// typedTask is a task's typed half: its coroutine and its future, in the
// same allocation as the task (a trivial task and its future take 240
// bytes).
type typedTask[T any] struct {
	task.Task
	parent context.Context
	c      future.Coroutine[T]
	p      future.Promise[T] // completes f
	f      future.Future[T]  // the task's future
}

func (t *typedTask[T]) Run(ctx context.Context) {
	v, err := t.c(ctx)
	if err != nil {
		t.watch()
	}
	_ = t.p.Complete(v, err) // only this task completes p
}

func (t *typedTask[T]) Fail(err error) {
	t.watch()
	_ = t.p.Complete(*new(T), err)
}

func (t *typedTask[T]) Parent() context.Context { return t.parent }

func (t *typedTask[T]) Own() future.Waitable { return &t.f }

// watch has the exception handler told if the task's error is never read
// (asyncio's "Task exception was never retrieved").
func (t *typedTask[T]) watch() {
	future.WatchUnretrieved(t.p.Future(), loopOf(&t.Task).reportUnretrieved)
}

// CreateTask schedules c to run on l as a task, concurrently with the
// caller, and returns the task's future (asyncio's create_task). The task
// starts on the loop's next iteration while the loop runs. Cancelling the
// future cancels the task: the coroutine sees the cancellation at the Await
// it is suspended in, as in asyncio.
//
// CreateTask never returns nil. A nil c, or a closed loop, gives a future
// already failed with an error matching future.ErrNil or ErrClosed.
//
// The task's context is rooted at context.Background; see RunUntilComplete
// for a task that inherits a caller's context.
func CreateTask[T any](l *Loop, c future.Coroutine[T]) *future.Future[T] {
	return createTask(context.Background(), l, c)
}

func createTask[T any](parent context.Context, l *Loop, c future.Coroutine[T]) *future.Future[T] {
	f, t := newTask(parent, l, c)
	if t != nil {
		l.eng.Start(t)
	}
	return f
}

// newTask is createTask without the start: it returns the task to queue,
// or nil if the future is already failed.
func newTask[T any](parent context.Context, l *Loop, c future.Coroutine[T]) (*future.Future[T], *task.Task) {
	switch {
	case c == nil:
		return failed[T](l, fmt.Errorf("%w: CreateTask: nil coroutine", future.ErrNil)), nil
	case l.closedForUsers():
		return failed[T](l, closedErr("CreateTask")), nil
	}
	tt := &typedTask[T]{c: c, parent: parent}
	t := &tt.Task
	t.Init(&l.host, tt)
	tt.p = future.InitPromise(&tt.f, l, t)
	if !l.host.Add(t) {
		_ = tt.p.Reject(closedErr("CreateTask"))
		return &tt.f, nil
	}
	return &tt.f, t
}
