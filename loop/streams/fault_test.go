package streams_test

import (
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// rawPeer listens on a free port and hands the first accepted plain
// net.Conn to the returned channel: a peer the test drives by hand.
func rawPeer(t *testing.T) (addr string, conns <-chan net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { _ = ln.Close() })
	ch := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err == nil {
			ch <- c
		}
		close(ch)
	}()
	return ln.Addr().String(), ch
}

func TestPeerResetMidRead(t *testing.T) {
	// A peer that resets (SO_LINGER 0, then close) while a read waits:
	// the read returns the reset, and the bytes that came first are not
	// lost (test_streams.test_read_exception-like).
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr)
			require.NoError(t, err)
			defer w.Abort()
			peer := <-conns
			_, err = peer.Write([]byte("first"))
			require.NoError(t, err)
			got, err := r.ReadExactly(ctx, 5)
			require.NoError(t, err)
			assert.Equal(t, "first", string(got))
			require.NoError(t, peer.(*net.TCPConn).SetLinger(0))
			require.NoError(t, peer.Close())
			_, err = r.Read(ctx, 10)
			assert.ErrorIs(t, err, errConnReset)
			var op *net.OpError // as a net.Conn's read reports it, on every path
			if assert.ErrorAs(t, err, &op) {
				assert.Equal(t, "read", op.Op)
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestHalfCloseInEachDirection(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr)
			require.NoError(t, err)
			defer w.Close()
			peer := (<-conns).(*net.TCPConn)
			defer peer.Close()

			// The peer half-closes: we read EOF and can still write.
			_, err = peer.Write([]byte("bye"))
			require.NoError(t, err)
			require.NoError(t, peer.CloseWrite())
			all, err := r.Read(ctx, -1)
			require.NoError(t, err)
			assert.Equal(t, "bye", string(all))
			assert.True(t, r.AtEOF())
			require.NoError(t, w.Write([]byte("still here")))
			require.NoError(t, w.Drain(ctx))

			// We half-close: the peer reads EOF after our bytes, and
			// what it sends still reaches us... it has closed its side,
			// so check the other way round on a second connection below.
			require.NoError(t, w.WriteEOF())
			got, err := readAll(ctx, peer)
			require.NoError(t, err)
			assert.Equal(t, "still here", string(got))
			assert.ErrorIs(t, w.Write([]byte("x")), streams.ErrClosing, "no writes after WriteEOF")
			return struct{}{}, nil
		})
		require.NoError(t, err)

		addr, conns = rawPeer(t)
		_, err = run(l, func(ctx context.Context) (struct{}, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr)
			require.NoError(t, err)
			defer w.Close()
			peer := (<-conns).(*net.TCPConn)
			defer peer.Close()
			require.NoError(t, w.WriteEOF())
			got, err := readAll(ctx, peer)
			require.NoError(t, err)
			assert.Empty(t, got)
			// Our reading side is still open.
			_, err = peer.Write([]byte("reply"))
			require.NoError(t, err)
			line, err := r.ReadExactly(ctx, 5)
			require.NoError(t, err)
			assert.Equal(t, "reply", string(line))
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestDrainBoundsMemoryWhenThePeerNeverReads(t *testing.T) {
	// A peer that never reads while the writer sends 100 MB: Drain waits,
	// and the buffer stays near the high-water mark. The kernel's socket
	// buffers fill first; then Drain blocks and the test stops it.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		const high = 64 << 10
		var maxBuffered atomic.Int64
		sent, err := run(l, func(ctx context.Context) (int, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr, streams.WithWriteBufferLimits(high, 0))
			require.NoError(t, err)
			_ = r
			peer := <-conns
			defer peer.Close()
			chunk := make([]byte, 32<<10)
			sent := 0
			// The drain that cannot finish is cut short by a timeout
			// on the loop's clock.
			tctx, cancel := loop.Timeout(ctx, 300*time.Millisecond)
			defer cancel()
			for sent < 100<<20 {
				if err := w.Write(chunk); err != nil {
					return sent, err
				}
				sent += len(chunk)
				if b := int64(w.Buffered()); b > maxBuffered.Load() {
					maxBuffered.Store(b)
				}
				if err := w.Drain(tctx); err != nil {
					assert.ErrorIs(t, err, context.DeadlineExceeded)
					break
				}
			}
			w.Abort()
			return sent, nil
		})
		require.NoError(t, err)
		assert.Less(t, sent, 100<<20, "the peer never read, so the writer must have been held up")
		assert.LessOrEqual(t, maxBuffered.Load(), int64(high+32<<10), "buffer stays under high water plus one write")
	})
}

