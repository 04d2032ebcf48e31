package loop

import (
	"context"
	"fmt"
	"sync"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/queue"
)

// RunInExecutor runs fn on a goroutine of l's executor, off the loop, and
// returns a future of its result that belongs to l (asyncio's
// run_in_executor). It is for blocking work: a system call, a
// computation, a library without a context-aware API. Awaiting the future
// suspends the calling coroutine and, on a single-thread loop, resumes it
// on the loop's thread, so the result comes back to the loop thread.
//
// The executor is the loop's own: at most WithExecutorWorkers jobs run at
// once (default min(32, GOMAXPROCS+4), asyncio's default thread pool
// size), and jobs start in the order they were submitted, first come,
// first served, as in Python's thread pool. A job waiting for a worker
// holds no goroutine.
//
// The returned future owns the job: fn receives a context with ctx's
// values but neither its cancellation nor its deadline, so that the job
// may outlive the call (a task may hand the future to another to await).
// Cancelling the future, which is what cancelling a task that awaits it
// does, cancels that context with the cancellation's cause and completes
// the future as cancelled at once, as in asyncio; fn is expected to notice
// and return, and a job cancelled before it started never runs. For a job
// that ends with its caller, use ToThread. The context is not a task's:
// an Await with it from fn blocks fn's goroutine like plain Go code.
//
// Close cancels the context of every job still queued or running and
// waits for them all to return (see Shutdown for a wait with a limit). A
// panic in fn becomes a *future.PanicError and runtime.Goexit an error
// matching future.ErrGoexit; a nil fn or ctx, or a closed loop, gives a
// future already failed with future.ErrNil or ErrClosed.
//
// While a job is queued or runs, a loop made WithVirtualTime does not jump
// its clock.
func RunInExecutor[T any](ctx context.Context, l *Loop, fn func(context.Context) (T, error)) *future.Future[T] {
	switch {
	case l == nil:
		return failed[T](nil, fmt.Errorf("%w: RunInExecutor: nil loop", future.ErrNil))
	case fn == nil:
		return failed[T](l, fmt.Errorf("%w: RunInExecutor: nil function", future.ErrNil))
	case ctx == nil:
		return failed[T](l, fmt.Errorf("%w: RunInExecutor: nil context", future.ErrNil))
	}
	jctx, cancel := context.WithCancelCause(context.WithoutCancel(offLoop{ctx}))
	return submit(l, jctx, cancel, fn)
}

// ToThread runs fn in the executor of the loop running the calling
// coroutine and awaits its result (asyncio.to_thread): RunInExecutor,
// except that the job belongs to the call. fn's context carries ctx's
// values, deadline and cancellation (a loop.Timeout or a
// context.WithTimeout around the call reaches the job), and the job's
// context is cancelled as soon as ToThread returns, whether the job
// finished or the caller stopped waiting (its context ended, or its task
// was cancelled). Outside a coroutine it returns ErrNoRunningLoop.
func ToThread[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	l, err := GetRunningLoop(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	if fn == nil {
		var zero T
		return zero, fmt.Errorf("%w: ToThread: nil function", future.ErrNil)
	}
	jctx, cancel := context.WithCancelCause(offLoop{ctx})
	defer cancel(context.Canceled) // the caller has stopped waiting
	return future.Await(ctx, submit(l, jctx, cancel, fn))
}

// offLoop is a context as code off the loop sees it: its values, deadline
// and cancellation, but not the task it belongs to, so that a job finds no
// running loop and no current task, as code in asyncio's executor threads
// finds none (GetRunningLoop and CurrentTask look for SuspenderKey).
type offLoop struct{ context.Context }

func (c offLoop) Value(key any) any {
	if _, ok := key.(future.SuspenderKey); ok {
		return nil
	}
	return c.Context.Value(key)
}

// submit queues a job running fn with jctx, which cancel cancels, and
// returns its future.
func submit[T any](l *Loop, jctx context.Context, cancel context.CancelCauseFunc, fn func(context.Context) (T, error)) *future.Future[T] {
	p := future.NewPromiseOn[T](l)
	j := &job{cancel: cancel}
	j.run = func() {
		var v T
		// The completion is deferred, so that a Goexit in fn completes the
		// future too: it unwinds past everything after the call.
		err := fmt.Errorf("loop: RunInExecutor: %w", future.ErrGoexit)
		defer func() { _ = p.Complete(v, err) }() // fails if cancelled meanwhile
		if jctx.Err() != nil {
			err = future.Cancelled(context.Cause(jctx)) // cancelled while queued: never runs
			return
		}
		v, err = callJob(jctx, fn)
	}
	if !l.addJob(j) {
		cancel(nil)
		_ = p.Reject(closedErr("RunInExecutor"))
		return p.Future()
	}
	p.SetCancelHook(func(cause error) bool {
		cancel(future.Cancelled(cause))
		return p.Cancel(cause) == nil
	})
	l.exec.push(l, j)
	return p.Future()
}

// callJob calls fn, turning a panic into a *future.PanicError. (A Goexit
// is the deferred completion's, in submit.)
func callJob[T any](ctx context.Context, fn func(context.Context) (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = future.NewPanicError(r)
		}
	}()
	return fn(ctx)
}

