package loop

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// Errors returned by loops. Each is a sentinel for errors.Is.
var (
	// ErrClosed is returned by every call on a closed loop. It is the same
	// value as future.ErrClosed.
	ErrClosed = future.ErrClosed

	// ErrRunning is returned by RunUntilComplete and Close while the loop is
	// already running, including when called from inside the loop (asyncio's
	// "This event loop is already running").
	ErrRunning = errors.New("loop: already running")

	// ErrWrongThread is returned, in debug mode, by CallSoon on a
	// single-thread loop called from a thread other than the loop's while it
	// runs: use CallSoonThreadsafe there.
	ErrWrongThread = errors.New("loop: call from outside the loop's thread")

	// ErrNoRunningLoop is returned by GetRunningLoop and Sleep when the
	// context does not belong to a coroutine running on a loop.
	ErrNoRunningLoop = errors.New("loop: no running loop in context")

	// ErrNeverRetrieved marks an error the exception handler receives for a
	// task that failed and was garbage collected with nobody having read
	// its error (asyncio's "Task exception was never retrieved"). The
	// task's error is wrapped beside it.
	ErrNeverRetrieved = errors.New("loop: task error was never retrieved")
)

// SlowCallbackError is what the exception handler of a loop made WithDebug
// receives when a callback, or one step of a task (from a start or resume
// to its next suspension or end), ran longer than the slow-callback
// duration: asyncio's "Executing <Handle> took 0.123 seconds". Such a step
// holds up every other callback on a single-thread loop and a worker on a
// pool.
type SlowCallbackError struct {
	// Task is true for a task step, false for a plain callback.
	Task bool
	// Name is the task's name, for a task step.
	Name string
	// Duration is how long it ran.
	Duration time.Duration
}

func (e *SlowCallbackError) Error() string {
	what := "callback"
	if e.Task {
		what = "step of task " + e.Name
	}
	return fmt.Sprintf("loop: slow %s took %v", what, e.Duration)
}

// ErrAwaitSelf is returned by an Await, with a task's context, of that
// task's own future (asyncio's "Task cannot await on itself"): it could
// only wait for ever.
var ErrAwaitSelf = task.ErrAwaitSelf

// StillRunningError is Shutdown's error when its context ends before the
// loop has closed: what was still running then. The loop stays closing;
// call Shutdown or Close again to go on waiting.
type StillRunningError struct {
	// Tasks names the tasks that had not finished unwinding, sorted.
	Tasks []string
	// Jobs counts the executor jobs that had not returned.
	Jobs int
	// Err is the context's error.
	Err error
}

func (e *StillRunningError) Error() string {
	var b strings.Builder
	b.WriteString("loop: shutdown stopped waiting for ")
	if len(e.Tasks) > 0 {
		fmt.Fprintf(&b, "%d task(s) (%s)", len(e.Tasks), strings.Join(e.Tasks, ", "))
		if e.Jobs > 0 {
			b.WriteString(" and ")
		}
	}
	if e.Jobs > 0 {
		fmt.Fprintf(&b, "%d executor job(s)", e.Jobs)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

// Unwrap returns the context's error.
func (e *StillRunningError) Unwrap() error { return e.Err }