func TestServerCloseWhileHandlersRun(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var sawCancel atomic.Int32
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			started := make(chan struct{}, 4)
			srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				started <- struct{}{}
				_, err := r.Read(ctx, 1) // the client never writes
				if errors.Is(err, future.ErrCancelled) {
					sawCancel.Add(1)
				}
				return err
			})
			var ws []*streams.Writer
			for range 4 {
				_, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
				require.NoError(t, err)
				ws = append(ws, w)
			}
			for range 4 {
				_, err := future.Await(ctx, waitChan(started))
				require.NoError(t, err)
			}
			srv.Close()
			assert.False(t, srv.IsServing())
			require.NoError(t, srv.WaitClosed(ctx))
			for _, w := range ws {
				w.Abort()
				require.NoError(t, w.WaitClosed(ctx))
			}
			_, _, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			assert.ErrorIs(t, err, errConnRefused, "the listener is closed")
			return struct{}{}, nil
		})
		require.NoError(t, err)
		assert.EqualValues(t, 4, sawCancel.Load(), "every handler saw the cancellation")
	})
}

// waitChan is a future completed when a value arrives on ch: a plain
// goroutine's signal awaited without blocking the loop.
// readAll reads c to EOF off the loop's thread (loop.ToThread): read on
// it, it would keep the loop from sending what a WriteEOF left buffered,
// and the FIN after it.
func readAll(ctx context.Context, c net.Conn) ([]byte, error) {
	return loop.ToThread(ctx, func(context.Context) ([]byte, error) { return io.ReadAll(c) })
}

func waitChan[T any](ch <-chan T) *future.Future[T] {
	p := future.NewPromise[T]()
	go func() { _ = p.Resolve(<-ch) }()
	return p.Future()
}

func TestConnectFailures(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		blackHole, blackHoleOK := fullBacklog(t) // dialled here, off the loop
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			// A closed port: refused, typed.
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			require.NoError(t, err)
			addr := ln.Addr().String()
			require.NoError(t, ln.Close())
			_, _, err = streams.OpenConnection(ctx, "tcp", addr)
			assert.ErrorIs(t, err, errConnRefused)
			var op *net.OpError
			assert.ErrorAs(t, err, &op)

			// An unroutable address (TEST-NET-1, RFC 5737) under a
			// timeout: the timeout ends the dial.
			tctx, cancel := loop.Timeout(ctx, 50*time.Millisecond)
			defer cancel()
			_, _, err = streams.OpenConnection(tctx, "tcp", "192.0.2.1:9")
			require.Error(t, err)
			if !errors.Is(err, context.DeadlineExceeded) {
				// A sandbox without a route refuses at once instead.
				assert.True(t, errors.Is(err, errNetUnreach) || errors.Is(err, errHostUnreach) ||
					errors.Is(err, errConnRefused), "unexpected dial error %v", err)
			}

			// A peer whose accept queue is full drops the handshake, so
			// the dial hangs as it would towards a black hole: the
			// timeout ends it, with the deadline's error.
			if blackHoleOK {
				tctx, cancel := loop.Timeout(ctx, 50*time.Millisecond)
				defer cancel()
				_, _, err = streams.OpenConnection(tctx, "tcp", blackHole)
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestCancellingAThousandBlockedReads(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		const n = 1000
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			hold := make(chan struct{})
			srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				_, err := future.Await(ctx, waitChan(hold))
				return err
			})
			defer func() {
				close(hold)
				srv.Close()
				require.NoError(t, srv.WaitClosed(ctx))
			}()
			readers := make([]*future.Future[[]byte], 0, n)
			var ws []*streams.Writer
			for range n {
				r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
				require.NoError(t, err)
				ws = append(ws, w)
				readers = append(readers, loop.CreateTask(must(loop.GetRunningLoop(ctx)), func(ctx context.Context) ([]byte, error) {
					return r.Read(ctx, 1)
				}))
			}
			require.NoError(t, loop.Sleep(ctx, 0))
			for _, f := range readers {
				f.Cancel(errors.New("enough"))
			}
			for _, f := range readers {
				_, err := future.Await(ctx, f)
				assert.ErrorIs(t, err, future.ErrCancelled)
			}
			for _, w := range ws {
				w.Abort()
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func TestACancelledReadKeepsTheBytesForTheNext(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr)
			require.NoError(t, err)
			defer w.Abort()
			peer := <-conns
			defer peer.Close()
			tctx, cancel := loop.Timeout(ctx, 10*time.Millisecond)
			_, err = r.ReadExactly(tctx, 4)
			cancel()
			assert.ErrorIs(t, err, context.DeadlineExceeded)
			_, err = peer.Write([]byte("data"))
			require.NoError(t, err)
			got, err := r.ReadExactly(ctx, 4)
			require.NoError(t, err)
			assert.Equal(t, "data", string(got))
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestLoopCloseClosesServersAndStreams(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		var srv *streams.Server
		var w *streams.Writer
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			var err error
			srv = serve(ctx, t, echo)
			_, w, err = streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			return struct{}{}, err
		})
		require.NoError(t, err)
		// Both live, until the loop's Close. (Not a goroutine count: the
		// goroutines of earlier tests may still be ending.)
		require.True(t, srv.IsServing())
		require.False(t, w.IsClosing())
		require.NoError(t, l.Close())
		assert.False(t, srv.IsServing())
		assert.True(t, w.IsClosing())
		require.NoError(t, w.WaitClosed(bg))
		require.NoError(t, srv.WaitClosed(bg))
	})
}
