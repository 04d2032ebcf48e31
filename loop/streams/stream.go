package streams

import (
	"context"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/poller"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// The read goroutine's buffer starts at minReadChunk, so that an idle
// connection costs little (Go's bufio default is 4 KiB), and doubles each
// time a read fills it, up to maxReadChunk (asyncio's selector transport
// reads up to 256 KiB at once): a connection carrying 64 KiB messages
// soon takes each in far fewer reads. Against a fixed 16 KiB, with
// bench/cmd/echoserver and echoload (10 connections, 64 KiB, interleaved
// runs): 11.2-12.1k -> 13.5-14.7k req/s single-thread, 12.6-14.6k ->
// 16.3-18.5k on the pool.
const (
	minReadChunk = 4 << 10
	maxReadChunk = 256 << 10
)

// stream is the connection a Reader and a Writer share. Two goroutines
// own the connection's blocking calls: one reads into the buffer, one
// writes the buffered bytes out. A task that waits for either suspends on
// a future those goroutines complete, so no loop thread and no pool worker
// is held while the connection is slow (see the package doc).
type stream struct {
	ncp       atomic.Pointer[net.Conn] // the connection; StartTLS replaces it (see conn)
	tryWrite  func(p []byte) int       // one write that never waits (eager_unix.go); nil if none
	runner    task.WakeRunner          // runs the tasks the read goroutine wakes (a pool's); nil if none
	server    bool                     // accepted by a Server: StartTLS takes the server's side
	addr      string                   // the address dialled, for StartTLS's ServerName
	hsTimeout time.Duration            // bounds a StartTLS handshake
	limit     int
	high, low int
	unreg     func() // removes the loop's closer; nil outside a loop
	// waitHeld is the capacity of the buffer the read goroutine holds
	// while it waits for the socket, or -1 while it does not wait
	// (rawread_unix.go; a test's view).
	waitHeld atomic.Int32

	mu sync.Mutex // protects every field below

	// Reading.
	rbuf    []byte // rbuf[roff:] is received and not read yet
	roff    int
	eof     bool      // the peer closed its side, or the stream was closed
	rerr    error     // the read error that ended reading, other than EOF
	rw      *readWait // what the reads of its owner (a task) wait on
	reading bool      // a read is inside waitData: another gets ErrReadInProgress
	waiting bool      // that read's wakeup is not taken yet
	wgen    uint64    // rw's generation for that read
	paused  bool      // the read goroutine waits on resume; the poller's reads stop

	// On the loop's poller (polled_linux.go), with no goroutines: pl is
	// nil without one, and once StartTLS or abort has taken the stream
	// off it. raw says that the stream's socket is fd, its own
	// duplicate, until StartTLS; fd is -1 once closed.
	pl        *poller.Poller
	tok       uint64 // the socket's registration in pl
	raw       bool
	fd        int
	wfail     bool   // a write on fd failed: the stream aborts
	rb        []byte // the buffer for the next read
	rsize     int    // its size, doubling as in readLoop
	rdDone    bool   // reading ended: EOF or an error
	hup       bool   // the poller reported a hangup: read on to EOF
	rdPending bool   // paused with bytes perhaps unread: resuming must read
	tlsHold   bool   // StartTLS has flushed: bytes written wait for TLS

	// Writing.
	wbuf     []byte // bytes written and not yet handed to the write goroutine
	spare    []byte // the write goroutine's last buffer, for reuse
	inflight int    // bytes the write goroutine is writing now
	werr     error  // the write error that ended writing
	flushing bool   // the write goroutine has work, or is doing it
	closing  bool   // Close or Abort was called: no more writes
	eofReq   bool   // WriteEOF was called
	eofDone  bool
	drainers future.Promise[struct{}] // wakes Drain callers; zero if none
	shut     bool                     // the connection has been closed

	// Upgrading (StartTLS).
	upgrading bool                     // StartTLS is under way
	readExit  future.Promise[struct{}] // resolved when the read goroutine returns; zero if unwatched

	resume chan struct{}            // capacity 1: ends the read goroutine's pause
	kick   chan struct{}            // capacity 1: there is something to write
	quit   chan struct{}            // closed with the connection: both goroutines end
	live   atomic.Int32             // the goroutines not yet ended, the write one counted before it starts
	writer sync.Once                // starts the write goroutine, or, on abort, counts it out unstarted
	closed future.Promise[struct{}] // resolved once both goroutines have ended
}

// newStream wraps nc, starts its goroutines, and registers it to be closed
// with the loop running ctx's coroutine, if any.
func newStream(ctx context.Context, nc net.Conn, cfg *config) *stream {
	var h *task.Host
	if t := task.Of(ctx); t != nil {
		h = t.Host()
	}
	return hostStream(h, nc, cfg)
}

// hostStream is newStream for a loop's host h, or none if h is nil.
func hostStream(h *task.Host, nc net.Conn, cfg *config) *stream {
	s := &stream{
		hsTimeout: cfg.handshake, limit: cfg.limit, high: cfg.high, low: cfg.low,
		fd:     -1,
		resume: make(chan struct{}, 1),
		kick:   make(chan struct{}, 1),
		quit:   make(chan struct{}),
		closed: future.NewPromise[struct{}](),
	}
	s.ncp.Store(&nc)
	s.waitHeld.Store(-1)
	// The write goroutine starts at the first write that must wait
	// (kickWriter), so an idle connection costs one goroutine, not three;
	// it counts as live from the start so that closed cannot resolve
	// before it has run.
	s.live.Store(2)
	lateClose, polled := false, false
	if h != nil {
		s.runner, _ = h.Engine.(task.WakeRunner)
		// The loop's Close may call abort as soon as it is registered, on
		// another goroutine: the lock orders this setup before it.
		s.mu.Lock()
		unreg, ok := h.AddCloser(s.abort)
		s.unreg = unreg
		if !ok { // the loop has closed already
			s.eof, s.closing, lateClose = true, true, true
		} else if h.Poller != nil {
			if pl := h.Poller(); pl != nil {
				polled = s.startPolledLocked(pl, nc)
			}
		}
		s.mu.Unlock()
	}
	if !polled {
		s.tryWrite = rawWriter(nc) // before the stream is handed out
		s.startReading()
	}
	if lateClose {
		s.abort()
	}
	return s
}

// readLoop reads from the connection into the buffer until it ends, and
// wakes the pending read after each chunk.
func (s *stream) readLoop() {
	defer s.loopEnded()
	defer s.readReturned()
	nc := s.conn()
	size := minReadChunk
	var b []byte
	for {
		if len(b) == 0 {
			b = getReadBuf(size)
		}
		n, err := nc.Read(b)
		size = nextReadSize(n, len(b), size)
		var pause, stop bool
		b, pause, stop = s.took(b, n, err, size)
		if stop || pause && !s.waitResume() {
			return
		}
	}
}

// waitResume waits for a pause of the reading to end, and reports false
// if the stream closed first.
func (s *stream) waitResume() bool {
	select {
	case <-s.resume: // the reader took enough (maybeResumeLocked), or StartTLS
		return true
	case <-s.quit: // closed meanwhile
		return false
	}
}

// took hands the stream what a read of b got, n bytes and err, and
// wakes the pending read. It returns the buffer for the next read (of
// size bytes, or nil: take one with getReadBuf; never a large one if
// reading pauses), whether reading is to pause for the buffer to drain,
// and whether it has ended.
func (s *stream) took(b []byte, n int, err error, size int) (next []byte, pause, stop bool) {
	s.mu.Lock()
	if n > 0 {
		b = s.takeChunkLocked(b[:n], size)
	}
	if err != nil && s.upgrading && !s.shut && errors.Is(err, os.ErrDeadlineExceeded) {
		s.mu.Unlock()
		return b, false, true // StartTLS stopped the reading: its goroutine reads next
	}
	if err != nil {
		if s.shut || errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed) {
			s.eof = true // our own close reads as EOF, as asyncio's feed_eof
		} else {
			s.rerr = err
		}
	}
	w := s.takeWaiterLocked()
	pause = err == nil && len(s.rbuf)-s.roff > 2*s.limit
	s.paused = pause
	s.mu.Unlock()
	if pause {
		b = dropLarge(b) // for as long as the reader takes
	}
	switch {
	case w.w == nil:
	case s.runner != nil:
		// Run the task just woken here, on an idle worker, as a
		// goroutine per connection would (see pool.RunWoken).
		s.runner.HoldWakes()
		w.fire()
		s.runner.RunWoken()
	default:
		w.fire()
		// Let the task just woken run now, on this thread: its
		// loop was put next in line here, but this goroutine's
		// next Read (a system call that finds nothing and parks)
		// would come first, while the scheduler woke another thread
		// to take the loop. bench/cmd/echoserver, 10 conns, 5
		// interleaved rounds, medians: -engine=single-portable
		// 26.6 -> 24.7 us a request at 1 KiB.
		runtime.Gosched()
	}
	return b, pause, err != nil
}

