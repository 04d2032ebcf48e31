package streams_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// A connection that took a burst and went quiet keeps no large read
// buffer: its reads grew the buffer to take the burst in few system
// calls, and once the bytes are read out the large buffers go back to
// their pools (readbuf.go).
func TestAQuietStreamKeepsNoLargeReadBuffer(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		held := afterBurst(t, l, func(ctx context.Context, w *streams.Writer) (int, error) {
			return streams.HeldReadBytes(w), nil
		})
		assert.LessOrEqual(t, held, 2*streams.MinReadChunk, "bytes of read buffer kept by a quiet stream")
	})
}

// burst is what afterBurst's client sends: enough for reads to grow the
// buffer to its largest.
const burst = 256 << 10

// afterBurst serves one connection on l whose client sends burst bytes
// and then waits; once the handler has read them all, it returns what
// look says of the handler's stream.
func afterBurst(t *testing.T, l *loop.Loop, look func(ctx context.Context, w *streams.Writer) (int, error)) int {
	t.Helper()
	v, err := run(l, func(ctx context.Context) (int, error) {
		// Promises, not channels: a receive would block the loop's
		// thread, where the handler must run.
		got := future.NewPromise[int]()
		srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
			buf := make([]byte, 64<<10)
			read := 0
			for read < burst {
				n, err := r.ReadInto(ctx, buf)
				if err != nil {
					_ = got.Reject(err) // the test waits on got
					return err
				}
				read += n
			}
			v, err := look(ctx, w)
			if err != nil {
				_ = got.Reject(err)
				return err
			}
			_ = got.Resolve(v)
			_, err = r.Read(ctx, -1) // until the client closes
			return err
		})
		defer srv.Close()
		addr := srv.Addr().String()
		looked, done := make(chan struct{}), future.NewPromise[struct{}]()
		go func() {
			c, err := net.Dial("tcp", addr)
			if err == nil {
				_, err = io.Copy(c, bytes.NewReader(make([]byte, burst)))
				if err == nil {
					<-looked // held open until the handler has looked
				}
				_ = c.Close()
			}
			if err != nil {
				_ = done.Reject(err)
				_ = got.Reject(err)
				return
			}
			_ = done.Resolve(struct{}{})
		}()
		v, err := future.Await(ctx, got.Future())
		close(looked)
		if _, derr := future.Await(ctx, done.Future()); derr != nil {
			return 0, derr
		}
		return v, err
	})
	require.NoError(t, err)
	return v
}
