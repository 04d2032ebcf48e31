package loop

import (
	"context"
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/goasyncio/asyncio/future"
)

// single is the engine of a single-thread loop. One goroutine, locked to
// one OS thread for the loop's whole life, runs every callback; every
// coroutine body runs on a Go runtime coroutine (iter.Pull) created and
// resumed by that goroutine, so it runs on the same thread. Suspending and
// resuming a coroutine is a coroutine switch, not a channel handoff:
// measured on 2 cores, an iter.Pull round trip is ~75 ns and keeps the
// locked thread, while a channel ping-pong with a LockOSThread goroutine is
// ~38,000 ns.
type single struct {
	l   *Loop
	tid int // the loop thread's id; written before NewSingleThread returns

	// Owned by the loop goroutine and the coroutines it drives, which run
	// in lockstep with it.
	ready, batch []entry
	seq          uint64    // last local id; local ids are seq<<1
	ran          [2]uint64 // highest id dispatched, per tag (see cancels)
	goexited     []*coro   // coroutines parked by goexit
	free         []*coro   // coroutines whose body ended, for reuse

	due   []*timer    // fireDue's buffer
	timer *time.Timer // wakes idle for the next timer; made on first use

	waking   atomic.Int32  // wakes between their claim and their post (see wake)
	in       mpsc          // callbacks posted from other goroutines
	sleeping atomic.Bool   // the loop goroutine is (about to be) blocked on wakeCh
	wakeCh   chan struct{} // capacity 1: a pending wakeup

	cmds   chan *atomic.Bool // run until the flag is set; nil exits
	reply  chan error        // one reply per run command
	exited chan struct{}     // closed when the loop goroutine ends
}

// NewSingleThread returns a loop whose callbacks and coroutine bodies all run
// on one OS thread, locked with runtime.LockOSThread for the loop's life
// (tokio's current-thread runtime, asyncio's only model). Code on it never
// runs in parallel with itself, so it needs no locks; a coroutine that
// blocks the thread (a long computation, a blocking syscall, time.Sleep)
// stalls the whole loop.
//
// Coroutine bodies must not call runtime.LockOSThread or UnlockOSThread: the
// Go runtime aborts when a coroutine switch finds the thread lock changed.
func NewSingleThread(opts ...Option) *Loop {
	l := newLoop(opts)
	s := &single{
		l:      l,
		wakeCh: make(chan struct{}, 1),
		cmds:   make(chan *atomic.Bool),
		reply:  make(chan error),
		exited: make(chan struct{}),
	}
	s.in.init()
	l.eng = s
	started := make(chan struct{})
	go s.main(started)
	<-started
	return l
}

// ThreadID returns the OS thread id (gettid) of a single-thread loop's
// thread, and 0 for a pool loop.
func (l *Loop) ThreadID() int {
	if s, ok := l.eng.(*single); ok {
		return s.tid
	}
	return 0
}

func (s *single) main(started chan<- struct{}) {
	// Never unlocked: if this goroutine ends, its thread ends with it.
	runtime.LockOSThread()
	s.tid = syscall.Gettid()
	setNapSlack()
	close(started)
	defer close(s.exited) // registered first, so it runs last
	defer s.stopFree()

	normal := false
	defer func() {
		if !normal {
			// A callback called runtime.Goexit. The thread goes with this
			// goroutine, and every coroutine is bound to it: the loop is
			// finished.
			s.l.state.Store(stateClosed)
			err := fmt.Errorf("loop: a callback called runtime.Goexit: %w", future.ErrGoexit)
			s.l.report(err)
			s.reply <- err
		}
	}()
	for stop := range s.cmds {
		if stop == nil {
			break
		}
		s.loop(stop)
		s.reply <- nil
	}
	normal = true

	// Reclaim the coroutines parked by a Goexit (see goexit). Resuming one
	// lets its Goexit finish, and iter.Pull then propagates the Goexit to
	// this goroutine, which is ending anyway. Deferred calls go on running
	// during a Goexit, so each one is reclaimed in turn.
	for _, c := range s.goexited {
		defer c.resume()
	}
}