// nextReadSize is the size of the buffer for the read after one that got
// n bytes into a buffer of length bufLen, which had size: doubled, up to
// maxReadChunk, when the read filled it, since the peer sends more.
func nextReadSize(n, bufLen, size int) int {
	if n == bufLen && size < maxReadChunk {
		return 2 * size
	}
	return size
}

// loopEnded counts out one of the stream's goroutines; closed resolves
// when none is left.
func (s *stream) loopEnded() {
	if s.live.Add(-1) == 0 {
		_ = s.closed.Resolve(struct{}{})
	}
}

// conn returns the connection: the one the stream was made with, or the
// TLS connection StartTLS put over it.
func (s *stream) conn() net.Conn { return *s.ncp.Load() }

// readReturned tells a StartTLS waiting for it that the read goroutine
// has returned.
func (s *stream) readReturned() {
	s.mu.Lock()
	p := s.readExit
	s.readExit = future.Promise[struct{}]{}
	s.mu.Unlock()
	wake(p)
}

// takeChunkLocked adds the chunk p just read to the read buffer and
// returns the buffer, of size bytes, for the next read, or nil if the
// reader is to take one with getReadBuf. When everything received before
// has been read (an echo's usual case) p becomes the read buffer as it is
// and the old, empty one comes back for the next read, so the bytes are
// not copied: the two buffers take turns (the copy was 12% of the
// single-thread engine's CPU in the 64 KiB echo profile). Every Reader
// method copies out of the buffer, so nothing else refers to it.
func (s *stream) takeChunkLocked(p []byte, size int) []byte {
	if s.roff < len(s.rbuf) {
		s.appendLocked(p)
		if cap(p) >= size {
			return p[:size]
		}
		putReadBuf(p) // its bytes are copied; too small for the next read
		return nil
	}
	old := s.rbuf
	s.rbuf, s.roff = p, 0
	if cap(old) >= size {
		return old[:size]
	}
	putReadBuf(old)
	return nil
}

