//go:build !unix

package streams

import "net"

// rawWriter has no non-blocking write to offer off Unix (Windows
// sockets complete writes through IOCP): every write goes through the
// write goroutine.
func rawWriter(net.Conn) func(p []byte) int { return nil }
