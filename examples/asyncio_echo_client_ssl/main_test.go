package main

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
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

// The client's output in the chapter, less the selector line, with the
// port as PORT and the echo's split into reads joined by
// echotest.Normalize (the chapter's run got it in two).
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

// goServer is the chapter's TLS echo server in plain Go: it echoes what
// it reads, less NUL bytes, and closes after the NUL that ends a message.
// It returns its address and a function that stops it.
func goServer(t *testing.T, certFile, keyFile string) (string, func()) {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	require.NoError(t, err)
	ln, err := tls.Listen("tcp", "localhost:0", &tls.Config{Certificates: []tls.Certificate{cert}})
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
				buf := make([]byte, 128)
				for {
					n, err := c.Read(buf)
					data := bytes.TrimRight(buf[:n], "\x00")
					if _, werr := c.Write(data); werr != nil || err != nil || len(data) < n {
						return
					}
				}
			})
		}
	})
	return ln.Addr().String(), func() { ln.Close(); wg.Wait() }
}

func client(t *testing.T, name, addr, certFile string) string {
	var out bytes.Buffer
	require.NoError(t, run(&out, name, addr, certFile))
	_, port, _ := net.SplitHostPort(addr)
	return strings.Replace(out.String(), "port "+port+"\n", "port PORT\n", 1)
}

func TestOutputMatchesPython(t *testing.T) {
	certFile, keyFile := echotest.Cert(t)
	addr, stop := goServer(t, certFile, keyFile)
	defer stop()
	_, port, _ := net.SplitHostPort(addr)
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, want, echotest.Normalize(client(t, name, "localhost:"+port, certFile)))
		})
	}
}

// A certificate the client does not trust fails the handshake.
func TestRefusesAnUntrustedServer(t *testing.T) {
	certFile, keyFile := echotest.Cert(t)
	otherCert, _ := echotest.Cert(t)
	addr, stop := goServer(t, certFile, keyFile)
	defer stop()
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			err := run(&out, name, addr, otherCert)
			var unknown x509.UnknownAuthorityError
			assert.ErrorAs(t, err, &unknown)
		})
	}
}

// pythonServer is an asyncio TLS echo server, as the chapter's: it echoes
// what it reads, less NUL bytes, and closes the connection after the NUL
// that ends a message. It prints its port and serves until its standard
// input closes.
const pythonServer = `
import asyncio, ssl, sys

async def echo(reader, writer):
    while True:
        data = await reader.read(128)
        end = data.endswith(b'\x00')
        data = data.rstrip(b'\x00')
        if data:
            writer.write(data)
            await writer.drain()
        if not data or end:
            writer.close()
            return

async def main(cert, key):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    server = await asyncio.start_server(echo, '127.0.0.1', 0, ssl=ctx)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    server.close()

asyncio.run(main(sys.argv[1], sys.argv[2]))
`

// The client talks to a real asyncio TLS server on each engine.
func TestTalksToAPythonAsyncioServer(t *testing.T) {
	certFile, keyFile := echotest.Cert(t)
	addr := echotest.PythonServer(t, pythonServer, certFile, keyFile)
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, strings.Replace(want, "localhost", "127.0.0.1", 1), echotest.Normalize(client(t, name, addr, certFile)))
		})
	}
}
