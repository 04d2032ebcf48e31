//go:build unix

package streams

import (
	"io"
	"syscall"
)

// startReading starts the stream's read goroutine: readRaw if the
// connection is a TCP or Unix stream socket, readLoop, which reads with
// nc.Read, for any other (TLS, a net.Pipe). Each is its goroutine's first
// frame: on the pool that goroutine runs the steps of the tasks it wakes
// (took), and starting readRaw from readLoop, two frames deeper, grew its
// stack from 2 to 4 KiB, 2 KB more a connection. (So readRaw keeps its
// own loop rather than a read function that readLoop would call: that
// frame too grew it, to 8,060 B of stacks a connection against 6,225.)
func (s *stream) startReading() {
	if rc := socketOf(s.conn()); rc != nil {
		go s.readRaw(rc)
		return
	}
	go s.readLoop()
}

// readRaw is readLoop on the socket rc, through syscall.RawConn.Read.
// It makes the system calls nc.Read would (a read, and the one that
// meets EAGAIN before the wait), but its callback sees the EAGAIN: a large
// buffer then goes back to its pool for the wait (see readbuf.go), where
// nc.Read would hold it until data came. Nothing but the read runs inside
// the callback, which holds the descriptor: a handler run there that
// closed its stream would wait for itself.
//
// The read that meets EAGAIN stays, though a read that does not fill the
// buffer has mostly emptied the socket (the single-thread loop's poller
// stops there) and skipping it cut the pool's system calls a request
// from 3.35 to 2.40. Without the poller's hangup flag that is not safe: a
// FIN queued behind the data is taken by the read that returns the data,
// EOF is only reported by the next read, and no readiness edge comes for
// it, so the wait never ends (TestEchoOverTCP/pool hung once in about 30
// runs that way; TestDataAndEOFArrivingTogether guards it).
func (s *stream) readRaw(rc syscall.RawConn) {
	defer s.loopEnded()
	defer s.readReturned()
	r := &rawReader{s: s, size: minReadChunk}
	r.fn = r.read
	for {
		if err := rc.Read(r.fn); err != nil {
			r.n, r.err = 0, err // a deadline (StartTLS), or closed
		}
		if r.n > 0 {
			r.size = nextReadSize(r.n, len(r.b), r.size)
		}
		var pause, stop bool
		r.b, pause, stop = s.took(r.b, r.n, r.err, r.size)
		if stop || pause && !s.waitResume() {
			return
		}
	}
}

// rawReader is readRaw's state, which its callback fills in.
type rawReader struct {
	s    *stream
	fn   func(fd uintptr) bool // read, bound once
	b    []byte                // the buffer for the next read; empty: take one
	size int                   // its size, as nextReadSize grows it
	n    int                   // what the last read got
	err  error
}

// read is the RawConn.Read callback: one read into r.b, or, if the socket
// has nothing, false to wait for it.
func (r *rawReader) read(fd uintptr) bool {
	for {
		if len(r.b) == 0 {
			r.b = getReadBuf(r.size)
		}
		n, errno := syscall.Read(int(fd), r.b)
		switch {
		case errno == syscall.EINTR:
			continue
		case errno == syscall.EAGAIN || errno == syscall.EWOULDBLOCK:
			r.b = dropLarge(r.b) // the wait may be long
			r.s.waitHeld.Store(int32(cap(r.b)))
			return false
		case errno != nil:
			r.n, r.err = 0, r.s.opError("read", errno)
		case n == 0:
			r.n, r.err = 0, io.EOF
		default:
			r.n, r.err = n, nil
		}
		r.s.waitHeld.Store(-1)
		return true
	}
}
