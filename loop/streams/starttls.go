package streams

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/offloop"
)

// StartTLS upgrades the connection to TLS in place (asyncio's
// StreamWriter.start_tls), for protocols that start in plain text and
// switch (SMTP's STARTTLS, IMAP, PostgreSQL): it waits until every byte
// written so far is sent, stops reading, runs the handshake with cfg, and
// from then on Reader and Writer carry TLS. A stream accepted by a Server
// takes the server's side of the handshake; one made by OpenConnection
// the client's, with cfg.ServerName filled in from the address dialled
// when cfg has none and does not skip verification. WithHandshakeTimeout
// bounds the handshake, as it does a WithTLS one.
//
// Bytes received and not yet read when StartTLS is called are handed to
// TLS as the start of the peer's handshake, so a peer that sends its
// handshake without waiting for a reply is served; asyncio leaves such
// bytes in the reader, where they break the handshake. Read every
// plain-text byte before the upgrade.
//
// It returns an error matching future.ErrNil for a nil cfg, ErrInvalid on
// a stream that is TLS already or upgrading, ErrReadInProgress while a
// read waits, and ErrClosing once the stream is closing. A handshake that
// fails closes the stream and returns its error; a cancellation while
// writes are being flushed leaves the stream as it was.
func (w *Writer) StartTLS(ctx context.Context, cfg *tls.Config) error {
	if ctx == nil || cfg == nil {
		return fmt.Errorf("%w: StartTLS: nil context or config", future.ErrNil)
	}
	s := w.s
	s.mu.Lock()
	if err := s.upgradableLocked(); err != nil {
		s.mu.Unlock()
		return err
	}
	s.upgrading = true
	// Everything written in plain text goes out first.
	for s.flushingLocked() {
		if s.drainers.Future() == nil {
			s.drainers = future.NewPromise[struct{}]()
		}
		d := s.drainers.Future()
		s.mu.Unlock()
		if _, err := future.Await(ctx, d); err != nil {
			s.mu.Lock()
			s.upgrading = false
			s.mu.Unlock()
			return err
		}
		s.mu.Lock()
		if s.werr != nil || s.shut {
			s.upgrading = false
			s.mu.Unlock()
			return ErrClosing
		}
	}
	// Writes made from now on wait in the buffer for the TLS connection.
	s.flushing, s.tlsHold = true, true
	exited := future.NewPromise[struct{}]()
	if !s.raw {
		s.readExit = exited // resolved by the read goroutine's return
	}
	s.live.Add(1) // the TLS read goroutine's, so closed cannot resolve between the two
	s.mu.Unlock()

	was, ended, derr := s.detachPolled()
	if ended {
		s.loopEnded() // the reading on the poller ended, as a goroutine's would
	}
	if derr != nil {
		s.loopEnded()
		s.abort()
		return derr
	}
	raw := s.conn()
	if !was {
		_ = raw.SetReadDeadline(time.Now()) // ends the read goroutine's Read
		select {
		case s.resume <- struct{}{}: // a paused read goroutine reads, and meets the deadline
		default:
		}
		_, _ = future.Await(context.WithoutCancel(ctx), exited.Future())
		_ = raw.SetReadDeadline(time.Time{})
	}

	s.mu.Lock()
	pre := append([]byte(nil), s.rbuf[s.roff:]...)
	s.rbuf, s.roff = nil, 0
	s.paused = false
	shut := s.shut
	s.mu.Unlock()
	if shut {
		s.loopEnded()
		return ErrClosing
	}

	var tc *tls.Conn
	pc := &prefixConn{Conn: raw, pre: pre}
	if s.server {
		tc = tls.Server(pc, cfg)
	} else {
		if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
			cfg = cfg.Clone()
			cfg.ServerName = hostOf(s.addr)
		}
		tc = tls.Client(pc, cfg)
	}
	_, err := offloop.Run(ctx, func(ctx context.Context) (net.Conn, error) {
		return handshake(ctx, tc, config{handshake: s.hsTimeout})
	}, nil)
	if err != nil {
		s.loopEnded()
		s.abort()
		return err
	}
	var nc net.Conn = tc
	s.ncp.Store(&nc)
	s.mu.Lock()
	s.tryWrite = nil
	s.upgrading, s.tlsHold = false, false
	kick := len(s.wbuf) > 0 || s.closing || s.eofReq
	if !kick {
		s.flushing = false
	}
	s.mu.Unlock()
	s.startReading()
	if kick {
		s.kickWriter()
	}
	return nil
}

// detachPolled takes the stream off the loop's poller, if it is on it,
// giving its socket back to Go's netpoller as the stream's connection,
// since a TLS connection is read and written by goroutines. It reports
// whether the stream was on the poller, and whether this ended its
// reading there (an abort may have).
func (s *stream) detachPolled() (was, ended bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.raw {
		return false, false, nil
	}
	if s.pl == nil || s.shut {
		s.raw = false
		return true, false, nil
	}
	nc, err := s.rawConnLocked()
	if err != nil {
		return true, true, err
	}
	s.ncp.Store(&nc)
	return true, true, nil
}

// flushingLocked reports whether bytes written in plain text are still
// to be sent: on the poller, those in the buffer; otherwise, while the
// write goroutine has work.
func (s *stream) flushingLocked() bool {
	if s.raw {
		return len(s.wbuf) > 0 && s.werr == nil && !s.shut
	}
	return s.flushing
}

// upgradableLocked returns why StartTLS cannot start, or nil.
func (s *stream) upgradableLocked() error {
	_, isTLS := s.conn().(*tls.Conn)
	switch {
	case s.shut, s.closing, s.eofReq, s.werr != nil, s.eof, s.rerr != nil:
		return ErrClosing // nothing left to upgrade: one side is done
	case isTLS:
		return fmt.Errorf("%w: StartTLS: the stream is TLS already", ErrInvalid)
	case s.upgrading:
		return fmt.Errorf("%w: StartTLS: an upgrade is under way", ErrInvalid)
	case s.reading:
		return ErrReadInProgress
	}
	return nil
}

// hostOf returns address's host, or address if it has no port.
func hostOf(address string) string {
	if h, _, err := net.SplitHostPort(address); err == nil {
		return h
	}
	return address
}

// prefixConn is a connection whose first reads return pre: bytes read
// from it before the TLS layer took it over.
type prefixConn struct {
	net.Conn
	pre []byte
}

func (c *prefixConn) Read(p []byte) (int, error) {
	if len(c.pre) > 0 {
		n := copy(p, c.pre)
		c.pre = c.pre[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}
