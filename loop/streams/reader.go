package streams

import (
	"bytes"
	"context"
	"fmt"
	"io"
)

// Reader is the reading side of a connection (asyncio's StreamReader):
// bytes the connection has received wait in its buffer until a read takes
// them. Its methods are for one coroutine at a time: a read while another
// waits returns ErrReadInProgress. They may be called from a task on either
// engine, where a wait suspends the task, or from a plain goroutine, where
// it blocks that goroutine. A Reader is made by OpenConnection and
// StartServer; its zero value is not usable.
//
// A read cancelled while it waits (its task cancelled, its context done)
// returns the cancellation and takes nothing: the bytes stay in the buffer
// for the next read, as asyncio leaves them.
type Reader struct{ s *stream }

// Read returns up to n bytes (asyncio's read): at least one, as soon as
// any are buffered, waiting for them otherwise. n < 0 reads until EOF and
// returns everything. n == 0 returns an empty slice at once. At EOF with
// nothing buffered it returns io.EOF (asyncio returns b”); after a
// connection error (a reset by the peer, say) it returns that error once
// the buffer is empty.
func (r *Reader) Read(ctx context.Context, n int) ([]byte, error) {
	if n < 0 {
		return r.readAll(ctx)
	}
	if n == 0 {
		return []byte{}, nil
	}
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if avail := len(s.rbuf) - s.roff; avail > 0 {
			return s.consumeLocked(min(n, avail)), nil
		}
		if err := s.endLocked(); err != nil {
			return nil, err
		}
		if err := s.waitData(ctx); err != nil {
			return nil, err
		}
	}
}

// ReadInto is Read into p, in io.Reader's shape: it copies up to len(p)
// buffered bytes into p, waiting for at least one, and returns how many.
// Unlike Read it allocates nothing, so a loop that reuses p (an echo, a
// proxy) makes no garbage per message; the net.Conn view reads with it.
// With an empty p it returns 0 at once; at EOF with nothing buffered,
// io.EOF; after a connection error, that error once the buffer is empty.
func (r *Reader) ReadInto(ctx context.Context, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if avail := len(s.rbuf) - s.roff; avail > 0 {
			n := copy(p, s.rbuf[s.roff:])
			s.dropLocked(n)
			return n, nil
		}
		if err := s.endLocked(); err != nil {
			return 0, err
		}
		if err := s.waitData(ctx); err != nil {
			return 0, err
		}
	}
}

// endLocked returns io.EOF or the read error once the stream has ended
// and the buffer is empty, and nil while more may come.
func (s *stream) endLocked() error {
	switch {
	case s.rerr != nil:
		return s.rerr
	case s.eof:
		return io.EOF
	}
	return nil
}

func (r *Reader) readAll(ctx context.Context) ([]byte, error) {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		if err := s.endLocked(); err != nil {
			out := s.consumeLocked(len(s.rbuf) - s.roff)
			if err == io.EOF {
				err = nil
			}
			return out, err
		}
		if err := s.waitData(ctx); err != nil {
			return nil, err
		}
	}
}

// ReadExactly returns exactly n bytes (asyncio's readexactly), waiting
// until that many are buffered. If the stream ends first it returns an
// *IncompleteReadError holding the bytes that came, which are consumed.
// A negative n is an error matching ErrInvalid.
func (r *Reader) ReadExactly(ctx context.Context, n int) ([]byte, error) {
	if n < 0 {
		return nil, fmt.Errorf("%w: ReadExactly: negative count %d", ErrInvalid, n)
	}
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		avail := len(s.rbuf) - s.roff
		if avail >= n {
			return s.consumeLocked(n), nil
		}
		if err := s.endLocked(); err != nil {
			if err != io.EOF {
				return nil, err
			}
			return nil, &IncompleteReadError{Partial: s.consumeLocked(avail), Expected: n}
		}
		if err := s.waitData(ctx); err != nil {
			return nil, err
		}
	}
}

// ReadLine returns the next line, its "\n" included (asyncio's readline).
// At EOF it returns what is left without a newline, and io.EOF once
// nothing is. A line longer than the limit fails with a
// *LimitOverrunError, and the line is dropped from the buffer (up to and
// including its newline if that has arrived), as asyncio's readline does.
func (r *Reader) ReadLine(ctx context.Context) ([]byte, error) {
	line, err := r.ReadUntil(ctx, newline)
	switch e := err.(type) {
	case nil:
		return line, nil
	case *IncompleteReadError:
		if len(e.Partial) == 0 {
			return nil, io.EOF
		}
		return e.Partial, nil
	case *LimitOverrunError:
		s := r.s
		s.mu.Lock()
		if e.found {
			s.dropLocked(min(e.Consumed+1, len(s.rbuf)-s.roff))
		} else {
			s.dropLocked(len(s.rbuf) - s.roff)
		}
		s.mu.Unlock()
	}
	return nil, err
}

var newline = []byte{'\n'}

// ReadUntil returns the bytes up to and including the first separator
// found (asyncio's readuntil; several separators as in Python 3.13: the
// one whose match starts first wins, the longer on a tie). With no
// separators it looks for "\n"; an empty one is an error matching
// ErrInvalid.
//
// If the stream ends first, it returns an *IncompleteReadError holding
// everything buffered, which is consumed. If no separator is found within
// the reader's limit, or one is found beyond it, it returns a
// *LimitOverrunError and leaves the buffer as it was.
func (r *Reader) ReadUntil(ctx context.Context, seps ...[]byte) ([]byte, error) {
	if len(seps) == 0 {
		seps = [][]byte{newline}
	}
	longest := 0
	for _, sep := range seps {
		if len(sep) == 0 {
			return nil, fmt.Errorf("%w: ReadUntil: empty separator", ErrInvalid)
		}
		longest = max(longest, len(sep))
	}
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	scanned := 0 // bytes known to hold no match start
	for {
		buf := s.rbuf[s.roff:]
		at, size := -1, 0
		for _, sep := range seps {
			if i := bytes.Index(buf[scanned:], sep); i >= 0 {
				i += scanned
				if at < 0 || i < at || (i == at && len(sep) > size) {
					at, size = i, len(sep)
				}
			}
		}
		if at >= 0 {
			if at > s.limit {
				return nil, &LimitOverrunError{Consumed: at, found: true}
			}
			return s.consumeLocked(at + size), nil
		}
		scanned = max(0, len(buf)-longest+1)
		if scanned > s.limit {
			return nil, &LimitOverrunError{Consumed: scanned}
		}
		if err := s.endLocked(); err != nil {
			if err != io.EOF {
				return nil, err
			}
			return nil, &IncompleteReadError{Partial: s.consumeLocked(len(buf)), Expected: -1}
		}
		if err := s.waitData(ctx); err != nil {
			return nil, err
		}
	}
}

// AtEOF reports whether the stream has ended and every byte has been read
// (asyncio's at_eof).
func (r *Reader) AtEOF() bool {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return (s.eof || s.rerr != nil) && len(s.rbuf) == s.roff
}

// Buffered returns how many received bytes wait to be read.
func (r *Reader) Buffered() int {
	s := r.s
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.rbuf) - s.roff
}
