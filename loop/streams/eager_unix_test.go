//go:build unix

package streams

import (
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The eager write is on every message of a stream that keeps up (the pool
// and the portable path): it sends what it is given, and allocates
// nothing.
func TestEagerWriteSendsWithoutAllocating(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	defer nc.Close()
	peer := <-accepted
	require.NotNil(t, peer)
	defer peer.Close()

	write := rawWriter(nc)
	require.NotNil(t, write, "a TCP connection has a raw writer")
	msg := []byte("sixteen bytes ok")
	const runs = 100
	sent := 0
	allocs := testing.AllocsPerRun(runs, func() { sent += write(msg) })
	// AllocsPerRun calls the function once more to warm up; the socket
	// buffer takes all of it, so every call sends the whole message.
	require.Equal(t, (runs+1)*len(msg), sent)
	require.NoError(t, nc.(*net.TCPConn).CloseWrite())
	got, err := io.ReadAll(peer)
	require.NoError(t, err)
	assert.Len(t, got, sent)
	assert.Equal(t, string(msg), string(got[len(got)-len(msg):]))
	if !raceEnabled {
		assert.Zero(t, allocs, "allocations per eager write")
	}
}
