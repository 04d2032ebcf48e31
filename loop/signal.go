package loop

import (
	"fmt"
	"os"
	"os/signal"
	"sync"

	"github.com/goasyncio/asyncio/future"
)

// signals is a loop's signal handlers, by signal.
type signals struct {
	mu sync.Mutex // protects m
	m  map[os.Signal]*sigHandler
}

// sigHandler is one signal's handler: a goroutine that receives the
// signal from os/signal and schedules fn on the loop.
type sigHandler struct {
	ch   chan os.Signal
	done chan struct{} // closed to end the goroutine
}

// AddSignalHandler has fn run on the loop, as a callback, each time the
// process receives sig (asyncio's add_signal_handler): signal.Notify
// delivers it to a goroutine that schedules fn with CallSoonThreadsafe, so
// fn runs on the loop's thread on the single-thread engine. Signals that
// come faster than the loop runs fn may be coalesced, as os/signal does. A
// second handler for the same signal replaces the first. While a handler
// is set, the signal no longer has its default effect (SIGINT no longer
// ends the program), as with signal.Notify.
//
// A nil sig or fn returns an error matching future.ErrNil; a closed loop,
// ErrClosed. On Windows only os.Interrupt is delivered (see os/signal).
// The loop's Close removes every handler.
func (l *Loop) AddSignalHandler(sig os.Signal, fn func()) error {
	if sig == nil || fn == nil {
		return fmt.Errorf("%w: AddSignalHandler: nil signal or function", future.ErrNil)
	}
	if l.closedForUsers() {
		return closedErr("AddSignalHandler")
	}
	h := &sigHandler{ch: make(chan os.Signal, 1), done: make(chan struct{})}
	l.sigs.mu.Lock()
	if l.sigs.m == nil {
		l.sigs.m = make(map[os.Signal]*sigHandler)
		if _, ok := l.host.AddCloser(l.removeSignalHandlers); !ok {
			l.sigs.mu.Unlock()
			return closedErr("AddSignalHandler")
		}
	}
	old := l.sigs.m[sig]
	l.sigs.m[sig] = h
	signal.Notify(h.ch, sig)
	l.sigs.mu.Unlock()
	if old != nil {
		old.stop()
	}
	go func() {
		for {
			select {
			case <-h.ch:
				_, _ = l.CallSoonThreadsafe(fn) // fails only once the loop is closed
			case <-h.done: // removed
				return
			}
		}
	}()
	return nil
}

// RemoveSignalHandler removes the handler of sig and restores the
// signal's default effect (asyncio's remove_signal_handler). It reports
// whether there was a handler.
func (l *Loop) RemoveSignalHandler(sig os.Signal) bool {
	l.sigs.mu.Lock()
	h := l.sigs.m[sig]
	delete(l.sigs.m, sig)
	l.sigs.mu.Unlock()
	if h == nil {
		return false
	}
	h.stop()
	return true
}

// removeSignalHandlers removes every handler; the loop's Close calls it.
func (l *Loop) removeSignalHandlers() {
	l.sigs.mu.Lock()
	hs := l.sigs.m
	l.sigs.m = map[os.Signal]*sigHandler{}
	l.sigs.mu.Unlock()
	for _, h := range hs {
		h.stop()
	}
}

func (h *sigHandler) stop() {
	signal.Stop(h.ch)
	close(h.done)
}
