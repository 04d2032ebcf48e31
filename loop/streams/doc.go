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
// # Design: the loop's own poller on one thread, Go's netpoller on a pool
//
// On Linux the single-thread loop serves a TCP or Unix stream on its own
// poller (package loop/internal/poller: epoll, edge-triggered, with an
// eventfd that any goroutine writes to end the loop's wait). The stream
// takes a duplicate of the socket's descriptor and closes the net.Conn,
// which takes the socket out of Go's netpoller; the loop's goroutine,
// on its locked thread, then reads the socket when epoll reports it
// readable and wakes the waiting task, and a Write sends at once,
// leaving to the poller's writable report only what the socket could not
// take. No goroutine runs per connection, and nothing is handed between
// threads. The poller is opened by the loop's first stream, so a loop
// without I/O costs no descriptors, and it is where the loop parks.
//
// Everywhere else (the pool; TLS streams, and StartTLS, which hands the
// socket back to Go as a net.Conn; other OSes; loop.WithPortableIO) a
// stream has a read goroutine, which reads into its buffer (starting at 4
// KiB, doubling when a read fills it, up to asyncio's 256 KiB) and pauses
// once more than twice the limit is buffered; on Unix it reads TCP and
// Unix sockets through syscall.RawConn, so that it gives a grown buffer
// back while it waits for the socket (a connection that took one 256 KiB
// burst and went quiet then holds 75 KB of heap and stacks on the pool,
// against 207 KB reading through net.Conn and 69 KB for Go net's echo).
// It also has a write goroutine,
// started only when a write must wait (on Unix, Write first tries the
// socket itself without waiting, as asyncio's transport does). They block
// in Go's runtime netpoller, which is already a reactor (epoll, kqueue,
// IOCP), and wake a waiting task by ending its wait, so the same
// code runs on every platform, TLS included. On the pool, the read
// goroutine then runs the woken task's step itself, in the place of an
// idle worker (a worker is woken, as before, when none is idle), so a
// message reaches its coroutine with no hand-off between goroutines, as
// in a goroutine per connection. The stream tests run on both paths (the
// engine "single-portable"). Dials, listens, accepts and name lookups run
// on goroutines on every engine: the executor's few workers (ToThread)
// are kept for CPU and file work.
//
// Why: with the goroutines, the single-thread loop paid for every
// hand-off between them and its locked thread (the runtime's
// locked-thread switches and futex wakes): 0.5-0.65x Go net's requests
// per second. Reading on the loop's thread but leaving the socket in Go's
// netpoller too was 1.4x Go net's time per request: both pollers saw
// every message, and the runtime's idle thread woke for each one to find
// nothing to run (a fifth of the server's CPU). With the socket on the
// loop's poller alone, the server's CPU per request fell below Go net's;
// what is left is the kernel's read, write and epoll_wait (three
// quarters of a CPU profile). A stream on the poller reads, and sends
// what a Write could not send at once, only while its loop runs (as a
// server's handlers do); the portable path reads on while it is stopped.
//
// The numbers (go run ./bench/cmd/report runs the comparison as its
// workloads 10a-10m, with the targets): a 2-core machine, with
// bench/cmd/echoserver driven by bench/cmd/echoload on the same machine
// (request/response, the servers interleaved in one run, 5 rounds in a
// rotating order, medians; server CPU per request from /proc; Go net is
// a goroutine per connection in the same binary; the Python servers are
// bench/python/echo_server.py), the run of 2026-12-08 06:16 UTC, time
// per request as a multiple of Go net's:
//
//	10 conns, 1 KiB       time    CPU/req
//	  Go net              1.00x   11.7 µs
//	  single-thread       0.94x   10.6 µs   (2.00x before the poller)
//	  pool                1.13x   13.5 µs
//	  uvloop protocol     0.95x   10.6 µs
//	  uvloop streams      1.06x   12.4 µs
//	  asyncio streams     5.18x   63.8 µs
//	the same, the load at the normal policy (below): single-thread
//	                      1.16x, pool 1.14x, uvloop protocol 1.21x
//	1 conn, 1 KiB, p50    Go net 32 µs, single-thread 37 µs (1.16x),
//	                      pool 36 µs (1.12x), uvloop protocol 34 µs
//	10 conns, 64 KiB      single-thread 0.98x, pool 1.16x, uvloop
//	                      streams 1.90x (the echo reads with ReadInto,
//	                      as Go net's reads into one buffer)
//	10,000 idle conns     Go net 4.2 KB each, single-thread 7.8 KB,
//	                      pool 11.2 KB
//
// The load runs as SCHED_BATCH. At the normal policy its threads, woken by
// the server's responses, preempted the single-thread loop's thread once
// every 6-7 requests (0.14-0.16 involuntary context switches a request;
// 0.02-0.05 switches of any kind with the load as batch), and while they
// ran no connection was served: the loop took 1.04-1.34x Go net's time in
// eighteen runs that way, against 0.79-1.00x in the eleven runs with the
// batch load. The pool took 1.12-1.26x in three of those eleven, and
// 0.95-1.17x in the eight since its read wait stopped allocating
// (readwait.go; interleaved runs put that change at 5%); its time tracks
// its CPU a request against Go net's, 1.11-1.17x in four of the last five
// runs. Runs on this shared machine move by 15-30%: compare within one
// run. Against uvloop's protocol server the single-thread loop took
// 0.97-1.20x the time in the eleven batch runs (0.97-1.03x in the five
// since its waits start raw), though both spend about the same CPU a
// request (ours was 0.91-1.07x its), most of it the
// kernel's, and make the same system calls (a read and a write a request,
// and an epoll_wait for every 2 or 3: 2.38-2.7 against 2.45-2.51 a
// request, counted with perf stat; a short read is taken to have emptied
// the socket, so no read comes back empty). On these two cores the server
// and the load together keep both busy (23 µs of CPU a request, 4-5%
// idle), so the time a request is mostly the two processes' CPU and how
// long each waits for a CPU after a wakeup (60-100 µs when the other
// process holds it). The loop's waits for I/O made through the runtime
// left its processor in a system call for the runtime's monitor to take
// when it came to preempt the loop's goroutine (every 10-20 ms); after
// each take the monitor polled every 20 µs for a while, and its wakeups
// took the CPU from the loop. The first millisecond of a wait is now a
// raw epoll_pwait (the poller's epollWait): 0.96x the time a request of
// the build before, in the median of 10 paired runs, with the server's
// context switches a tenth and its loop's thread off its CPU 6% of the
// time instead of 14% (uvloop's: 5%). Tried on top and not kept: polling
// for 50 µs before sleeping (1.03x the time in paired runs, and 10-100 µs
// no better: the load needs that CPU); one event a wait, so that each
// socket is read and answered before the next is read (1.05x); and a bare
// io_uring echo server on the locked thread, whose CPU a request was 18%
// below this loop's but whose time was 9% above: it slept once every
// three requests, and its load spent 20% more CPU.
//
// The pool's extra CPU over Go net's is mostly in user space: the task
// machinery a message passes through (a wait, the wakeup, the borrowed
// worker, two coroutine switches), spread thinly over some 50 functions. Running each woken
// handler before reading the next ready socket, as uvloop's protocol
// callbacks do, and polling without waiting 5 or 20 times before a
// blocking wait were both tried, and changed nothing or made it slower. On
// the pool, skipping the read that meets EAGAIN after a short one, as the
// poller does, cut its system calls from 3.35 to 2.40 a request, but is
// unsafe without epoll's hangup flag, which Go's netpoller does not show
// (a FIN queued behind the data brings no readiness edge of its own), so
// it was not kept.
//
// For a network service, the single-thread engine has the lower CPU per
// request and p99 latency, and its handlers need no locks; the pool uses
// every core, and is the one to pick for coroutines that also do CPU
// work in parallel, or for more traffic than one core can serve.
package streams
