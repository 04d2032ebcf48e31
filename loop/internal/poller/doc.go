// Package poller is the single-thread loop's own I/O poller: epoll on
// Linux, with an eventfd registered beside the sockets so that any
// goroutine can end a wait. The loop's goroutine parks in Wait instead of
// on a channel, and the readiness of every registered socket is handled
// on that goroutine, on the loop's thread, with no goroutine per
// connection and no handoff between threads.
//
// Why: an echo server whose sockets are served by goroutines handing each
// message to the locked loop thread spent its time in the Go runtime's
// handoffs to and from that thread (futex wakes); with the sockets read
// and written on the loop thread itself, the cost is the kernel's read,
// write and epoll_wait (see loop/streams' package doc for the numbers).
//
// Where the OS has no epoll (Open returns ErrUnsupported), the loop keeps
// its channel park and streams keep their goroutines: the portable path,
// which passes the same tests.
package poller

import "errors"

var (
	// ErrUnsupported is returned by Open on an OS without a poller here.
	ErrUnsupported = errors.New("poller: not supported on this OS")
	// ErrClosed is returned by Register after Close.
	ErrClosed = errors.New("poller: closed")
)

// Handler receives a registered descriptor's readiness, on the goroutine
// that calls Dispatch.
type Handler func(Event)

// Event is the readiness a Handler receives: a set of the flags below.
type Event uint8

const (
	// Readable: a read will not wait. Also set with Hangup and on an
	// error, which the read then reports.
	Readable Event = 1 << iota
	// Writable: a write will not wait; also set on an error.
	Writable
	// Hangup: the peer has closed its side, or both sides are closed.
	// A short read is then not the end of what the descriptor holds:
	// read on to EOF, since no further edge will come.
	Hangup
)
