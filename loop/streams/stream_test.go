package streams_test

import (
	"bytes"
	"context"
	"errors"
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

// echo is the book's handler: it sends back what it reads until EOF.
func echo(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
	for {
		data, err := r.Read(ctx, 128)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := w.Write(data); err != nil {
			return err
		}
		if err := w.Drain(ctx); err != nil {
			return err
		}
	}
}

// serve starts an echo-style server with handler on a free local port.
func serve(ctx context.Context, t *testing.T, handler streams.Handler, opts ...streams.Option) *streams.Server {
	srv, err := streams.StartServer(ctx, handler, "tcp", "127.0.0.1:0", opts...)
	require.NoError(t, err)
	return srv
}

func TestEchoOverTCP(t *testing.T) {
	// test_streams.test_open_connection and test_start_server: a client
	// writes, half-closes, and reads the echo until EOF.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(l, func(ctx context.Context) ([]byte, error) {
			srv := serve(ctx, t, echo)
			defer srv.Close()
			r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			if err != nil {
				return nil, err
			}
			defer w.Close()
			for _, msg := range []string{"This is the message. ", "It will be sent ", "in parts."} {
				require.NoError(t, w.Write([]byte(msg)))
			}
			require.True(t, w.CanWriteEOF())
			require.NoError(t, w.WriteEOF())
			require.NoError(t, w.Drain(ctx))
			all, err := r.Read(ctx, -1)
			assert.True(t, r.AtEOF())
			return all, err
		})
		require.NoError(t, err)
		assert.Equal(t, "This is the message. It will be sent in parts.", string(got))
	})
}

func TestReadUntilAndFriends(t *testing.T) {
	// test_streams: test_readline, test_readuntil_multi_chunks,
	// test_readexactly_eof, test_readuntil_limit_found_sep,
	// test_readline_limit_with_existing_data.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			payload := "line one\nAAA\r\nBBB|tail" + string(bytes.Repeat([]byte("x"), 40)) + "\nend"
			srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				if err := w.Write([]byte(payload)); err != nil {
					return err
				}
				return w.Drain(ctx)
			})
			defer srv.Close()
			r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String(), streams.WithLimit(16))
			require.NoError(t, err)
			defer w.Close()

			line, err := r.ReadLine(ctx)
			require.NoError(t, err)
			assert.Equal(t, "line one\n", string(line))

			part, err := r.ReadUntil(ctx, []byte("|"), []byte("\r\n"))
			require.NoError(t, err)
			assert.Equal(t, "AAA\r\n", string(part), "the separator whose match starts first wins")

			exact, err := r.ReadExactly(ctx, 4)
			require.NoError(t, err)
			assert.Equal(t, "BBB|", string(exact))

			// 44 bytes before the next newline: beyond the limit of 16.
			_, err = r.ReadUntil(ctx, []byte("\n"))
			var over *streams.LimitOverrunError
			require.ErrorAs(t, err, &over)
			assert.Equal(t, 44, over.Consumed, "ReadUntil keeps the buffer and says where the separator is")
			_, err = r.ReadLine(ctx)
			require.ErrorAs(t, err, &over, "ReadLine drops the overlong line")

			_, err = r.ReadExactly(ctx, 10)
			var short *streams.IncompleteReadError
			require.ErrorAs(t, err, &short)
			assert.Equal(t, "end", string(short.Partial))
			assert.Equal(t, 10, short.Expected)
			assert.ErrorIs(t, err, io.ErrUnexpectedEOF)

			_, err = r.Read(ctx, 10)
			assert.ErrorIs(t, err, io.EOF, "read after EOF")
			line, err = r.ReadLine(ctx)
			assert.ErrorIs(t, err, io.EOF)
			assert.Empty(t, line)

			_, err = r.ReadUntil(ctx, []byte{})
			assert.ErrorIs(t, err, streams.ErrInvalid)
			_, err = r.ReadExactly(ctx, -1)
			assert.ErrorIs(t, err, streams.ErrInvalid)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestWriteAfterCloseIsATypedError(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, echo)
			defer srv.Close()
			_, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			require.NoError(t, err)
			require.NoError(t, w.Close())
			assert.True(t, w.IsClosing())
			err = w.Write([]byte("late"))
			assert.ErrorIs(t, err, streams.ErrClosing)
			assert.ErrorIs(t, err, net.ErrClosed)
			require.NoError(t, w.WaitClosed(ctx))
			assert.ErrorIs(t, w.Drain(ctx), streams.ErrClosing)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestWaitClosedAfterAHandlerWhoseConnectionClosedFirst(t *testing.T) {
	// A handler that aborts its connection and waits for it to close
	// returns with the connection closed already: the server must still
	// count it out, or WaitClosed waits forever (the echo example hung
	// so under -race before the server checked for a done future).
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			handled := future.NewPromise[struct{}]()
			srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				w.Abort()
				err := w.WaitClosed(ctx)
				_ = handled.Resolve(struct{}{})
				return err
			})
			_, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			require.NoError(t, err)
			defer w.Close()
			_, err = future.Await(ctx, handled.Future())
			require.NoError(t, err)
			srv.Close()
			wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			return struct{}{}, srv.WaitClosed(wctx)
		})
		require.NoError(t, err)
	})
}

