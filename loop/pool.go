package loop

import (
	"context"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"github.com/goasyncio/asyncio/future"
)

// pool is the engine of a worker-pool loop. Up to n goroutines at a time
// run callbacks and coroutine bodies; each holds one permit of a FIFO
// semaphore (x/sync/semaphore) while it does. A coroutine body runs directly
// on the worker that starts it, with no runtime coroutine, so a task that
// never suspends costs no more than a callback. A body that must wait
// releases its permit, so that another worker can start, and parks its
// goroutine; woken, it is queued like a callback, and the worker that
// reaches it hands it that worker's permit. n workers thus serve any
// number of suspended coroutines, and bodies resume in the order they
// were woken, as on a single-thread loop.
//
// While the loop is not running, the engine itself holds all n permits, so
// nothing runs between RunUntilComplete calls, as with asyncio.
type pool struct {
	l   *Loop
	n   int64
	sem *semaphore.Weighted

	in inbox // queued callbacks and task starts

	stopping atomic.Bool   // workers run only items up to limit, then leave
	limit    atomic.Uint64 // highest id workers may take; MaxUint64 while running freely
	wakeCh   chan struct{} // capacity 1: nudges run to look at its flag and timers
	woken    atomic.Int64  // parked bodies woken but not yet handed a permit
	due      []*timer      // fireDue's buffer; used by run's goroutine only
	timer    *time.Timer   // wakes run for the next timer; made on first use
	wg       sync.WaitGroup
}

// NewPool returns a loop that runs coroutines and callbacks on a pool of
// worker goroutines (WithWorkers, default GOMAXPROCS), in parallel: tokio's
// multi-thread runtime. Coroutine code written for a single-thread loop runs
// unchanged, but shared state needs the same care as with any goroutines.
// A coroutine suspended in Await holds no worker.
func NewPool(opts ...Option) *Loop {
	l := newLoop(opts)
	p := &pool{
		l:      l,
		n:      int64(l.cfg.workers),
		sem:    semaphore.NewWeighted(int64(l.cfg.workers)),
		wakeCh: make(chan struct{}, 1),
	}
	// Idle: the engine holds every permit. Cannot fail: nobody else has one.
	_ = p.sem.Acquire(context.Background(), p.n)
	p.limit.Store(math.MaxUint64)
	l.eng = p
	return l
}

// run lets the workers go and, until stop is set, serves the timers: the
// goroutine that called RunUntilComplete posts each timer when it is due.
func (p *pool) run(stop *atomic.Bool) error {
	p.sem.Release(p.n)
	p.kick()
	for !stop.Load() {
		if p.l.timers.n.Load() != 0 {
			p.fireDue()
		}
		p.idle(stop)
	}
	// Pause. A stop callback (RunUntilComplete's) has set limit to the
	// last item posted before it ran: those finish the "iteration", as in
	// asyncio, where callbacks queued beside the stop still run. Stopped any
	// other way, workers leave after their current item. Bodies that wake
	// later queue behind this Acquire until the next run.
	p.limit.CompareAndSwap(math.MaxUint64, 0)
	p.stopping.Store(true)
	for {
		p.kick()
		_ = p.sem.Acquire(context.Background(), p.n)
		// A permit given back while the Acquire waited went to it, not
		// to a worker (TryAcquire fails while anyone waits), so items up
		// to the limit may still be queued: let workers take them, and
		// wait again. Items queued now get ids past the limit, so this
		// ends.
		if !p.in.headUpTo(p.limit.Load()) {
			break
		}
		p.sem.Release(p.n)
	}
	p.stopping.Store(false)
	p.limit.Store(math.MaxUint64)
	return nil
}

// fireDue posts the timers that are due, in order.
func (p *pool) fireDue() {
	p.due = p.l.timers.popDue(p.l.clock.now(), p.due)
	p.in.pushTimers(p.due)
	clear(p.due)
	p.due = p.due[:0]
	p.kick()
}

