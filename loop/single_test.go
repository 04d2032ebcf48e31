package loop

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
)

// TestIdleReturnsForATimerDueInTheDistantPast: CallAt with a zero time.Time
// makes a deadline near the smallest int64, and the single-thread loop's
// idle once subtracted the clock from it, which overflowed into a wait of
// centuries. idle must see the timer as due and return. (The loop is not
// running, so the test goroutine may call idle; a watchdog wakes a wait
// that went wrong.)
func TestIdleReturnsForATimerDueInTheDistantPast(t *testing.T) {
	l := NewSingleThread()
	defer func() { require.NoError(t, l.Close()) }()
	s := l.eng.(*single)
	_, err := l.CallAt(time.Time{}, func() {})
	require.NoError(t, err)
	sent := make(chan struct{})
	watchdog := time.AfterFunc(5*time.Second, func() {
		s.wakeCh <- struct{}{}
		close(sent)
	})
	s.idle(0)
	fired := !watchdog.Stop()
	if fired {
		<-sent
		select {
		case <-s.wakeCh: // idle returned before the wakeup: drop it
		default: // idle returned because of it
		}
	}
	assert.False(t, fired, "idle waited for a timer that was due")
}

// TestTheLoopDoesNotSleepOnAPostBeingWritten holds the single-thread loop's
// inbox in the state a lost wakeup needs: a position reserved, its entry
// written later by a poster that read the loop's sleeping flag too early
// and so never wakes the loop. A callback on the loop reserves the position
// as push does and leaves it to a goroutine, which writes it, stamp and
// all, without a wakeup. The loop must find the entry anyway; a watchdog
// wakes it after a few seconds, so that a loop that slept on the reserved
// position fails the test instead of hanging it.
func TestTheLoopDoesNotSleepOnAPostBeingWritten(t *testing.T) {
	l := NewSingleThread()
	defer func() { require.NoError(t, l.Close()) }()
	s := l.eng.(*single)
	var fired atomic.Bool
	watchdog := time.AfterFunc(5*time.Second, func() {
		fired.Store(true)
		_, _ = l.CallSoonThreadsafe(func() {})
	})
	defer watchdog.Stop()
	got, err := RunUntilComplete(context.Background(), l, future.Coroutine[int](func(ctx context.Context) (int, error) {
		written := future.NewPromise[int]()
		if _, err := l.CallSoon(func() {
			pos := s.in.tail.Add(1) - 1
			go func() {
				seg := s.in.segmentFor(pos)
				sl := &seg.slots[pos-seg.base.Load()]
				sl.fn = func() { _ = written.Resolve(1) }
				storeRelease(&sl.stamp, pos+1)
			}()
		}); err != nil {
			return 0, err
		}
		return future.Await(ctx, written.Future())
	}))
	require.NoError(t, err)
	assert.Equal(t, 1, got)
	assert.False(t, fired.Load(), "the loop slept until the watchdog woke it")
}
