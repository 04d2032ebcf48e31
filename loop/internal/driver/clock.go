package driver

import (
	"math"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/loop/internal/osthread"
)

// Clock is a loop's time source: nanoseconds since the loop was made, read
// from the monotonic clock, or virtual time that moves only when the engine
// jumps it to the next deadline (the loop's WithVirtualTime). Its methods
// are safe for concurrent use; Epoch and Virtual are set once, before the
// loop is shared.
type Clock struct {
	Epoch   time.Time
	Virtual bool
	vnow    atomic.Int64 // virtual time; used only if Virtual
}

// Now returns the clock's reading in nanoseconds since Epoch.
func (c *Clock) Now() int64 {
	if c.Virtual {
		return c.vnow.Load()
	}
	return int64(time.Since(c.Epoch))
}

// Time returns the reading when as a time.Time.
func (c *Clock) Time(when int64) time.Time { return c.Epoch.Add(time.Duration(when)) }

// At returns the reading of t, which may be far in the past or future:
// the difference saturates instead of overflowing.
func (c *Clock) At(t time.Time) int64 { return int64(t.Sub(c.Epoch)) }

// Until returns how long it is until when, or false if when is due. It
// compares before it subtracts: a deadline in the distant past (CallAt
// with a zero time.Time is near the smallest int64) would overflow the
// difference into a wait of centuries.
func (c *Clock) Until(when int64) (time.Duration, bool) {
	now := c.Now()
	if when <= now {
		return 0, false
	}
	return time.Duration(when - now), true
}

// Jump moves virtual time forward to when; it never goes back.
func (c *Clock) Jump(when int64) {
	for {
		now := c.vnow.Load()
		if when <= now || c.vnow.CompareAndSwap(now, when) {
			return
		}
	}
}

// napStep is the longest nap: how long a post made during one may wait
// before the engine sees it. Posters do not wake a napping engine.
const napStep = 50 * time.Microsecond

// NapSlack is the timer slack the single-thread loop gives its thread (see
// osthread.SetNapSlack): with Linux's default of 50 us a 1 us nap lasted
// about 95 us, with 1 us of slack about 12 us, and the median lateness of
// BenchmarkTimerLateness/Loop/single (go test -bench TimerLateness
// ./bench/) went from 0.054 to 0.007 ms.
const NapSlack = time.Microsecond

// Nap blocks the calling thread for d, or napStep if less (see
// osthread.Nap). It reports whether the clock moved: inside a
// testing/synctest bubble time.Now is fake and stands still while the
// bubble runs, so a nap cannot bring a deadline nearer, and the caller must
// wait on a runtime timer instead.
func (c *Clock) Nap(d time.Duration) bool {
	before := c.Now()
	osthread.Nap(min(d, napStep))
	return c.Now() != before
}

// AddDeadline is now+d, saturating instead of overflowing. A negative d
// gives a deadline in the past, which orders before now, as in asyncio.
func AddDeadline(now int64, d time.Duration) int64 {
	switch {
	case d > 0 && now > math.MaxInt64-int64(d):
		return math.MaxInt64
	case d < 0 && now < math.MinInt64-int64(d):
		return math.MinInt64
	}
	return now + int64(d)
}
