package osthread_test

import (
	"runtime"
	"testing"
	"time"

	"github.com/goasyncio/asyncio/loop/internal/osthread"
)

func TestIDIsStableOnALockedThreadAndDiffersBetweenThreads(t *testing.T) {
	if osthread.ID() == 0 {
		t.Skip("no thread id on this platform")
	}
	ids := make(chan [2]int, 2)
	hold := make(chan struct{})
	for range 2 {
		go func() {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			a := osthread.ID()
			runtime.Gosched()
			b := osthread.ID()
			ids <- [2]int{a, b}
			<-hold // keep the thread until both have read their ids
		}()
	}
	x, y := <-ids, <-ids
	close(hold)
	if x[0] != x[1] || y[0] != y[1] {
		t.Errorf("a locked goroutine's thread id changed: %v, %v", x, y)
	}
	if x[0] == y[0] {
		t.Errorf("two locked threads share the id %d", x[0])
	}
}

func TestNapReturns(t *testing.T) {
	osthread.SetNapSlack(time.Microsecond) // on this goroutine's thread; harmless
	osthread.Nap(time.Microsecond)
}
