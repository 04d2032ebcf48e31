package engine

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/queue"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// item is one entry of a pool's queues: a callback, or one step of a task.
// cancelled is the flag of a callback's Handle; nil for task steps and for
// callbacks that have none (Submit).
type item struct {
	fn        func()
	t         *task.Task
	cancelled *atomic.Bool
}

// claimAlone is how many entries a lone worker moves from its queue to the
// batch it runs privately, in one lock round trip. Nobody can steal from
// it, so it claims a long batch. With several workers, a worker claims one
// entry at a time: what it has not started stays where a thief can take
// it, so that a callback that blocks its worker holds up nothing else
// while another worker is free (the tempting batch of eight deadlocked two
// callbacks that wait for each other, TestPoolRunsInParallel).
const claimAlone = 64

// inboxBatch bounds a worker's share of the inbox: its fair share is the
// backlog divided by the workers, plus one (Go's scheduler takes from its
// global queue the same way), moved to its stealable queue.
const inboxBatch = 256

// fairEvery is how often, in refills, a worker takes from the inbox before
// its own queue, so that one busy with its own tasks still serves what was
// posted: Go's scheduler looks at its global queue every 61st tick.
const fairEvery = 61

// worker is one of a pool's workers.
type worker struct {
	p *pool
	i int

	mu sync.Mutex       // protects q
	q  queue.FIFO[item] // ready entries: thieves may take them
	qn atomic.Int32     // about q.Len(), for thieves' and parkers' look without the lock: never below it

	// The worker's own, touched only by its goroutine and the coroutines
	// it resumes, which run in lockstep with it.
	cur      []item // entries claimed from q, run from cur[ci]
	ci       int
	pend     []item        // entries queued by this worker, moved to q at the next claim
	flags    []atomic.Bool // Handle flags for callSoon, handed out in slabs
	coros    task.Coros    // coroutines for new tasks
	ticks    uint32        // refills, for fairEvery
	epoch    uint64        // the last pause this worker noticed
	budget   int           // entries of q that may still run in the pause
	rnd      uint64        // where the next steal starts looking
	wake     chan struct{} // capacity 1: the token of an unpark
	started  bool          // its goroutine has been started; Run's goroutine only
	dueBatch bool          // cur holds fired timers (see pool.dueRuns)

	isParked bool // protected by p.idleMu
}

// main runs the worker's loop until the pool shuts down, again after a
// callback panics (the panic is reported), and on a fresh goroutine after
// one calls runtime.Goexit, which ends this one.
func (w *worker) main() {
	for !w.run() {
	}
}

// run dispatches entries, parking when there are none, and returns true
// when the pool shuts down or false after a panic. One deferred recover
// covers every entry, so that a callback costs no defer of its own.
func (w *worker) run() (shutdown bool) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			w.p.host.Report(future.NewPanicError(r))
			return
		}
		// runtime.Goexit: it cannot be stopped, only reported, and this
		// goroutine ends; another takes over the worker.
		w.p.host.Report(fmt.Errorf("loop: a callback called runtime.Goexit: %w", future.ErrGoexit))
		w.p.wg.Go(w.main)
	}()
	for {
		if w.ci == len(w.cur) && !w.refill() {
			if w.p.closed.Load() {
				normal = true
				return true
			}
			w.park()
			continue
		}
		it := w.cur[w.ci]
		w.cur[w.ci] = item{}
		w.ci++
		if it.cancelled != nil && it.cancelled.Load() {
			continue
		}
		if it.t != nil {
			if it.t.Step(&w.coros) == task.Requeue {
				w.requeue(it.t)
			}
		} else {
			it.fn()
		}
	}
}

// helpSteps bounds the steps a borrowed worker runs before its borrower
// goes back to its own job (reading its socket): a worker that stays busy
// is handed back to its goroutine.
const helpSteps = 64

// help runs w's loop on a goroutine that borrowed it (see pool.RunWoken),
// task steps only: a step keeps a panic or a runtime.Goexit of its body to
// the task, but a callback runs bare, and a Goexit in one would end the
// borrower. So at a callback, and after helpSteps steps, w goes back to
// its own goroutine, which runs on from there; with nothing left, w parks
// again.
func (w *worker) help() {
	for range helpSteps {
		if w.ci == len(w.cur) && !w.refill() {
			w.p.giveBack(w)
			return
		}
		it := w.cur[w.ci]
		if it.t == nil {
			break
		}
		w.cur[w.ci] = item{}
		w.ci++
		if it.t.Step(&w.coros) == task.Requeue {
			w.requeue(it.t)
		}
	}
	if w.ci == len(w.cur) && len(w.pend) == 0 && w.qn.Load() == 0 {
		w.p.giveBack(w) // it unparks a worker if the inbox holds more
		return
	}
	w.p.handBack(w)
}

