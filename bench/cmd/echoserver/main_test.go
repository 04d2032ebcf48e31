package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// Every server echoes a request larger than one read, to two clients at
// once, and stops when told.
func TestEchoesOnEveryEngine(t *testing.T) {
	serves := map[string]func(string, context.Context, func(net.Addr)) error{
		"single": func(a string, s context.Context, r func(net.Addr)) error { return serveLoop("single", a, s, r) },
		"pool":   func(a string, s context.Context, r func(net.Addr)) error { return serveLoop("pool", a, s, r) },
		"gonet":  serveGoNet,
	}
	for name, serve := range serves {
		t.Run(name, func(t *testing.T) {
			stop, cancel := context.WithCancel(context.Background())
			addrc := make(chan net.Addr, 1)
			errc := make(chan error, 1)
			go func() { errc <- serve("127.0.0.1:0", stop, func(a net.Addr) { addrc <- a }) }()
			addr := (<-addrc).String()
			msg := bytes.Repeat([]byte("0123456789abcdef"), 10<<10) // 160 KiB
			var conns []net.Conn
			for range 2 {
				c, err := net.Dial("tcp", addr)
				require.NoError(t, err)
				conns = append(conns, c)
			}
			for _, c := range conns {
				go func() { _, _ = c.Write(msg) }()
			}
			for _, c := range conns {
				got := make([]byte, len(msg))
				_, err := io.ReadFull(c, got)
				require.NoError(t, err)
				assert.True(t, bytes.Equal(msg, got))
			}
			cancel()
			require.NoError(t, <-errc)
			for _, c := range conns {
				c.Close()
			}
		})
	}
}