// appendLocked adds p to the read buffer, moving the unread bytes to the
// front first when more than half of it has been read.
func (s *stream) appendLocked(p []byte) {
	if s.roff > 0 && s.roff >= len(s.rbuf)/2 {
		n := copy(s.rbuf, s.rbuf[s.roff:])
		s.rbuf = s.rbuf[:n]
		s.roff = 0
	}
	s.rbuf = append(s.rbuf, p...)
}

// takeWaiterLocked returns the pending read's wakeup, clearing it; the
// zero readWake if no read waits.
func (s *stream) takeWaiterLocked() readWake {
	if !s.waiting {
		return readWake{}
	}
	s.waiting = false
	return readWake{w: s.rw, gen: s.wgen}
}

// wake resolves p if it is a promise.
func wake(p future.Promise[struct{}]) {
	if p.Future() != nil {
		_ = p.Resolve(struct{}{})
	}
}

// consumeLocked takes n unread bytes out of the buffer, returning a copy,
// and resumes reading if the buffer has shrunk to the limit.
func (s *stream) consumeLocked(n int) []byte {
	out := make([]byte, n)
	copy(out, s.rbuf[s.roff:s.roff+n])
	s.dropLocked(n)
	return out
}

// dropLocked discards n unread bytes.
func (s *stream) dropLocked(n int) {
	s.roff += n
	if s.roff == len(s.rbuf) {
		if large(s.rbuf) {
			// Read out: a large buffer goes back (see readbuf.go).
			putReadBuf(s.rbuf)
			s.rbuf, s.roff = nil, 0
		} else {
			s.rbuf, s.roff = s.rbuf[:0], 0
		}
	}
	if s.paused && len(s.rbuf)-s.roff <= s.limit {
		s.resumeLocked()
	}
}

// resumeLocked ends a pause of the reading, if it is paused.
func (s *stream) resumeLocked() {
	if s.paused {
		s.paused = false
		if s.pl != nil {
			if s.rdPending {
				s.rdPending = false
				s.pl.Notify(s.tok) // edge-triggered: no new edge may come
			}
			return
		}
		select {
		case s.resume <- struct{}{}:
		default:
		}
	}
}