// refill claims the next batch into cur: from the worker's own queue,
// from the inbox, or from another worker. It reports false when there is
// nothing the worker may run now.
func (w *worker) refill() bool {
	p := w.p
	w.cur, w.ci = w.cur[:0], 0
	for {
		if p.closed.Load() || !p.running.Load() {
			return false
		}
		if p.claimDue(w) {
			return true
		}
		if w.ticks++; w.ticks%fairEvery == 0 {
			w.claimInbox()
		}
		if w.claimOwn() || (w.claimInbox() && w.claimOwn()) || (p.steal(w) && w.claimOwn()) || len(w.cur) > 0 {
			return true
		}
		if !p.claimable() {
			return false
		}
		// An inbox entry is reserved but not yet written: its poster is
		// in the middle of Push. Give it the processor, and look again.
		runtime.Gosched()
	}
}

// noticeStopLocked, once per pause, fixes what of this worker's queue may
// still run: what it holds when it first claims after the stop. What it
// queues later stays in pend for the next run. Call it with w.mu held. It
// is called at every claim while stopping, not once per refill: a steal
// that began before the stop may add to q after a refill's first look
// (which once left stolen entries unrun when the worker then parked,
// TestCancelsStaysProportionalToWhatWaits/pool2).
func (w *worker) noticeStopLocked() {
	if e := w.p.epoch.Load(); e != w.epoch {
		w.epoch = e
		w.flushLocked()
		w.budget = w.q.Len()
	}
}

// flushLocked moves pend to the back of q. Call it with w.mu held.
func (w *worker) flushLocked() {
	for i, it := range w.pend {
		w.q.Push(it)
		w.pend[i] = item{}
	}
	w.pend = w.pend[:0]
	w.qn.Store(int32(w.q.Len()))
}

// claimOwn moves the next entries of q (after what pend holds) to cur, and
// reports whether there were any.
func (w *worker) claimOwn() bool {
	p := w.p
	stopping := p.stopping.Load()
	if len(w.pend) == 0 && w.qn.Load() == 0 {
		return false // only this worker adds to q, and a thief's steal into it
	}
	k := claimAlone
	if p.n > 1 {
		k = 1
	}
	w.mu.Lock()
	if stopping {
		w.noticeStopLocked()
	}
	if !stopping && p.n == 1 && w.q.Len() == 0 && len(w.pend) > 0 {
		// A lone worker with nothing older queued runs pend as its next
		// batch, as the single-thread loop runs its ready queue, without
		// copying it through q (BenchmarkCallSoon/Loop/pool).
		w.cur, w.pend = w.pend, w.cur[:0]
		w.mu.Unlock()
		return true
	}
	if !stopping {
		w.flushLocked()
	} else {
		k = min(k, w.budget)
	}
	got := min(k, w.q.Len())
	for range got {
		w.cur = append(w.cur, w.q.Pop())
	}
	if stopping {
		w.budget -= got
	}
	left := w.q.Len()
	if left == 0 {
		// qn may run high (thieves then find less than it says), never
		// low: a worker about to park reads it for work to steal. So only
		// its fall to zero needs the store (an XCHG), not every claim
		// (BenchmarkGather/Loop/pool).
		w.qn.Store(0)
	}
	w.mu.Unlock()
	if left > 0 && p.n > 1 && p.idle.Load() > 0 {
		p.unparkOne() // something to steal
	}
	return got > 0
}

// claimInbox moves this worker's share of the inbox to the back of q, and
// reports whether there was any: while stopping, only what was posted
// before the stop. A lone worker with nothing queued moves it straight to
// cur instead, and reports false.
func (w *worker) claimInbox() bool {
	p := w.p
	if !p.claimable() {
		return false
	}
	p.inMu.Lock()
	head, tail := p.in.Head(), p.in.Tail()
	stopping := p.stopping.Load()
	if stopping {
		tail = min(tail, p.limit.Load())
	}
	if head >= tail {
		p.inMu.Unlock()
		return false
	}
	share := min((tail-head)/uint64(p.n)+1, inboxBatch)
	if p.n == 1 && !stopping && len(w.pend) == 0 && w.qn.Load() == 0 {
		// A lone worker with nothing else queued runs its share straight
		// from the batch (BenchmarkCoroutineCreateRun/Loop/pool).
		for uint64(len(w.cur)) < share {
			it, _, ok := p.in.Pop()
			if !ok {
				break
			}
			w.cur = append(w.cur, it)
		}
		p.inHead.Store(p.in.Head())
		p.inMu.Unlock()
		return false
	}
	w.mu.Lock()
	got := 0
	for ; uint64(got) < share; got++ {
		it, _, ok := p.in.Pop()
		if !ok {
			break // being written
		}
		w.q.Push(it)
	}
	if stopping {
		w.budget += got
	}
	w.qn.Store(int32(w.q.Len()))
	w.mu.Unlock()
	p.inHead.Store(p.in.Head())
	more := p.claimable()
	p.inMu.Unlock()
	if more && p.idle.Load() > 0 {
		p.unparkOne() // the rest of the inbox is someone else's share
	}
	return got > 0
}

