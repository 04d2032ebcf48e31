package engine

import (
	"math"
	"math/rand/v2"
	"sync"
	"sync/atomic"

	"github.com/goasyncio/asyncio/loop/internal/driver"
	"github.com/goasyncio/asyncio/loop/internal/queue"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// pool is the engine of a worker-pool loop: tokio's multi-thread scheduler,
// in Go. n worker goroutines each run callbacks and resume task bodies'
// runtime coroutines directly, as the single-thread engine does on its one
// thread: a body that parks or yields switches back to the worker, which
// goes on with the next entry. So a suspend and resume costs a coroutine
// switch and a queue operation, not a handoff between goroutines.
//
// Where work waits:
//   - in the inbox, a lock-free MPSC that any goroutine posts into: new
//     tasks, wakes of parked tasks, callbacks, due timers. Workers take from
//     it in batches (a fair share each) under inMu. Go has no goroutine-local
//     state, so code cannot tell which worker it runs on, and everything
//     posted goes here;
//   - in each worker's own ready queue: its share of the inbox. An idle
//     worker steals half of a busy worker's queue. A task that yields goes
//     back to the inbox, behind what is queued anywhere. A lone worker claims entries from its queue in
//     batches, taking the queue's lock once per batch (see claimAlone);
//   - with one worker (WithWorkers(1)), CallSoon from the loop's own code and
//     a task's yield go straight to that worker's queue, since the caller can
//     only be running on it: as on the single-thread loop, without a post.
//
// The goroutine that calls Run serves the timers: it parks in the driver
// until the next one is nearly due and posts it. While the loop is not
// running, workers are parked and nothing is taken, as with asyncio.
type pool struct {
	host *task.Host
	drv  *driver.Driver
	jobs *atomic.Int64
	n    int

	_       queue.CacheLinePad
	in      queue.MPSC[item]
	inMu    sync.Mutex    // serializes the inbox's consumers
	inHead  atomic.Uint64 // the inbox's head, published by its consumers
	_       queue.CacheLinePad
	workers []*worker

	idleMu sync.Mutex   // protects parked and each worker's isParked
	parked []*worker    // workers waiting for work
	idle   atomic.Int32 // len(parked): the posters' lock-free check

	// holding counts the goroutines between HoldWakes and RunWoken:
	// while any is, a post unparks no worker, since a holder runs what
	// was posted once it is done (see RunWoken). Apart, as posters
	// read it and holders write it at every message they read.
	_       queue.CacheLinePad
	holding atomic.Int32
	_       queue.CacheLinePad

	running  atomic.Bool   // between Run's start and the end of its pause
	stopping atomic.Bool   // Run is pausing: take nothing posted after limit
	limit    atomic.Uint64 // the inbox position past which a stopping pool takes nothing
	epoch    atomic.Uint64 // counts pauses, so that each worker notices one once
	closed   atomic.Bool   // Shutdown: workers exit
	waking   atomic.Int32  // wakes between their claim and their post (see Wake)

	// Fired timers wait here rather than in the inbox. A worker takes
	// them once what was posted before they fired (up to dueAt) has been
	// claimed, as asyncio runs due timers after what is ready, or at once
	// if more than dueCap entries are ahead of them: a flood of posts must
	// not hold a due timer behind its whole backlog (a 300 ms Sleep took
	// 5.7 s while 64 goroutines posted; TestTimersRunUnderAFloodOfPosts).
	dueMu sync.Mutex // protects due
	due   []item
	dueN  atomic.Int32  // len(due): the workers' lock-free check
	dueAt atomic.Uint64 // the inbox's tail when due last became non-empty
	// dueRuns counts workers running a batch of fired timers. A task
	// woken meanwhile (by a Sleep's timer, say) joins due too: posted to
	// the inbox, its wake would wait behind the backlog all the same.
	dueRuns atomic.Int32

	wg sync.WaitGroup // the workers
}

// NewPool returns the engine of a pool loop with cfg.Workers workers,
// which start on its first Run.
func NewPool(cfg Config) Engine {
	p := &pool{host: cfg.Host, drv: cfg.Driver, jobs: cfg.Jobs, n: max(cfg.Workers, 1)}
	p.in.Init()
	p.limit.Store(math.MaxUint64)
	p.workers = make([]*worker, p.n)
	for i := range p.workers {
		p.workers[i] = &worker{p: p, i: i, wake: make(chan struct{}, 1), rnd: rand.Uint64()}
	}
	return p
}

func (p *pool) ThreadID() int { return 0 }

// OnLoopThread reports true: a pool has no thread of its own.
func (p *pool) OnLoopThread() bool { return true }

// OnBodyThread reports false: a pool's bodies run on any thread.
func (p *pool) OnBodyThread() bool { return false }

// EagerCoros reports nil: which worker, if any, resumed the caller cannot
// be told from the calling goroutine (Go has no goroutine identity), and a
// coroutine must not be resumed by two goroutines at once.
func (p *pool) EagerCoros() *task.Coros { return nil }

// Run lets the workers go and, until stop is set, serves the timers.
func (p *pool) Run(stop *atomic.Bool) error {
	var inRun atomic.Bool
	defer running(&inRun)() // counted until its workers are parked again
	p.running.Store(true)
	// Timers already due go first, before the workers take the inbox: so
	// that this goroutine's own start-up is not a window in which they
	// run a backlog ahead of them (TestTimersRunUnderAFloodOfPosts/pool,
	// 17,384 ran ahead once under load).
	p.fireDue()
	if started := p.workers[0].started; !started {
		for _, w := range p.workers {
			w.started = true
			p.wg.Go(w.main)
		}
	} else {
		p.unparkAll()
	}
	d := p.drv
	for !stop.Load() {
		p.fireDue()
		d.Announce()
		if stop.Load() {
			d.Withdraw()
			break
		}
		d.Park(0, p.quiescent)
	}
	p.pause()
	return nil
}

// pause ends a run. A stop callback (RunUntilComplete's) has set limit to
// the inbox position at the moment it ran: entries posted before it finish
// the "iteration", as in asyncio, where callbacks queued beside the stop
// still run; so does what each worker held when it noticed the stop (with
// several workers, that may include an entry another worker took from the
// inbox just after the stop callback ran). Stopped any other way (a
// context), the limit is the inbox as it stands. Entries past it wait for
// the next run. pause returns once every worker is parked with nothing
// left that it may run.
func (p *pool) pause() {
	p.limit.CompareAndSwap(math.MaxUint64, p.in.Tail())
	p.epoch.Add(1)
	p.stopping.Store(true)
	p.unparkAll()
	d := p.drv
	for {
		d.Announce()
		if p.idle.Load() == int32(p.n) && !p.claimable() {
			d.Withdraw()
			break
		}
		d.Park(0, never)
	}
	p.running.Store(false)
	p.stopping.Store(false)
	p.limit.Store(math.MaxUint64)
}

func never() bool { return false }

// Stop ends the run after the entries posted so far (see pause).
func (p *pool) Stop(stop *atomic.Bool) {
	p.limit.Store(p.in.Tail())
	stop.Store(true)
	p.drv.Unpark()
}

func (p *pool) Unpark() { p.drv.Unpark() }

// Shutdown ends the workers, and the coroutines they keep.
func (p *pool) Shutdown() {
	p.closed.Store(true)
	p.unparkAll()
	p.wg.Wait()
	// The reclaimed coroutines run user code (deferred calls), which
	// counts as a running loop (see single.EagerCoros).
	runningLoops.Add(1)
	defer runningLoops.Add(-1)
	var reclaim sync.WaitGroup
	for _, w := range p.workers {
		w.coros.StopFree()
		// A coroutine parked by a Goexit ends the goroutine that
		// resumes it: give each one a goroutine of its own.
		for _, c := range w.coros.Exited() {
			reclaim.Go(c.Reclaim)
		}
	}
	reclaim.Wait()
}

// quiescent reports, for virtual time, that nothing on the pool can run
// before its next timer: every worker parked, nothing posted, no wake on
// its way to the inbox, no executor job in flight. waking is read before
// the inbox: a wake that has ended has posted.
func (p *pool) quiescent() bool {
	return p.idle.Load() == int32(p.n) && p.jobs.Load() == 0 &&
		p.waking.Load() == 0 && p.in.Tail() == p.inHead.Load() && p.dueN.Load() == 0
}

// post queues it in the inbox and unparks a worker for it.
func (p *pool) post(it item) {
	p.in.Push(it)
	// Pushed before idle is read, and a parking worker counts itself idle
	// before it looks at the inbox: one of the two sees the other. So
	// with holding: pushed before it is read, and a holder ends its hold
	// before it looks at the inbox.
	if p.idle.Load() > 0 && p.holding.Load() == 0 {
		p.unparkOne()
	}
}

// HoldWakes begins a hold (see task.WakeRunner).
func (p *pool) HoldWakes() { p.holding.Add(1) }

// RunWoken ends a hold and runs what was queued, on the caller's
// goroutine, as a parked worker that it borrows: the worker's own
// goroutine stays blocked in park, and is woken only if a callback comes
// up (see worker.help). So a message read on Go's netpoller is answered
// by the goroutine that read it, as with a goroutine per connection,
// without the wake of a second thread. bench/cmd/echoserver -engine=pool,
// 1 connection, 1 KiB (the report's workload 10d), p50 over 5
// interleaved rounds: 47 -> 35 us (Go net 27).
func (p *pool) RunWoken() {
	p.holding.Add(-1)
	if !p.claimable() {
		return
	}
	if w := p.borrow(); w != nil {
		w.help()
		return
	}
	// No worker is parked (those running will find the entries), or the
	// pool is pausing: unpark as the hold kept post from doing.
	if p.idle.Load() > 0 {
		p.unparkOne()
	}
}

// borrow takes a parked worker for the caller to run as, leaving its
// goroutine blocked in park; nil if none is parked or the pool is not
// running freely.
func (p *pool) borrow() *worker {
	p.idleMu.Lock()
	defer p.idleMu.Unlock()
	if !p.running.Load() || p.stopping.Load() || p.closed.Load() {
		return nil
	}
	return p.takeParkedLocked()
}

// handBack gives a borrowed worker back to its goroutine, which runs on
// from where the borrower left off.
func (p *pool) handBack(w *worker) {
	w.wake <- struct{}{} // nobody else sends: w was in no parked list
}

// giveBack parks a borrowed worker again, with nothing left to run, as
// its goroutine's park would have: counted idle before the look for work
// that unparks a worker if some came meanwhile.
func (p *pool) giveBack(w *worker) {
	p.idleMu.Lock()
	if p.closed.Load() {
		// Shutdown has unparked the parked workers already, or will
		// find w here once this returns: its goroutine ends either way.
		p.idleMu.Unlock()
		p.handBack(w)
		return
	}
	idle := p.addParkedLocked(w)
	p.idleMu.Unlock()
	if p.workFor(w) {
		p.unparkOne()
	}
	p.wentIdle(idle)
}

// addParkedLocked puts w in the parked list and counts it idle, returning
// how many are idle now. The caller holds idleMu, and looks for work
// after it (see park).
func (p *pool) addParkedLocked(w *worker) int32 {
	w.isParked = true
	p.parked = append(p.parked, w)
	return p.idle.Add(1)
}

// wentIdle tells Run, once idle counts every worker, to check for
// quiescence (virtual time) or for the end of its pause.
func (p *pool) wentIdle(idle int32) {
	if idle == int32(p.n) && (p.drv.Virtual || p.stopping.Load()) {
		p.drv.Unpark()
	}
}

func (p *pool) Submit(fn func()) { p.post(item{fn: fn}) }

// CallSoonThreadsafe posts fn with a flag of its own for its Handle: a
// pool's workers dispatch in no single order, so the watermark that lets
// the single-thread engine do without one cannot be kept (see Cancels).
func (p *pool) CallSoonThreadsafe(fn func()) Handle {
	f := new(atomic.Bool)
	p.post(item{fn: fn, cancelled: f})
	return Handle{flag: f}
}

// CallSoon queues fn from code on the loop. With one worker that code runs
// on the worker, so fn goes straight to its queue (see worker.callSoon);
// with several, the caller's worker cannot be known, and fn is posted.
func (p *pool) CallSoon(fn func()) Handle {
	if p.n == 1 {
		return p.workers[0].callSoon(fn)
	}
	return p.CallSoonThreadsafe(fn)
}

func (p *pool) Start(t *task.Task) { p.post(item{t: t}) }

// StartTasks queues ts, in order, with at most one unpark.
func (p *pool) StartTasks(ts []*task.Task) {
	for _, t := range ts {
		p.in.Push(item{t: t})
	}
	if p.idle.Load() > 0 {
		p.unparkOne()
	}
}

func (p *pool) Wake(t *task.Task) {
	// waking covers the window between the claim and the post (see
	// quiescent).
	p.waking.Add(1)
	if t.ClaimWake() {
		if p.dueRuns.Load() > 0 {
			p.postDue(item{t: t})
		} else {
			p.post(item{t: t})
		}
	}
	if p.waking.Add(-1) == 0 && p.drv.Virtual {
		p.drv.Unpark() // Run may be waiting for this wake to end
	}
}

// posted reports whether anything has been posted to the inbox and not yet
// taken (or is being written).
func (p *pool) posted() bool { return p.in.Tail() != p.inHead.Load() }

// claimable reports whether the inbox holds an entry a worker may take
// now: any while running freely, only those before limit while stopping.
func (p *pool) claimable() bool {
	head, tail := p.inHead.Load(), p.in.Tail()
	if p.stopping.Load() {
		tail = min(tail, p.limit.Load())
	} else if p.dueN.Load() != 0 {
		return true
	}
	return head < tail
}

// fireDue moves the timers that are due to due, for the workers.
func (p *pool) fireDue() {
	fired := p.drv.Due()
	if len(fired) == 0 {
		return
	}
	p.dueMu.Lock()
	for _, tm := range fired {
		p.addDueLocked(item{fn: tm.Fire})
	}
	p.dueMu.Unlock()
	p.unparkForDue()
}

// dueCap is how many inbox entries may be ahead of due timers before they
// go first: the single-thread loop's intakeCap.
const dueCap = 4096

// postDue queues it with the fired timers.
func (p *pool) postDue(it item) {
	p.dueMu.Lock()
	p.addDueLocked(it)
	p.dueMu.Unlock()
	p.unparkForDue()
}

// addDueLocked appends it to due, noting where the inbox stood if due was
// empty. The caller holds dueMu.
func (p *pool) addDueLocked(it item) {
	if len(p.due) == 0 {
		p.dueAt.Store(p.in.Tail())
	}
	p.due = append(p.due, it)
	p.dueN.Store(int32(len(p.due)))
}

// unparkForDue has a worker take what due holds.
func (p *pool) unparkForDue() {
	if p.idle.Load() > 0 {
		p.unparkOne()
	}
}

// claimDue moves what due holds into w.cur, which is empty, and reports
// whether there was any; w then runs a due batch until its next refill. A
// stopping pool leaves them for the next run.
func (p *pool) claimDue(w *worker) bool {
	if w.dueBatch {
		w.dueBatch = false
		p.dueRuns.Add(-1)
	}
	if p.dueN.Load() == 0 || p.stopping.Load() {
		return false
	}
	if head, at := p.inHead.Load(), p.dueAt.Load(); head < at && at-head <= dueCap {
		return false // what was posted before them goes first
	}
	p.dueMu.Lock()
	defer p.dueMu.Unlock()
	w.cur = append(w.cur, p.due...)
	clear(p.due)
	p.due = p.due[:0]
	p.dueN.Store(0)
	if len(w.cur) == 0 {
		return false
	}
	w.dueBatch = true
	p.dueRuns.Add(1)
	return true
}

// unparkOne wakes one parked worker, if the pool is running.
func (p *pool) unparkOne() {
	if !p.running.Load() {
		return
	}
	p.idleMu.Lock()
	w := p.takeParkedLocked()
	p.idleMu.Unlock()
	if w != nil {
		w.wake <- struct{}{} // capacity 1, and each park is woken once
	}
}

// takeParkedLocked removes the last parked worker from the parked list and
// returns it; nil if none is parked. The caller holds idleMu.
func (p *pool) takeParkedLocked() *worker {
	n := len(p.parked)
	if n == 0 {
		return nil
	}
	w := p.parked[n-1]
	p.parked[n-1] = nil
	p.parked = p.parked[:n-1]
	w.isParked = false
	p.idle.Add(-1)
	return w
}

// unparkAll wakes every parked worker.
func (p *pool) unparkAll() {
	p.idleMu.Lock()
	ws := p.parked
	p.parked = nil
	for _, w := range ws {
		w.isParked = false
	}
	p.idle.Add(-int32(len(ws)))
	p.idleMu.Unlock()
	for _, w := range ws {
		w.wake <- struct{}{}
	}
}

// steal moves half of a busy worker's queue to w, which has nothing: from
// the back, so that the victim keeps the entries it would run first, and
// in order. It reports whether it took anything.
func (p *pool) steal(w *worker) bool {
	if p.n == 1 || p.stopping.Load() {
		return false
	}
	start := int(w.rnd % uint64(p.n))
	w.rnd = w.rnd*6364136223846793005 + 1442695040888963407 // the next start (PCG's multiplier)
	for k := range p.n {
		v := p.workers[(start+k)%p.n]
		if v == w || v.qn.Load() == 0 {
			continue
		}
		if v.giveHalf(w) {
			return true
		}
	}
	return false
}

// workFor reports, after w has announced that it parks, whether there is
// work it may take after all: a claimable inbox entry, or (running freely)
// another worker's queue to steal from.
func (p *pool) workFor(w *worker) bool {
	if !p.running.Load() || p.closed.Load() {
		return p.closed.Load()
	}
	if p.claimable() {
		return true
	}
	if p.stopping.Load() || p.n == 1 {
		return false
	}
	for _, v := range p.workers {
		if v != w && v.qn.Load() > 0 {
			return true
		}
	}
	return false
}
