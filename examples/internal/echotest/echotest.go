// Package echotest holds what the echo examples' tests share: a
// certificate made at test time, a normalizer for the lines in their
// output that depend on how TCP splits the bytes, a runner for a server
// program, and a Python peer server.
package echotest

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/goasyncio/asyncio/loop"
)

// Cert writes a self-signed certificate and its key, for localhost and
// its loopback addresses, valid for an hour, into a temporary directory,
// and returns the two files' paths: the test-time stand-in for the
// chapter's pymotw.crt and pymotw.key.
func Cert(t testing.TB) (certFile, keyFile string) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "pymotw.crt"), filepath.Join(dir, "pymotw.key")
	write := func(name, typ string, der []byte) {
		if err := os.WriteFile(name, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(certFile, "CERTIFICATE", der)
	write(keyFile, "PRIVATE KEY", kder)
	return certFile, keyFile
}

// peer matches a connection's logger name, echo_HOST_PORT.
var peer = regexp.MustCompile(`^echo_\S+_\d+: `)

// line is one parsed log line: "who: verb b'data'", or "who: rest".
type line struct {
	who, verb, data, text string
}

// dataLine matches a line that logs bytes received or sent.
var dataLine = regexp.MustCompile(`^(\S+): (received|sent) b'(.*)'$`)

// Normalize rewrites out so that it no longer depends on the peer's
// address or on how TCP split the bytes: every connection's logger is
// called echo_PEER, and a run of "received X" lines (each one followed by
// "sent X", on a server) by one logger becomes one such line (or pair)
// for the bytes joined. Bytes received and sent differently stay as they
// are, so a test comparing with the chapter's output still fails.
func Normalize(out string) string {
	var lines []line
	for _, s := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		s = peer.ReplaceAllString(s, "echo_PEER: ")
		if m := dataLine.FindStringSubmatch(s); m != nil {
			lines = append(lines, line{who: m[1], verb: m[2], data: m[3], text: s})
		} else {
			lines = append(lines, line{text: s})
		}
	}
	var b strings.Builder
	emit := func(who, verb, data string) { b.WriteString(who + ": " + verb + " b'" + data + "'\n") }
	for i := 0; i < len(lines); {
		l := lines[i]
		if l.verb != "received" {
			b.WriteString(l.text + "\n")
			i++
			continue
		}
		// A run of received lines, each perhaps followed by its echo.
		var got strings.Builder
		echoed := true
		j := i
		for j < len(lines) && lines[j].verb == "received" && lines[j].who == l.who {
			got.WriteString(lines[j].data)
			if j+1 < len(lines) && lines[j+1].verb == "sent" && lines[j+1].who == l.who && lines[j+1].data == lines[j].data {
				j += 2
				continue
			}
			echoed = false
			j++
			if j < len(lines) && lines[j].verb == "sent" {
				break // an echo of other bytes: leave it for the comparison
			}
		}
		emit(l.who, "received", got.String())
		if echoed && lines[j-1].verb == "sent" {
			emit(l.who, "sent", got.String())
		}
		i = j
	}
	return b.String()
}

// Serve runs a server program (run, on a port of its own, with started as
// its hook), calls clients with the address once it listens, then stops
// the loop and returns the program's output with its port as PORT.
func Serve(t testing.TB, run func(w io.Writer, addr string, started func(*loop.Loop, net.Addr) error) error, clients func(addr string)) string {
	t.Helper()
	var out bytes.Buffer
	type ready struct {
		l    *loop.Loop
		addr net.Addr
	}
	readyc := make(chan ready, 1)
	errc := make(chan error, 1)
	go func() {
		errc <- run(&out, "localhost:0", func(l *loop.Loop, addr net.Addr) error {
			readyc <- ready{l, addr}
			return nil
		})
	}()
	var r ready
	select {
	case r = <-readyc:
	case err := <-errc:
		t.Fatalf("the server did not start: %v", err)
	}
	clients(r.addr.String())
	if _, err := r.l.CallSoonThreadsafe(r.l.Stop); err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	_, port, _ := net.SplitHostPort(r.addr.String())
	return strings.Replace(out.String(), "port "+port+"\n", "port PORT\n", 1)
}

// PythonServer runs script with python3 and args: a server that prints its
// port on a line of its own and serves until its standard input closes.
// It returns the server's address; the test's cleanup stops it and checks
// that it exited cleanly. It skips the test where python3 is not installed.
func PythonServer(t testing.TB, script string, args ...string) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	cmd := exec.Command(py, append([]string{"-c", script}, args...)...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("the Python server: %v", err)
		}
	})
	port, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strings.TrimSpace(port)
}