// waitData waits for the read buffer to change: more bytes, EOF or an
// error. It returns ctx's error, as a cancellation of the task if the
// task was cancelled; the buffer is left as it is.
func (s *stream) waitData(ctx context.Context) error {
	// mu is held on entry and on return.
	if s.reading {
		return ErrReadInProgress
	}
	// A read that needs more than twice the limit (ReadExactly, Read to
	// EOF) waits with reading paused: resume it, as asyncio's
	// _wait_for_data does.
	s.resumeLocked()
	// Each task that reads gets a readWait of its own, made at its first
	// wait: a Cancel of one task that arrives late (after its wait ended)
	// then finds that task's wait ended, as it would a promise, and never
	// ends another task's wait.
	sp := future.SuspenderOf(ctx)
	if s.rw == nil || s.rw.owner != sp {
		s.rw = &readWait{owner: sp}
	}
	rw := s.rw
	s.wgen, s.waiting, s.reading = rw.start(), true, true
	s.mu.Unlock()
	err := rw.wait(ctx, sp)
	s.mu.Lock()
	s.reading = false
	if err != nil {
		s.waiting = false // the wakeup was not taken, or came too late
	}
	return err
}

// writeLoop writes the buffered bytes out, a buffer at a time, until the
// stream closes; it closes the connection itself when Close asked for it
// after the last byte.
func (s *stream) writeLoop() {
	defer s.loopEnded()
	for {
		select {
		case <-s.kick:
		case <-s.quit:
			return
		}
		for {
			s.mu.Lock()
			if len(s.wbuf) == 0 {
				closeNow := s.emptiedLocked()
				d := s.drainersLocked(true)
				s.mu.Unlock()
				wake(d)
				if closeNow {
					s.abort()
				}
				break
			}
			data := s.wbuf
			s.wbuf, s.spare = s.spare[:0], nil
			s.inflight = len(data)
			s.mu.Unlock()

			_, err := s.conn().Write(data)

			s.mu.Lock()
			s.spare, s.inflight = data[:0], 0
			if err != nil && s.werr == nil {
				s.werr = err
				s.wbuf = s.wbuf[:0] // nothing more can be written
			}
			d := s.drainersLocked(false)
			s.mu.Unlock()
			wake(d)
			if err != nil {
				s.abort()
			}
		}
	}
}

// bufferedLocked is how many written bytes are not yet on the wire.
func (s *stream) bufferedLocked() int { return len(s.wbuf) + s.inflight }

// drainersLocked returns the Drain wakeup, clearing it, if the buffer is
// at or below the low-water mark, or writing has ended; idle says the
// buffer is empty.
func (s *stream) drainersLocked(idle bool) future.Promise[struct{}] {
	if s.drainers.Future() == nil || !(idle || s.werr != nil || s.bufferedLocked() <= s.low) {
		return future.Promise[struct{}]{}
	}
	d := s.drainers
	s.drainers = future.Promise[struct{}]{}
	return d
}

// emptiedLocked is what waited for the write buffer to empty: the
// half-close a WriteEOF asked for. It reports whether a Close now closes
// the stream.
func (s *stream) emptiedLocked() (closeNow bool) {
	s.flushing = false
	if s.eofReq && !s.eofDone && s.werr == nil && !s.shut {
		s.eofDone = true
		s.werr = s.closeWriteLocked()
	}
	return s.closing && !s.shut
}

// closeWriteLocked half-closes the connection.
func (s *stream) closeWriteLocked() error {
	if s.raw {
		return s.shutdownRawLocked()
	}
	if cw, ok := s.conn().(interface{ CloseWrite() error }); ok && s.canWriteEOF() {
		return cw.CloseWrite()
	}
	return ErrCannotWriteEOF
}

// canWriteEOF reports whether the connection can half-close: TCP and Unix
// stream sockets can, TLS cannot (asyncio's can_write_eof).
func (s *stream) canWriteEOF() bool {
	if _, isTLS := s.conn().(*tls.Conn); isTLS {
		return false
	}
	_, ok := s.conn().(interface{ CloseWrite() error })
	return ok
}

// abort closes the connection now, dropping what is buffered for writing,
// and wakes every waiter; both goroutines end. Idempotent.
func (s *stream) abort() {
	s.mu.Lock()
	if s.shut {
		s.mu.Unlock()
		return
	}
	s.shut, s.closing = true, true
	s.eof = true // what was received can still be read, then EOF
	s.wbuf = nil
	polled := s.pl != nil
	if polled {
		s.pl.Forget(s.tok)
		s.pl = nil
	}
	if s.raw {
		s.closeRawLocked()
	}
	r := s.takeWaiterLocked()
	d := s.drainers
	s.drainers = future.Promise[struct{}]{}
	s.mu.Unlock()
	_ = s.conn().Close()
	close(s.quit)
	s.writer.Do(s.loopEnded) // a write goroutine never started has ended
	if polled {
		s.loopEnded() // the reading, which had no goroutine
	}
	if s.unreg != nil {
		s.unreg()
	}
	r.fire()
	wake(d)
}
