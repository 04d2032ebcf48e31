package loop

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// ErrGroupDone reports a task started in a TaskGroup whose Wait has
// returned (asyncio's "TaskGroup is finished"). It is also the cause of the
// group's context once Wait has returned.
var ErrGroupDone = errors.New("loop: task group is done")

// errCancelCalled is the reason of a group cancelled by its Cancel.
var errCancelCalled = errors.New("loop: TaskGroup.Cancel called")

// TaskGroup runs tasks that end together: asyncio.TaskGroup, the structured
// concurrency of errgroup.WithContext for coroutines. Start tasks in it with
// CreateTaskIn and wait for them with Wait, or use WithTaskGroup, which does
// both around a function.
//
// The first task to fail cancels the group: every other task is cancelled,
// and so is the context NewTaskGroup returned, with a cause that wraps the
// failure. Wait returns only once every task has finished, with the
// failures joined by errors.Join in the order they happened. A task that
// ends cancelled, whoever cancelled it, is not a failure, as in asyncio; a
// task that panics fails with a *future.PanicError. Tasks started while the
// group is cancelling are cancelled before they run.
//
// Make a TaskGroup with NewTaskGroup; the zero value is not usable. It
// must not be copied. Its methods and CreateTaskIn are safe for concurrent
// use, from the tasks of the group too. The end of every task of the group
// synchronizes before the return of Wait.
type TaskGroup struct {
	l *Loop
	// values is the parent of the tasks' contexts: the creator's context
	// without its cancellation, kept for its values only (as start does for
	// Gather); the group cancels its tasks itself.
	values    context.Context
	cancelCtx context.CancelCauseFunc // cancels the context NewTaskGroup returned
	body      *task.Task              // the task that made the group; nil outside one

	mu    sync.Mutex                   // protects the fields below
	kids  map[future.Waitable]struct{} // tasks not finished
	errs  []error                      // failures, in order
	cause error                        // set once the group is cancelling
	idle  *future.Promise[struct{}]    // made by Wait, resolved when kids is empty
	done  bool                         // Wait saw every task finished
	err   error                        // Wait's result, once done
}

// NewTaskGroup returns an empty task group and a copy of ctx that the group
// cancels when it cancels its tasks, and at the latest when Wait returns.
// Await under the returned context in the code that starts the tasks, so
// that a failing task interrupts it, as asyncio.TaskGroup cancels the task
// in its async with block.
//
// ctx must be a coroutine's context, or one derived from it: the group's
// tasks run on that coroutine's loop. Outside a coroutine the group is done
// from the start: CreateTaskIn returns failed futures and Wait an error,
// both matching ErrNoRunningLoop (future.ErrNil for a nil ctx), and the
// returned context is cancelled with that error.
func NewTaskGroup(ctx context.Context) (*TaskGroup, context.Context) {
	var err error
	if ctx == nil {
		ctx, err = context.Background(), fmt.Errorf("%w: NewTaskGroup: nil context", future.ErrNil)
	}
	gctx, cancel := context.WithCancelCause(ctx)
	g := &TaskGroup{cancelCtx: cancel, kids: make(map[future.Waitable]struct{})}
	if err == nil {
		if g.body = task.Of(ctx); g.body == nil {
			err = fmt.Errorf("loop: NewTaskGroup: %w", ErrNoRunningLoop)
		}
	}
	if err != nil {
		g.done, g.err = true, err
		cancel(err)
		return g, gctx
	}
	g.l, g.values = loopOf(g.body), context.WithoutCancel(ctx)
	return g, gctx
}

