package loop

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