// stopFree ends the coroutines kept for reuse.
func (s *single) stopFree() {
	for _, c := range s.free {
		c.stop()
	}
	s.free = nil
}

func (s *single) run(stop *atomic.Bool) error {
	select {
	case s.cmds <- stop:
	case <-s.exited:
		return fmt.Errorf("loop: thread has exited: %w", future.ErrGoexit)
	}
	return <-s.reply
}

func (s *single) shutdown() {
	select {
	case s.cmds <- nil:
	case <-s.exited:
	}
	<-s.exited
}

// loop runs iterations until stop is set, checking it between iterations as
// asyncio's run_forever does.
func (s *single) loop(stop *atomic.Bool) {
	// How many naps in a row found the entry at the inbox's head being
	// written (see writtenNaps).
	written := 0
	for !stop.Load() {
		if s.l.timers.n.Load() != 0 {
			// Due timers go after what is ready, posted callbacks
			// included, as in asyncio.
			s.drainInbox()
			s.fireDue()
		}
		// What was posted before this point runs in this iteration,
		// after what is in the ready queue (see drainInbox for why that
		// keeps FIFO order).
		end := s.in.tail.Load()
		if len(s.ready) == 0 && !s.in.ready() {
			// Announce the sleep before the last look, so that a poster
			// either sees sleeping or its post is seen here. The last look
			// is at the reserved positions, not at the next entry: a
			// poster reserves with a sequentially consistent add before it
			// reads sleeping, but publishes its entry with a release store
			// only (see mpsc.push), which the read may overtake.
			s.sleeping.Store(true)
			switch {
			case stop.Load():
			case !s.in.reserved():
				s.idle(0)
			default:
				// A poster is in the middle of a post, and likely of a
				// stream of them: nap (see writtenNaps).
				if s.in.ready() {
					written = 0
				} else if written++; written > writtenNaps {
					// Its poster stopped before its stamp.
					written = 0
					s.idle(writtenBackstop)
					break
				}
				s.sleeping.Store(false)
				s.l.clock.nap(inFlightNap)
			}
			s.sleeping.Store(false)
			continue
		}
		written = 0
		// Run the callbacks that were ready when the iteration began;
		// those they schedule wait for the next one. (Written out here
		// rather than in a function: see entry.)
		s.batch, s.ready = s.ready, s.batch[:0]
		for i := 0; i < len(s.batch); {
			i = s.runFrom(s.batch, i, &s.ran)
		}
		clear(s.batch)
		// Then the posted ones, straight from the inbox: a backlog of any
		// length is run without being copied.
		for !s.runPosted(end, stop) {
		}
		// Publishing the watermark costs atomic stores; it matters only
		// when someone has cancelled a handle (see cancels).
		if s.l.cancels.n.Load() != 0 {
			s.l.cancels.advance(s.ran)
		}
	}
}

// runFrom runs b[i:] and returns len(b), or the index after a callback that
// panicked. One deferred recover covers the whole batch, so a callback
// costs no defer of its own.
func (s *single) runFrom(b []entry, i int, ran *[2]uint64) (next int) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			s.l.report(future.NewPanicError(r))
			next = i + 1
		}
		// Otherwise runtime.Goexit: main's deferred call takes over.
	}()
	c := &s.l.cancels
	for ; i < len(b); i++ {
		e := b[i]
		ran[e.id&1] = e.id
		if c.n.Load() != 0 && c.take(e.id) {
			continue
		}
		if e.t != nil {
			s.step(e.t)
		} else {
			e.fn()
		}
	}
	normal = true
	return i
}

// runPosted runs the posted entries before position end, in order, taken
// one at a time from the inbox (a callback may drain the rest into the
// ready queue meanwhile: see drainInbox). While nothing local is queued and
// the loop is not stopping, it goes on with entries posted since, up to
// postedBurst of them: a stream of posts is then run in long batches
// rather than one loop iteration each, and FIFO order still holds, since
// every local entry would have gone behind them. It stops early at an
// entry still being written, and returns false after a callback that
// panicked, to be called again for the rest, as runFrom is.
func (s *single) runPosted(end uint64, stop *atomic.Bool) (ok bool) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			s.l.report(future.NewPanicError(r))
		}
		// Otherwise runtime.Goexit: main's deferred call takes over.
	}()
	c := &s.l.cancels
	for limit := end + postedBurst; s.in.head < end ||
		(s.in.head < limit && len(s.ready) == 0 && !stop.Load()); {
		e, ok := s.in.pop()
		if !ok {
			break
		}
		s.ran[1] = e.id
		if c.n.Load() != 0 && c.take(e.id) {
			continue
		}
		if e.t != nil {
			s.step(e.t)
		} else {
			e.fn()
		}
	}
	normal = true
	return true
}

