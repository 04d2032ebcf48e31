package streams

import (
	"context"
	"errors"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

// A wakeup taken for one wait (a read goroutine that found data just as
// the read was cancelled) must not end the next wait, which would then
// return with nothing to read.
func TestAStaleWakeupEndsNoLaterWait(t *testing.T) {
	var rw readWait
	first := readWake{&rw, rw.start()}
	require.True(t, rw.OnDone(func() {})) // a task parks on it
	require.True(t, rw.Cancel(errors.New("gave up")))
	second := readWake{&rw, rw.start()}
	assert.False(t, rw.IsDone(), "a new wait starts pending")

	first.fire()
	assert.False(t, rw.IsDone(), "the first wait's wakeup ended the second")
	second.fire()
	assert.True(t, rw.IsDone())
	second.fire() // a second delivery is a no-op
	assert.True(t, rw.IsDone())
}

func TestAWaitEndsWithItsWakeup(t *testing.T) {
	var rw readWait
	k := readWake{&rw, rw.start()}
	ran := 0
	require.True(t, rw.OnDone(func() { ran++ }))
	done := make(chan error, 1)
	go func() { done <- rw.wait(context.Background(), nil) }()
	k.fire()
	assert.NoError(t, <-done)
	assert.Equal(t, 1, ran, "the registered wakeup runs once")
	assert.False(t, rw.OnDone(func() { ran++ }), "OnDone after the end")
	select {
	case <-rw.Done():
	default:
		t.Error("Done is not closed after the end")
	}
}

func TestACancelledWaitReturnsTheCancellation(t *testing.T) {
	var rw readWait
	rw.start()
	cause := errors.New("shutting down")
	done := make(chan error, 1)
	go func() { done <- rw.wait(context.Background(), &fakeTask{Context: context.Background()}) }()
	for !isParked(&rw) {
		runtime.Gosched()
	}
	require.True(t, rw.Cancel(cause))
	err := <-done
	assert.ErrorIs(t, err, future.ErrCancelled)
	assert.ErrorIs(t, err, cause)
	assert.False(t, rw.Cancel(cause), "a second cancel of the same wait")

	rw.start()
	assert.False(t, rw.IsDone(), "the next wait does not inherit the cancellation")
	assert.False(t, rw.Cancel(cause), "a cancel of a wait no task has parked on")
}

func isParked(w *readWait) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.parked
}

// Outside a task the wait blocks like plain Go code, and ends with its
// context.
func TestAWaitOutsideATaskEndsWithItsContext(t *testing.T) {
	var rw readWait
	rw.start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rw.wait(ctx, nil) }()
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.False(t, rw.IsDone(), "the context's end is the waiter's, not the wait's")
}

// fakeTask is a Suspender that parks as a task's body does (it registers
// its wakeup with OnDone) and then blocks; with foreign set it waits as a
// goroutine that was handed the task's context does (on Done alone).
type fakeTask struct {
	context.Context
	foreign bool
}

func (f *fakeTask) Suspend(ctx context.Context, w future.Waitable) error {
	if !f.foreign {
		w.OnDone(func() {})
	}
	select {
	case <-w.Done():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// readAsync runs waitData on s, as a reader does (mu held), in a
// goroutine, and returns its result channel once the read is waiting.
func readAsync(t *testing.T, s *stream, ctx context.Context) <-chan error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		s.mu.Lock()
		err := s.waitData(ctx)
		s.mu.Unlock()
		done <- err
	}()
	for { // synchronize on the state the wait publishes under mu
		s.mu.Lock()
		w := s.waiting
		s.mu.Unlock()
		if w {
			return done
		}
		runtime.Gosched()
	}
}

func result(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("the read did not return")
		return nil
	}
}

// A second read while the first is still inside its wait (its wakeup
// taken, not yet run) is refused, and the first still wakes: reusing the
// wait for the second once lost the first one's wakeup.
func TestASecondReaderDoesNotTakeTheFirstsWait(t *testing.T) {
	s := &stream{}
	first := readAsync(t, s, &fakeTask{Context: context.Background()})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.mu.Lock()
	wake := s.takeWaiterLocked()
	err := s.waitData(ctx) // one that waited would end with ctx
	s.mu.Unlock()
	assert.ErrorIs(t, err, ErrReadInProgress)
	wake.fire()
	assert.NoError(t, result(t, first))
}

// A Cancel that reaches a task's wait only after it ended (Task.Cancel
// reads what its task waits on, then cancels it) must not end the wait of
// another task that reads the stream next.
func TestALateCancelMissesTheNextTasksWait(t *testing.T) {
	s := &stream{}
	a := readAsync(t, s, &fakeTask{Context: context.Background()})
	s.mu.Lock()
	aWait := future.Waitable(s.rw) // what task a's Cancel would hold
	wake := s.takeWaiterLocked()
	s.mu.Unlock()
	wake.fire()
	require.NoError(t, result(t, a))

	b := readAsync(t, s, &fakeTask{Context: context.Background()})
	assert.False(t, aWait.Cancel(errors.New("cancel a")), "a's ended wait took the cancel")
	s.mu.Lock()
	bDone := s.rw.IsDone()
	wake = s.takeWaiterLocked()
	s.mu.Unlock()
	assert.False(t, bDone, "a's cancel ended b's wait")
	wake.fire()
	assert.NoError(t, result(t, b))
}

// The same for a goroutine the task handed its context to: it shares the
// task's wait, and a late Cancel of the task must go to the task, not end
// the goroutine's wait.
func TestALateCancelMissesAGoroutineWithTheTasksContext(t *testing.T) {
	s := &stream{}
	task := &fakeTask{Context: context.Background()}
	a := readAsync(t, s, task)
	s.mu.Lock()
	taskWait := future.Waitable(s.rw)
	wake := s.takeWaiterLocked()
	s.mu.Unlock()
	wake.fire()
	require.NoError(t, result(t, a))

	task.foreign = true
	g := readAsync(t, s, task)
	assert.False(t, taskWait.Cancel(errors.New("cancel the task")), "the goroutine's wait took the task's cancel")
	s.mu.Lock()
	wake = s.takeWaiterLocked()
	s.mu.Unlock()
	wake.fire()
	assert.NoError(t, result(t, g))
}
