package loop

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"sync"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// ErrEmpty reports that Wait was given no futures (asyncio.wait raises
// ValueError). It is the same value as future.ErrEmpty.
var ErrEmpty = future.ErrEmpty

// ReturnWhen says when Wait returns (asyncio.wait's return_when). The zero
// value is AllCompleted. Wait refuses a value other than the three
// constants with an error matching ErrInvalidReturnWhen.
type ReturnWhen int

const (
	// AllCompleted returns once every future has completed.
	AllCompleted ReturnWhen = iota
	// FirstCompleted returns once any future has completed.
	FirstCompleted
	// FirstException returns once any future has failed with an error other
	// than a cancellation (as asyncio, a cancelled future does not count),
	// or once every future has completed.
	FirstException
)

func (w ReturnWhen) String() string {
	switch w {
	case FirstCompleted:
		return "FirstCompleted"
	case FirstException:
		return "FirstException"
	case AllCompleted:
		return "AllCompleted"
	}
	return fmt.Sprintf("ReturnWhen(%d)", int(w))
}

// ErrInvalidReturnWhen reports a ReturnWhen other than AllCompleted,
// FirstCompleted and FirstException (asyncio.wait raises ValueError).
var ErrInvalidReturnWhen = errors.New("loop: invalid ReturnWhen")

// Wait waits until the futures fs meet the condition when, or until timeout
// has passed on the loop's clock, and returns them split into done and
// pending, each in the order of fs (asyncio.wait). A timeout of zero or
// less means none. Running out of time is not an error: err is nil and
// pending holds the futures still running. Wait never cancels a future.
//
// Wait suspends the calling task while it waits, or blocks a plain
// goroutine (which can then have no timeout: the timer is the loop's). If
// ctx ends, or the calling task is cancelled, Wait returns that error
// together with the split as it stood.
//
// No futures give an error matching ErrEmpty, a nil future or context one
// matching future.ErrNil, an unknown when one matching
// ErrInvalidReturnWhen, and a timeout outside a running loop one matching
// ErrNoRunningLoop. The callbacks Wait puts on futures that are still
// pending when it returns stay there, doing nothing, until those futures
// complete (a Future cannot remove a callback).
func Wait[T any, A future.Awaitable[T]](ctx context.Context, aws []A, when ReturnWhen, timeout time.Duration) (done, pending []*future.Future[T], err error) {
	if ctx == nil {
		return nil, nil, fmt.Errorf("%w: Wait: nil context", future.ErrNil)
	}
	if len(aws) == 0 {
		return nil, nil, fmt.Errorf("loop: Wait: %w", ErrEmpty)
	}
	if when < AllCompleted || when > FirstException {
		return nil, nil, fmt.Errorf("%w: Wait: %v", ErrInvalidReturnWhen, when)
	}
	fs, err := futuresOf[T]("Wait", ctx, aws)
	if err != nil {
		return nil, nil, err
	}
	var l *Loop
	if timeout > 0 {
		if l, err = GetRunningLoop(ctx); err != nil {
			return nil, nil, fmt.Errorf("loop: Wait with a timeout: %w", err)
		}
	}

	s := &waitState[T]{when: when, ready: future.NewPromise[struct{}](), left: len(fs), hop: hopOf(ctx)}
	future.OnEach(fs, s.ready.Future(), func(i int) { s.done(fs[i]) })
	if l != nil && !s.ready.Future().IsDone() {
		h, terr := l.CallLater(timeout, func() { _ = s.ready.Resolve(struct{}{}) })
		if terr != nil {
			return nil, nil, fmt.Errorf("loop: Wait: %w", terr)
		}
		defer h.Cancel()
	}
	_, err = future.Await(ctx, s.ready.Future())
	for _, f := range fs {
		if f.IsDone() {
			done = append(done, f)
		} else {
			pending = append(pending, f)
		}
	}
	return done, pending, err
}

// futuresOf returns the futures of aws for Wait and AsCompleted: a Future
// as it is, a Coroutine (or a type embedding one) as a new task on the
// loop running ctx's coroutine, as asyncio's ensure_future.
func futuresOf[T any, A future.Awaitable[T]](op string, ctx context.Context, aws []A) ([]*future.Future[T], error) {
	l, _ := GetRunningLoop(ctx)
	for i, a := range aws {
		if err := check(op, i, l, future.Awaitable[T](a)); err != nil {
			return nil, err
		}
	}
	fs := make([]*future.Future[T], len(aws))
	for i, a := range aws {
		fs[i], _ = start(context.WithoutCancel(ctx), l, future.Awaitable[T](a))
	}
	return fs, nil
}

// waitState decides when Wait may return.
type waitState[T any] struct {
	when  ReturnWhen
	ready future.Promise[struct{}] // resolved when Wait may return

	hop func(func()) // how a completion reaches the waiter (see hopOf)

	mu   sync.Mutex // protects left
	left int        // futures not seen complete
}

