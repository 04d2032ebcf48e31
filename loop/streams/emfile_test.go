//go:build unix

package streams_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// TestAcceptOutOfDescriptorsKeepsServing: with every descriptor taken, a
// connection the kernel queued cannot be accepted. asyncio's
// _accept_connection reports EMFILE to the exception handler and accepts
// again after ACCEPT_RETRY_DELAY; so does the server here, and the
// connection is served once descriptors are free again, as are new ones.
func TestAcceptOutOfDescriptorsKeepsServing(t *testing.T) {
	reports := make(chan *streams.AcceptError, 64)
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		accepted := make(chan struct{}, 16)
		handler := func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
			select {
			case accepted <- struct{}{}:
			default:
			}
			return echo(ctx, r, w)
		}
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, handler, streams.WithAcceptRetryDelay(5*time.Millisecond))
			defer srv.Close()
			// A round trip first, so that the loop has what its streams
			// need (the single-thread loop's poller) before descriptors
			// run out.
			echoOnce(ctx, t, srv.Addr().String(), "warm\n")

			got, err := loop.ToThread(ctx, func(context.Context) (outOfDescriptors, error) {
				return connectOutOfDescriptors(srv.Addr(), reports, accepted)
			})
			require.NoError(t, err)
			assert.True(t, errors.Is(got.report, syscall.EMFILE) || errors.Is(got.report, syscall.ENFILE), "got %v", got.report)
			assert.Equal(t, "served\n", got.echoed, "the connection queued while out of descriptors")
			t.Logf("reported on connection %d", got.conns)

			echoOnce(ctx, t, srv.Addr().String(), "new\n")
			return struct{}{}, nil
		})
		require.NoError(t, err)
	}, loop.WithExceptionHandler(func(err error) {
		var ae *streams.AcceptError
		if errors.As(err, &ae) {
			select {
			case reports <- ae:
			default:
			}
		}
	}))
}

// echoOnce sends line to the echo server at addr on a new stream and
// checks that it comes back.
func echoOnce(ctx context.Context, t *testing.T, addr, line string) {
	t.Helper()
	r, w, err := streams.OpenConnection(ctx, "tcp", addr)
	require.NoError(t, err)
	require.NoError(t, w.Write([]byte(line)))
	got, err := r.ReadLine(ctx)
	require.NoError(t, err)
	assert.Equal(t, line, string(got))
	require.NoError(t, w.Close())
	require.NoError(t, w.WaitClosed(ctx))
}

// outOfDescriptors is what connectOutOfDescriptors saw: the server's
// report, and the echo on the connection made while it could not accept.
type outOfDescriptors struct {
	report error
	echoed string
	conns  int // connections made to get the report
}

// connectOutOfDescriptors takes every descriptor the process may open and
// connects to the server at addr with a socket made beforehand, so that
// its accept fails, until the server reports an AcceptError. A descriptor
// closed late elsewhere in the process (a connection's, whose last read
// returns after the close) may let an accept through: the server's
// handler signals accepted, and the next socket tries again. With the
// report in, it frees the descriptors and echoes a line on the last
// connection. It blocks: run it off the loop.
func connectOutOfDescriptors(addr net.Addr, reports <-chan *streams.AcceptError, accepted <-chan struct{}) (outOfDescriptors, error) {
	var got outOfDescriptors
	ta, ok := addr.(*net.TCPAddr)
	if !ok || ta.IP.To4() == nil {
		return got, fmt.Errorf("want an IPv4 address, got %v", addr)
	}
	sa := &syscall.SockaddrInet4{Port: ta.Port}
	copy(sa.Addr[:], ta.IP.To4())
	for len(accepted) > 0 {
		<-accepted // the round trips before
	}

	// Everything this needs is opened before the descriptors run out.
	base, err := syscall.Open(os.DevNull, syscall.O_RDONLY, 0)
	if err != nil {
		return got, err
	}
	defer syscall.Close(base)
	const tries = 8
	clients := make([]int, 0, tries)
	last := -1 // the connection echoed on, which f below owns
	defer func() {
		for _, fd := range clients {
			if fd != last {
				_ = syscall.Close(fd)
			}
		}
	}()
	for range tries {
		fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM, 0)
		if err != nil {
			return got, err
		}
		syscall.CloseOnExec(fd)
		clients = append(clients, fd)
	}
	timeout := time.NewTimer(30 * time.Second) // a failure, not a wait
	defer timeout.Stop()
	// next is the next report of this server, nil if its handler ran
	// first (an accept got through).
	next := func() (*streams.AcceptError, error) {
		for {
			select {
			case ae := <-reports:
				if ae.Addr.String() == addr.String() {
					return ae, nil
				} // else another server's, an earlier test's
			case <-accepted:
				return nil, nil
			case <-timeout.C:
				return nil, errors.New("the server neither reported nor accepted in 30 s")
			}
		}
	}

	var old syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &old); err != nil {
		return got, err
	}
	lim := old
	lim.Cur = min(lim.Cur, 256)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return got, err
	}
	var hogs []int
	free := func() {
		for _, fd := range hogs {
			_ = syscall.Close(fd)
		}
		hogs = nil
		_ = syscall.Setrlimit(syscall.RLIMIT_NOFILE, &old)
	}
	defer free()
	hog := func() error {
		for {
			fd, err := syscall.Dup(base)
			if errors.Is(err, syscall.EMFILE) {
				return nil
			}
			if err != nil {
				return err
			}
			hogs = append(hogs, fd)
		}
	}

	for _, fd := range clients {
		got.conns++
		if err := hog(); err != nil {
			return got, err
		}
		if err := syscall.Connect(fd, sa); err != nil {
			return got, err
		}
		ae, err := next()
		if err != nil {
			return got, err
		}
		if ae != nil {
			got.report, last = ae, fd
			break
		}
		// A descriptor came free in time: try again.
	}
	if got.report == nil {
		return got, fmt.Errorf("each of %d connections was accepted while out of descriptors", tries)
	}
	free()

	f := os.NewFile(uintptr(last), "client")
	c, err := net.FileConn(f)
	_ = f.Close()
	if err != nil {
		return got, err
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(30 * time.Second)); err != nil {
		return got, err
	}
	if _, err := io.WriteString(c, "served\n"); err != nil {
		return got, err
	}
	buf := make([]byte, len("served\n"))
	if _, err := io.ReadFull(c, buf); err != nil {
		return got, err
	}
	got.echoed = string(buf)
	return got, nil
}