// postedBurst bounds how many entries posted after an iteration began
// runPosted takes in that iteration, so that timers are still looked at.
const postedBurst = 1024

// writtenNaps is how many naps in a row the loop takes for an entry that
// is being written before it sleeps instead.
//
// When the loop is about to sleep, it looks at the positions posters have
// reserved. If there is one, a poster is in the middle of a post, and
// likely of a stream of them, so the loop naps briefly, without announcing
// it (posters need not wake it), and looks again. That poster may also
// have read sleeping before the loop set it, so that no wakeup would come;
// but then it had already issued its stamp, which reaches this core within
// nanoseconds. A stream runs ahead meanwhile, and the loop then takes a
// long batch, reading cache lines the poster has finished with. Measured
// on a single poster's stream: 17 ns a post against 25-29 ns for a loop
// that napped only while the entry at the head was unwritten, and 45 ns
// for one that spun until it was written; the floor, a
// mutex-guarded slice swapped in batches, 20 ns.
//
// If the entry is still unwritten after writtenNaps naps (about 100 us on
// the project's machine, see napSlack), its poster stopped before its
// stamp (preempted, say): it has yet to read sleeping, which is set, so the
// loop can sleep, and hand it the processor a nap keeps (a poster waiting
// for one would otherwise wait for the scheduler's 10 ms preemption). A
// runtime timer backs that sleep up, against a stamp slower than the naps
// to arrive.
const writtenNaps = 8

// inFlightNap is the nap the loop takes for an entry being written (see
// writtenNaps).
const inFlightNap = time.Microsecond

// writtenBackstop bounds the sleep after writtenNaps naps.
const writtenBackstop = time.Millisecond

// fireDue queues the timers that are due.
func (s *single) fireDue() {
	s.due = s.l.timers.popDue(s.l.clock.now(), s.due)
	for _, tm := range s.due {
		s.seq++
		s.ready = append(s.ready, entry{fn: tm.fire, id: s.seq << 1})
	}
	clear(s.due)
	s.due = s.due[:0]
}

// idle waits, with nothing ready, for a post or the next timer, or at most
// limit if it is not zero. With virtual time and no executor job in flight
// nothing can happen before that timer, so the clock jumps to it instead.
func (s *single) idle(limit time.Duration) {
	when, ok := s.l.timers.next()
	switch {
	case !ok:
		s.waitWake(limit) // a post or a new timer
	case s.l.clock.virtual:
		// Read waking before the inbox: a wake that has ended has posted.
		if s.l.jobs.Load() == 0 && s.waking.Load() == 0 && !s.in.reserved() {
			s.l.clock.jump(when)
			return
		}
		s.waitWake(limit) // the job's result or end, or the wake's post or end
	default:
		d, ok := s.l.clock.until(when)
		if !ok {
			return
		}
		switch {
		case d <= timerSlack:
			// Too close for a runtime timer to be on time: nap, and let
			// the loop look at its inbox and the clock again.
			if s.l.clock.nap(d) {
				return
			}
			// The clock stood still: a synctest bubble's fake time, which
			// moves only while every goroutine waits. Wait for it.
		default:
			// Wake a little early; the last stretch is napped.
			d -= timerSlack
		}
		if limit != 0 {
			d = min(d, limit)
		}
		s.waitWake(d) // a post, an earlier timer, or the next timer nearly due
	}
}

// waitWake waits for a wakeup, or at most d if it is not zero.
func (s *single) waitWake(d time.Duration) {
	if d == 0 {
		<-s.wakeCh
		return
	}
	if s.timer == nil {
		s.timer = time.NewTimer(d)
	} else {
		s.timer.Reset(d)
	}
	select {
	case <-s.wakeCh:
	case <-s.timer.C:
	}
}

