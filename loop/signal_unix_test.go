//go:build unix

package loop_test

import (
	"context"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
)

// TestSignalHandlersRunOnTheLoop follows test_unix_events'
// test_add_signal_handler and the book's asyncio_signal: each signal the
// process gets runs its handler as a callback of the loop; a replaced or
// removed handler runs no more.
func TestSignalHandlersRunOnTheLoop(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		got := make(chan string, 8)
		require.NoError(t, l.AddSignalHandler(syscall.SIGUSR1, func() { got <- "first" }))
		require.NoError(t, l.AddSignalHandler(syscall.SIGUSR1, func() { got <- "usr1" }), "a second handler replaces the first")
		require.NoError(t, l.AddSignalHandler(syscall.SIGHUP, func() { got <- "hup" }))
		_, err := run(t, l, func(ctx context.Context) (struct{}, error) {
			for _, sig := range []syscall.Signal{syscall.SIGUSR1, syscall.SIGHUP} {
				require.NoError(t, syscall.Kill(syscall.Getpid(), sig))
				name, err := future.Await(ctx, fromChan(got))
				require.NoError(t, err)
				assert.Equal(t, map[syscall.Signal]string{syscall.SIGUSR1: "usr1", syscall.SIGHUP: "hup"}[sig], name)
			}
			return struct{}{}, nil
		})
		require.NoError(t, err)
		assert.True(t, l.RemoveSignalHandler(syscall.SIGHUP))
		assert.False(t, l.RemoveSignalHandler(syscall.SIGHUP), "nothing left to remove")
		assert.ErrorIs(t, l.AddSignalHandler(syscall.SIGUSR1, nil), future.ErrNil)
	})
}

// fromChan is a future completed with the next value on ch, received by a
// goroutine of its own so that the loop is not blocked.
func fromChan[T any](ch <-chan T) *future.Future[T] {
	p := future.NewPromise[T]()
	go func() { _ = p.Resolve(<-ch) }()
	return p.Future()
}
