package streams_test

import (
	"bufio"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/goasyncio/asyncio/loop"
	"github.com/goasyncio/asyncio/loop/streams"
)

// testTLS makes a self-signed certificate for localhost, made at test time,
// and the server and client configurations that trust it.
func testTLS(t *testing.T) (server, client *tls.Config) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}},
		&tls.Config{RootCAs: pool}
}

func TestTLSEcho(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		srvCfg, cliCfg := testTLS(t)
		got, err := run(l, func(ctx context.Context) (string, error) {
			srv := serve(ctx, t, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				assert.False(t, w.CanWriteEOF(), "TLS cannot half-close")
				assert.ErrorIs(t, w.WriteEOF(), streams.ErrCannotWriteEOF)
				line, err := r.ReadLine(ctx)
				if err != nil {
					return err
				}
				if err := w.Write(line); err != nil {
					return err
				}
				return w.Drain(ctx)
			}, streams.WithTLS(srvCfg))
			defer srv.Close()
			r, w, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String(), streams.WithTLS(cliCfg))
			if err != nil {
				return "", err
			}
			defer w.Close()
			require.NoError(t, w.Write([]byte("over TLS\n")))
			line, err := r.ReadLine(ctx)
			return string(line), err
		})
		require.NoError(t, err)
		assert.Equal(t, "over TLS\n", got)
	})
}

func TestTLSHandshakeFailureIsReported(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		srvCfg, _ := testTLS(t)
		_, err := run(l, func(ctx context.Context) (struct{}, error) {
			srv := serve(ctx, t, echo, streams.WithTLS(srvCfg))
			defer srv.Close()
			// A client that trusts nobody: its handshake fails, typed.
			_, _, err := streams.OpenConnection(ctx, "tcp", srv.Addr().String(), streams.WithTLS(&tls.Config{RootCAs: x509.NewCertPool()}))
			var unknown x509.UnknownAuthorityError
			assert.ErrorAs(t, err, &unknown)
			return struct{}{}, nil
		})
		require.NoError(t, err)
	}, loop.WithExceptionHandler(func(error) {})) // the server's side of the failed handshake
}

func TestUnixSocketAndNetConnView(t *testing.T) {
	eachEngine(t, func(t *testing.T, l *loop.Loop) {
		path := filepath.Join(t.TempDir(), "echo.sock")
		got, err := run(l, func(ctx context.Context) (string, error) {
			srv, err := streams.StartServer(ctx, func(ctx context.Context, r *streams.Reader, w *streams.Writer) error {
				// Go code written for net.Conn, inside the handler.
				c := streams.NetConn(ctx, r, w)
				line, err := bufio.NewReader(c).ReadString('\n')
				if err != nil {
					return err
				}
				_, err = c.Write([]byte("unix: " + line))
				return err
			}, "unix", path)
			require.NoError(t, err)
			defer srv.Close()
			r, w, err := streams.OpenConnection(ctx, "unix", path)
			require.NoError(t, err)
			defer w.Close()
			c := streams.NetConn(ctx, r, w)
			_, err = c.Write([]byte("hello\n"))
			require.NoError(t, err)

			// A read past its deadline fails as net.Conn's do, even with
			// the reply already buffered, and the stream stays usable.
			_, err = r.ReadUntil(ctx, []byte("unix: ")) // the reply has come
			require.NoError(t, err)
			require.NoError(t, c.SetReadDeadline(time.Now().Add(-time.Second)))
			_, err = c.Read(make([]byte, 1))
			var ne net.Error
			require.ErrorAs(t, err, &ne)
			assert.True(t, ne.Timeout())
			require.NoError(t, c.SetReadDeadline(time.Time{}))

			line, err := bufio.NewReader(c).ReadString('\n')
			return line, err
		})
		require.NoError(t, err)
		assert.Equal(t, "hello\n", got)
	})
}
