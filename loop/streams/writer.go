package streams

import (
	"context"
	"net"

	"github.com/goasyncio/asyncio/future"
)

// Writer is the writing side of a connection (asyncio's StreamWriter).
// Write never waits: it sends what the socket takes at once and appends
// the rest to a buffer, which a goroutine of the stream writes out (or, on
// the single-thread loop's poller, the loop as the socket has room), and
// Drain is where a coroutine waits for that buffer to go down (flow
// control, with high- and low-water marks, see WithWriteBufferLimits).
// Call Drain after writes, as asyncio asks: a writer that never drains
// while the peer stops reading grows its buffer without bound.
//
// A Writer is safe for concurrent use; bytes of concurrent Writes are not
// interleaved within one call. It is made by OpenConnection and
// StartServer; its zero value is not usable.
type Writer struct{ s *stream }

// Write queues p to be sent and returns at once; p may be reused when it
// returns. It fails with an error matching ErrClosing once Close or Abort
// has been called (or the loop has closed), and with the connection's
// error once a write has failed.
func (w *Writer) Write(p []byte) error {
	s := w.s
	s.mu.Lock()
	if err := s.writableLocked(); err != nil {
		s.mu.Unlock()
		return err
	}
	if s.raw {
		s.writeRawLocked(p)
		return nil
	}
	if !s.flushing && s.tryWrite != nil {
		s.flushing = true
		s.writeEagerly(p) // unlocks
		return nil
	}
	s.wbuf = append(s.wbuf, p...)
	s.flushLocked()
	return nil
}

// writeEagerly sends p at once if the socket takes it, as asyncio's
// transport.write tries a send when nothing is buffered: the write
// goroutine gets only what the socket could not take, which saves a
// goroutine hand-off per message on a connection that keeps up (the
// 1 KiB rows of bench/cmd/echoserver; see the package doc). mu is held
// on entry, with flushing claimed, and released.
func (s *stream) writeEagerly(p []byte) {
	s.inflight = len(p)
	s.mu.Unlock()
	n := s.tryWrite(p)
	s.mu.Lock()
	s.inflight = 0
	if n < len(p) {
		// The rest goes first, ahead of what other Writes queued meanwhile.
		s.wbuf = append(append(s.spare[:0], p[n:]...), s.wbuf...)
		s.spare = nil
	}
	if len(s.wbuf) == 0 && !s.closing && !s.eofReq && !s.shut {
		s.flushing = false
		d := s.drainersLocked(true)
		s.mu.Unlock()
		wake(d)
		return
	}
	// Something is left (the rest of p, another Write's bytes, a Close or
	// WriteEOF that found the writer busy): the write goroutine takes it.
	s.mu.Unlock()
	s.kickWriter()
}

// WriteLines queues every slice of lines, in order (asyncio's writelines).
func (w *Writer) WriteLines(lines ...[]byte) error {
	s := w.s
	s.mu.Lock()
	if err := s.writableLocked(); err != nil {
		s.mu.Unlock()
		return err
	}
	if s.raw {
		s.writeRawLocked(lines...)
		return nil
	}
	for _, p := range lines {
		s.wbuf = append(s.wbuf, p...)
	}
	s.flushLocked()
	return nil
}

// flushLocked hands what is buffered (bytes, a WriteEOF, a Close) to the
// write goroutine, kicking it unless it is busy already, and releases mu.
func (s *stream) flushLocked() {
	if s.raw {
		s.settleRawLocked(readWake{})
		return
	}
	kick := !s.flushing
	s.flushing = true
	s.mu.Unlock()
	if kick {
		s.kickWriter()
	}
}

func (s *stream) kickWriter() {
	s.writer.Do(func() { go s.writeLoop() })
	select {
	case s.kick <- struct{}{}:
	default: // already kicked
	}
}

// writableLocked returns why a write must fail, or nil.
func (s *stream) writableLocked() error {
	switch {
	case s.werr != nil:
		return s.werr
	case s.closing, s.eofReq:
		return ErrClosing
	}
	return nil
}

// Drain waits until the write buffer is at or below the low-water mark,
// if it is above the high-water mark (asyncio's drain); otherwise it
// returns at once. It returns the connection's write error if writing has
// failed, and an error matching ErrClosing once the stream is closed. A
// Drain cancelled while it waits returns the cancellation and leaves the
// buffered bytes to be written. Several coroutines may drain at once.
func (w *Writer) Drain(ctx context.Context) error {
	s := w.s
	s.mu.Lock()
	if s.werr != nil {
		defer s.mu.Unlock()
		return s.werr
	}
	if s.shut {
		s.mu.Unlock()
		return ErrClosing
	}
	if s.bufferedLocked() <= s.high {
		s.mu.Unlock()
		return nil
	}
	if s.drainers.Future() == nil {
		s.drainers = future.NewPromise[struct{}]()
	}
	d := s.drainers.Future()
	s.mu.Unlock()
	if _, err := future.Await(ctx, d); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.werr
}

// Buffered returns how many written bytes are not yet sent (asyncio's
// transport.get_write_buffer_size).
func (w *Writer) Buffered() int {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.bufferedLocked()
}

// CanWriteEOF reports whether WriteEOF can half-close this stream: true
// for TCP and Unix sockets, false for TLS (asyncio's can_write_eof).
func (w *Writer) CanWriteEOF() bool { return w.s.canWriteEOF() }

// WriteEOF closes the writing side once the buffered bytes are sent (a
// TCP half-close, asyncio's write_eof); the reading side stays open, and
// later writes fail with ErrClosing. On a stream that cannot half-close it
// returns ErrCannotWriteEOF.
func (w *Writer) WriteEOF() error {
	s := w.s
	if !s.canWriteEOF() {
		return ErrCannotWriteEOF
	}
	s.mu.Lock()
	if err := s.writableLocked(); err != nil {
		s.mu.Unlock()
		return err
	}
	s.eofReq = true
	s.flushLocked()
	return nil
}

// Close closes the stream once the buffered bytes are sent (asyncio's
// close): later writes fail with ErrClosing, reads return what was
// received and then io.EOF. It returns at once; WaitClosed waits for the
// connection to be closed. Idempotent.
func (w *Writer) Close() error {
	s := w.s
	s.mu.Lock()
	if s.closing {
		s.mu.Unlock()
		return nil
	}
	s.closing = true
	s.flushLocked()
	return nil
}

// Abort closes the stream at once, dropping the bytes not yet sent
// (asyncio's transport.abort). Idempotent.
func (w *Writer) Abort() { w.s.abort() }

// IsClosing reports whether Close or Abort has been called, or the
// connection has failed (asyncio's is_closing).
func (w *Writer) IsClosing() bool {
	s := w.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closing || s.shut
}

// WaitClosed waits until the connection is closed and the stream's
// goroutines have ended (asyncio's wait_closed). It returns nil then, or
// ctx's error if ctx ends first.
func (w *Writer) WaitClosed(ctx context.Context) error {
	_, err := future.Await(ctx, w.s.closed.Future())
	return err
}

// RemoteAddr returns the peer's address (asyncio's
// get_extra_info("peername")).
func (w *Writer) RemoteAddr() net.Addr { return w.s.conn().RemoteAddr() }

// LocalAddr returns the connection's own address (asyncio's
// get_extra_info("sockname")).
func (w *Writer) LocalAddr() net.Addr { return w.s.conn().LocalAddr() }