// executor is the state of a loop's executor: a FIFO of jobs and at most
// cfg.executorWorkers goroutines taking them in order.
type executor struct {
	mu      sync.Mutex        // protects the fields below
	queue   queue.FIFO[*job]  // jobs waiting for a worker, in submission order
	workers int               // worker goroutines running
	live    map[*job]struct{} // jobs registered and not done, queued or running
	idle    chan struct{}     // closed when live empties; made by waitIdle
	wg      sync.WaitGroup    // the worker goroutines
}

// job is one RunInExecutor or ToThread call in flight.
type job struct {
	run    func() // runs the job and completes its future
	cancel context.CancelCauseFunc
}

// addJob registers j unless the loop is closing. Registering under the
// task registry's lock orders it before or after Close's snapshot: Close
// either cancels and waits for the job, or the job is refused.
func (l *Loop) addJob(j *job) bool {
	return l.host.WhileOpen(func() {
		l.jobs.Add(1)
		l.exec.mu.Lock()
		if l.exec.live == nil {
			l.exec.live = make(map[*job]struct{})
		}
		l.exec.live[j] = struct{}{}
		l.exec.mu.Unlock()
	})
}

// push queues j and starts a worker for it if there is room for one.
func (e *executor) push(l *Loop, j *job) {
	e.mu.Lock()
	e.queue.Push(j)
	start := e.workers < l.cfg.executorWorkers
	if start {
		e.workers++
	}
	e.mu.Unlock()
	if start {
		e.wg.Go(func() { e.work(l) })
	}
}

// work runs queued jobs, oldest first, until none is left. A job that
// calls runtime.Goexit ends this goroutine: the deferred call hands the
// worker's place to a new one if jobs wait.
func (e *executor) work(l *Loop) {
	normal := false
	defer func() {
		if !normal {
			e.mu.Lock()
			e.workers--
			restart := e.queue.Len() > 0 && e.workers < l.cfg.executorWorkers
			if restart {
				e.workers++
			}
			e.mu.Unlock()
			if restart {
				e.wg.Go(func() { e.work(l) })
			}
		}
	}()
	for {
		e.mu.Lock()
		if e.queue.Len() == 0 {
			e.workers--
			e.mu.Unlock()
			normal = true
			return
		}
		j := e.queue.Pop()
		e.mu.Unlock()
		func() {
			defer l.jobDone(j)
			j.run()
		}()
	}
}

func (l *Loop) jobDone(j *job) {
	j.cancel(nil)
	e := &l.exec
	e.mu.Lock()
	delete(e.live, j)
	if len(e.live) == 0 && e.idle != nil {
		close(e.idle)
		e.idle = nil
	}
	e.mu.Unlock()
	if l.jobs.Add(-1) == 0 {
		// Virtual time may have been held back by this job.
		l.eng.Unpark()
	}
}

// cancelJobs cancels every job queued or running; Close calls it.
func (l *Loop) cancelJobs(cause error) {
	l.exec.mu.Lock()
	defer l.exec.mu.Unlock()
	for j := range l.exec.live {
		j.cancel(cause)
	}
}

// waitJobs waits until no job is queued or running, or ctx ends; it
// returns how many were left then.
func (e *executor) waitJobs(ctx context.Context) int {
	for {
		e.mu.Lock()
		n := len(e.live)
		if n == 0 {
			e.mu.Unlock()
			e.wg.Wait() // the workers are leaving: the last job is done
			return 0
		}
		if e.idle == nil {
			e.idle = make(chan struct{})
		}
		idle := e.idle
		e.mu.Unlock()
		select {
		case <-idle:
		case <-ctx.Done():
			return n
		}
	}
}
