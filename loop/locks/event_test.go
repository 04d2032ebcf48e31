package locks_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/locks"
)

func TestEventSetWakesEveryWaiter(t *testing.T) {
	const waiters = 16
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var ev locks.Event
		_, err := run(l, func(ctx context.Context) (int, error) {
			fs := make([]*future.Future[struct{}], waiters)
			for i := range fs {
				fs[i] = task(l, ev.Wait)
			}
			if err := yieldUntil(ctx, func() bool { return locks.EventWaiters(&ev) == waiters }); err != nil {
				return 0, err
			}
			for _, f := range fs {
				assert.False(t, f.IsDone(), "nobody returns before Set")
			}
			ev.Set()
			return 0, awaitAll(ctx, fs...)
		})
		require.NoError(t, err)
		assert.True(t, ev.IsSet())
		assert.Zero(t, locks.EventWaiters(&ev))
	})
}

func TestEventZeroValueSetAndClear(t *testing.T) {
	var ev locks.Event
	assert.False(t, ev.IsSet())
	first := ev.Done()
	assert.Equal(t, first, ev.Done(), "the same channel until the event changes")
	select {
	case <-first:
		t.Fatal("Done closed before Set")
	default:
	}

	ev.Set()
	ev.Set() // idempotent
	assert.True(t, ev.IsSet())
	<-first // closed by Set
	<-ev.Done()
	require.NoError(t, ev.Wait(bg), "Wait on a set event returns at once")

	ev.Clear()
	assert.False(t, ev.IsSet())
	second := ev.Done()
	assert.NotEqual(t, first, second, "Clear starts a new channel")
	select {
	case <-second:
		t.Fatal("Done closed after Clear")
	default:
	}
	ev.Clear() // idempotent
	ev.Set()
	<-second
}

func TestEventDoneOfASetEvent(t *testing.T) {
	var ev locks.Event
	ev.Set()
	<-ev.Done() // closed already
	ev.Clear()
	select {
	case <-ev.Done():
		t.Fatal("Done closed after Clear")
	default:
	}
}

func TestEventDoneInSelect(t *testing.T) {
	var ev locks.Event
	go ev.Set()
	ctx, cancel := context.WithCancel(bg)
	defer cancel()
	select {
	case <-ev.Done(): // the event came
	case <-ctx.Done(): // the caller gave up; never here
		t.Fatal("context ended")
	}
	assert.True(t, ev.IsSet())
}

func TestEventCancelledWaiterLeavesNoTrace(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var ev locks.Event
		_, err := run(l, func(ctx context.Context) (int, error) {
			a, b := task(l, ev.Wait), task(l, ev.Wait)
			if err := yieldUntil(ctx, func() bool { return locks.EventWaiters(&ev) == 2 }); err != nil {
				return 0, err
			}
			assert.True(t, a.Cancel(nil))
			_, err := future.Await(ctx, a)
			assert.ErrorIs(t, err, future.ErrCancelled)
			assert.Equal(t, 1, locks.EventWaiters(&ev))
			ev.Set()
			return 0, awaitAll(ctx, b)
		})
		require.NoError(t, err)
	})
}

func TestEventWaitFromAGoroutineHonoursContext(t *testing.T) {
	var ev locks.Event
	cause := errors.New("timeout")
	ctx, cancel := context.WithCancelCause(bg)
	done := make(chan error)
	go func() { done <- ev.Wait(ctx) }()
	spinUntil(t, func() bool { return locks.EventWaiters(&ev) == 1 })
	cancel(cause)
	assert.ErrorIs(t, <-done, cause)
	assert.Zero(t, locks.EventWaiters(&ev))

	go func() { done <- ev.Wait(bg) }()
	spinUntil(t, func() bool { return locks.EventWaiters(&ev) == 1 })
	ev.Set()
	assert.NoError(t, <-done)
}
