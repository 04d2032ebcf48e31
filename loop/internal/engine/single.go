package engine

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goasyncio/asyncio/future"
	"github.com/goasyncio/asyncio/loop/internal/driver"
	"github.com/goasyncio/asyncio/loop/internal/osthread"
	"github.com/goasyncio/asyncio/loop/internal/poller"
	"github.com/goasyncio/asyncio/loop/internal/queue"
	"github.com/goasyncio/asyncio/loop/internal/task"
)

// single is the engine of a single-thread loop. One goroutine, locked to
// one OS thread for the loop's whole life, runs every callback; every task
// body runs on a runtime coroutine made and resumed by that goroutine, so
// it runs on the same thread. Suspending and resuming a body is a
// coroutine switch, not a channel handoff: an iter.Pull round trip on a
// locked thread costs about 75 ns where a channel ping-pong with a locked
// goroutine costs about 30,000 (BenchmarkSuspendResume, go test -bench
// SuspendResume ./bench/).
type single struct {
	host *task.Host
	drv  *driver.Driver
	jobs *atomic.Int64
	tid  int // the loop thread's id; written before NewSingle returns

	// Owned by the loop goroutine and the coroutines it drives, which run
	// in lockstep with it.
	ready, batch []entry
	seq          uint64    // last local id's sequence number (see localID)
	ran          [2]uint64 // highest id dispatched, per tag (see Cancels)
	coros        task.Coros

	cancels *Cancels
	marks   marks // ran, published for Cancels while it holds ids

	waking atomic.Int32      // wakes between their claim and their post (see Wake)
	in     queue.MPSC[work]  // callbacks and task steps posted from other goroutines
	cmds   chan *atomic.Bool // run until the flag is set; nil exits
	reply  chan error        // one reply per run command
	exited chan struct{}     // closed when the loop goroutine ends

	// iterEnd is the inbox position the current iteration runs to, and
	// owed counts the entries at the front of ready that a drain took
	// from before it: posted before the iteration began, they belong to
	// it, as asyncio's ready queue would have held them (see runOwed).
	// Loop goroutine only; last, so that the fields above keep the
	// layout BenchmarkCallSoon/Loop/single was measured with.
	iterEnd uint64
	owed    int

	inRun atomic.Bool // set while loop runs (see EagerCoros)

	// The loop's own I/O poller, opened by its first stream (ioPoller).
	ioMu  sync.Mutex
	ioOff bool // no poller: shut down, WithPortableIO, or the OS has none
}

// work is what a post queues: an entry without its id, which is made from
// its position in the inbox.
type work struct {
	fn func()
	t  *task.Task
}

// NewSingle returns the engine of a single-thread loop, with its goroutine
// started and locked to its thread.
func NewSingle(cfg Config) Engine {
	s := &single{
		host:   cfg.Host,
		drv:    cfg.Driver,
		jobs:   cfg.Jobs,
		cmds:   make(chan *atomic.Bool),
		reply:  make(chan error),
		exited: make(chan struct{}),
	}
	s.cancels = newCancels(s.marks.load)
	s.in.Init()
	s.ioOff = cfg.PortableIO
	cfg.Host.Poller = s.ioPoller
	started := make(chan struct{})
	go s.main(started)
	<-started
	return s
}

func (s *single) ThreadID() int { return s.tid }