// CreateTaskIn starts c as a task of g and returns its future (asyncio's
// TaskGroup.create_task). The future is the task's own: awaiting it gives
// c's result, and cancelling it cancels only that task, which the group
// then does not count as a failure.
//
// A nil g or c gives a future failed with an error matching future.ErrNil,
// without touching the group. Once Wait has returned, the future fails
// with an error matching ErrGroupDone; while the group is cancelling, it is
// cancelled with the group's cause and c never runs.
func CreateTaskIn[T any](g *TaskGroup, c future.Coroutine[T], opts ...TaskOption) *future.Future[T] {
	if g == nil || c == nil {
		return failed[T](nil, fmt.Errorf("%w: CreateTaskIn: nil group or coroutine", future.ErrNil))
	}
	g.mu.Lock()
	switch {
	case g.done && g.err != nil && g.l == nil:
		g.mu.Unlock()
		return failed[T](nil, g.err) // the group never had a loop
	case g.done:
		g.mu.Unlock()
		return failed[T](nil, fmt.Errorf("loop: CreateTaskIn: %w", ErrGroupDone))
	case g.cause != nil:
		cause := g.cause
		g.mu.Unlock()
		p := future.NewPromise[T]()
		_ = p.Cancel(cause)
		return p.Future()
	}
	// createTask only queues the task's first step, so nothing calls back
	// into g under mu.
	f := createTask(g.values, g.l, c, opts...)
	g.kids[f] = struct{}{}
	g.mu.Unlock()
	if f.IsDone() || !f.OnDone(func() { g.finished(f, f.Err()) }) {
		g.finished(f, f.Err()) // failed to start: the loop is closing
	}
	return f
}

// finished records the end of task f. It runs inside f's completion, on the
// goroutine that ran f, so it only records, resolves and cancels.
func (g *TaskGroup) finished(f future.Waitable, err error) {
	g.mu.Lock()
	delete(g.kids, f)
	failure := err != nil && !errors.Is(err, future.ErrCancelled)
	if failure {
		g.errs = append(g.errs, err)
	}
	var idle *future.Promise[struct{}]
	if len(g.kids) == 0 && g.idle != nil {
		idle, g.idle = g.idle, nil
	}
	g.mu.Unlock()
	if failure {
		g.cancel(err)
	}
	if idle != nil {
		_ = idle.Resolve(struct{}{})
	}
}

// cancel starts the group's cancellation, because of reason, unless it has
// started already: the group's context and every task are cancelled with a
// cause that wraps reason.
func (g *TaskGroup) cancel(reason error) {
	g.mu.Lock()
	if g.cause != nil || g.done {
		g.mu.Unlock()
		return
	}
	g.cause = future.Cancelled(fmt.Errorf("loop: task group cancelled: %w", reason))
	kids := make([]future.Waitable, 0, len(g.kids))
	for k := range g.kids {
		kids = append(kids, k)
	}
	g.mu.Unlock()

	g.cancelCtx(g.cause)
	for _, k := range kids {
		k.Cancel(g.cause)
	}
	// Wake the creator now if it waits under the group's context, rather
	// than only from the goroutine context.AfterFunc starts: under virtual
	// time the loop must not look idle meanwhile. A spurious wake is
	// harmless: the task parks again.
	if g.body != nil {
		g.body.Wake()
	}
}

// ownCancel reports whether err is the group's own cancellation coming
// back (from code awaiting under the group's context), which is not a
// failure.
// Cancel stops the group without a failure (asyncio's TaskGroup.cancel,
// Python 3.15): every task of the group and the context NewTaskGroup
// returned are cancelled, as when a task fails, and tasks started later
// are cancelled before they run. Wait still waits for every task to end
// and returns nil, unless a task failed, whose failures it returns as
// usual. Cancel on a group already cancelling or done does nothing. It is
// safe from any goroutine, from the group's own tasks too.
func (g *TaskGroup) Cancel() {
	if g != nil {
		g.cancel(errCancelCalled)
	}
}

func (g *TaskGroup) ownCancel(err error) bool {
	g.mu.Lock()
	cause := g.cause
	g.mu.Unlock()
	return cause != nil && errors.Is(err, cause)
}

