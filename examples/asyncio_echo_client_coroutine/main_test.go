package main

import (
	"bytes"
	"io"
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/echotest"
	"github.com/goasyncio/asyncio/examples/internal/engine"
)

// The client's output in the chapter, less the selector line (see the
// package comment), with the port as PORT. The chapter's third run got
// the echo in two reads; echotest.Normalize joins split reads.
const want = `echo_client: connecting to localhost port PORT
echo_client: sending b'This is the message. '
echo_client: sending b'It will be sent '
echo_client: sending b'in parts.'
echo_client: waiting for response
echo_client: received b'This is the message. It will be sent in parts.'
echo_client: closing
main: closing event loop
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// goServer is an echo server in plain Go, a goroutine per connection; it
// returns its address and a function that stops it and waits for its
// goroutines.
func goServer(t *testing.T) (string, func()) {
	ln, err := net.Listen("tcp", "localhost:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				_, _ = io.Copy(c, c)
			})
		}
	})
	return ln.Addr().String(), func() { ln.Close(); wg.Wait() }
}

// client runs the program against addr on engine name and returns its
// output with the port as PORT.
func client(t *testing.T, name, addr string) string {
	var out bytes.Buffer
	require.NoError(t, run(&out, name, addr))
	_, port, _ := net.SplitHostPort(addr)
	return strings.Replace(out.String(), "port "+port+"\n", "port PORT\n", 1)
}

func TestOutputMatchesPython(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			addr, stop := goServer(t)
			defer stop()
			_, port, _ := net.SplitHostPort(addr)
			for range 3 {
				assert.Equal(t, want, echotest.Normalize(client(t, name, "localhost:"+port)))
			}
		})
	}
}

// pythonServer is an asyncio echo server (asyncio's streams, as the
// chapter's server uses them) on a port of its own, which it prints; it
// serves until its standard input closes.
const pythonServer = `
import asyncio, sys

async def echo(reader, writer):
    while data := await reader.read(128):
        writer.write(data)
        await writer.drain()
    writer.close()
    await writer.wait_closed()

async def main():
    server = await asyncio.start_server(echo, '127.0.0.1', 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()
    await server.wait_closed()

asyncio.run(main())
`

// The client talks to a real asyncio server on each engine.
func TestTalksToAPythonAsyncioServer(t *testing.T) {
	addr := echotest.PythonServer(t, pythonServer)
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, strings.Replace(want, "localhost", "127.0.0.1", 1), echotest.Normalize(client(t, name, addr)))
		})
	}
}
