// Package streams is asyncio's streams API on the loop, on both engines:
// OpenConnection and StartServer give a *Reader and a *Writer for a TCP,
// Unix or TLS connection, and a task that waits in Read, Drain or a
// server's accept suspends, holding neither the single-thread loop's
// thread nor a pool worker.
//
// # The API, as asyncio's
//
// Reader: Read (up to n bytes; n < 0 reads to EOF), ReadExactly (an
// *IncompleteReadError with the partial bytes, matching
// io.ErrUnexpectedEOF), ReadLine, ReadUntil with one or several
// separators (a *LimitOverrunError that leaves the buffer as it was),
// AtEOF. Where asyncio returns b"" at EOF, Read returns io.EOF. Writer:
// Write, WriteLines, StartTLS (an upgrade in place), Drain with high and
// low water marks
// (WithWriteBufferLimits; a peer that stops reading makes Drain wait and
// keeps memory near the high mark), WriteEOF and CanWriteEOF (TLS cannot
// half-close: ErrCannotWriteEOF), Close, Abort, WaitClosed, the two
// addresses. Server: Addr, Close, CloseClients, AbortClients, WaitClosed,
// ServeForever; each connection's Handler runs as a task named after the
// peer. NetConn gives Go code that wants a net.Conn (a codec, a protocol
// library) a view of a stream that suspends the calling task instead of
// blocking the loop; it is for use inside a task.
//
// Differences from asyncio, each for a reason: Server.Close also cancels
// the handlers still running (asyncio's leaves them, and its wait_closed
// can then wait forever on an idle client); a listener takes the first
// address a host name resolves to, where asyncio binds them all; and
// StartTLS hands bytes already received to TLS (see its doc).
//
// Cancelling a task blocked in Read, ReadExactly, ReadUntil or Drain ends
// the wait at once with the task's cancellation and leaves the stream as
// asyncio does: bytes not yet consumed stay buffered, and a later read
// gets them. The loop's Close closes every server and stream it has, and
// each waiting task sees the close.
//
// # Design: goroutines on Go's netpoller, on both engines
//
// Each connection has a read goroutine, which reads into the stream's
// buffer (starting at 4 KiB, doubling when a read fills it, up to
// asyncio's 256 KiB) and pauses once more than twice the limit is
// buffered, and a write goroutine, which sends what Write buffered (on
// Unix, Write first tries the socket itself without waiting, as asyncio's
// transport does, so the goroutine only sends what the socket could not
// take). They
// block in Go's runtime netpoller, which is already a reactor (epoll,
// kqueue, IOCP), and wake a waiting task by completing a promise, so the
// same code runs on every platform the library builds for, TLS included,
// and passes the same fault tests on both engines. Dials, listens and
// name lookups run on a goroutine of their own for the same reason: the
// executor's few workers (ToThread) are kept for CPU and file work.
//
// What that costs (go run ./bench/cmd/report runs the same comparison as
// its workloads 10a-10m, with the targets), measured on a 2-core machine
// with bench/cmd/echoserver
// driven by bench/cmd/echoload (request/response, 3 s per server, the
// servers interleaved in one run; server CPU per request from /proc; Go
// net is a goroutine per connection in the same binary; the Python and
// Node servers are bench/python/echo_server.py and
// bench/cmd/echoserver/echo_server.js):
//
//	10 conns, 1 KiB     req/s    CPU/req   vs Go net
//	  Go net            63-84k   11-14 µs
//	  pool              63-73k   13-15 µs  0.75-1.17x
//	  single-thread     41-44k   23 µs     0.52-0.65x
//	  uvloop protocol   58-76k   10 µs
//	  uvloop streams    54-61k   11-13 µs
//	  Node net          50-51k   14 µs
//	  asyncio streams   12-18k   56-82 µs
//	1 conn, 1 KiB, p50  Go net 23 µs, pool 48 µs, single-thread 68 µs,
//	                    uvloop 34-38 µs, asyncio 67-81 µs
//	10 conns, 64 KiB    Go net 47k, single-thread 16.5k, pool 15.6k,
//	                    uvloop streams 21k, Node 16k, asyncio streams 4.5k
//	10,000 idle conns   Go net 4.2 KB each, either engine 10.4 KB each
//
// The pool engine rides the netpoller well: its tasks run on workers
// that are ordinary goroutines. The single-thread engine pays for every
// hand-off between the I/O goroutines and its locked OS thread (the
// runtime's locked-thread switches and futex wakes), which the issue
// that asked for this package measured in a prototype too (35k against
// Go net's 52k; a poller on the locked thread itself reached 50-59k).
// So the single-thread engine is meant to get its own poller (epoll on
// Linux, kqueue on the BSDs and macOS, woken by an eventfd or a pipe,
// behind the driver's park), with these goroutines kept as the portable
// fallback. Until then, pick the pool engine for a network service that
// needs throughput, and the single-thread engine where asyncio's
// one-thread semantics matter more than the rest. At 64 KiB Go net
// leads both engines: the copies into and out of the stream buffers, and
// a task wake per partial read, cost more than its plain read-write loop.
package streams
