package streams_test

import (
	"net"
	"testing"
	"time"
)

// fullBacklog returns the address of a listener that never accepts, with
// its accept queue filled, so that a further dial hangs in the handshake;
// ok is false where the platform still completes dials (then the caller
// skips the check).
func fullBacklog(t *testing.T) (addr string, ok bool) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ln.Close() })
	addr = ln.Addr().String()
	// The queue's length is the kernel's somaxconn: fill it with dials
	// that each get a short deadline, until one fails to connect and a
	// second, with a longer one, confirms it (on a slow machine, an
	// emulator, a dial can miss 20 ms with room left in the queue: the
	// arm64 run under qemu did once, and the check then connected).
	for range 8192 {
		c, err := net.DialTimeout("tcp", addr, 20*time.Millisecond)
		if err != nil {
			c, err = net.DialTimeout("tcp", addr, 500*time.Millisecond)
			if err != nil {
				return addr, true
			}
		}
		t.Cleanup(func() { _ = c.Close() })
	}
	return addr, false
}
