//go:build linux

package poller

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

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
	// How many epoll_waits were raw and how many went through the
	// runtime (see epollWait), the waiter's alone, for the tests.
	rawWaits, runtimeWaits int
	procs                  int // GOMAXPROCS, as epollWait last read it
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
	n := p.epollWait(ms)
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

// rawWaitMs bounds the part of a wait made without telling the runtime
// (see epollWait), in epoll's milliseconds.
const rawWaitMs = 1

// rawWaiters counts the raw waits in progress, of every poller.
var rawWaiters atomic.Int32

// procsEvery is how many raw waits go by between two reads of GOMAXPROCS,
// which take the scheduler's lock; a wait through the runtime reads it
// too. A change to 1 meanwhile costs other goroutines at most the raw
// millisecond of each wait until then.
const procsEvery = 256

// epollWait waits up to ms milliseconds (forever if negative) and returns
// how many events it stored; 0 on EINTR, and the caller looks again.
//
// The first millisecond is waited in a raw system call, which leaves the
// goroutine's processor with it, and only the rest through the runtime's
// entersyscall. A busy loop mostly waits for well under a millisecond.
// Made through entersyscall, those waits gave the runtime's monitor a
// processor in a system call to take each time it came to preempt the
// loop's goroutine (every 10-20 ms), and after each take it polled every
// 20 µs for a while, wakeups that took the CPU from the loop. On the echo
// workload's 10-connection row of bench/cmd/report (10a), with
// bench/cmd/echoserver -engine=single: 0.96x the time a request of the
// build before in the median of 10 paired runs; the monitor's sleeps fell
// from 2,687 to 410 in 3 s, the server's context switches from 20,696 to
// 2,099, and the loop's thread was off its CPU 6% of the time instead of
// 14%. A wait past the first millisecond goes through the runtime, and so
// does all of a wait that would leave no processor free of raw waits
// (GOMAXPROCS at 1, or as many loops waiting as processors), so that an
// idle loop's processor serves other goroutines, and one is always left
// for them.
//
// What it costs: while it waits raw, the loop's processor counts as
// running. A goroutine the loop readies goes to that processor's queue
// and is run by another processor that takes it, or, if every other
// processor is busy, once the runtime preempts the loop's goroutine
// (10-20 ms), as for any busy goroutine; through the runtime, the monitor
// took the processor for it sooner. A stop of the world (a GC phase)
// reaches the loop by a signal, which ends the raw wait (EINTR): pauses
// grew from a median of 10 µs to 67 µs, at most 1.5 ms, with a loop
// making 1 ms waits; with GODEBUG=asyncpreemptoff=1, a pause waits out
// the raw millisecond.
func (p *Poller) epollWait(ms int) int {
	raw := ms
	if ms < 0 || ms > rawWaitMs {
		raw = rawWaitMs
	}
	if p.rawWaits%procsEvery == 0 {
		p.procs = runtime.GOMAXPROCS(0)
	}
	held := false
	if raw != 0 {
		// Every processor but one may be held by a raw wait: with all of
		// them held (GOMAXPROCS at 1, or as many loops waiting as
		// processors), no goroutine and no runtime timer would run until
		// a wait ended. Past that, look and wait through the runtime.
		if held = rawWaiters.Add(1) <= int32(p.procs-1); !held {
			rawWaiters.Add(-1)
			raw = 0
		}
	}
	p.rawWaits++
	r, _, errno := unix.RawSyscall6(unix.SYS_EPOLL_PWAIT, uintptr(p.epfd),
		uintptr(unsafe.Pointer(&p.events[0])), uintptr(len(p.events)), uintptr(raw), 0, 0)
	if held {
		rawWaiters.Add(-1)
	}
	switch {
	case ms == raw:
		if errno != 0 {
			return 0 // EINTR
		}
		return int(r)
	case errno == 0 && r > 0:
		return int(r)
	}
	// Nothing within the raw part, or a signal ended it (the runtime's
	// preemption, say, which the call below lets happen).
	if ms > 0 {
		ms -= raw
	}
	p.runtimeWaits++
	n, err := unix.EpollWait(p.epfd, p.events, ms)
	p.procs = runtime.GOMAXPROCS(0) // cheap beside a wait that may sleep
	if err != nil {
		return 0
	}
	return n
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
