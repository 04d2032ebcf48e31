package loop

import (
	"context"
	"sync"
	"sync/atomic"

	"golang.org/x/sync/semaphore"

	"github.com/goasyncio/asyncio/future"
)

// pool is the engine of a worker-pool loop. Up to n goroutines at a time
// run callbacks and coroutine bodies; each holds one permit of a FIFO
// semaphore (x/sync/semaphore) while it does. A coroutine body runs directly
// on the worker that starts it, with no runtime coroutine, so a task that
// never suspends costs no more than a callback. A body that must wait
// releases its permit, so that another worker can start, and parks its
// goroutine; woken, it queues for a permit again. n workers thus serve any
// number of suspended coroutines.
//
// While the loop is not running, the engine itself holds all n permits, so
// nothing runs between RunUntilComplete calls, as with asyncio.
type pool struct {
	l   *Loop
	n   int64
	sem *semaphore.Weighted

	in inbox // queued callbacks and task starts

	stopping atomic.Bool   // workers finish their current item and leave
	wakeCh   chan struct{} // capacity 1: nudges run to look at its flag
	wg       sync.WaitGroup
}

// NewPool returns a loop that runs coroutines and callbacks on a pool of
// worker goroutines (WithWorkers, default GOMAXPROCS), in parallel: tokio's
// multi-thread runtime. Coroutine code written for a single-thread loop runs
// unchanged, but shared state needs the same care as with any goroutines.
// A coroutine suspended in Await holds no worker.
func NewPool(opts ...Option) *Loop {
	l := &Loop{cfg: newConfig(opts)}
	p := &pool{
		l:      l,
		n:      int64(l.cfg.workers),
		sem:    semaphore.NewWeighted(int64(l.cfg.workers)),
		wakeCh: make(chan struct{}, 1),
	}
	// Idle: the engine holds every permit. Cannot fail: nobody else has one.
	_ = p.sem.Acquire(context.Background(), p.n)
	l.eng = p
	return l
}

func (p *pool) run(stop *atomic.Bool) error {
	p.sem.Release(p.n)
	p.kick()
	for !stop.Load() {
		<-p.wakeCh
	}
	// Pause: workers leave after their current item; bodies that wake
	// later queue behind this Acquire until the next run.
	p.stopping.Store(true)
	_ = p.sem.Acquire(context.Background(), p.n)
	p.stopping.Store(false)
	return nil
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

func (p *pool) post(fn func()) uint64 {
	id := p.in.push(entry{fn: fn})
	p.kick()
	return id
}

// kick starts workers while there is queued work and a free permit.
func (p *pool) kick() {
	for p.in.n.Load() > 0 && !p.stopping.Load() && p.sem.TryAcquire(1) {
		p.wg.Go(p.worker)
	}
}

// worker runs queued items while it holds a permit (taken by kick).
func (p *pool) worker() {
	for !p.stopping.Load() {
		e, ok := p.in.pop()
		if !ok {
			break
		}
		// Check for cancellation before recording the id as dispatched:
		// advance forgets cancelled ids at or below the watermark.
		c := &p.l.cancels
		cancelled := c.n.Load() != 0 && c.take(e.id)
		c.advance([2]uint64{0, e.id})
		if cancelled {
			continue
		}
		if !p.runOne(e.fn) {
			return // runtime.Goexit: runOne released the permit
		}
	}
	p.sem.Release(1)
	// An item posted after the pop above found nothing, but before the
	// release, saw no free permit: look again.
	p.kick()
}

// runOne runs fn, reporting a panic to the exception handler. It returns
// false if fn called runtime.Goexit, after giving up this goroutine's
// permit to a replacement worker.
func (p *pool) runOne(fn func()) (ok bool) {
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
		p.sem.Release(1)
		p.kick()
	}()
	fn()
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
	t.mu.Lock()
	if t.wakeCh == nil {
		t.wakeCh = make(chan struct{}, 1)
	}
	ch := t.wakeCh
	t.mu.Unlock()

	if !w.OnDone(t.wakeFn) {
		return
	}
	t.state.Store(tsSuspended)
	defer t.state.Store(tsParking)
	var stopAfter func() bool
	if ctx != context.Context(t) && ctx.Done() != nil {
		stopAfter = context.AfterFunc(ctx, t.wakeFn)
	}
	p.sem.Release(1)
	p.kick()
	<-ch // a wake token: from w, ctx, a cancellation, or a stale one
	if stopAfter != nil {
		stopAfter()
	}
	_ = p.sem.Acquire(context.Background(), 1) // background: cannot fail
}

func (p *pool) yield(t *task) {
	p.sem.Release(1)
	p.kick()
	_ = p.sem.Acquire(context.Background(), 1)
}

func (p *pool) wake(t *task) {
	t.mu.Lock()
	ch := t.wakeCh
	t.mu.Unlock()
	select {
	case ch <- struct{}{}:
	default: // not parked yet (nil), or a token is already there
	}
}

// goexit: runOne's deferred call replaces the worker.
func (p *pool) goexit(*task) {}
