package streams

import (
	"context"
	"errors"
	"net"
	"os"
	"sync"
	"time"
)

// NetConn returns a net.Conn view of the stream r and w belong to, for Go
// code that takes a net.Conn (a protocol codec, say). Its Read and Write
// wait with ctx as the Reader's and Writer's methods do: given a
// coroutine's context, and called from that coroutine, they suspend the
// task rather than block the loop's thread or a pool worker; called from a
// plain goroutine, they block that goroutine. So use it inside the
// coroutine whose ctx it holds, or from goroutines of your own, and not
// from another task's body, which it would suspend on the wrong context.
//
// Write returns once p is queued and the buffer is back under the
// high-water mark (Write, then Drain). Close is the Writer's Close.
// Deadlines are honoured as net.Conn's contract says: a read or write past
// its deadline fails with an error matching os.ErrDeadlineExceeded, and the
// stream stays usable. r and w must come from the same OpenConnection or
// handler call, or NetConn panics.
func NetConn(ctx context.Context, r *Reader, w *Writer) net.Conn {
	if r == nil || w == nil || r.s != w.s {
		panic("streams: NetConn: reader and writer of different streams")
	}
	return &netConn{ctx: ctx, r: r, w: w}
}

type netConn struct {
	ctx context.Context
	r   *Reader
	w   *Writer

	mu                sync.Mutex // protects the deadlines
	rdeadline, wdline time.Time
}

func (c *netConn) deadline(write bool) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if write {
		return c.wdline
	}
	return c.rdeadline
}

// within runs op under the read or write deadline.
func (c *netConn) within(write bool, op func(ctx context.Context) error) error {
	d := c.deadline(write)
	if d.IsZero() {
		return op(c.ctx)
	}
	if !time.Now().Before(d) {
		// Past already: fail before touching the stream, as net's
		// connections do, even with bytes waiting to be read (a read that
		// took them first was a flake of TestUnixSocketAndNetConnView).
		return c.timeout(write)
	}
	ctx, cancel := context.WithDeadlineCause(c.ctx, d, os.ErrDeadlineExceeded)
	defer cancel()
	err := op(ctx)
	if err != nil && errors.Is(context.Cause(ctx), os.ErrDeadlineExceeded) && c.ctx.Err() == nil {
		return c.timeout(write)
	}
	return err
}

// timeout is the error of a read or write past its deadline.
func (c *netConn) timeout(write bool) error {
	return &net.OpError{Op: opName(write), Net: "stream", Addr: c.RemoteAddr(), Err: os.ErrDeadlineExceeded}
}

func opName(write bool) string {
	if write {
		return "write"
	}
	return "read"
}

func (c *netConn) Read(p []byte) (n int, err error) {
	err = c.within(false, func(ctx context.Context) error {
		n, err = c.r.ReadInto(ctx, p)
		return err
	})
	return n, err
}

func (c *netConn) Write(p []byte) (int, error) {
	if err := c.w.Write(p); err != nil {
		return 0, err
	}
	return len(p), c.within(true, c.w.Drain)
}

func (c *netConn) Close() error         { return c.w.Close() }
func (c *netConn) LocalAddr() net.Addr  { return c.w.LocalAddr() }
func (c *netConn) RemoteAddr() net.Addr { return c.w.RemoteAddr() }

func (c *netConn) SetDeadline(t time.Time) error {
	c.mu.Lock()
	c.rdeadline, c.wdline = t, t
	c.mu.Unlock()
	return nil
}

func (c *netConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	c.rdeadline = t
	c.mu.Unlock()
	return nil
}

func (c *netConn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	c.wdline = t
	c.mu.Unlock()
	return nil
}
