//go:build !unix

package streams

import "net"

// readRaw reads nothing off Unix (Windows sockets complete reads through
// IOCP, and a RawConn's Read cannot wait there): readLoop uses nc.Read.
func (s *stream) readRaw(net.Conn) bool { return false }