func TestReadIntoThroughAPausedBuffer(t *testing.T) {
	// A peer sends 1 MiB and closes, far more than the limit lets the
	// buffer hold: reading pauses at twice the limit and must start again
	// as ReadInto takes the bytes (on the poller, no new readiness comes
	// for what the socket already holds), with the EOF after the last.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		want := bytes.Repeat([]byte("0123456789abcdef"), 1<<16)
		got, err := run(l, func(ctx context.Context) ([]byte, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr, streams.WithLimit(1024))
			require.NoError(t, err)
			defer w.Close()
			peer := <-conns
			n, err := r.ReadInto(ctx, nil)
			require.NoError(t, err, "an empty p returns at once")
			require.Zero(t, n)
			go func() {
				_, _ = peer.Write(want)
				_ = peer.Close()
			}()
			var out []byte
			buf := make([]byte, 100)
			for {
				n, err := r.ReadInto(ctx, buf)
				out = append(out, buf[:n]...)
				if errors.Is(err, io.EOF) {
					return out, nil
				}
				if err != nil {
					return out, err
				}
				require.NotZero(t, n, "ReadInto returned no bytes and no error")
			}
		})
		require.NoError(t, err)
		assert.True(t, bytes.Equal(want, got), "got %d bytes, want %d", len(got), len(want))
	})
}

func TestASlowPeerGetsEveryByteThenEOF(t *testing.T) {
	// 8 MiB written far faster than the peer reads: writes wait for room
	// in the socket (on the poller, for its writable report), Drain waits
	// for the low-water mark, and Close sends what is buffered before it
	// closes, so the peer reads every byte, in order, then EOF.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		want := make([]byte, 8<<20)
		for i := range want {
			want[i] = byte(i * 7)
		}
		got := make(chan []byte, 1)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			_, w, err := streams.OpenConnection(ctx, "tcp", addr, streams.WithWriteBufferLimits(256<<10, 64<<10))
			require.NoError(t, err)
			peer := <-conns
			go func() {
				defer peer.Close()
				all, _ := io.ReadAll(peer)
				got <- all
			}()
			for off := 0; off < len(want); off += 100 << 10 {
				require.NoError(t, w.Write(want[off:min(off+100<<10, len(want))]))
				require.NoError(t, w.Drain(ctx))
			}
			require.NoError(t, w.Close())
			return struct{}{}, w.WaitClosed(ctx)
		})
		require.NoError(t, err)
		all := <-got
		assert.True(t, bytes.Equal(want, all), "the peer read %d bytes of %d, or out of order", len(all), len(want))
	})
}

func TestReadsLargerThanTheLimitResumeReading(t *testing.T) {
	// ReadExactly and Read to EOF may need more than twice the limit,
	// where reading pauses: waiting resumes it, as asyncio's
	// _wait_for_data does, instead of waiting for ever.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		want := bytes.Repeat([]byte("abcdefghij"), 4096) // 40 KiB
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			r, w, err := streams.OpenConnection(ctx, "tcp", addr, streams.WithLimit(1024))
			require.NoError(t, err)
			defer w.Close()
			peer := <-conns
			go func() {
				_, _ = peer.Write(want)
				_ = peer.Close()
			}()
			tctx, cancel := loop.Timeout(ctx, 10*time.Second) // a hang fails, not hangs
			defer cancel()
			head, err := r.ReadExactly(tctx, 30000)
			require.NoError(t, err)
			rest, err := r.Read(tctx, -1)
			require.NoError(t, err)
			assert.True(t, bytes.Equal(want, append(head, rest...)), "got %d+%d bytes", len(head), len(rest))
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}

