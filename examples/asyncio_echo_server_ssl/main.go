// Command asyncio_echo_server_ssl is the TLS echo server of the chapter's
// SSL page: the Go translation of asyncio_echo_server_ssl.py. It serves on
// localhost port 10000 (-addr) with the certificate and key in pymotw.crt
// and pymotw.key (-cert, -key; the chapter makes them with openssl req
// -newkey rsa:2048 -nodes -keyout pymotw.key -x509 -days 365 -out
// pymotw.crt), until interrupted, logging to standard error in the
// chapter's format; run asyncio_echo_client_ssl against it.
//
// TLS cannot half-close a connection, so the client ends its message with
// a NUL byte instead of writing EOF; the server strips it and closes. As
// in asyncio_echo_server_coroutine, asyncio's selector line has no
// counterpart, and Go listens on localhost's first address only.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/goasyncio/asyncio/examples/internal/echo"
	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/examples/internal/pylog"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// handler serves one connection: it sends back what it reads, 128 bytes
// at a time, until the message's NUL terminator (or the end of the stream).
func handler(out *pylog.Output) streams.Handler {
	return func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
		log := out.Logger(pylog.Peer(w.RemoteAddr()))
		log("connection accepted")
		for {
			data, err := r.Read(ctx, 128)
			if err != nil && !errors.Is(err, io.EOF) {
				return err
			}
			terminate := bytes.HasSuffix(data, []byte{0})
			data = bytes.TrimRight(data, "\x00")
			if len(data) > 0 {
				log("received %s", pyfmt.Bytes(data))
				if err := w.Write(data); err != nil {
					return err
				}
				if err := w.Drain(ctx); err != nil {
					return err
				}
				log("sent %s", pyfmt.Bytes(data))
			}
			if len(data) == 0 || terminate {
				log("message terminated, closing connection")
				return w.Close()
			}
		}
	}
}

// run serves on addr with the key pair in certFile and keyFile until the
// loop is stopped; started is called once the server listens (main: it
// stops the loop on Ctrl-C).
func run(w io.Writer, engineName, addr, certFile, keyFile string, started func(*loop.Loop, net.Addr) error, opts ...loop.Option) error {
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return err
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}}
	return echo.Serve(w, engineName, addr, handler, started, opts, streams.WithTLS(cfg))
}

func main() {
	name := engine.Flag()
	addr := flag.String("addr", "localhost:10000", "address to serve on")
	certFile := flag.String("cert", "pymotw.crt", "the server's certificate (PEM)")
	keyFile := flag.String("key", "pymotw.key", "the certificate's private key (PEM)")
	flag.Parse()
	if err := run(os.Stderr, *name, *addr, *certFile, *keyFile, echo.StopOnInterrupt); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