// drainInbox moves posted callbacks to the ready queue. It is called before
// anything is appended to the ready queue on the loop (CallSoon, a task's
// requeue after a yield), so that what a step scheduled through the
// thread-safe paths (CreateTask, wakeups of tasks awaiting a future it
// completed) still goes ahead of what it, or a later step, schedules
// locally: asyncio's FIFO order, kept without knowing which thread posted.
// It costs an atomic load when the inbox is empty. An entry another
// goroutine is still writing may sit ahead of the step's own posts; it is
// waited for (a few instructions, unless its poster was preempted) so that
// the step's posts are not left behind it.
//
// It is not called after every callback: that would read the posters'
// cache line once per callback while another goroutine posts in a stream,
// moving it between cores each time. Posted items wait for the next
// iteration anyway, so fetching them at its start changes no order.
func (s *single) drainInbox() {
	if s.in.reserved() {
		s.drainAll()
	}
}

// drainAll is drainInbox's slow path, apart so that the check inlines. It
// takes the entries reserved when it started, and no more: a goroutine
// posting in a stream would otherwise keep it taking for ever.
func (s *single) drainAll() {
	for end := s.in.tail.Load(); s.in.head != end; {
		if s.ready = s.in.takeInto(s.ready, end); s.in.head != end {
			runtime.Gosched()
		}
	}
}

func (s *single) callSoon(fn func()) (uint64, error) {
	switch s.l.state.Load() {
	case stateRunning:
		if s.l.cfg.debug && syscall.Gettid() != s.tid {
			return 0, ErrWrongThread
		}
		// What this step posted (a CreateTask, say) was scheduled first.
		s.drainInbox()
		s.seq++
		id := s.seq << 1
		s.ready = append(s.ready, entry{fn: fn, id: id})
		return id, nil
	case stateIdle:
		return s.post(fn), nil
	default:
		return 0, closedErr("CallSoon")
	}
}

func (s *single) post(fn func()) uint64 {
	// push and wakeup written out rather than through postEntry: one call
	// fewer on the cross-thread path.
	id := s.in.push(entry{fn: fn})
	s.wakeup()
	return id
}

func (s *single) postEntry(e entry) uint64 {
	id := s.in.push(e)
	s.wakeup()
	return id
}

// start queues a new task's first step, from any goroutine.
func (s *single) start(t *task) { s.postEntry(entry{t: t}) }

// startTasks queues ts, in order, with one wakeup.
func (s *single) startTasks(ts []*task) {
	for _, t := range ts {
		s.in.push(entry{t: t})
	}
	s.wakeup()
}

// stop ends the run after the current batch, which holds every callback
// posted before the stop callback (see RunUntilComplete).
func (s *single) stop(stop *atomic.Bool) { stop.Store(true) }

func (s *single) wakeup() {
	if s.sleeping.Load() {
		select {
		case s.wakeCh <- struct{}{}:
		default: // a wakeup is already pending
		}
	}
}

// step resumes t's coroutine (giving it one on its first step) and, once
// the coroutine parks again, arranges its next wakeup.
func (s *single) step(t *task) {
	if t.state.Load() == tsDone {
		return
	}
	c := t.co
	if c == nil {
		c = s.coroFor(t)
	}
	// A task resumed after a yield is still running: no store needed.
	if t.state.Load() != tsRunning {
		t.state.Store(tsRunning)
	}
	// Only a yield during this resume counts. (A Sleep with this task's
	// context from another task sets the mark and then fails: see
	// TestAMisusedSleepLeavesNoMark.)
	c.yielding = false
	c.resume()
	if c.t == nil {
		// The body has returned and the coroutine is free again.
		t.co = nil
		if len(s.free) < maxFreeCoros {
			s.free = append(s.free, c)
		} else {
			c.stop()
		}
		return
	}
	if c.yielding {
		// sleep(0): straight back to the end of the ready queue. The state
		// stays running, so a wake cannot queue the task a second time.
		// (The mark is cleared before the next resume.)
		s.drainInbox() // what the step scheduled goes before its own requeue
		s.seq++
		s.ready = append(s.ready, entry{t: t, id: s.seq << 1})
		return
	}
	switch t.state.Load() {
	case tsSuspended:
		// The coroutine is parked, so a wakeup can no longer race with it.
		if !c.parkOn.OnDone(t.wakeFn) {
			t.wake()
			return
		}
		if ctx := c.parkCtx; ctx != context.Context(t) && ctx.Done() != nil {
			c.stopAfter = context.AfterFunc(ctx, t.wakeFn)
		}
		if t.cancelPending.Load() {
			t.wake()
		}
	case tsDone:
		// The body called runtime.Goexit and its coroutine is parked until
		// the loop ends (see goexit).
		s.goexited = append(s.goexited, c)
		t.co = nil
	}
}

