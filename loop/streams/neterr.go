package streams

import "net"

// errNetClosed is net.ErrClosed, which ErrClosing wraps so that code
// written for net.Conn recognises a closed stream.
var errNetClosed = net.ErrClosed
