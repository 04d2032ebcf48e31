//go:build !linux

package streams

import "net"

// socketReader has no faster read to offer off Linux: the read goroutine
// reads through the connection's Read (see the Linux version).
func socketReader(net.Conn) func([]byte) (int, error) { return nil }
