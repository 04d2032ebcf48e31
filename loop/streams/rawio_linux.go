//go:build linux

package streams

import (
	"io"
	"net"
	"os"
	"unsafe"

	"golang.org/x/sys/unix"
)

// rawRead and rawWrite are read(2) and write(2) on a socket of the loop's
// poller, without telling the Go scheduler that a system call is under
// way (unix.Read and unix.Write do, through entersyscall and
// exitsyscall). The socket is non-blocking, so the call returns at once
// with bytes or EAGAIN, and there is nothing for the scheduler to hand
// off meanwhile. bench/cmd/echoserver -engine=single, 10 conns, 1 KiB
// (the report's workload 10a), 4 interleaved rounds, medians: 9.87 ->
// 9.27 us of server CPU a request, 13.05 -> 12.8 us a request.
//
// They return n < 0 with the error, and (0, nil) at EOF, as unix.Read and
// unix.Write do.
func rawRead(fd int, b []byte) (int, error) {
	return rawIO(unix.SYS_READ, fd, b)
}

func rawWrite(fd int, b []byte) (int, error) {
	return rawIO(unix.SYS_WRITE, fd, b)
}

func rawIO(trap uintptr, fd int, b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n, _, e := unix.RawSyscall(trap, uintptr(fd), uintptr(unsafe.Pointer(&b[0])), uintptr(len(b)))
	if e != 0 {
		return -1, e
	}
	return int(n), nil
}

// sockWrite is the eager write's system call (see rawWriter): rawWrite,
// for the same reason as on the poller.
func sockWrite(fd int, p []byte) (int, error) { return rawWrite(fd, p) }

// socketReader returns the read goroutine's read of nc's socket, for TCP
// and Unix stream sockets, and nil for any other connection (TLS, a
// net.Pipe), which is read through its Read. It reads with rawRead and
// waits in Go's netpoller (through the socket's syscall.RawConn) while
// there is nothing to read, so it blocks as nc.Read does, honours nc's
// deadlines and its Close, and returns errors of the same shape:
// io.EOF, or a *net.OpError.
//
// Why raw: on the pool both processors are busy, and the runtime's
// monitor then takes the processor from a goroutine in a system call
// that spans one of its ticks, handing it to another thread, and keeps
// itself waking every 20 us while it finds such calls to retake. Reads
// and writes that never block need none of that. bench/cmd/echoserver
// -engine=pool, 10 conns, 1 KiB (the report's workload 10a), 5
// interleaved rounds: server CPU a request 18.6 -> 17.4 us (medians; 6.5%
// less, paired), and the monitor's wakeups in 4 s 15,390 -> 579.
func socketReader(nc net.Conn) func([]byte) (int, error) {
	rc := socketOf(nc)
	if rc == nil {
		return nil
	}
	netw, laddr, raddr := nc.LocalAddr().Network(), nc.LocalAddr(), nc.RemoteAddr()
	opErr := func(err error) error {
		return &net.OpError{Op: "read", Net: netw, Source: laddr, Addr: raddr, Err: err}
	}
	return func(b []byte) (int, error) {
		var n int
		var rerr error
		err := rc.Read(func(fd uintptr) bool {
			for {
				n, rerr = rawRead(int(fd), b)
				if rerr != unix.EINTR {
					break
				}
			}
			return rerr != unix.EAGAIN // false: wait until readable, then call again
		})
		switch {
		case err != nil: // closed, or past a deadline
			return 0, opErr(err)
		case rerr != nil:
			return 0, opErr(os.NewSyscallError("read", rerr))
		case n == 0:
			return 0, io.EOF
		}
		return n, nil
	}
}
