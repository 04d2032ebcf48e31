package main

import (
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/echotest"
	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/loop"
)

// messages are the parts the chapter's client sends.
var messages = []string{"This is the message. ", "It will be sent ", "in parts."}

// The server's output in the chapter, for its three clients, less the
// selector line (see the package comment), with each peer as echo_PEER
// and the port as PORT, and with the two lines the program logs when it is
// stopped, which the chapter's run (never stopped) does not show. How the
// bytes split into reads differs between runs (the chapter's third client
// shows a split); echotest.Normalize joins them.
const want = `main: starting up on localhost port PORT
echo_PEER: connection accepted
echo_PEER: received b'This is the message. It will be sent in parts.'
echo_PEER: sent b'This is the message. It will be sent in parts.'
echo_PEER: closing
echo_PEER: connection accepted
echo_PEER: received b'This is the message. It will be sent in parts.'
echo_PEER: sent b'This is the message. It will be sent in parts.'
echo_PEER: closing
echo_PEER: connection accepted
echo_PEER: received b'This is the message. It will be sent in parts.'
echo_PEER: sent b'This is the message. It will be sent in parts.'
echo_PEER: closing
main: closing server
main: closing event loop
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve runs the program on engine name, on a port of its own, calls
// clients with the address once it listens, then stops it and returns its
// output with the port as PORT.
func serve(t *testing.T, name string, clients func(addr string)) string {
	t.Helper()
	return echotest.Serve(t, func(w io.Writer, addr string, started func(*loop.Loop, net.Addr) error) error {
		return run(w, name, addr, started)
	}, clients)
}

// client is the chapter's client in plain Go: it sends the parts, closes
// its side and reads the echo to the end.
func client(t *testing.T, addr string) string {
	c, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer c.Close()
	for _, m := range messages {
		_, err := io.WriteString(c, m)
		require.NoError(t, err)
	}
	require.NoError(t, c.(*net.TCPConn).CloseWrite())
	got, err := io.ReadAll(c)
	require.NoError(t, err)
	return string(got)
}

func TestOutputMatchesPython(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			out := serve(t, name, func(addr string) {
				for range 3 {
					assert.Equal(t, strings.Join(messages, ""), client(t, addr))
				}
			})
			assert.Equal(t, want, echotest.Normalize(out))
		})
	}
}

// pythonClient is an asyncio client (asyncio's streams, as the chapter's
// client uses them): it sends the parts, writes EOF and prints what comes
// back.
const pythonClient = `
import asyncio, sys

async def main(host, port, parts):
    reader, writer = await asyncio.open_connection(host, int(port))
    for part in parts:
        writer.write(part.encode())
    writer.write_eof()
    await writer.drain()
    sys.stdout.write((await reader.read()).decode())
    writer.close()
    await writer.wait_closed()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))
`

// A real asyncio client talks to the server on each engine.
func TestServesAPythonAsyncioClient(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			out := serve(t, name, func(addr string) {
				host, port, _ := net.SplitHostPort(addr)
				got, err := exec.Command(py, append([]string{"-c", pythonClient, host, port}, messages...)...).Output()
				require.NoError(t, err)
				assert.Equal(t, strings.Join(messages, ""), string(got))
			})
			assert.Contains(t, echotest.Normalize(out),
				"echo_PEER: received b'This is the message. It will be sent in parts.'\n"+
					"echo_PEER: sent b'This is the message. It will be sent in parts.'\n"+
					"echo_PEER: closing\n")
		})
	}
}
