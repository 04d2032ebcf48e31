package loop

import (
	"context"
	"fmt"
	"sync"

	"golang.org/x/sync/semaphore"

	"github.com/goasyncio/asyncio/future"
)

// RunInExecutor runs fn on a goroutine of l's executor, off the loop, and
// returns a future of its result that belongs to l (asyncio's
// run_in_executor). It is for blocking work: a system call, a
// computation, a library without a context-aware API. Awaiting the future
// suspends the calling coroutine and, on a single-thread loop, resumes it
// on the loop's thread, so the result comes back to the loop thread.
//
// The executor is the loop's own, bounded by WithExecutorWorkers (default
// min(32, GOMAXPROCS+4), asyncio's default thread pool size); a job waiting
// for a slot holds no goroutine of the loop.
//
// fn receives a context with ctx's values, but not its cancellation: the
// job may outlive the caller. Cancelling the future (which is
// what cancelling a task that awaits it does) cancels that context with the
// cancellation's cause and completes the future as cancelled at once, as in
// asyncio; fn is expected to notice and return. Close cancels the context
// of every job still running and waits for them all to return. A panic in
// fn becomes a *future.PanicError; a nil fn or ctx, or a closed loop, gives
// a future already failed with future.ErrNil or ErrClosed.
//
// While a job runs, a loop made WithVirtualTime does not jump its clock.
func RunInExecutor[T any](ctx context.Context, l *Loop, fn func(context.Context) (T, error)) *future.Future[T] {
	p := future.NewPromiseOn[T](l)
	switch {
	case fn == nil:
		_ = p.Reject(fmt.Errorf("%w: RunInExecutor: nil function", future.ErrNil))
		return p.Future()
	case ctx == nil:
		_ = p.Reject(fmt.Errorf("%w: RunInExecutor: nil context", future.ErrNil))
		return p.Future()
	}
	// Values but not cancellation: the job may outlive the caller (a task
	// may return the future for another to await). It is cancelled through
	// its future, and by Close.
	jctx, cancel := context.WithCancelCause(context.WithoutCancel(ctx))
	j := l.addJob(cancel)
	if j == nil {
		cancel(nil)
		_ = p.Reject(closedErr("RunInExecutor"))
		return p.Future()
	}
	p.SetCancelHook(func(cause error) bool {
		cancel(future.Cancelled(cause))
		return p.Cancel(cause) == nil
	})
	go func() {
		defer l.jobDone(j)
		if err := l.executor().Acquire(jctx, 1); err != nil {
			_ = p.Cancel(context.Cause(jctx))
			return
		}
		defer l.executor().Release(1)
		v, err := callJob(jctx, fn)
		_ = p.Complete(v, err) // fails only if cancelled meanwhile
	}()
	return p.Future()
}

// ToThread runs fn in the executor of the loop running the calling
// coroutine and awaits its result (asyncio.to_thread): RunInExecutor, then
// Await. Outside a coroutine it returns ErrNoRunningLoop.
func ToThread[T any](ctx context.Context, fn func(context.Context) (T, error)) (T, error) {
	l, err := GetRunningLoop(ctx)
	if err != nil {
		var zero T
		return zero, err
	}
	return future.Await(ctx, RunInExecutor(ctx, l, fn))
}

func callJob[T any](ctx context.Context, fn func(context.Context) (T, error)) (v T, err error) {
	normal := false
	defer func() {
		if !normal {
			if r := recover(); r != nil {
				err = future.NewPanicError(r)
			} else {
				err = fmt.Errorf("loop: RunInExecutor: %w", future.ErrGoexit)
			}
		}
	}()
	v, err = fn(ctx)
	normal = true
	return v, err
}

// executor is the state of a loop's executor.
type executor struct {
	once sync.Once
	sem  *semaphore.Weighted // slots; made on first use

	mu   sync.Mutex // protects live
	live map[*job]struct{}
	wg   sync.WaitGroup // one per job; Add only while open (see addJob)
}

// job is one RunInExecutor call in flight.
type job struct{ cancel context.CancelCauseFunc }

func (l *Loop) executor() *semaphore.Weighted {
	l.exec.once.Do(func() { l.exec.sem = semaphore.NewWeighted(int64(l.cfg.executorWorkers)) })
	return l.exec.sem
}

// addJob registers a job unless the loop is closing. Registering under the
// task registry's lock orders it before or after Close's snapshot: Close
// either cancels and waits for the job, or the job is refused.
func (l *Loop) addJob(cancel context.CancelCauseFunc) *job {
	j := &job{cancel: cancel}
	if !l.host.WhileOpen(func() {
		l.jobs.Add(1)
		l.exec.wg.Add(1)
		l.exec.mu.Lock()
		if l.exec.live == nil {
			l.exec.live = make(map[*job]struct{})
		}
		l.exec.live[j] = struct{}{}
		l.exec.mu.Unlock()
	}) {
		return nil
	}
	return j
}

func (l *Loop) jobDone(j *job) {
	j.cancel(nil)
	l.exec.mu.Lock()
	delete(l.exec.live, j)
	l.exec.mu.Unlock()
	if l.jobs.Add(-1) == 0 {
		// Virtual time may have been held back by this job.
		l.eng.Unpark()
	}
	l.exec.wg.Done()
}

// cancelJobs cancels every job in flight; Close calls it.
func (l *Loop) cancelJobs(cause error) {
	l.exec.mu.Lock()
	defer l.exec.mu.Unlock()
	for j := range l.exec.live {
		j.cancel(cause)
	}
}
