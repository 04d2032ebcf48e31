package streams

import (
	"context"
	"errors"
	"testing"

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
	go func() { done <- rw.wait(context.Background()) }()
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
	go func() { done <- rw.wait(context.Background()) }()
	require.True(t, rw.Cancel(cause))
	err := <-done
	assert.ErrorIs(t, err, future.ErrCancelled)
	assert.ErrorIs(t, err, cause)
	assert.False(t, rw.Cancel(cause), "a second cancel of the same wait")

	rw.start()
	assert.False(t, rw.IsDone(), "the next wait does not inherit the cancellation")
}

// Outside a task the wait blocks like plain Go code, and ends with its
// context.
func TestAWaitOutsideATaskEndsWithItsContext(t *testing.T) {
	var rw readWait
	rw.start()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- rw.wait(ctx) }()
	cancel()
	assert.ErrorIs(t, <-done, context.Canceled)
	assert.False(t, rw.IsDone(), "the context's end is the waiter's, not the wait's")
}
