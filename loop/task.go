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
	if err == nil {
		v, err = undelivered(&t.Task, v)
	}
	if err != nil {
		t.watch()
	}
	_ = t.p.Complete(v, err) // only this task completes p
}

// undelivered is what a body that returned v ends with: v, or, if a
// cancellation was requested and never delivered (the task cancelled
// itself and returned, say), that cancellation, as asyncio's task step
// cancels a task that returns with a cancel pending
// (test_tasks.test_cancel_current_task_and_return... see
// TestATaskThatCancelsItselfAndReturnsEndsCancelled).
func undelivered[T any](t *task.Task, v T) (T, error) {
	if err := t.TakeCancel(); err != nil {
		return *new(T), err
	}
	return v, nil
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
	// The name, not the task: a report that held the task would keep its
	// future from ever being collected.
	l, name := loopOf(&t.Task), t.Name()
	future.WatchUnretrieved(t.p.Future(), func(err error) {
		l.reportUnretrieved(fmt.Errorf("task %s: %w", name, err))
	})
}

// CreateTask schedules c to run on l as a task, concurrently with the
// caller, and returns the task's future (asyncio's create_task). The task
// starts on the loop's next iteration while the loop runs. Cancelling the
// future cancels the task: the coroutine sees the cancellation at the Await
// it is suspended in, as in asyncio. Options name the task (TaskName).
//
// CreateTask is safe to call from any goroutine, on the loop or off it.
// It never returns nil: a nil l or c, or a closed loop, gives a future
// already failed with an error matching future.ErrNil or ErrClosed.
//
// The task's context is rooted at context.Background; see RunUntilComplete
// for a task that inherits a caller's context.
func CreateTask[T any](l *Loop, c future.Coroutine[T], opts ...TaskOption) *future.Future[T] {
	if l == nil {
		return failed[T](nil, fmt.Errorf("%w: CreateTask: nil loop", future.ErrNil))
	}
	return createTask(context.Background(), l, c, opts...)
}

// TaskOption configures one task, made by CreateTask or CreateTaskIn:
// TaskName or EagerStart. The zero TaskOption changes nothing. (A struct,
// not a function: applying a function option made the options escape, an
// allocation per task; BenchmarkCoroutineCreateRun/Loop/single/eager.)
type TaskOption struct {
	name  string
	eager context.Context // the caller's context, for EagerStart
}

// TaskName names the task (asyncio's create_task(name=...)). A task with
// no name is called Task-<n>, n counting the tasks of the process, as in
// asyncio. The name shows in errors and in the exception handler's reports.
func TaskName(name string) TaskOption { return TaskOption{name: name} }

// EagerStart starts the task eagerly (asyncio's eager_start, Python
// 3.12): CreateTask runs its body at once, in the calling coroutine's
// turn, until its first suspension, and queues it only if it suspends; a
// body that never suspends is done when CreateTask returns, without a
// trip through the loop. CurrentTask is the new task during that step.
// ctx is the calling coroutine's context: Go has no current task to find,
// so the option says who calls. Called from anywhere else (another
// goroutine, another loop, outside a task), the task starts as usual.
func EagerStart(ctx context.Context) TaskOption { return TaskOption{eager: ctx} }

func createTask[T any](parent context.Context, l *Loop, c future.Coroutine[T], opts ...TaskOption) *future.Future[T] {
	f, t := newTask(parent, l, c)
	if t == nil {
		return f
	}
	var o TaskOption
	for _, opt := range opts {
		if opt.name != "" {
			o.name = opt.name
		}
		if opt.eager != nil {
			o.eager = opt.eager
		}
	}
	if o.name != "" {
		t.SetName(o.name)
	}
	var s task.Stepped
	ok := false
	switch {
	case o.eager != nil:
		s, ok = t.StepEager(task.Of(o.eager))
	case l.cfg.eager:
		s, ok = t.StepEagerOn(l.eng.EagerCoros())
	}
	if !ok || s == task.Requeue {
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