// idle waits for the next timer, a new earlier timer or stop. With virtual
// time it jumps the clock instead, once the pool is quiescent; every
// worker that gives up its permit nudges it to check (see release).
func (p *pool) idle(stop *atomic.Bool) {
	when, ok := p.l.timers.next()
	switch {
	case !ok:
		<-p.wakeCh
	case p.l.clock.virtual:
		if !p.quiescent() {
			<-p.wakeCh
			return
		}
		// Read the deadline again: a body that was running when it was
		// first read may have added an earlier timer before it parked.
		if when, ok = p.l.timers.next(); ok {
			p.l.clock.jump(when)
		}
	default:
		d, ok := p.l.clock.until(when)
		if !ok || stop.Load() {
			return
		}
		switch {
		case d <= timerSlack:
			if p.l.clock.nap(d) { // see single.idle
				return
			}
		default:
			d -= timerSlack
		}
		if p.timer == nil {
			p.timer = time.NewTimer(d)
		} else {
			p.timer.Reset(d)
		}
		select {
		case <-p.wakeCh: // stop, or an earlier timer
		case <-p.timer.C: // the next timer is nearly due
		}
	}
}

// quiescent reports whether nothing on the pool can run: every permit is
// free with nobody queued for one, no woken body is on its way to queue,
// nothing is posted and no executor job is in flight. Holding all the
// permits while it looks keeps anything from starting meanwhile.
func (p *pool) quiescent() bool {
	if !p.sem.TryAcquire(p.n) {
		return false
	}
	ok := p.woken.Load() == 0 && p.in.n.Load() == 0 && p.l.jobs.Load() == 0
	p.sem.Release(p.n)
	p.kick() // a push meanwhile found no permit free, like any other release
	return ok
}

// release gives back a worker's permit and, under virtual time, nudges run
// to see whether the pool has gone quiet.
func (p *pool) release() {
	p.sem.Release(1)
	if p.l.clock.virtual {
		p.wakeup()
	}
}

// start queues a new task's first step.
func (p *pool) start(t *task) { p.enqueue(entry{t: t}) }

// startTasks queues ts, in order, under one lock.
func (p *pool) startTasks(ts []*task) {
	p.in.pushTasks(ts)
	p.kick()
}

// stop ends the run after the items already posted (see run).
func (p *pool) stop(stop *atomic.Bool) {
	p.limit.Store(p.in.lastID())
	stop.Store(true)
	p.wakeup()
}

func (p *pool) wakeup() {
	select {
	case p.wakeCh <- struct{}{}:
	default:
	}
}

func (p *pool) shutdown() { p.wg.Wait() }

func (p *pool) callSoon(fn func()) (uint64, error) {
	if p.l.closedForUsers() {
		return 0, closedErr("CallSoon")
	}
	return p.post(fn), nil
}

func (p *pool) post(fn func()) uint64 { return p.enqueue(entry{fn: fn}) }

// enqueue pushes e and, if that made the queue non-empty, kicks (see kick),
// returning e's id.
func (p *pool) enqueue(e entry) uint64 {
	id, first := p.in.push(e)
	if first {
		p.kick()
	}
	return id
}

// kick starts workers while there is queued work and a free permit.
//
// A push needs to kick only when it makes the queue non-empty. The kick
// made then starts workers until the permits or the queue run out, and
// every permit given back later is followed by a kick (see worker, park,
// yield, quiescent and run): so while the queue stays non-empty, no
// permit is left free for a later push to take. Kicking on every push
// cost a stream of CallSoonThreadsafe a locked TryAcquire on the
// semaphore each time (measured: a sixth of the post's time, against the
// worker's lock).
func (p *pool) kick() {
	for p.in.n.Load() > 0 && (!p.stopping.Load() || p.in.headUpTo(p.limit.Load())) && p.sem.TryAcquire(1) {
		p.wg.Go(p.worker)
	}
}

// worker runs queued items while it holds a permit (taken by kick).
func (p *pool) worker() {
	for {
		e, ok := p.in.popUpTo(p.limit.Load(), &p.l.cancels)
		if !ok {
			break
		}
		if e.t != nil && e.t.wakeCh != nil {
			// A parked body's turn: hand it this worker's permit and
			// leave. Resuming through the queue keeps asyncio's order:
			// bodies woken, or yielding, one after another resume in
			// that order, behind what was queued before them. (A task
			// that has never run has no wake channel yet: park and
			// yield make it before they queue the task, so reading it
			// here is ordered by the queue's lock.)
			e.t.wakeCh <- struct{}{}
			return
		}
		if !p.runOne(e) {
			return // runtime.Goexit: runOne released the permit
		}
	}
	p.release()
	// An item posted after the pop above found nothing, but before the
	// release, saw no free permit: look again.
	p.kick()
}

