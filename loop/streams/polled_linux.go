//go:build linux

package streams

import (
	"errors"
	"net"
	"os"

	"golang.org/x/sys/unix"

	"github.com/goasyncio/asyncio/loop/internal/poller"
)

// startPolledLocked moves the socket of nc, a TCP or Unix stream
// connection, onto the loop's poller pl, whose goroutine then reads and
// writes it (onReady), and reports whether it did; any other connection
// keeps its goroutines.
//
// The stream takes a duplicate of the descriptor and closes nc, which
// takes the socket out of Go's own netpoller: a socket left in both was
// reported to both, and the runtime's idle thread woke for every message
// to find nothing to run (a fifth of the echo server's CPU in a profile of
// bench/cmd/echoserver -engine=single). nc stays for its addresses.
func (s *stream) startPolledLocked(pl *poller.Poller, nc net.Conn) bool {
	rc := socketOf(nc)
	if rc == nil {
		return false
	}
	fd := -1
	if err := rc.Control(func(orig uintptr) {
		fd, _ = unix.FcntlInt(orig, unix.F_DUPFD_CLOEXEC, 0)
	}); err != nil || fd < 0 {
		return false
	}
	tok, err := pl.Register(fd, s.onReady)
	if err != nil {
		_ = unix.Close(fd)
		return false
	}
	_ = nc.Close() // the duplicate keeps the connection open
	s.pl, s.tok, s.fd, s.raw = pl, tok, fd, true
	return true
}

// onReady is the poller's handler for the stream's socket, on the loop's
// goroutine: it reads what has arrived and wakes the pending read, and
// writes out what waited for room.
func (s *stream) onReady(ev poller.Event) {
	s.mu.Lock()
	if s.pl == nil {
		s.mu.Unlock() // closed, or taken off by StartTLS
		return
	}
	var w readWake
	if ev&poller.Hangup != 0 {
		s.hup = true // kept: a read after a pause must go on to the EOF
	}
	if ev&poller.Readable != 0 && !s.rdDone {
		if s.paused {
			s.rdPending = true // read when the buffer goes down (dropLocked)
		} else if s.readReadyLocked() {
			w = s.takeWaiterLocked()
		}
	}
	if ev&poller.Writable != 0 && len(s.wbuf) > 0 && !s.tlsHold {
		s.sendBufLocked()
		s.settleRawLocked(w) // unlocks
		return
	}
	s.mu.Unlock()
	w.fire()
}

// readReadyLocked reads the socket until it has nothing more, the buffer
// is over twice the limit (reading pauses), or the stream's reading ends,
// and reports whether the buffer or its end changed. A short read ends it
// early, unless the peer has hung up: a stream socket returns all it
// holds, so what comes later is a new edge, but its EOF came with this
// one. (Reading on to EAGAIN instead costs a system call per message.)
func (s *stream) readReadyLocked() (changed bool) {
	for {
		if s.rsize == 0 {
			s.rsize = minReadChunk
		}
		if len(s.rb) == 0 {
			s.rb = getReadBuf(s.rsize)
		}
		b := s.rb
		n, err := rawRead(s.fd, b)
		if n > 0 {
			full := n == len(b)
			s.rsize = nextReadSize(n, len(b), s.rsize)
			s.rb = s.takeChunkLocked(b[:n], s.rsize)
			changed = true
			if len(s.rbuf)-s.roff > 2*s.limit {
				s.paused, s.rdPending = true, true
				s.rb = dropLarge(s.rb) // for as long as the reader takes
				return true
			}
			if !full && !s.hup {
				s.rb = dropLarge(s.rb) // until the next readiness
				return true
			}
			continue
		}
		switch {
		case errors.Is(err, unix.EAGAIN):
			s.rb = dropLarge(s.rb) // until the next readiness
			return changed
		case errors.Is(err, unix.EINTR):
			continue
		case err == nil:
			s.eof = true // the peer closed its side
		default:
			s.rerr = s.opError("read", err)
		}
		s.rdDone = true
		s.rb = nil
		return true
	}
}

// sendLocked writes what the socket takes of p now and returns how much
// that was; a failure sets werr.
func (s *stream) sendLocked(p []byte) int {
	sent := 0
	for sent < len(p) && s.werr == nil && s.fd >= 0 {
		n, err := rawWrite(s.fd, p[sent:])
		if n > 0 {
			sent += n
		}
		switch {
		case err == nil:
		case errors.Is(err, unix.EINTR):
		case errors.Is(err, unix.EAGAIN):
			return sent // the poller reports when there is room
		default:
			s.werr, s.wfail = s.opError("write", err), true
		}
	}
	return sent
}

// sendBufLocked writes out what the socket takes of the write buffer.
func (s *stream) sendBufLocked() {
	n := s.sendLocked(s.wbuf)
	if n == len(s.wbuf) || s.werr != nil {
		s.wbuf = s.wbuf[:0]
		return
	}
	m := copy(s.wbuf, s.wbuf[n:])
	s.wbuf = s.wbuf[:m]
}

// writeRawLocked is Write and WriteLines on the poller: the bytes go out
// at once if nothing waits before them and the socket takes them, and
// the rest waits in the buffer for the poller to report room. mu is held
// on entry and released.
func (s *stream) writeRawLocked(ps ...[]byte) {
	for _, p := range ps {
		if len(s.wbuf) == 0 && !s.tlsHold {
			p = p[s.sendLocked(p):]
		}
		if s.werr != nil {
			break
		}
		s.wbuf = append(s.wbuf, p...)
	}
	s.settleRawLocked(readWake{})
}

// settleRawLocked does what follows a write on the poller: once the
// buffer is empty, the WriteEOF or Close that waited for it, and the
// wakeup of Drain callers (with w, a read's, if any); a failed write
// aborts the stream. mu is held on entry and released.
func (s *stream) settleRawLocked(w readWake) {
	idle := len(s.wbuf) == 0
	closeNow := false
	// During StartTLS the buffer waits for the TLS connection.
	switch {
	case s.upgrading:
	case idle:
		closeNow = s.emptiedLocked()
	default:
		s.flushing = true
	}
	failed := s.wfail
	d := s.drainersLocked(idle)
	s.mu.Unlock()
	w.fire()
	wake(d)
	if closeNow || failed {
		s.abort()
	}
}

// shutdownRawLocked half-closes the socket.
func (s *stream) shutdownRawLocked() error {
	if err := unix.Shutdown(s.fd, unix.SHUT_WR); err != nil {
		return s.opError("shutdown", err)
	}
	return nil
}

// closeRawLocked closes the duplicate descriptor, which takes it out of
// the poller; mu is held, and no system call uses it afterwards.
func (s *stream) closeRawLocked() {
	if s.fd >= 0 {
		_ = unix.Close(s.fd)
		s.fd = -1
	}
}

// rawConnLocked gives the socket back to Go's netpoller as a net.Conn, for
// StartTLS, and takes it off the loop's poller; mu is held.
func (s *stream) rawConnLocked() (net.Conn, error) {
	// The socket stays open in the new net.Conn's descriptor, so it
	// stays in the poller unless taken out.
	s.pl.Deregister(s.fd, s.tok)
	f := os.NewFile(uintptr(s.fd), "stream")
	s.fd = -1
	s.pl, s.raw, s.rb, s.rdPending = nil, false, nil, false
	nc, err := net.FileConn(f) // a duplicate of its own
	_ = f.Close()
	return nc, err
}
