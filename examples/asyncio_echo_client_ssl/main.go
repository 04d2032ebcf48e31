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
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/goasyncio/asyncio/examples/internal/echo"
	"github.com/goasyncio/asyncio/examples/internal/engine"
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

// writeNUL ends the message with a NUL byte: TLS does not support EOF.
func writeNUL(w *streams.Writer) error { return w.Write([]byte{0}) }

// run is the chapter's client, echo.Client (shared with
// asyncio_echo_client_coroutine), over TLS trusting certFile.
func run(w io.Writer, engineName, addr, certFile string, opts ...loop.Option) error {
	cfg, err := trusting(certFile)
	if err != nil {
		return err
	}
	return echo.RunClient(w, engineName, addr, messages, writeNUL, opts, streams.WithTLS(cfg))
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
