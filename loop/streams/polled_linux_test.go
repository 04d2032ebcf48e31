package streams_test

import (
	"context"
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// On Linux the single-thread loop serves its streams on its own poller,
// with no goroutine per stream; WithPortableIO keeps a read goroutine per
// stream. Counting the goroutines in a stream's read loop tells the two
// paths apart, so that neither falls back to the other unnoticed. (A
// count of all goroutines is not exact: the dials' goroutines end a
// little after the dials, later on a loaded machine.)
func TestThePollerServesStreamsWithoutGoroutines(t *testing.T) {
	const n = 50
	for _, c := range []struct {
		name     string
		opts     []loop.Option
		portable bool
	}{
		{"poller", nil, false},
		{"portable", []loop.Option{loop.WithPortableIO()}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			addr, conns := manyPeers(t, n)
			l := loop.NewSingleThread(c.opts...)
			defer l.Close()
			_, err := run(l, func(ctx context.Context) (struct{}, error) {
				// Streams of earlier tests may still be ending: their
				// read loops are counted here and can only go.
				before := readLoops()
				var ws []*streams.Writer
				for range n {
					_, w, err := streams.OpenConnection(ctx, "tcp", addr)
					require.NoError(t, err)
					ws = append(ws, w)
					peer := <-conns
					t.Cleanup(func() { _ = peer.Close() })
				}
				if after := readLoops(); c.portable {
					assert.GreaterOrEqual(t, after, n, "a read goroutine per stream")
				} else {
					assert.LessOrEqual(t, after, before, "no read goroutine for a stream on the poller")
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

// readLoops counts the goroutines that run a stream's read loop, started
// or not (a goroutine not yet run shows its function in the dump too).
func readLoops() int {
	buf := make([]byte, 1<<20)
	for {
		if n := runtime.Stack(buf, true); n < len(buf) {
			return strings.Count(string(buf[:n]), "streams.(*stream).readLoop(")
		}
		buf = make([]byte, 2*len(buf))
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
