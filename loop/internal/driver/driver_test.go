package driver

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newDriver(virtual bool) *Driver {
	d := new(Driver)
	d.Init(time.Now(), virtual)
	return d
}

// TestParkReturnsForATimerDueInTheDistantPast: CallAt with a zero
// time.Time makes a deadline near the smallest int64, and Park once
// subtracted the clock from it, which overflowed into a wait of centuries.
// Park must see the timer as due and return. A watchdog unparks a wait
// that went wrong.
func TestParkReturnsForATimerDueInTheDistantPast(t *testing.T) {
	d := newDriver(false)
	d.Add(d.At(time.Time{}), func() {})
	watchdog := time.AfterFunc(5*time.Second, d.Kick)
	d.Announce()
	d.Park(0, nil)
	assert.True(t, watchdog.Stop(), "Park waited for a timer that was due")
	assert.Len(t, d.Due(), 1)
}

func TestParkEndsOnUnparkAndAtItsLimit(t *testing.T) {
	d := newDriver(false)
	d.Announce()
	go d.Unpark() // the announcement is made: Unpark must send
	d.Park(0, nil)
	d.Announce()
	d.Park(time.Millisecond, nil) // no timer, no unpark: the limit ends it
	d.Withdraw()
	d.Unpark() // not announced: leaves nothing pending
	select {
	case <-d.wakeCh:
		t.Fatal("Unpark sent a wakeup to an engine that had not announced")
	default:
	}
}

func TestVirtualTimeJumpsOnlyWhenQuiet(t *testing.T) {
	d := newDriver(true)
	ran := 0
	d.Add(int64(time.Hour), func() { ran++ })
	d.Announce()
	d.Park(0, func() bool { return true })
	assert.Equal(t, int64(time.Hour), d.Now(), "the clock jumped to the timer")
	for _, tm := range d.Due() {
		tm.Fire()
	}
	assert.Equal(t, 1, ran)

	d.Add(int64(2*time.Hour), func() {})
	d.Announce()
	go d.Unpark()
	d.Park(0, func() bool { return false }) // not quiet: waits for the unpark
	assert.Equal(t, int64(time.Hour), d.Now(), "the clock jumped while something could run")
}

func TestTimersFireInDeadlineThenCreationOrderAndCancel(t *testing.T) {
	d := newDriver(true)
	var got []int
	add := func(when time.Duration, v int) *Timer {
		return d.Add(int64(when), func() { got = append(got, v) })
	}
	add(3, 3)
	a := add(1, 1)
	add(1, 2) // same deadline as a: after it
	c := add(2, 99)
	add(math.MaxInt64, 100)
	d.Cancel(c)
	assert.True(t, c.Cancelled())
	assert.Equal(t, 4, d.Len())
	d.Jump(3)
	for _, tm := range d.Due() {
		tm.Fire()
	}
	assert.Equal(t, []int{1, 2, 3}, got)
	d.Cancel(a) // after it ran: nothing happens
	require.Equal(t, 1, d.Len())
	d.Reset()
	assert.Zero(t, d.Len())
}

func TestAddDeadlineSaturates(t *testing.T) {
	assert.Equal(t, int64(math.MaxInt64), AddDeadline(math.MaxInt64-1, time.Hour))
	assert.Equal(t, int64(math.MinInt64), AddDeadline(math.MinInt64+1, -time.Hour))
	assert.Equal(t, int64(5), AddDeadline(2, 3))
}
