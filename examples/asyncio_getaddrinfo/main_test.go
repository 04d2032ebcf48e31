package main

import (
	"bytes"
	"net"
	"os/exec"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/goasyncio/asyncio/examples/internal/engine"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The chapter's names resolve to other addresses today, so the test looks
// up names every machine has and checks the chapter's format: the name
// padded to 20 columns, a colon, the address.
func TestPrintsTheChaptersFormat(t *testing.T) {
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(&out, name, []target{{"localhost", "https"}, {"127.0.0.1", "443"}}))
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			require.NotEmpty(t, lines)
			assert.Equal(t, "127.0.0.1           : 127.0.0.1", lines[len(lines)-1])
			for _, l := range lines[:len(lines)-1] {
				host, addr, ok := strings.Cut(l, ": ")
				require.True(t, ok, l)
				assert.Equal(t, "localhost           ", host)
				assert.True(t, net.ParseIP(addr).IsLoopback(), l)
			}
		})
	}
}

// pythonGetAddrInfo prints the addresses Python's getaddrinfo gives for
// its arguments, one per line, as the chapter's program does.
const pythonGetAddrInfo = `
import socket, sys
for info in socket.getaddrinfo(sys.argv[1], sys.argv[2], proto=socket.IPPROTO_TCP):
    print(info[4][0])
`

// The addresses are the ones Python's getaddrinfo finds, order aside.
func TestFindsWhatPythonFinds(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	py3, err := exec.Command(py, "-c", pythonGetAddrInfo, "localhost", "https").Output()
	require.NoError(t, err)
	want := strings.Fields(string(py3))
	sort.Strings(want)
	for _, name := range engine.Names {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			require.NoError(t, run(&out, name, []target{{"localhost", "https"}}))
			var got []string
			for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
				_, addr, _ := strings.Cut(l, ": ")
				got = append(got, addr)
			}
			sort.Strings(got)
			assert.Equal(t, want, got)
		})
	}
}