func (s *single) main(started chan<- struct{}) {
	// Never unlocked: if this goroutine ends, its thread ends with it.
	runtime.LockOSThread()
	s.tid = osthread.ID()
	osthread.SetNapSlack(driver.NapSlack)
	close(started)
	defer close(s.exited) // registered first, so it runs last
	defer s.coros.StopFree()

	normal := false
	defer func() {
		if !normal {
			// A callback called runtime.Goexit. The thread goes with this
			// goroutine, and every coroutine is bound to it: the loop is
			// finished.
			err := fmt.Errorf("loop: a callback called runtime.Goexit: %w", future.ErrGoexit)
			s.host.Report(err)
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

	// Reclaim the coroutines parked by a Goexit. Resuming one lets its
	// Goexit finish, and iter.Pull then propagates the Goexit to this
	// goroutine, which is ending anyway; they are bound to this thread, so
	// no other goroutine may. Deferred calls go on running during a
	// Goexit, so each one is reclaimed in turn.
	// Their deferred calls are user code, which counts as a running loop
	// (see EagerCoros): this decrement is deferred first, so it runs last.
	if exited := s.coros.Exited(); len(exited) > 0 {
		runningLoops.Add(1)
		defer runningLoops.Add(-1)
		for _, c := range exited {
			defer c.Reclaim()
		}
	}
}

func (s *single) Run(stop *atomic.Bool) error {
	select {
	case s.cmds <- stop:
	case <-s.exited:
		return fmt.Errorf("loop: thread has exited: %w", future.ErrGoexit)
	}
	return <-s.reply
}

func (s *single) Shutdown() {
	select {
	case s.cmds <- nil:
	case <-s.exited:
	}
	<-s.exited
	s.ioMu.Lock()
	s.ioOff = true
	if p := s.drv.Poller(); p != nil {
		_ = p.Close() // the loop goroutine, its one waiter, has ended
	}
	s.ioMu.Unlock()
}

// ioPoller returns the loop's poller, opening it at the first call, or nil
// if the loop has none: its streams then use goroutines (see package
// poller). It is opened lazily so that a loop without I/O costs no
// descriptors and parks on a channel, which a testing/synctest bubble
// sees as durably blocked, where a wait in epoll is not.
func (s *single) ioPoller() *poller.Poller {
	s.ioMu.Lock()
	defer s.ioMu.Unlock()
	if p := s.drv.Poller(); p != nil || s.ioOff {
		return p
	}
	p, err := poller.Open()
	if err != nil {
		s.ioOff = true // ErrUnsupported, or out of descriptors: stay portable
		return nil
	}
	s.drv.SetPoller(p)
	return p
}

// loop runs iterations until stop is set, checking it between iterations as
// asyncio's run_forever does.
func (s *single) loop(stop *atomic.Bool) {
	defer running(&s.inRun)()
	d := s.drv
	// How many naps in a row found the entry at the inbox's head being
	// written (see writtenNaps).
	written := 0
	busy := 0 // iterations since the loop last parked
	for !stop.Load() {
		if d.Len() != 0 {
			// Due timers go after what is ready, posted callbacks
			// included, as in asyncio, but after at most intakeCap of
			// the posted ones: a flood of posts must not hold them.
			s.drainUpTo(intakeCap)
			s.fireDue()
		}
		// What was posted before this point runs in this iteration,
		// after what is in the ready queue (see drainInbox for why that
		// keeps FIFO order), up to intakeCap entries.
		end := min(s.in.Tail(), s.in.Head()+intakeCap)
		s.iterEnd, s.owed = end, 0
		if len(s.ready) == 0 && !s.in.Ready() {
			// Announce the park before the last look, so that a poster
			// either is told to unpark or its post is seen here. The
			// last look is at the reserved positions, not at the next
			// entry: a poster reserves with a sequentially consistent
			// add before it reads the announcement, but may still be
			// writing its entry.
			busy = 0
			d.Announce()
			switch {
			case stop.Load():
				d.Withdraw()
			case !s.in.Reserved():
				d.Park(0, s.quiet)
			default:
				// A poster is in the middle of a post, and likely of a
				// stream of them: nap (see writtenNaps).
				if s.in.Ready() {
					written = 0
				} else if written++; written > writtenNaps {
					// Its poster stopped before its stamp.
					written = 0
					d.Park(writtenBackstop, s.quiet)
					break
				}
				d.Withdraw()
				d.Nap(inFlightNap)
			}
			continue
		}
		written = 0
		if busy++; busy%pollEvery == 0 {
			// Busy iterations in a row: look at the I/O that is ready
			// anyway (a parked loop sees it in Park).
			d.PollIO()
		}
		// Run the callbacks that were ready when the iteration began;
		// those they schedule wait for the next one. (Written out here
		// rather than in a function: see entry.)
		s.batch, s.ready = s.ready, s.batch[:0]
		for i := 0; i < len(s.batch); {
			i = s.runFrom(s.batch, i)
		}
		clear(s.batch)
		// Then the posted ones, straight from the inbox: a backlog of any
		// length is run without being copied.
		for !s.runPosted(end, stop) {
		}
		if s.owed > 0 { // checked here: a call per iteration cost CallSoon 2 ns
			s.runOwed()
		}
		// Publishing the watermark costs atomic stores; while the loop
		// runs, it matters only when someone has cancelled a handle. A
		// Cancel made while none was recorded may record an id that has
		// run; the next iterations publish, and a sweep drops it.
		if s.cancels.Active() {
			s.marks.publish(s.ran)
		}
	}
	s.marks.publish(s.ran) // for Cancels made between runs
}

// runOwed ends an iteration in asyncio's place: what was posted before it
// began runs in it, even the entries a drain moved to the ready queue (a
// CallSoon drains the inbox to keep FIFO order), which would otherwise
// wait for the next iteration; what the iteration scheduled itself waits.
// (Without it, a task created before RunUntilComplete started one
// iteration late: TestRunUntilCompleteTakesAsyncioIterations.)
func (s *single) runOwed() {
	for s.owed > 0 {
		n := s.owed
		s.owed = 0
		s.batch = append(s.batch[:0], s.ready[:n]...)
		s.ready = append(s.ready[:0], s.ready[n:]...)
		for i := 0; i < len(s.batch); {
			i = s.runFrom(s.batch, i)
		}
		clear(s.batch)
	}
}

// quiet reports, for virtual time, that nothing can happen on the loop
// before its next timer: no executor job in flight, no wake on its way to
// the inbox, nothing posted. waking is read before the inbox: a wake that
// has ended has posted.
func (s *single) quiet() bool {
	return s.jobs.Load() == 0 && s.waking.Load() == 0 && !s.in.Reserved()
}

// runFrom runs b[i:] and returns len(b), or the index after a callback that
// panicked. One deferred recover covers the whole batch, so a callback
// costs no defer of its own.
func (s *single) runFrom(b []entry, i int) (next int) {
	normal := false
	defer func() {
		if normal {
			return
		}
		if r := recover(); r != nil {
			s.host.Report(future.NewPanicError(r))
			next = i + 1
		}
		// Otherwise runtime.Goexit: main's deferred call takes over.
	}()
	c := s.cancels
	for ; i < len(b); i++ {
		e := b[i]
		s.ran[e.id&1] = e.id
		if c.n.Load() != 0 && c.Take(e.id) {
			continue
		}
		if e.t != nil {
			if e.t.Step(&s.coros) == task.Requeue {
				s.requeue(e.t)
			}
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
			s.host.Report(future.NewPanicError(r))
		}
		// Otherwise runtime.Goexit: main's deferred call takes over.
	}()
	c := s.cancels
	// The dispatch below is runFrom's, written out again: as a shared
	// method it cost a callback 2 ns more (11.9 against 14.0 ns, medians
	// of eight interleaved rounds of BenchmarkCallSoon/Loop/single), too
	// large to inline with Step's call inside.
	for limit := end + postedBurst; s.in.Head() < end ||
		(s.in.Head() < limit && len(s.ready) == 0 && !stop.Load()); {
		w, pos, ok := s.in.Pop()
		if !ok {
			break
		}
		id := postedID(pos)
		s.ran[1] = id
		if c.n.Load() != 0 && c.Take(id) {
			continue
		}
		if w.t != nil {
			if w.t.Step(&s.coros) == task.Requeue {
				s.requeue(w.t)
			}
		} else {
			w.fn()
		}
	}
	normal = true
	return true
}

// pollEvery is how many iterations in a row, without a park, run before
// the loop polls its I/O without waiting: asyncio polls in each one, but a
// poll is a system call, and a busy loop's iterations may be short.
const pollEvery = 8

// postedBurst bounds how many entries posted after an iteration began
// runPosted takes in that iteration, so that timers are still looked at.
const postedBurst = 1024

// intakeCap bounds how many posted entries one iteration takes from the
// backlog that was there when it began, so that a due timer waits behind
// at most intakeCap+postedBurst posted callbacks however fast goroutines
// post: with no cap, a 300 ms Sleep took 1.2 s while 64 goroutines posted
// (TestTimersRunUnderAFloodOfPosts counts what ran ahead of a due timer).
const intakeCap = 4096

// writtenNaps is how many naps in a row the loop takes for an entry that
// is being written before it parks instead.
//
// A position reserved but not yet written, when the loop is about to park,
// means a poster is mid-post, likely in a stream: the loop naps (without
// announcing it, so posters need not unpark it) and looks again, and
// meanwhile the stream runs ahead, so that the loop then takes a long
// batch. A single poster's stream cost 17 ns a post this way, against
// 25-29 for napping only on an unwritten head entry and 45 for spinning
// (BenchmarkCallSoonThreadsafe/Loop/single). After writtenNaps naps
// (about 100 us) the poster was preempted before its stamp: the loop parks
// and gives it the processor (it has yet to read the announcement, so it
// unparks the loop), with a runtime timer as backstop.
const writtenNaps = 8

// inFlightNap is the nap the loop takes for an entry being written (see
// writtenNaps).
const inFlightNap = time.Microsecond

// writtenBackstop bounds the park after writtenNaps naps.
const writtenBackstop = time.Millisecond

// fireDue queues the timers that are due.
func (s *single) fireDue() {
	for _, tm := range s.drv.Due() {
		s.seq++
		s.ready = append(s.ready, entry{fn: tm.Fire, id: localID(s.seq)})
	}
}

// drainUpTo moves at most n posted callbacks to the ready queue, oldest
// first, stopping early at an entry still being written (the iteration
// takes it).
func (s *single) drainUpTo(n uint64) {
	if s.in.Reserved() {
		s.drainTo(min(s.in.Tail(), s.in.Head()+n))
	}
}

// drainInbox moves posted callbacks to the ready queue. It is called before
// anything is appended to the ready queue on the loop (CallSoon, a task's
// requeue after a yield), so that what a step scheduled through the
// thread-safe paths (CreateTask, wakes of tasks awaiting a future it
// completed) still goes ahead of what it schedules locally: asyncio's FIFO
// order, kept without knowing which thread posted. It costs an atomic load
// when the inbox is empty. It is not called after every callback: that
// would pull the posters' cache line across cores once per callback while
// another goroutine posts in a stream, and posted items wait for the next
// iteration anyway.
func (s *single) drainInbox() {
	if s.in.Reserved() {
		s.drainAll()
	}
}

// drainAll is drainInbox's slow path, apart so that the check inlines. It
// takes the entries reserved when it started, and no more: a goroutine
// posting in a stream would otherwise keep it taking for ever. It waits
// for an entry being written, since FIFO order depends on taking it.
func (s *single) drainAll() {
	for end := s.in.Tail(); !s.drainTo(end); {
		runtime.Gosched()
	}
}

// drainTo moves posted entries to the ready queue until the inbox's head
// reaches end, and reports whether it did; false means the entry at the
// head is still being written. An entry from before the current
// iteration's end is owed to this iteration (see runOwed).
func (s *single) drainTo(end uint64) bool {
	for s.in.Head() < end {
		w, pos, ok := s.in.Pop()
		if !ok {
			return false
		}
		if pos < s.iterEnd && s.owed == len(s.ready) {
			s.owed++
		}
		s.ready = append(s.ready, entry{fn: w.fn, t: w.t, id: postedID(pos)})
	}
	return true
}

// CallSoon queues fn behind what is ready: for code on the loop's thread
// while the loop runs.
func (s *single) CallSoon(fn func()) Handle {
	// What this step posted (a CreateTask, say) was scheduled first.
	s.drainInbox()
	s.seq++
	id := localID(s.seq)
	s.ready = append(s.ready, entry{fn: fn, id: id})
	return Handle{c: s.cancels, id: id}
}

// requeue puts a task that yielded back at the end of the ready queue.
func (s *single) requeue(t *task.Task) {
	s.drainInbox() // what the step scheduled goes before its own requeue
	s.seq++
	s.ready = append(s.ready, entry{t: t, id: localID(s.seq)})
}

func (s *single) CallSoonThreadsafe(fn func()) Handle {
	pos := s.in.Push(work{fn: fn})
	s.drv.Unpark()
	return Handle{c: s.cancels, id: postedID(pos)}
}

func (s *single) Submit(fn func()) {
	s.in.Push(work{fn: fn})
	s.drv.Unpark()
}

// Start queues a new task's first step, from any goroutine.
func (s *single) Start(t *task.Task) {
	s.in.Push(work{t: t})
	s.drv.Unpark()
}

// StartTasks queues ts, in order, with one wakeup.
func (s *single) StartTasks(ts []*task.Task) {
	for _, t := range ts {
		s.in.Push(work{t: t})
	}
	s.drv.Unpark()
}

// Stop ends the run after the current batch, which holds every callback
// posted before the stop callback (see loop.RunUntilComplete).
func (s *single) Stop(stop *atomic.Bool) { stop.Store(true) }

func (s *single) Unpark() { s.drv.Unpark() }

func (s *single) Wake(t *task.Task) {
	// waking covers the window between the claim and the post: a wake
	// from another goroutine (a context's AfterFunc) that has claimed the
	// task but not yet posted it must keep virtual time from jumping.
	s.waking.Add(1)
	if t.ClaimWake() {
		s.in.Push(work{t: t})
		s.drv.Unpark()
	}
	if s.waking.Add(-1) == 0 && s.drv.Virtual {
		s.drv.Unpark() // Park may be waiting for this wake to end
	}
}

// OnLoopThread reports whether the caller runs on the loop's thread; where
// the OS gives no thread id, it cannot tell and reports true.
func (s *single) OnLoopThread() bool { return s.tid == 0 || osthread.ID() == s.tid }

// OnBodyThread reports whether the caller runs on the loop's thread, which
// runs every body; where the OS gives no thread id, it cannot tell and
// reports false.
func (s *single) OnBodyThread() bool { return s.tid != 0 && osthread.ID() == s.tid }

// EagerCoros returns the loop goroutine's cache when the caller is on the
// loop's thread: a locked thread runs only its goroutine and the
// coroutines that goroutine resumes, so the caller is one of them and the
// loop goroutine waits in lockstep while it runs.
//
// Asking the OS for the thread costs a system call (1.4 against 0.22 µs a
// task with EagerStart in BenchmarkCoroutineCreateRun/Loop/single), so a
// task body is first recognised more cheaply: bodies run only while their
// loop runs, so a body calling while this loop is the only one running in
// the process is this loop's, and the one it is stepping.
func (s *single) EagerCoros() *task.Coros {
	if task.OnBody() && s.inRun.Load() && runningLoops.Load() == 1 {
		return &s.coros
	}
	if s.OnBodyThread() {
		return &s.coros
	}
	return nil
}

// runningLoops counts the engines of the process that are running, and
// those reclaiming coroutines parked by a Goexit: only then do task bodies
// run (see EagerCoros).
var runningLoops atomic.Int32

// running marks an engine's run, for runningLoops and its own flag; the
// returned function ends the mark.
func running(flag *atomic.Bool) func() {
	runningLoops.Add(1)
	flag.Store(true)
	return func() {
		flag.Store(false)
		runningLoops.Add(-1)
	}
}
