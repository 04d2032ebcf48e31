package loop

import (
	"context"

	"github.com/goasyncio/asyncio/loop/internal/task"
)

// Task is a handle on one of a loop's tasks: what asyncio's Task offers
// beside its result, which the task's future holds. Get one with
// CurrentTask or AllTasks. Its methods are safe from any goroutine.
type Task struct{ t *task.Task }

// CurrentTask returns the task whose coroutine ctx belongs to (ctx is its
// context or derived from it), and nil outside a task (asyncio's
// current_task). During an eager task's first step it is that task.
func CurrentTask(ctx context.Context) *Task {
	if t := task.Of(ctx); t != nil {
		return &Task{t}
	}
	return nil
}

// AllTasks returns the tasks of l that have not finished, in no fixed
// order (asyncio's all_tasks). The tasks that Gather, Wait and the other
// combinators run for their coroutine arguments are among them.
func AllTasks(l *Loop) []*Task {
	if l == nil {
		return nil
	}
	live := l.host.Live()
	ts := make([]*Task, len(live))
	for i, t := range live {
		ts[i] = &Task{t}
	}
	return ts
}

// Name returns the task's name: the one given with TaskName or SetName,
// or Task-<n> (asyncio's get_name).
func (h *Task) Name() string { return h.t.Name() }

// SetName renames the task (asyncio's set_name); "" restores the default.
func (h *Task) SetName(name string) { h.t.SetName(name) }

// Cancel requests the task's cancellation with cause, as cancelling its
// future does, and reports whether the task was still running (asyncio's
// cancel).
func (h *Task) Cancel(cause error) bool { return h.t.Cancel(cause) }

// Cancelling returns the number of cancellations requested of the task
// and not withdrawn by Uncancel (asyncio's cancelling). Code that cancels
// its own task to stop a wait, as a time limit does, compares it with the
// count it saw before, to tell its own cancellation from one from outside.
func (h *Task) Cancelling() int { return h.t.Cancelling() }

// Uncancel withdraws one cancellation request and returns how many remain
// (asyncio's uncancel). When none remains, a cancellation not yet
// delivered is dropped, as in Python 3.13, and the task's context is made
// anew, so that a task that caught its cancellation and means to go on
// can derive working contexts (a Timeout, say) again; contexts derived
// before stay cancelled. In Go a context, once done, stays done: that is
// why the task's context is replaced rather than revived.
func (h *Task) Uncancel() int { return h.t.Uncancel() }

// Done reports whether the task has finished.
func (h *Task) Done() bool { return h.t.Finished() }

// Loop returns the loop the task runs on (asyncio's get_loop).
func (h *Task) Loop() *Loop { return loopOf(h.t) }

// Is reports whether h and o are handles on the same task.
func (h *Task) Is(o *Task) bool { return h != nil && o != nil && h.t == o.t }

// String returns the task's name.
func (h *Task) String() string { return h.t.Name() }
