//go:build unix

package streams_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// A read goroutine that took a burst gives its large buffer back while it
// waits for the socket, as the stream's own buffers go back once read out
// (TestAQuietStreamKeepsNoLargeReadBuffer): without it, every quiet
// connection on the pool would hold up to 256 KiB.
func TestAWaitingReadGoroutineHoldsNoLargeBuffer(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		held := afterBurst(t, l, func(ctx context.Context, w *streams.Writer) (int, error) {
			if streams.OnPoller(w) {
				return 0, nil // no read goroutine
			}
			// The goroutine has handed over the last chunk; it waits
			// once its next read finds the socket empty.
			for range 5000 {
				if n := streams.WaitingReadBytes(w); n >= 0 {
					return n, nil
				}
				if err := loop.Sleep(ctx, time.Millisecond); err != nil {
					return 0, err
				}
			}
			return 0, errors.New("the read goroutine never waited for its socket")
		})
		assert.LessOrEqual(t, held, streams.MinReadChunk, "bytes of read buffer held by a waiting read goroutine")
	})
}
