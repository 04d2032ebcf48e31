package main

import (
	"crypto/tls"
	"crypto/x509"
	"io"
	"net"
	"os"
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

var messages = []string{"This is the message. ", "It will be sent ", "in parts."}

// The server's output in the chapter, less the selector line, with the
// peer as echo_PEER, the port as PORT, the TLS records' split of the
// message joined by echotest.Normalize (the chapter's run got it in two),
// and the two lines logged when the program is stopped, which the
// chapter's run does not show.
const want = `main: starting up on localhost port PORT
echo_PEER: connection accepted
echo_PEER: received b'This is the message. It will be sent in parts.'
echo_PEER: sent b'This is the message. It will be sent in parts.'
echo_PEER: message terminated, closing connection
main: closing server
main: closing event loop
`

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// serve runs the program on engine name with a certificate made for the
// test, calls client with the address and the certificate's file once it
// listens, then stops it and returns its output with the port as PORT.
func serve(t *testing.T, name string, client func(addr, certFile string)) string {
	t.Helper()
	certFile, keyFile := echotest.Cert(t)
	return echotest.Serve(t, func(w io.Writer, addr string, started func(*loop.Loop, net.Addr) error) error {
		return run(w, name, addr, certFile, keyFile, started)
	}, func(addr string) { client(addr, certFile) })
}

// goClient is the chapter's client in plain Go: it sends the parts and
// the NUL terminator over TLS and reads the echo to the end.
func goClient(t *testing.T, addr, certFile string) string {
	pem, err := os.ReadFile(certFile)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	require.True(t, roots.AppendCertsFromPEM(pem))
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, ServerName: "localhost"})
	require.NoError(t, err)
	defer c.Close()
	for _, m := range messages {
		_, err := io.WriteString(c, m)
		require.NoError(t, err)
	}
	_, err = c.Write([]byte{0})
	require.NoError(t, err)
	got, err := io.ReadAll(c)
	require.NoError(t, err)
	return string(got)
}

func TestOutputMatchesPython(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			out := serve(t, name, func(addr, certFile string) {
				assert.Equal(t, strings.Join(messages, ""), goClient(t, addr, certFile))
			})
			assert.Equal(t, want, echotest.Normalize(out))
		})
	}
}

// pythonClient is an asyncio TLS client that trusts the test's
// certificate: it sends the parts and a NUL and prints the echo.
const pythonClient = `
import asyncio, ssl, sys

async def main(host, port, cafile, parts):
    ctx = ssl.create_default_context(ssl.Purpose.SERVER_AUTH, cafile=cafile)
    ctx.check_hostname = False
    reader, writer = await asyncio.open_connection(host, int(port), ssl=ctx)
    for part in parts:
        writer.write(part.encode())
    writer.write(b'\x00')
    await writer.drain()
    sys.stdout.write((await reader.read()).decode())
    writer.close()

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]))
`

// A real asyncio TLS client talks to the server on each engine.
func TestServesAPythonAsyncioClient(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			out := serve(t, name, func(addr, certFile string) {
				host, port, _ := net.SplitHostPort(addr)
				got, err := exec.Command(py, append([]string{"-c", pythonClient, host, port, certFile}, messages...)...).Output()
				require.NoError(t, err)
				assert.Equal(t, strings.Join(messages, ""), string(got))
			})
			assert.Equal(t, want, echotest.Normalize(out))
		})
	}
}
