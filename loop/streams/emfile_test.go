//go:build unix

package streams_test

import (
	"context"
	"errors"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// TestAcceptOutOfDescriptorsKeepsServing: with every descriptor taken, a
// connection the kernel queued cannot be accepted. asyncio's
// _accept_connection reports EMFILE to the exception handler and accepts
// again after ACCEPT_RETRY_DELAY; so does the server here, and the
// connection is served once descriptors are free again.
func TestAcceptOutOfDescriptorsKeepsServing(t *testing.T) {
	var old syscall.Rlimit
	require.NoError(t, syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old))
	reports := make(chan error, 64)
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, echo, streams.WithAcceptRetryDelay(5*time.Millisecond))
			defer srv.Close()

			// Take every descriptor but one, for the client's dial.
			lim := old
			lim.Cur = 256
			require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim))
			defer func() { require.NoError(t, syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)) }()
			var hogs []int
			defer func() {
				for _, fd := range hogs {
					_ = syscall.Close(fd)
				}
			}()
			for {
				fd, err := syscall.Dup(0)
				if err != nil {
					require.ErrorIs(t, err, syscall.EMFILE)
					break
				}
				hogs = append(hogs, fd)
			}
			// Free two: the client's socket, and whatever the runtime
			// needs on the way.
			for range 2 {
				_ = syscall.Close(hogs[len(hogs)-1])
				hogs = hogs[:len(hogs)-1]
			}
			r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String())
			require.NoError(t, err)
			defer w.Close()
			// Take what is left, so that accept fails.
			for {
				fd, err := syscall.Dup(0)
				if err != nil {
					break
				}
				hogs = append(hogs, fd)
			}
			rep, err := future.Await(ctx, waitChan(reports))
			require.NoError(t, err)
			var ae *streams.AcceptError
			require.ErrorAs(t, rep, &ae)
			assert.True(t, errors.Is(rep, syscall.EMFILE) || errors.Is(rep, syscall.ENFILE), "got %v", rep)

			// Free the descriptors: the queued connection is served.
			for _, fd := range hogs {
				_ = syscall.Close(fd)
			}
			hogs = nil
			require.NoError(t, w.Write([]byte("served\n")))
			line, err := r.ReadLine(ctx)
			require.NoError(t, err)
			assert.Equal(t, "served\n", string(line))
			return struct{}{}, nil
		})
		require.NoError(t, err)
		for len(reports) > 0 {
			<-reports
		}
	}, loop.WithExceptionHandler(func(err error) {
		select {
		case reports <- err:
		default:
		}
	}))
}
