package streams_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// upgrading is a handler that speaks a STARTTLS protocol: it reads the
// command, answers in plain text, upgrades, and echoes one line over TLS.
func upgrading(cfg *tls.Config, answer bool) streams.Handler {
	return func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
		line, err := r.ReadLine(ctx)
		if err != nil || string(line) != "STARTTLS\n" {
			return err
		}
		if answer {
			if err := w.Write([]byte("GO\n")); err != nil {
				return err
			}
		}
		if err := w.StartTLS(ctx, cfg); err != nil {
			return err
		}
		line, err = r.ReadLine(ctx)
		if err != nil {
			return err
		}
		if err := w.Write(line); err != nil {
			return err
		}
		return w.Drain(ctx)
	}
}

func TestStartTLSUpgradesBothSides(t *testing.T) {
	// test_streams.test_start_tls-like: plain text, then TLS on the same
	// connection, the server's side on the accepted stream and the
	// client's on the dialled one.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		srvCfg, cliCfg := testTLS(t)
		got, err := run(l, func(ctx context.Context) (string, error) {
			srv := serve(ctx, t, upgrading(srvCfg, true))
			defer srv.Close()
			r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			require.NoError(t, err)
			defer w.Close()
			require.True(t, w.CanWriteEOF(), "plain TCP at first")
			require.NoError(t, w.Write([]byte("STARTTLS\n")))
			line, err := r.ReadLine(ctx)
			require.NoError(t, err)
			require.Equal(t, "GO\n", string(line))
			require.NoError(t, w.StartTLS(ctx, cliCfg))
			assert.False(t, w.CanWriteEOF(), "TLS now")
			assert.ErrorIs(t, w.StartTLS(ctx, cliCfg), streams.ErrInvalid, "TLS already")
			require.NoError(t, w.Write([]byte("secret\n")))
			line, err = r.ReadLine(ctx)
			return string(line), err
		})
		require.NoError(t, err)
		assert.Equal(t, "secret\n", got)
	})
}

func TestStartTLSTakesAHandshakeThatCameEarly(t *testing.T) {
	// A client that sends its TLS handshake right behind the command,
	// in the same write, without waiting: the server has those bytes
	// buffered when it upgrades, and TLS gets them.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		srvCfg, cliCfg := testTLS(t)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, upgrading(srvCfg, false))
			defer srv.Close()
			done := future.NewPromise[string]()
			go func() {
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					_ = done.Reject(err)
					return
				}
				defer c.Close()
				cfg := cliCfg.Clone()
				cfg.ServerName = "localhost"
				tc := tls.Client(&firstWritePrefixed{Conn: c, prefix: []byte("STARTTLS\n")}, cfg)
				if _, err := tc.Write([]byte("early\n")); err != nil {
					_ = done.Reject(err)
					return
				}
				buf := make([]byte, 6)
				n, err := tc.Read(buf)
				_ = done.Complete(string(buf[:n]), err)
			}()
			got, err := future.Await(ctx, done.Future())
			require.NoError(t, err)
			assert.Equal(t, "early\n", got)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

// firstWritePrefixed sends prefix in the same write as its first bytes.
type firstWritePrefixed struct {
	net.Conn
	prefix []byte
}

func (c *firstWritePrefixed) Write(p []byte) (int, error) {
	if c.prefix == nil {
		return c.Conn.Write(p)
	}
	all := append(c.prefix, p...)
	c.prefix = nil
	n, err := c.Conn.Write(all)
	return max(0, n-(len(all)-len(p))), err
}

func TestStartTLSRefusals(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		srvCfg, _ := testTLS(t)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, upgrading(srvCfg, true))
			defer srv.Close()
			r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			require.NoError(t, err)
			assert.ErrorIs(t, w.StartTLS(ctx, nil), future.ErrNil)

			// A certificate the client does not trust: the handshake
			// fails, and the stream is closed.
			require.NoError(t, w.Write([]byte("STARTTLS\n")))
			_, err = r.ReadLine(ctx)
			require.NoError(t, err)
			err = w.StartTLS(ctx, &tls.Config{})
			var unknown *tls.CertificateVerificationError
			require.ErrorAs(t, err, &unknown)
			assert.True(t, w.IsClosing())
			require.NoError(t, w.WaitClosed(ctx))
			assert.ErrorIs(t, w.StartTLS(ctx, &tls.Config{}), streams.ErrClosing)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestStartTLSSendsWhatIsBufferedFirst(t *testing.T) {
	// StartTLS right behind a write the socket cannot take at once: the
	// plain-text bytes go out first, all of them, then the handshake.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		srvCfg, cliCfg := testTLS(t)
		addr, conns := rawPeer(t)
		plain := make([]byte, 16<<20) // more than the socket buffers take
		start := make(chan struct{})
		for i := range plain {
			plain[i] = byte(i)
		}
		peerErr := make(chan error, 1)
		got, err := run(l, func(ctx context.Context) (string, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr)
			require.NoError(t, err)
			defer w.Close()
			peer := <-conns
			go func() {
				defer peer.Close()
				<-start // not reading before: the stream must buffer
				buf := make([]byte, len(plain))
				if _, err := io.ReadFull(peer, buf); err != nil || !bytes.Equal(buf, plain) {
					peerErr <- fmt.Errorf("plain text: %v, equal %v", err, bytes.Equal(buf, plain))
					return
				}
				tc := tls.Server(peer, srvCfg)
				line, err := bufio.NewReader(tc).ReadString('\n')
				if err == nil {
					_, err = tc.Write([]byte(line))
				}
				peerErr <- err
			}()
			tctx, cancel := loop.Timeout(ctx, 20*time.Second) // a hang fails, not hangs
			defer cancel()
			require.NoError(t, w.Write(plain))
			assert.NotZero(t, w.Buffered(), "the socket took all of it: the test needs more")
			close(start)
			require.NoError(t, w.StartTLS(tctx, cliCfg))
			require.NoError(t, w.Write([]byte("secret\n")))
			line, err := r.ReadLine(tctx)
			return string(line), err
		})
		require.NoError(t, err)
		require.NoError(t, <-peerErr)
		assert.Equal(t, "secret\n", got)
	})
}