// maxFreeCoros bounds the coroutines a loop keeps for reuse. Each one is a
// parked goroutine with its stack; beyond what a burst of short tasks
// needs, keeping more only holds memory.
const maxFreeCoros = 256

// coro is a runtime coroutine (iter.Pull) of the loop thread that runs task
// bodies, one after another. Making one costs about seven allocations and
// a goroutine, more than the rest of a task together, so a task whose body
// has returned hands its coroutine on to the next new task.
//
// It also carries the fields of a park, which only a task that has a
// coroutine needs: they stay out of every task's allocation, and of every
// pool task's.
type coro struct {
	resume func() (struct{}, bool)
	stop   func()
	yield  func(struct{}) bool // parks the coroutine; the body's side of resume
	t      *task               // the task whose body runs on it; nil once that body returns

	// yielding is set while the body is suspended in a sleep(0).
	yielding bool

	// What the parked body waits for, and the undo of the
	// context.AfterFunc that step arranged for parkCtx.
	parkOn    future.Waitable
	parkCtx   context.Context
	stopAfter func() bool
}

// coroFor gives t a coroutine, a free one if there is one.
func (s *single) coroFor(t *task) *coro {
	var c *coro
	if n := len(s.free); n > 0 {
		c = s.free[n-1]
		s.free[n-1] = nil
		s.free = s.free[:n-1]
	} else {
		c = new(coro)
		c.resume, c.stop = iter.Pull(c.run)
	}
	c.t, t.co = t, c
	return c
}

// run is the coroutine's body: it runs the body of each task it is given,
// and parks between them until the loop gives it the next one or stops it.
// A task's body parks it as well, through c.yield, while it waits.
func (c *coro) run(yield func(struct{}) bool) {
	c.yield = yield
	for {
		t := c.t
		t.start()
		c.t = nil
		if !yield(struct{}{}) {
			return
		}
	}
}

func (s *single) park(t *task, ctx context.Context, w future.Waitable) {
	c := t.co
	c.parkOn, c.parkCtx = w, ctx
	t.state.Store(tsSuspended)
	c.yield(struct{}{})
	c.parkOn, c.parkCtx = nil, nil
	t.state.Store(tsParking)
	if c.stopAfter != nil {
		c.stopAfter()
		c.stopAfter = nil
	}
}

func (s *single) yield(t *task) {
	t.co.yielding = true
	t.co.yield(struct{}{})
}

func (s *single) wake(t *task) {
	// waking covers the window between the claim and the post: a wake
	// from another goroutine (a context's AfterFunc) that has claimed the
	// task but not yet posted it must keep virtual time from jumping.
	s.waking.Add(1)
	if t.state.CompareAndSwap(tsSuspended, tsScheduled) {
		s.postEntry(entry{t: t})
	}
	if s.waking.Add(-1) == 0 && s.l.clock.virtual {
		s.wakeup() // idle may be waiting for this wake to end
	}
}

// goexit hands the loop back its thread when a body calls runtime.Goexit.
// Resuming the coroutine now would propagate the Goexit into the loop
// goroutine (iter.Pull does that) and end the loop's thread, so the
// coroutine stays parked until the loop goroutine ends, which reclaims it
// (see main). The task's future reports future.ErrGoexit.
func (s *single) goexit(t *task) { t.co.yield(struct{}{}) }

func (s *single) onLoopThread() bool { return syscall.Gettid() == s.tid }