// Wait waits until every task of g has finished, tasks started meanwhile
// included, and returns the group's failures joined with errors.Join, or
// nil if there were none (asyncio's TaskGroup.__aexit__). Afterwards the
// group is done: its context is cancelled with ErrGroupDone as cause (if
// nothing cancelled it before), CreateTaskIn refuses new tasks, and
// further calls of Wait return the same result at once.
//
// If ctx ends or the calling task is cancelled while Wait waits, the group
// cancels its tasks, Wait still waits for every one of them to finish, and
// the interruption is joined into the result first. A cancellation that is
// the group's own (ctx is the group's context) is not an interruption.
func (g *TaskGroup) Wait(ctx context.Context) error {
	if ctx == nil {
		return fmt.Errorf("%w: TaskGroup.Wait: nil context", future.ErrNil)
	}
	// Loop until no task is left: a goroutine outside the group may start
	// one after idle resolved and before the check below.
	var interrupted error
	for {
		g.mu.Lock()
		if g.done { // a concurrent Wait finished first
			err := g.err
			g.mu.Unlock()
			return err
		}
		if len(g.kids) == 0 {
			g.done = true
			if interrupted != nil {
				g.errs = append([]error{interrupted}, g.errs...)
			}
			g.err = errors.Join(g.errs...)
			g.errs = nil
			err := g.err
			g.mu.Unlock()
			g.cancelCtx(ErrGroupDone)
			return err
		}
		if g.idle == nil {
			p := future.NewPromise[struct{}]()
			// A task cancelled while it waits cancels the future it waits
			// on; idle must stay pending until the last task ends, so it
			// refuses, and the cancellation is delivered to the waiter.
			p.SetCancelHook(func(error) bool { return false })
			g.idle = &p
		}
		idle := g.idle.Future()
		g.mu.Unlock()

		if interrupted == nil {
			if _, err := future.Await(ctx, idle); err != nil && !g.ownCancel(err) {
				interrupted = err
				g.cancel(err)
			}
		}
		settle(ctx, idle)
	}
}

// WithTaskGroup runs body with a new task group and waits for the group:
// asyncio's async with TaskGroup() as g, for a Go function. body receives
// the group's context (see NewTaskGroup) and starts tasks with CreateTaskIn;
// when it returns, WithTaskGroup waits as Wait does and returns the joined
// failures.
//
// An error body returns counts as a failure of the group, and cancels the
// tasks, unless it is the group's own cancellation coming back through an
// Await under the group's context. A panic in body becomes a
// *future.PanicError treated the same way, once every task has finished.
// ctx must be a coroutine's context, as for NewTaskGroup; a nil body
// returns an error matching future.ErrNil.
func WithTaskGroup(ctx context.Context, body func(ctx context.Context, g *TaskGroup) error) error {
	if body == nil {
		return fmt.Errorf("%w: WithTaskGroup: nil function", future.ErrNil)
	}
	g, gctx := NewTaskGroup(ctx)
	if err := runBody(gctx, g, body); err != nil && !g.ownCancel(err) {
		g.fail(err)
	}
	if ctx == nil {
		ctx = gctx // Wait then reports NewTaskGroup's error
	}
	return g.Wait(ctx)
}

// runBody calls body, turning a panic into a *future.PanicError.
func runBody(ctx context.Context, g *TaskGroup, body func(context.Context, *TaskGroup) error) (err error) {
	normal := false
	defer func() {
		if !normal {
			if r := recover(); r != nil {
				err = future.NewPanicError(r)
			}
		}
	}()
	err = body(ctx, g)
	normal = true
	return err
}

// fail records err as a failure of the group and cancels it.
func (g *TaskGroup) fail(err error) {
	g.mu.Lock()
	if g.done {
		g.mu.Unlock()
		return
	}
	g.errs = append(g.errs, err)
	g.mu.Unlock()
	g.cancel(err)
}