// runOne runs fn, reporting a panic to the exception handler. It returns
// false if fn called runtime.Goexit, after giving up this goroutine's
// permit to a replacement worker.
func (p *pool) runOne(e entry) (ok bool) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			p.l.report(future.NewPanicError(r))
			ok = true
			return
		}
		p.l.report(future.ErrGoexit)
		p.release()
		p.kick()
	}()
	if e.t != nil {
		p.step(e.t) // a new task's first step
	} else {
		e.fn()
	}
	normal = true
	return true
}

// step starts a task's body on this worker. Pool tasks are stepped only
// once: a parked body resumes on its own goroutine.
func (p *pool) step(t *task) {
	if t.state.CompareAndSwap(tsScheduled, tsRunning) {
		t.start()
	}
}

func (p *pool) park(t *task, ctx context.Context, w future.Waitable) {
	ch := p.wakeChan(t)

	// Suspended before OnDone registers, so that a wake coming as soon as
	// it does can claim the task (see wake).
	t.state.Store(tsSuspended)
	defer t.state.Store(tsParking)
	if !w.OnDone(t.wakeFn) || t.cancelPending.Load() {
		// Done already, or a cancellation to deliver (cancel sets
		// cancelPending before it wakes): do not park. A wake that
		// claimed the task meanwhile has queued a resume: wait for it as
		// a park does, with this worker's permit given back first. (Held
		// while waiting, the permit kept a stopping loop from pausing:
		// the resume may lie past the stop, where no worker takes it
		// until the next run, and the pause waits for every permit.)
		if !t.state.CompareAndSwap(tsSuspended, tsParking) {
			p.release()
			p.kick()
			<-ch
			p.woken.Add(-1)
		}
		return
	}
	var stopAfter func() bool
	if ctx != context.Context(t) && ctx.Done() != nil {
		stopAfter = context.AfterFunc(ctx, t.wakeFn)
	}
	p.release()
	p.kick()
	<-ch // a worker has handed over its permit (see worker)
	p.woken.Add(-1)
	if stopAfter != nil {
		stopAfter()
	}
}

// yield queues the body behind everything already queued, gives up its
// permit, and waits for a worker to hand one back (asyncio's sleep(0)).
func (p *pool) yield(t *task) {
	ch := p.wakeChan(t)
	p.in.push(entry{t: t})
	p.release()
	p.kick() // for the permit given back, whether or not the push was first
	<-ch
}

// wakeChan returns t's wake channel, made on first use.
func (p *pool) wakeChan(t *task) chan struct{} {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.wakeCh == nil {
		t.wakeCh = make(chan struct{}, 1)
	}
	return t.wakeCh
}

// wake claims a suspended task and queues its resume, which a worker turns
// into a permit handed to the body (see worker). The claim makes wakes
// exact: of any number of wakes (the awaited future, ctx, a cancellation,
// a stale registration from an earlier park), one queues a resume and the
// rest do nothing, so the token buffer of one never fills and woken counts
// each body on its way back exactly once.
//
// The worker reads t.wakeCh without t.mu safely: park wrote it before its
// store of tsSuspended, which the successful compare-and-swap observes,
// and the queue's lock orders the rest.
func (p *pool) wake(t *task) {
	// Counted before the claim, so that quiescent never sees a claimed
	// task that is neither counted nor queued.
	p.woken.Add(1)
	if !t.state.CompareAndSwap(tsSuspended, tsScheduled) {
		p.woken.Add(-1)
		if p.l.clock.virtual {
			p.wakeup() // run may be waiting to recheck quiescence
		}
		return
	}
	p.enqueue(entry{t: t})
}

func (p *pool) onLoopThread() bool { return true }

// goexit: runOne's deferred call replaces the worker.
func (p *pool) goexit(*task) {}
