// Command asyncio_echo_client_ssl sends a message in parts to the TLS echo
// server and logs what comes back: the Go translation of
// asyncio_echo_client_ssl.py. Start asyncio_echo_server_ssl first; both use
// localhost port 10000 (-addr), and the client trusts the server's
// certificate in pymotw.crt (-cert). It logs to standard error in the
// chapter's format.
//
// As in the chapter, the certificate is checked but not its host name
// (Python's check_hostname = False): it was made for pymotw.com. TLS
// cannot half-close, so a NUL byte marks the message's end instead of
// WriteEOF. asyncio's selector line has no counterpart.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/goasyncio/asyncio/examples/internal/engine"
	"github.com/goasyncio/asyncio/examples/internal/pyfmt"
	"github.com/goasyncio/asyncio/examples/internal/pylog"
	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

var messages = [][]byte{
	[]byte("This is the message. "),
	[]byte("It will be sent "),
	[]byte("in parts."),
}

// trusting returns a TLS configuration that accepts a server whose
// certificate chains to one in certFile, whatever host name it names.
func trusting(certFile string) (*tls.Config, error) {
	pem, err := os.ReadFile(certFile)
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate", certFile)
	}
	return &tls.Config{
		// The default check, which includes the host name, is off;
		// VerifyConnection checks the chain without it.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("the server sent no certificate")
			}
			opts := x509.VerifyOptions{Roots: roots, Intermediates: x509.NewCertPool()}
			for _, c := range cs.PeerCertificates[1:] {
				opts.Intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(opts)
			return err
		},
	}, nil
}

func echoClient(out *pylog.Output, addr string, cfg *tls.Config, messages [][]byte) future.Coroutine[struct{}] {
	return func(ctx context.Context) (struct{}, error) {
		log := out.Logger("echo_client")
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			return struct{}{}, err
		}
		log("connecting to %s port %s", host, port)
		reader, writer, err := streams.OpenConnection(ctx, "tcp", addr, streams.WithTLS(cfg))
		if err != nil {
			return struct{}{}, err
		}
		defer writer.Abort() // a no-op once closed
		for _, msg := range messages {
			if err := writer.Write(msg); err != nil {
				return struct{}{}, err
			}
			log("sending %s", pyfmt.Bytes(msg))
		}
		// TLS does not support EOF, so a NUL byte ends the message.
		if err := writer.Write([]byte{0}); err != nil {
			return struct{}{}, err
		}
		if err := writer.Drain(ctx); err != nil {
			return struct{}{}, err
		}
		log("waiting for response")
		for {
			data, err := reader.Read(ctx, 128)
			if err != nil && !errors.Is(err, io.EOF) {
				return struct{}{}, err
			}
			if len(data) == 0 {
				log("closing")
				return struct{}{}, writer.Close()
			}
			log("received %s", pyfmt.Bytes(data))
		}
	}
}

func run(w io.Writer, engineName, addr, certFile string, opts ...loop.Option) (err error) {
	cfg, err := trusting(certFile)
	if err != nil {
		return err
	}
	out := pylog.New(w)
	l, err := engine.New(engineName, opts...)
	if err != nil {
		return err
	}
	defer func() {
		out.Logger("main")("closing event loop")
		if cerr := l.Close(); err == nil {
			err = cerr
		}
	}()
	_, err = loop.RunUntilComplete(context.Background(), l, echoClient(out, addr, cfg, messages))
	return err
}

func main() {
	name := engine.Flag()
	addr := flag.String("addr", "localhost:10000", "address of the echo server")
	certFile := flag.String("cert", "pymotw.crt", "the server's certificate (PEM), trusted")
	flag.Parse()
	if err := run(os.Stderr, *name, *addr, *certFile); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
