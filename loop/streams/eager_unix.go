//go:build unix

package streams

import (
	"net"
	"syscall"
)

// rawWriter returns a function that writes to nc's socket without
// waiting, for TCP and Unix stream sockets (whose descriptors Go keeps
// non-blocking); nil for any other connection (TLS, a net.Pipe). The
// function is not safe for concurrent use: the stream calls it only with
// flushing claimed.
func rawWriter(nc net.Conn) func(p []byte) int {
	rc := socketOf(nc)
	if rc == nil {
		return nil
	}
	w := &eagerWriter{rc: rc}
	w.sendFn = w.send
	return w.write
}

// eagerWriter is rawWriter's state. The bytes and the count go through
// its fields, not a closure, and its send is bound once: a closure made
// per Write cost two allocations a call
// (TestEagerWriteSendsWithoutAllocating), the pool's echo server's most
// frequent, though its time a request did not move measurably (4
// interleaved rounds of bench/cmd/echoserver -engine=pool, 10 conns x
// 1 KiB).
type eagerWriter struct {
	rc     syscall.RawConn
	sendFn func(fd uintptr) bool // w.send
	p      []byte                // what the write in progress sends
	n      int                   // how much of p it sent
}

// write makes one attempt to send p and returns how much the socket took.
func (w *eagerWriter) write(p []byte) int {
	w.p, w.n = p, 0
	err := w.rc.Write(w.sendFn)
	n := w.n
	w.p = nil
	if err != nil {
		return 0
	}
	return n
}

// send is the attempt, on the socket's descriptor. Returning true tells
// the runtime not to wait for the socket to become writable: what it
// could not send goes to the write goroutine.
func (w *eagerWriter) send(fd uintptr) bool {
	// A plain system call, not the poller's raw one (rawWrite), and the
	// read goroutine reads through nc.Read for the same reason. Both raw
	// cut the pool's server CPU a request by 6-8% at 10 conns x 1 KiB,
	// with the same time a request, but made its 1-connection p50 30%
	// worse (34 -> 44 us, 3 interleaved rounds, bench/cmd/echoserver
	// -engine=pool): with no system call entered, the runtime's monitor
	// stays asleep, and on a VM the processors then sleep deeper between
	// messages, so each wakeup is slower. One entered call a message is
	// enough to keep the latency.
	m, err := syscall.Write(int(fd), w.p)
	if err == nil && m > 0 {
		w.n = m
	}
	return true
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
