package main

import (
	"bytes"
	"net/netip"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The chapter's addresses have other names today (or none), so the test
// asks about the loopback address and a port with no service name, and
// checks the chapter's format: the address padded to 15 columns, a colon,
// the host and the service.
func TestPrintsTheChaptersFormat(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(&out, name, []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:443")}))
			line := strings.TrimSuffix(out.String(), "\n")
			addr, rest, ok := strings.Cut(line, ": ")
			require.True(t, ok, line)
			assert.Equal(t, "127.0.0.1      ", addr)
			fields := strings.Fields(rest)
			require.Len(t, fields, 2, line)
			assert.Equal(t, "https", fields[1], "the services database names 443")
		})
	}
}

// pythonGetNameInfo prints what the chapter's program prints for one
// address and port, with Python's socket.getnameinfo.
const pythonGetNameInfo = `
import socket, sys
host, port = sys.argv[1], int(sys.argv[2])
print('{:15}: {} {}'.format(host, *socket.getnameinfo((host, port), 0)))
`

// The lines are the ones Python prints, on names every machine has.
func TestPrintsWhatPythonPrints(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	targets := []netip.AddrPort{netip.MustParseAddrPort("127.0.0.1:443"), netip.MustParseAddrPort("127.0.0.1:80")}
	var want strings.Builder
	for _, t1 := range targets {
		out, err := exec.Command(py, "-c", pythonGetNameInfo, t1.Addr().String(), strings.TrimPrefix(t1.String(), t1.Addr().String()+":")).Output()
		require.NoError(t, err)
		want.Write(out)
	}
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(&out, name, targets))
			assert.Equal(t, want.String(), out.String())
		})
	}
}
