//go:build unix

package streams

import (
	"net"
	"syscall"
)

// rawWriter returns a function that writes to nc's socket without
// waiting, for TCP and Unix stream sockets (whose descriptors Go keeps
// non-blocking); nil for any other connection (TLS, a net.Pipe).
func rawWriter(nc net.Conn) func(p []byte) int {
	rc := socketOf(nc)
	if rc == nil {
		return nil
	}
	return func(p []byte) int {
		n := 0
		// Returning true tells the runtime not to wait for the socket to
		// become writable: this is one attempt, and what it could not
		// send goes to the write goroutine.
		if err := rc.Write(func(fd uintptr) bool {
			// A plain system call, not the poller's raw one (rawWrite),
			// and the read goroutine reads through nc.Read for the same
			// reason. Both raw cut the pool's server CPU a request by 6-8%
			// at 10 conns x 1 KiB, with the same time a request, but made
			// its 1-connection p50 30% worse (34 -> 44 us, 3 interleaved
			// rounds, bench/cmd/echoserver -engine=pool): with no system
			// call entered, the runtime's monitor stays asleep, and on a
			// VM the processors then sleep deeper between messages, so
			// each wakeup is slower. One entered call a message is enough
			// to keep the latency.
			m, werr := syscall.Write(int(fd), p)
			if werr == nil && m > 0 {
				n = m
			}
			return true
		}); err != nil {
			return 0
		}
		return n
	}
}

// socketOf returns the socket of nc if it is a TCP or Unix stream
// connection, and nil for any other (TLS, a net.Pipe).
func socketOf(nc net.Conn) syscall.RawConn {
	var sc syscall.Conn
	switch c := nc.(type) {
	case *net.TCPConn:
		sc = c
	case *net.UnixConn:
		sc = c
	default:
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	return rc
}