// hopOf returns how Wait and AsCompleted pass a completion on to the task
// waiting with ctx: through the task's loop, as asyncio's done callbacks
// go through call_soon, so that the waiter resumes on the same iteration
// as asyncio's and sees what completed meanwhile (asyncio's wait: the
// future completes, its done callback runs an iteration later and
// resolves the waiter, whose task resumes an iteration after that). A
// plain goroutine is told at once.
func hopOf(ctx context.Context) func(func()) {
	t := task.Of(ctx)
	if t == nil {
		return func(fn func()) { fn() }
	}
	l := loopOf(t)
	return func(fn func()) {
		if l.Submit(fn) != nil {
			fn() // the loop has closed: nothing to go through
		}
	}
}

// done counts one completed future. A future listed twice in fs is counted
// twice, once for each of its callbacks, so left still reaches zero.
func (s *waitState[T]) done(f *future.Future[T]) {
	s.mu.Lock()
	s.left--
	left := s.left
	s.mu.Unlock()
	err := f.Err()
	switch {
	case left == 0,
		s.when == FirstCompleted,
		s.when == FirstException && err != nil && !errors.Is(err, future.ErrCancelled):
		s.hop(func() { _ = s.ready.Resolve(struct{}{}) }) // the first to resolve wins
	}
}

// AsCompleted returns an iterator over the outcomes of fs in the order they
// complete (asyncio.as_completed): each future's value and error, where the
// error is that future's own and the iteration goes on after it. Futures
// already complete come first, in the order of fs.
//
// While nothing is complete, the iteration waits: it suspends the calling
// task, or blocks a plain goroutine. If ctx ends, or the calling task is
// cancelled, it yields T's zero value and that error once and stops. For a
// time limit, iterate under a context from Timeout: the error is then a
// timeout error (asyncio's as_completed timeout).
//
// Breaking out of the loop early is safe and leaves nothing behind but one
// small callback on each future still pending, which does nothing when that
// future completes. Each iteration over the result starts afresh and sees
// every future again. A nil future yields an error matching future.ErrNil
// and ends the iteration before anything is awaited; so does a nil ctx.
// AsCompleted starts no goroutine and cancels no future.
func AsCompleted[T any, A future.Awaitable[T]](ctx context.Context, aws ...A) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if ctx == nil {
			yield(zero, fmt.Errorf("%w: AsCompleted: nil context", future.ErrNil))
			return
		}
		fs, err := futuresOf[T]("AsCompleted", ctx, aws)
		if err != nil {
			yield(zero, err)
			return
		}
		q := &completions[T]{}
		defer q.stop()
		hop := hopOf(ctx)
		future.OnEach(fs, nil, func(i int) { hop(func() { q.push(fs[i]) }) })
		for range fs {
			f, err := q.next(ctx)
			if err != nil {
				yield(zero, err)
				return
			}
			if !yield(f.Result()) {
				return
			}
		}
	}
}

// completions queues futures in the order they complete, for AsCompleted.
type completions[T any] struct {
	mu      sync.Mutex          // protects the fields below
	queue   []*future.Future[T] // complete, not yet yielded
	wake    future.Promise[struct{}]
	waiting bool // wake is pending and next awaits it
	stopped bool // the iteration is over: drop what comes
}

func (q *completions[T]) push(f *future.Future[T]) {
	q.mu.Lock()
	if q.stopped {
		q.mu.Unlock()
		return
	}
	q.queue = append(q.queue, f)
	wake, waiting := q.wake, q.waiting
	q.waiting = false
	q.mu.Unlock()
	if waiting {
		_ = wake.Resolve(struct{}{})
	}
}

// next returns the next completed future, waiting for one under ctx.
func (q *completions[T]) next(ctx context.Context) (*future.Future[T], error) {
	for {
		q.mu.Lock()
		if len(q.queue) > 0 {
			f := q.queue[0]
			q.queue[0] = nil
			q.queue = q.queue[1:]
			q.mu.Unlock()
			return f, nil
		}
		// A fresh promise for each wait: the one before is resolved.
		q.wake = future.NewPromise[struct{}]()
		q.waiting = true
		wake := q.wake.Future()
		q.mu.Unlock()
		if _, err := future.Await(ctx, wake); err != nil {
			return nil, err
		}
	}
}

func (q *completions[T]) stop() {
	q.mu.Lock()
	q.stopped = true
	q.queue = nil
	q.mu.Unlock()
}

// settle waits until w has completed, whatever happens to the caller
// meanwhile: Await under ctx could return early, because ctx ended or the
// calling task was cancelled, but a caller that has just cancelled w must
// still see it finish (asyncio's wait_for and TaskGroup do).
//
// Inside a task it suspends the task under the task's own context, which
// no derived context can end; a further cancellation of the task is
// swallowed (it has already been passed on to w, which the task waits on).
// While the loop closes, Await refuses to suspend, so settle yields turns
// instead until w's task has unwound. Outside a task it blocks.
func settle(ctx context.Context, w future.Waitable) {
	t := task.Of(ctx)
	for !w.IsDone() {
		switch {
		case t == nil:
			<-w.Done()
		case loopOf(t).closedForUsers():
			_ = Sleep(t, 0)
		default:
			if err := t.Suspend(t, w); errors.Is(err, future.ErrWrongGoroutine) {
				// ctx belongs to a task that is not running here: this is a
				// goroutine of its own, which may block.
				<-w.Done()
			}
		}
	}
}
