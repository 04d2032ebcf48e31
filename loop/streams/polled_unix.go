//go:build unix

package streams

import (
	"errors"
	"net"
	"os"
	"syscall"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/poller"
)

// startPolledLocked registers the socket of nc, a TCP or Unix stream
// connection, with the loop's poller pl, whose goroutine then reads it
// (onReady): no read goroutine and no hand-off to the loop's thread. It
// reports whether it did; any other connection keeps its read goroutine.
func (s *stream) startPolledLocked(pl *poller.Poller, nc net.Conn) bool {
	var sc syscall.Conn
	switch c := nc.(type) {
	case *net.TCPConn:
		sc = c
	case *net.UnixConn:
		sc = c
	default:
		return false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	var tok uint64
	var rerr error
	if err := rc.Control(func(fd uintptr) { tok, rerr = pl.Register(int(fd), s.onReady) }); err != nil || rerr != nil {
		return false
	}
	s.pl, s.tok, s.rc, s.polled = pl, tok, rc, true
	return true
}

// onReady is the poller's handler for the stream's socket, on the loop's
// goroutine: it reads what has arrived and wakes the pending read.
func (s *stream) onReady(ev poller.Event) {
	if ev&poller.Readable == 0 {
		return // writes go out eagerly, or through the write goroutine
	}
	s.mu.Lock()
	if s.pl == nil || s.shut || s.rdDone {
		s.mu.Unlock() // detached by StartTLS or closed meanwhile
		return
	}
	if ev&poller.Hangup != 0 {
		s.hup = true // kept: a read after a pause must go on to the EOF
	}
	if s.paused {
		s.rdPending = true // read when the buffer goes down (dropLocked)
		s.mu.Unlock()
		return
	}
	var w future.Promise[struct{}]
	if s.readReadyLocked() {
		w = s.takeWaiterLocked()
	}
	s.mu.Unlock()
	wake(w)
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
			s.rb = make([]byte, s.rsize)
		}
		b := s.rb
		var n int
		var errno error
		err := s.rc.Read(func(fd uintptr) bool {
			n, errno = syscall.Read(int(fd), b)
			return true // one attempt: readiness comes from the poller
		})
		if err == nil {
			err = errno
		}
		if n > 0 {
			full := n == len(b)
			if full && s.rsize < maxReadChunk {
				s.rsize *= 2 // the peer sends more than b holds
			}
			s.rb = s.takeChunkLocked(b[:n], s.rsize)
			changed = true
			if len(s.rbuf)-s.roff > 2*s.limit {
				s.paused, s.rdPending = true, true
				return true
			}
			if !full && !s.hup {
				return true
			}
			continue
		}
		switch {
		case errors.Is(err, syscall.EAGAIN):
			return changed
		case errors.Is(err, syscall.EINTR):
			continue
		case err == nil, s.shut, errors.Is(err, net.ErrClosed):
			s.eof = true // the peer closed its side, or we did
		default:
			nc := s.conn()
			s.rerr = &net.OpError{Op: "read", Net: nc.LocalAddr().Network(), Source: nc.LocalAddr(),
				Addr: nc.RemoteAddr(), Err: os.NewSyscallError("read", err)}
		}
		s.rdDone = true
		s.rb = nil
		return true
	}
}
