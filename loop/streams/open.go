package streams

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/offloop"
)

// OpenConnection connects to address on network ("tcp", "tcp4", "tcp6",
// "unix") and returns the connection's two sides (asyncio's
// open_connection; for "unix" its open_unix_connection). WithTLS makes it
// a TLS client, the handshake done before it returns.
//
// Called from a coroutine, the dial suspends the task: a goroutine dials,
// and neither the single-thread loop's thread nor a pool worker waits for
// it. The stream then belongs to that loop, whose Close closes it if the
// program has not. Called from a plain goroutine, it blocks that goroutine
// and the stream belongs to no loop.
//
// Cancelling ctx (or the task) stops the dial and returns the
// cancellation; a connection that completes afterwards is closed. A dial
// error is returned as net.Dialer gives it (*net.OpError, matching
// syscall.ECONNREFUSED for a closed port); a deadline on ctx bounds the
// dial and the handshake, as asyncio.timeout around open_connection does.
func OpenConnection(ctx context.Context, network, address string, opts ...Option) (*Reader, *Writer, error) {
	if ctx == nil {
		return nil, nil, fmt.Errorf("%w: OpenConnection: nil context", future.ErrNil)
	}
	cfg := newConfig(opts)
	if cfg.bad != nil {
		return nil, nil, cfg.bad
	}
	nc, err := offloop.Run(ctx, func(ctx context.Context) (net.Conn, error) {
		d := cfg.dialer
		if d == nil {
			d = new(net.Dialer)
		}
		c, err := d.DialContext(ctx, network, address)
		if err != nil || cfg.tls == nil {
			return c, err
		}
		return clientTLS(ctx, c, cfg.tls, address, cfg)
	}, closeConn)
	if err != nil {
		return nil, nil, err
	}
	s := newStream(ctx, nc, &cfg)
	s.addr = address // read by StartTLS only
	return &Reader{s}, &Writer{s}, nil
}

// clientTLS runs a client handshake on c, filling in ServerName from
// address when cfg has none, as tls.Dial does.
func clientTLS(ctx context.Context, c net.Conn, cfg *tls.Config, address string, o config) (net.Conn, error) {
	if cfg.ServerName == "" && !cfg.InsecureSkipVerify {
		host := address
		if h, _, err := net.SplitHostPort(address); err == nil {
			host = h
		}
		cfg = cfg.Clone()
		cfg.ServerName = strings.TrimSuffix(host, ".")
	}
	tc := tls.Client(c, cfg)
	return handshake(ctx, tc, o)
}

// handshake completes tc's handshake within the configured timeout,
// closing the connection on failure.
func handshake(ctx context.Context, tc *tls.Conn, o config) (net.Conn, error) {
	hctx, cancel := context.WithTimeout(ctx, o.handshake)
	defer cancel()
	if err := tc.HandshakeContext(hctx); err != nil {
		_ = tc.Close()
		return nil, err
	}
	return tc, nil
}

func closeConn(c net.Conn) {
	if c != nil {
		_ = c.Close()
	}
}
