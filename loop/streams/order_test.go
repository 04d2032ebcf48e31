//go:build unix

package streams_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

func TestConcurrentWritesKeepOrderAndStayWhole(t *testing.T) {
	// Tasks write at once through a socket with an 8 KiB send buffer, so
	// that most messages are larger than the socket takes at once: a
	// Write's bytes arrive whole, and one task's messages in its order,
	// whether the socket took them at once (the eager write) or the write
	// goroutine sent what it could not take. (Unix only: the eager write
	// is, and so is setting SO_SNDBUF this way.)
	const tasks, perTask, size = 8, 20, 20 << 10
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		addr, conns := rawPeer(t)
		got := make(chan []byte, 1)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			small := &net.Dialer{Control: func(_, _ string, c syscall.RawConn) error {
				var serr error
				err := c.Control(func(fd uintptr) {
					serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF, 8<<10)
				})
				return errors.Join(err, serr)
			}}
			_, w, err := streams.OpenConnection(ctx, "tcp", addr, streams.WithDialer(small))
			require.NoError(t, err)
			peer := <-conns
			go func() {
				all, _ := io.ReadAll(peer)
				got <- all
			}()
			var writers []*future.Future[struct{}]
			for i := range tasks {
				writers = append(writers, loop.CreateTask(l, func(ctx context.Context) (struct{}, error) {
					for j := range perTask {
						if err := w.Write(message(i, j, size)); err != nil {
							return struct{}{}, err
						}
						if err := w.Drain(ctx); err != nil {
							return struct{}{}, err
						}
					}
					return struct{}{}, nil
				}))
			}
			if _, werr := future.Await(ctx, loop.Gather(ctx, writers...)); werr != nil {
				return struct{}{}, werr
			}
			require.NoError(t, w.Close())
			return struct{}{}, w.WaitClosed(ctx)
		})
		require.NoError(t, err)
		all := <-got
		require.Len(t, all, tasks*perTask*size)
		next := make([]int, tasks)
		for off := 0; off < len(all); off += size {
			var i, j int
			_, err := fmt.Sscanf(string(all[off:off+16]), "%07d %07d ", &i, &j)
			require.NoError(t, err, "a message starts at %d", off)
			require.Equal(t, next[i], j, "task %d's messages in order", i)
			require.True(t, bytes.Equal(message(i, j, size), all[off:off+size]), "message %d/%d whole", i, j)
			next[i]++
		}
		for i := range next {
			assert.Equal(t, perTask, next[i])
		}
	})
}

// message is task i's j-th message: its numbers, then a filler byte of
// its own, size bytes in all.
func message(i, j, size int) []byte {
	head := fmt.Sprintf("%07d %07d ", i, j)
	return append([]byte(head), bytes.Repeat([]byte{byte('a' + (i+j)%26)}, size-len(head))...)
}
