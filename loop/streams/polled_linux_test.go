package streams_test

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// On Linux the single-thread loop serves its streams on its own poller,
// with no goroutine per stream; WithPortableIO keeps a read goroutine per
// stream. The test asks each stream which path serves it, so that neither
// falls back to the other unnoticed. (Counting goroutines was not exact:
// the dials' goroutines end a little after the dials, later on a loaded
// machine, and a stack dump once missed one read loop of fifty.)
func TestThePollerServesStreamsWithoutGoroutines(t *testing.T) {
	const n = 50
	for _, c := range []struct {
		name   string
		opts   []loop.Option
		polled bool
	}{
		{"poller", nil, true},
		{"portable", []loop.Option{loop.WithPortableIO()}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			addr, conns := manyPeers(t, n)
			l := loop.NewSingleThread(c.opts...)
			defer l.Close()
			_, err := run(l, func(ctx context.Context) (struct{}, error) {
				var ws []*streams.Writer
				for range n {
					_, w, err := streams.OpenConnection(ctx, "tcp", addr)
					require.NoError(t, err)
					ws = append(ws, w)
					peer := <-conns
					require.NotNil(t, peer, "the listener's accept failed")
					t.Cleanup(func() { _ = peer.Close() })
				}
				polled := 0
				for _, w := range ws {
					if streams.OnPoller(w) {
						polled++
					}
				}
				if c.polled {
					assert.Equal(t, n, polled, "every stream on the poller")
				} else {
					assert.Zero(t, polled, "every stream on a read goroutine")
				}
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
// the test's cleanup closes them and the listener. If an accept fails,
// the channel is closed: a receive then gets nil instead of waiting.
func manyPeers(t *testing.T, n int) (addr string, conns <-chan net.Conn) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ch := make(chan net.Conn, n)
	go func() {
		defer close(ch)
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
		for c := range ch {
			_ = c.Close()
		}
	})
	return ln.Addr().String(), ch
}
