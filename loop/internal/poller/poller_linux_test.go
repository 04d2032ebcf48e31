//go:build linux

package poller

import (
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/sys/unix"
)

// pair returns a connected pair of non-blocking stream sockets.
func pair(t *testing.T) (a, b int) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_NONBLOCK|unix.SOCK_CLOEXEC, 0)
	require.NoError(t, err)
	t.Cleanup(func() { _ = unix.Close(fds[0]); _ = unix.Close(fds[1]) })
	return fds[0], fds[1]
}

// waitFor waits, bounded so that a failure cannot hang, and dispatches
// what is ready to the handlers.
func waitFor(p *Poller) {
	if p.Wait(5*time.Second) > 0 {
		p.Dispatch()
	}
}

func TestReadinessWakeNotifyAndForget(t *testing.T) {
	p, err := Open()
	require.NoError(t, err)
	defer p.Close()
	a, b := pair(t)

	var got []Event
	tok, err := p.Register(a, func(ev Event) { got = append(got, ev) })
	require.NoError(t, err)
	assert.Equal(t, 1, p.Registered())

	// Registered sockets are reported once as soon as they are ready:
	// here writable, and nothing to read yet.
	waitFor(p)
	require.Len(t, got, 1)
	assert.NotZero(t, got[0]&Writable)
	assert.Zero(t, got[0]&Readable)

	// Bytes from the peer: readable, once (edge-triggered).
	got = nil
	_, err = unix.Write(b, []byte("hi"))
	require.NoError(t, err)
	waitFor(p)
	require.Len(t, got, 1)
	assert.NotZero(t, got[0]&Readable)
	assert.Zero(t, got[0]&Hangup)
	assert.Equal(t, 0, p.Wait(0), "an edge is reported once")

	// Notify reports the token readable again, without new bytes.
	got = nil
	p.Notify(tok)
	waitFor(p)
	require.Len(t, got, 1)
	assert.Equal(t, Readable, got[0])

	// A Wake from another goroutine ends a wait with nothing to dispatch.
	go p.Wake()
	assert.Equal(t, 0, p.Wait(-1))

	// The peer's close is a hangup.
	got = nil
	require.NoError(t, unix.Shutdown(b, unix.SHUT_WR))
	waitFor(p)
	require.Len(t, got, 1)
	assert.NotZero(t, got[0]&Hangup)

	// After Forget, readiness of the socket is not dispatched.
	p.Forget(tok)
	assert.Equal(t, 0, p.Registered())
	p.Notify(tok)
	assert.Equal(t, 0, p.Wait(0))
}

func TestRegisterAfterCloseFails(t *testing.T) {
	p, err := Open()
	require.NoError(t, err)
	require.NoError(t, p.Close())
	require.NoError(t, p.Close(), "Close is idempotent")
	a, _ := pair(t)
	_, err = p.Register(a, func(Event) {})
	assert.ErrorIs(t, err, ErrClosed)
	p.Wake() // harmless after Close
}

func TestAWaitPastAMillisecondGoesThroughTheRuntime(t *testing.T) {
	p, err := Open()
	require.NoError(t, err)
	defer p.Close()
	if runtime.GOMAXPROCS(0) == 1 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	}

	// Nothing is ready: the first millisecond is raw, the rest is not.
	assert.Zero(t, p.Wait(5*time.Millisecond))
	assert.Equal(t, 1, p.rawWaits)
	assert.Equal(t, 1, p.runtimeWaits)

	// A wait of at most a millisecond is raw only.
	assert.Zero(t, p.Wait(time.Millisecond))
	assert.Equal(t, 2, p.rawWaits)
	assert.Equal(t, 1, p.runtimeWaits)

	// What is ready before a wait forever is taken by the raw part.
	p.Wake()
	p.Wait(-1)
	assert.Equal(t, 3, p.rawWaits)
	assert.Equal(t, 1, p.runtimeWaits)
}

func TestWithOneProcessorAWaitGoesThroughTheRuntime(t *testing.T) {
	p, err := Open()
	require.NoError(t, err)
	defer p.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))

	// The raw part only looks: with one processor, a raw wait would
	// keep every other goroutine from running.
	assert.Zero(t, p.Wait(time.Millisecond))
	assert.Equal(t, 1, p.rawWaits)
	assert.Equal(t, 1, p.runtimeWaits)

	// A goroutine can still end a wait forever.
	woke := make(chan struct{})
	go func() { p.Wake(); close(woke) }()
	p.Wait(-1) // ended by the Wake, or by a signal (EINTR)
	<-woke
	p.Wait(0) // takes a wakeup a signal left unread
	waits := p.runtimeWaits

	// A change of GOMAXPROCS is seen by the next wait through the
	// runtime, and with two processors the raw part waits again.
	runtime.GOMAXPROCS(2)
	assert.Zero(t, p.Wait(time.Millisecond)) // still one: the runtime's wait
	assert.Equal(t, waits+1, p.runtimeWaits)
	assert.Zero(t, p.Wait(time.Millisecond))
	assert.Equal(t, waits+1, p.runtimeWaits)
}

func TestAProcessorIsLeftFreeOfRawWaits(t *testing.T) {
	p, err := Open()
	require.NoError(t, err)
	defer p.Close()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))

	// Another loop holds one of the two processors in a raw wait: this
	// one's wait goes through the runtime.
	rawWaiters.Add(1)
	assert.Zero(t, p.Wait(time.Millisecond))
	rawWaiters.Add(-1)
	assert.Equal(t, 1, p.runtimeWaits)

	// Alone, it waits raw.
	assert.Zero(t, p.Wait(time.Millisecond))
	assert.Equal(t, 1, p.runtimeWaits)
	assert.Zero(t, rawWaiters.Load())
}
