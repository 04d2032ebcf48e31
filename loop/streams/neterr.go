package streams

import (
	"net"
	"os"
)

// errNetClosed is net.ErrClosed, which ErrClosing wraps so that code
// written for net.Conn recognises a closed stream.
var errNetClosed = net.ErrClosed

// opError wraps a system call's error as package net does.
func (s *stream) opError(op string, err error) error {
	nc := s.conn()
	return &net.OpError{Op: op, Net: nc.LocalAddr().Network(), Source: nc.LocalAddr(),
		Addr: nc.RemoteAddr(), Err: os.NewSyscallError(op, err)}
}