func TestServeForeverCloseClientsAndAbortClients(t *testing.T) {
	// asyncio 3.13's close_clients and abort_clients, and serve_forever:
	// each handler runs as a task named after its peer, the clients'
	// handlers read EOF once their connections close, the
	// clients see the close, and ServeForever returns the context's error
	// once the server is closed.
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		handlerErrs := make(chan error, 2)
		greeted := make(chan struct{}, 2)
		greet := func(ctx context.Context, r *streams.Reader, w *streams.Writer) (err error) {
			greetedSent := false
			defer func() { // every way out, so none hangs the test
				if !greetedSent {
					greeted <- struct{}{} // the test then fails on err
				}
				handlerErrs <- err
			}()
			// Each connection's handler is a task named after the peer.
			assert.Equal(t, w.RemoteAddr().String(), loop.CurrentTask(ctx).Name())
			if err := w.Write([]byte("hi\n")); err != nil {
				return err
			}
			if err := w.Drain(ctx); err != nil {
				return err
			}
			// On the pool this handler runs beside the test's task, which
			// must not close the connection before the Drain is over.
			greeted <- struct{}{}
			greetedSent = true
			_, err = r.Read(ctx, 1) // the client sends nothing
			return err
		}
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, greet)
			served := loop.CreateTask(must(loop.GetRunningLoop(ctx)), func(ctx context.Context) (struct{}, error) {
				return struct{}{}, srv.ServeForever(ctx)
			})
			dial := func() *streams.Reader {
				r, _, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
				require.NoError(t, err)
				line, err := r.ReadLine(ctx)
				require.NoError(t, err)
				require.Equal(t, "hi\n", string(line))
				return r
			}
			for _, end := range []func(){srv.CloseClients, srv.AbortClients} {
				r := dial()
				_, err := future.Await(ctx, waitChan(greeted))
				require.NoError(t, err)
				end()
				_, err = r.Read(ctx, 1)
				assert.ErrorIs(t, err, io.EOF, "the client sees its connection close")
				herr, err := future.Await(ctx, waitChan(handlerErrs)) // not <-: that would hold the loop
				require.NoError(t, err)
				assert.ErrorIs(t, herr, io.EOF, "the handler reads EOF")
			}
			assert.True(t, srv.IsServing(), "closing the clients leaves the server serving")
			served.Cancel(nil)
			_, err := future.Await(ctx, served)
			assert.ErrorIs(t, err, future.ErrCancelled)
			assert.False(t, srv.IsServing())
			return struct{}{}, srv.WaitClosed(ctx)
		})
		require.NoError(t, err)
	})
}

// A peer that sends its last bytes and its FIN at once: the stream reads
// the bytes, then EOF, even when both are queued before it first reads
// (the read that returns the bytes takes the FIN, and no readiness edge
// comes for it).
func TestDataAndEOFArrivingTogether(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got, err := run(l, func(ctx context.Context) ([]string, error) {
			srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				all, err := r.Read(ctx, -1)
				if err != nil {
					return err
				}
				return w.Write(all)
			})
			defer srv.Close()
			addr := srv.Addr().String()
			var out []string
			for i := range 20 {
				echoed := future.NewPromise[string]()
				go func() {
					c, err := net.Dial("tcp", addr)
					if err != nil {
						_ = echoed.Reject(err)
						return
					}
					defer c.Close()
					_ = c.SetDeadline(time.Now().Add(10 * time.Second)) // a lost EOF fails, not hangs
					_, err = fmt.Fprintf(c, "message %d", i)
					if err == nil {
						err = c.(*net.TCPConn).CloseWrite()
					}
					var b []byte
					if err == nil {
						b, err = io.ReadAll(c)
					}
					if err != nil {
						_ = echoed.Reject(err)
						return
					}
					_ = echoed.Resolve(string(b))
				}()
				s, err := future.Await(ctx, echoed.Future())
				if err != nil {
					return nil, err
				}
				out = append(out, s)
			}
			return out, nil
		})
		require.NoError(t, err)
		require.Len(t, got, 20)
		for i, s := range got {
			assert.Equal(t, fmt.Sprintf("message %d", i), s)
		}
	})
}