// giveHalf moves the older half of w's queue (rounded up: a lone entry
// too) to thief's, and reports whether it moved anything.
func (w *worker) giveHalf(thief *worker) bool {
	w.mu.Lock()
	n := (w.q.Len() + 1) / 2
	if n == 0 {
		w.mu.Unlock()
		return false
	}
	stolen := make([]item, 0, n)
	for range n {
		stolen = append(stolen, w.q.Pop())
	}
	w.qn.Store(int32(w.q.Len()))
	w.mu.Unlock()
	thief.mu.Lock()
	for _, it := range stolen {
		thief.q.Push(it)
	}
	thief.qn.Store(int32(thief.q.Len()))
	thief.mu.Unlock()
	return true
}

// requeue puts a task that yielded back behind what is queued. With one
// worker it goes to the worker's own queue, behind what was posted before,
// as on the single-thread loop (see drainInbox). With several it goes to
// the back of the inbox, where any worker may take it: behind what every
// worker has queued, so that the tasks it yields to run first wherever
// they wait.
func (w *worker) requeue(t *task.Task) {
	if w.p.n > 1 {
		w.p.post(item{t: t})
		return
	}
	w.drainInbox()
	w.pend = append(w.pend, item{t: t})
}

// callSoon queues fn on a pool of one worker, from code running on it.
func (w *worker) callSoon(fn func()) Handle {
	w.drainInbox()
	if len(w.flags) == 0 {
		w.newFlags()
	}
	f := &w.flags[0]
	w.flags = w.flags[1:]
	w.pend = append(w.pend, item{fn: fn, cancelled: f})
	return Handle{flag: f}
}

// newFlags makes the next slab of Handle flags: one allocation for many
// callbacks (BenchmarkCallSoon/Loop/pool).
func (w *worker) newFlags() { w.flags = make([]atomic.Bool, flagSlab) }

// flagSlab is how many Handle flags callSoon allocates at once.
const flagSlab = 256

// drainInbox moves what has been posted to pend, for a pool of one worker
// about to queue something itself: what a step posted (a task it woke, one
// it made) then goes ahead of what it, or a later step, queues, as the
// single-thread loop keeps asyncio's FIFO order (see single.drainInbox).
// It costs two atomic loads when nothing is posted.
func (w *worker) drainInbox() {
	if w.p.posted() {
		w.drainAll()
	}
}

// drainAll is drainInbox's slow path, apart so that the check inlines.
func (w *worker) drainAll() {
	p := w.p
	p.inMu.Lock()
	for end := p.in.Tail(); p.in.Head() != end; {
		for p.in.Head() < end {
			it, _, ok := p.in.Pop()
			if !ok {
				break
			}
			w.pend = append(w.pend, it)
		}
		if p.in.Head() != end {
			runtime.Gosched() // a poster is writing the entry
		}
	}
	p.inHead.Store(p.in.Head())
	p.inMu.Unlock()
}

// park waits until an unpark. The worker counts itself idle before its
// last look for work, and a poster pushes before it reads the count: so
// either the poster unparks it or the look sees the post.
func (w *worker) park() {
	p := w.p
	p.idleMu.Lock()
	idle := p.addParkedLocked(w)
	p.idleMu.Unlock()
	if p.workFor(w) {
		p.idleMu.Lock()
		if w.isParked {
			for i, v := range p.parked {
				if v == w {
					p.parked = append(p.parked[:i], p.parked[i+1:]...)
					break
				}
			}
			w.isParked = false
			p.idle.Add(-1)
			p.idleMu.Unlock()
			return
		}
		p.idleMu.Unlock()
		<-w.wake // an unpark chose this worker first: take its token
		return
	}
	p.wentIdle(idle)
	<-w.wake
}
