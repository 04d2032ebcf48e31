package streams_test

import (
	"context"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// A handler that reads with ReadInto into one buffer and writes it back
// (bench/cmd/echoserver's) makes no garbage per message: not in the read,
// the wait for the next message (a wait the stream reuses), nor the
// write. Measured from a plain client, so the count is the server's.
func TestAnEchoRoundTripAllocatesNothing(t *testing.T) {
	if streams.RaceEnabled {
		t.Skip("the race detector allocates")
	}
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		handler := func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
			buf := make([]byte, 4096)
			for {
				n, err := r.ReadInto(ctx, buf)
				if errors.Is(err, io.EOF) {
					return nil
				}
				if err != nil {
					return err
				}
				if err := w.Write(buf[:n]); err != nil {
					return err
				}
				if err := w.Drain(ctx); err != nil {
					return err
				}
			}
		}
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, handler)
			defer srv.Close()
			// The client is a plain goroutine; the task awaits its count
			// (a channel receive here would block the loop's thread).
			allocs := future.NewPromise[float64]()
			go func() {
				c, err := net.Dial("tcp", srv.Addr().String())
				if err != nil {
					_ = allocs.Reject(err)
					return
				}
				defer c.Close()
				out, in := make([]byte, 1024), make([]byte, 1024)
				round := func() {
					_, _ = c.Write(out)
					_, _ = io.ReadFull(c, in)
				}
				for range 100 {
					round() // buffers and coroutines reach their sizes
				}
				_ = allocs.Resolve(testing.AllocsPerRun(500, round))
			}()
			a, err := future.Await(ctx, allocs.Future())
			if err != nil {
				return struct{}{}, err
			}
			assert.Less(t, a, 0.1, "allocations a round trip")
			t.Logf("%.3f allocations a round trip", a)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	})
}
