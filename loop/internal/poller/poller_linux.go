//go:build linux

package poller

import (
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sys/unix"
)

// wakeToken is the eventfd's token; registrations count up from 1.
const wakeToken = 0

// Poller is an epoll instance and the handlers of what is registered in
// it. Register, Forget and Wake are safe for any goroutine; one goroutine
// at a time calls Wait.
type Poller struct {
	epfd, efd int
	woken     atomic.Bool  // a wakeup is written and not yet read
	count     atomic.Int32 // registrations

	// mu protects handlers and next, and orders every use of the
	// descriptors but Wait's before Close, so that none reaches a
	// descriptor number reused after it.
	mu       sync.Mutex
	handlers map[uint64]Handler
	next     uint64
	closed   bool
	notes    []uint64 // tokens Notify asked to report as readable

	events []unix.EpollEvent // Wait's, the waiter's alone
	ready  []ready
}

type ready struct {
	h  Handler
	ev Event
}

// Open makes a poller.
func Open() (*Poller, error) {
	epfd, err := unix.EpollCreate1(unix.EPOLL_CLOEXEC)
	if err != nil {
		return nil, err
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		_ = unix.Close(epfd)
		return nil, err
	}
	ev := unix.EpollEvent{Events: unix.EPOLLIN}
	setToken(&ev, wakeToken)
	if err := unix.EpollCtl(epfd, unix.EPOLL_CTL_ADD, efd, &ev); err != nil {
		_ = unix.Close(efd)
		_ = unix.Close(epfd)
		return nil, err
	}
	return &Poller{
		epfd: epfd, efd: efd,
		handlers: make(map[uint64]Handler),
		events:   make([]unix.EpollEvent, 128),
	}, nil
}

// Register adds fd, edge-triggered for reading and writing, with h to
// receive its readiness; the returned token forgets it. The descriptor is
// reported once as soon as it is ready, even if it was before. Closing fd
// takes it out of the poller; Forget is still needed for its handler.
func (p *Poller) Register(fd int, h Handler) (uint64, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return 0, ErrClosed
	}
	p.next++
	tok := p.next
	ev := unix.EpollEvent{Events: unix.EPOLLIN | unix.EPOLLOUT | unix.EPOLLRDHUP | unix.EPOLLET}
	setToken(&ev, tok)
	if err := unix.EpollCtl(p.epfd, unix.EPOLL_CTL_ADD, fd, &ev); err != nil {
		return 0, err
	}
	p.handlers[tok] = h
	p.count.Add(1)
	return tok, nil
}

// Forget drops the handler of token: readiness reported for it from now
// on is ignored.
func (p *Poller) Forget(tok uint64) {
	p.mu.Lock()
	_, ok := p.handlers[tok]
	delete(p.handlers, tok)
	p.mu.Unlock()
	if ok {
		p.count.Add(-1)
	}
}

// Deregister takes fd out of the poller and forgets token, for a
// descriptor that stays open elsewhere (closing the last descriptor of a
// socket takes it out by itself).
func (p *Poller) Deregister(fd int, tok uint64) {
	p.mu.Lock()
	if !p.closed {
		_ = unix.EpollCtl(p.epfd, unix.EPOLL_CTL_DEL, fd, nil)
	}
	p.mu.Unlock()
	p.Forget(tok)
}

// Registered reports how many descriptors are registered.
func (p *Poller) Registered() int { return int(p.count.Load()) }

// Wake ends a Wait in progress, or the next one. Safe for any goroutine;
// wakeups that come before the waiter reads one are written once.
func (p *Poller) Wake() {
	if p.woken.CompareAndSwap(false, true) {
		one := [8]byte{1}
		p.mu.Lock()
		if !p.closed {
			_, _ = unix.Write(p.efd, one[:])
		}
		p.mu.Unlock()
	}
}

// Wait waits up to timeout (forever if negative, not at all if zero) for
// readiness, a Notify or a Wake, and collects the handlers of what is
// ready for Dispatch; it reports how many it collected.
func (p *Poller) Wait(timeout time.Duration) int {
	ms := -1
	if timeout >= 0 {
		// Rounded up: the driver wakes early enough to nap the rest.
		ms = int((timeout + time.Millisecond - 1) / time.Millisecond)
	}
	n, err := unix.EpollWait(p.epfd, p.events, ms)
	if err != nil {
		n = 0 // EINTR: the caller looks again
	}
	// The wakeup is read before woken is cleared, and both before the
	// notes and handlers are collected: a Wake that finds woken still
	// set writes nothing, so what it announces (a post, a Notify) must
	// be seen by this Wait or by the engine's look at its queues after
	// it. Cleared first, a Wake in between would have its write read
	// here with the old one, and woken would stay set for good.
	for i := range n {
		if token(&p.events[i]) == wakeToken {
			var buf [8]byte
			_, _ = unix.Read(p.efd, buf[:])
			p.woken.Store(false)
			break
		}
	}
	p.ready = p.ready[:0]
	p.mu.Lock()
	for _, tok := range p.notes {
		if h, ok := p.handlers[tok]; ok {
			p.ready = append(p.ready, ready{h: h, ev: Readable})
		}
	}
	p.notes = p.notes[:0]
	for i := range n {
		ev := &p.events[i]
		if tok := token(ev); tok != wakeToken {
			if h, ok := p.handlers[tok]; ok {
				p.ready = append(p.ready, ready{h: h, ev: event(ev.Events)})
			}
		}
	}
	p.mu.Unlock()
	return len(p.ready)
}

// Dispatch calls the handlers the last Wait collected, on the goroutine
// that waits.
func (p *Poller) Dispatch() {
	for i, rd := range p.ready {
		p.ready[i].h = nil
		rd.h(rd.ev)
	}
	p.ready = p.ready[:0]
}

// Notify has the next Wait report token as readable, as if its descriptor
// had become ready: for a handler that stopped reading while ready (a
// full buffer) and must start again, since an edge-triggered descriptor is
// not reported again until more arrives. Safe for any goroutine.
func (p *Poller) Notify(tok uint64) {
	p.mu.Lock()
	p.notes = append(p.notes, tok)
	p.mu.Unlock()
	p.Wake()
}

// Close releases the poller's descriptors, once the goroutine that calls
// Wait is done with them; Register then fails with ErrClosed.
func (p *Poller) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return nil
	}
	p.closed = true
	_ = unix.Close(p.efd)
	return unix.Close(p.epfd)
}

// event translates epoll's flags.
func event(flags uint32) Event {
	var ev Event
	if flags&(unix.EPOLLIN|unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Readable
	}
	if flags&(unix.EPOLLOUT|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Writable
	}
	if flags&(unix.EPOLLRDHUP|unix.EPOLLHUP|unix.EPOLLERR) != 0 {
		ev |= Hangup
	}
	return ev
}

// The token is kept in the event's data, which x/sys splits in two 32-bit
// fields (Fd and Pad) on every Linux architecture.
func setToken(ev *unix.EpollEvent, tok uint64) {
	ev.Fd = int32(uint32(tok))
	ev.Pad = int32(uint32(tok >> 32))
}

func token(ev *unix.EpollEvent) uint64 {
	return uint64(uint32(ev.Fd)) | uint64(uint32(ev.Pad))<<32
}
