package streams

import "time"

// WithAcceptRetryDelay shortens the wait after a failed accept, for tests.
func WithAcceptRetryDelay(d time.Duration) Option {
	return optionFunc(func(c *config) { c.acceptWait = d })
}

// OnPoller reports whether the stream behind w is served by its loop's
// poller, with no goroutine, rather than by a read goroutine (hostStream
// starts one exactly when the poller does not take the stream).
func OnPoller(w *Writer) bool {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return w.s.pl != nil
}

// HeldReadBytes reports the capacity of the read buffers the stream
// behind w keeps between reads (those of its read goroutine aside).
func HeldReadBytes(w *Writer) int {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return cap(w.s.rbuf) + cap(w.s.rb)
}

// MinReadChunk is the size of the read buffer a stream keeps.
const MinReadChunk = minReadChunk

// WaitingReadBytes reports the capacity of the buffer the read goroutine
// of the stream behind w holds while it waits for its socket, or -1 if it
// is not waiting (or has no RawConn read: TLS, off Unix, on the poller).
func WaitingReadBytes(w *Writer) int { return int(w.s.waitHeld.Load()) }

// RaceEnabled is raceEnabled, for the external tests.
const RaceEnabled = raceEnabled
