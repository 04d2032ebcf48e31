package streams_test

import (
	"context"
	"net"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// On Linux the single-thread loop serves its streams on its own poller,
// with no goroutine per stream; WithPortableIO keeps a read goroutine per
// stream. Counting goroutines tells the two paths apart, so that neither
// falls back to the other unnoticed.
func TestThePollerServesStreamsWithoutGoroutines(t *testing.T) {
	const n = 50
	for _, c := range []struct {
		name     string
		opts     []loop.Option
		min, max int // goroutines added by n open streams (the peers' accept goroutine ends meanwhile)
	}{
		{"poller", nil, -5, n / 5},
		{"portable", []loop.Option{loop.WithPortableIO()}, n - 5, 2 * n},
	} {
		t.Run(c.name, func(t *testing.T) {
			addr, conns := manyPeers(t, n)
			l := loop.NewSingleThread(c.opts...)
			defer l.Close()
			_, err := run(l, func(ctx context.Context) (struct{}, error) {
				before := runtime.NumGoroutine()
				var ws []*streams.Writer
				for range n {
					_, w, err := streams.OpenConnection(ctx, "tcp", addr)
					require.NoError(t, err)
					ws = append(ws, w)
					peer := <-conns
					t.Cleanup(func() { _ = peer.Close() })
				}
				added := runtime.NumGoroutine() - before
				assert.GreaterOrEqual(t, added, c.min)
				assert.LessOrEqual(t, added, c.max)
				for _, w := range ws {
					w.Abort()
				}
				for _, w := range ws {
					require.NoError(t, w.WaitClosed(ctx))
				}
				return struct{}{}, nil
			})
			require.NoError(t, err)
		})
	}
}

// manyPeers listens for n connections and hands each over as it comes;
// the test's cleanup closes them and the listener.
func manyPeers(t *testing.T, n int) (addr string, conns <-chan net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ch := make(chan net.Conn, n)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range n {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			ch <- c
		}
	}()
	t.Cleanup(func() {
		_ = ln.Close()
		<-done
		close(ch)
		for c := range ch {
			_ = c.Close()
		}
	})
	return ln.Addr().String(), ch
}
